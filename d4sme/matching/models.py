"""Matching runs and their results: programmes recommended to firms, with the parts of each fit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from d4sme.programmes.models import Programme
from d4sme.registry.models import Organisation


class RunKind(models.TextChoices):
    PROGRAMMES = "programmes", _("Programme recommendations")
    YOUTH_JOBS = "youth-jobs", _("Young people and digital jobs")
    SUPPLIERS = "suppliers", _("Suppliers and buyers")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchRun(models.Model):
    """One computation of matches: what went in, how it was solved, what came out, and progress."""

    kind = models.CharField(_("kind"), max_length=16, choices=RunKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    params = models.JSONField(_("inputs"), default=dict, blank=True)
    seed = models.BigIntegerField(_("seed"), null=True, blank=True)
    solver = models.CharField(_("solver"), max_length=60, blank=True)
    solver_version = models.CharField(_("solver version"), max_length=40, blank=True)
    objective_value = models.FloatField(_("objective value"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="run_done_le_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def progress(self) -> int:
        """Return how far the run is, in percent."""
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class Recommendation(models.Model):
    """A programme a firm is eligible for, with its fit score and the parts that make it."""

    run = models.ForeignKey(
        MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programme_recommendations"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("fit score"))
    rank = models.PositiveIntegerField(_("rank"))
    parts = models.JSONField(_("parts of the score"), default=dict)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        ordering = ["organisation", "rank"]
        verbose_name = _("programme recommendation")
        verbose_name_plural = _("programme recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme"], name="one_recommendation_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="recommendation_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} for {self.organisation}"


class ProgrammeVector(models.Model):
    """The embedding of a programme's name and description, for the text part of the fit."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="+")
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()

    class Meta:
        verbose_name = _("programme embedding")
        verbose_name_plural = _("programme embeddings")

    def __str__(self) -> str:
        return str(self.programme)


# -- young people and SMEs' digital jobs ------------------------------------------------------


class Candidate(models.Model):
    """A young person looking for a digital job. Personal data: seen only by the person, the
    SMEs they applied to and the managers of the programmes those jobs belong to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_candidate"
    )
    display_name = models.CharField(_("name"), max_length=120)
    birth_date = models.DateField(_("date of birth"))
    skills = models.JSONField(_("digital skills"), default=list, blank=True)
    wishes = models.TextField(_("the work you are looking for"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.display_name

    def age_on(self, day) -> int:
        """Return the candidate's age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class JobPost(models.Model):
    """A digital job an SME offers, possibly with a programme's wage subsidy."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="job_posts"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("wage-subsidy programme"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    occupation = models.CharField(
        _("occupation (ISCO-08 code)"),
        max_length=4,
        help_text=_("The ISCO-08 group, for example 2512 for software developers."),
    )
    digital_skills = models.JSONField(_("digital skills"), default=list, blank=True)
    slots = models.PositiveSmallIntegerField(_("places"))
    monthly_wage = models.DecimalField(_("monthly wage"), max_digits=12, decimal_places=2)
    subsidy_applies = models.BooleanField(_("the programme's wage subsidy applies"), default=True)
    posted_on = models.DateField(_("posted on"))
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-posted_on", "-id"]
        verbose_name = _("job post")
        verbose_name_plural = _("job posts")
        constraints = [
            models.CheckConstraint(condition=Q(slots__gte=1), name="job_has_a_place"),
            models.CheckConstraint(
                condition=Q(occupation__regex=r"^[0-9]{1,4}$"), name="job_isco_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"


class JobApplication(models.Model):
    """A candidate's application to a job, with the place the job has on their list."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    job = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="applications")
    rank = models.PositiveSmallIntegerField(_("rank on your list"))
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        ordering = ["candidate", "rank", "id"]
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "job"], name="one_job_application"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.job}"


class SubsidyBudget(models.Model):
    """What a programme may spend on wage subsidies in a year, and what one hire costs it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget"), max_digits=16, decimal_places=2)
    per_hire = models.DecimalField(_("subsidy per hire"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("subsidy budget")
        verbose_name_plural = _("subsidy budgets")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="one_budget_a_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(per_hire__gt=0), name="budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class JobMatch(models.Model):
    """A candidate proposed for a job by a run, with the fit and whether the subsidy pays."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="job_matches")
    job = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="matches")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="matches")
    fit = models.FloatField(_("fit"))
    subsidised = models.BooleanField(_("subsidised"))
    status = models.CharField(
        _("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )

    class Meta:
        ordering = ["run", "job", "-fit"]
        verbose_name = _("job match")
        verbose_name_plural = _("job matches")
        constraints = [
            models.UniqueConstraint(fields=["run", "candidate"], name="one_job_per_candidate_run")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.job}"


# -- suppliers and buyers ---------------------------------------------------------------------


class SupplierNeed(models.Model):
    """What a large firm wants from suppliers, and how much of it one supplier may hold."""

    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="supplier_needs")
    title = models.CharField(_("title"), max_length=200)
    isic_division = models.CharField(_("sector (ISIC Rev.4 division)"), max_length=2)
    capabilities = models.JSONField(_("capabilities wanted"), default=list, blank=True)
    region = models.CharField(_("region (ISO 3166-2 code)"), max_length=10, blank=True)
    suppliers_wanted = models.PositiveSmallIntegerField(_("suppliers wanted"), default=2)
    volume = models.PositiveIntegerField(_("volume a year (units)"))
    max_share = models.FloatField(
        _("largest share one supplier may hold"),
        help_text=_("Between 0 and 1; 0.5 means no supplier provides more than half."),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supplier need")
        verbose_name_plural = _("supplier needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_share__gt=0) & Q(max_share__lte=1), name="need_share_0_1"
            ),
            models.CheckConstraint(condition=Q(volume__gte=1), name="need_has_volume"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.buyer})"


class SupplierOffer(models.Model):
    """What an SME can supply: capabilities, certifications and capacity."""

    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="supplier_offers"
    )
    title = models.CharField(_("title"), max_length=200)
    isic_division = models.CharField(_("sector (ISIC Rev.4 division)"), max_length=2)
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    region = models.CharField(_("region (ISO 3166-2 code)"), max_length=10, blank=True)
    capacity = models.PositiveIntegerField(_("capacity a year (units)"))
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supplier offer")
        verbose_name_plural = _("supplier offers")

    def __str__(self) -> str:
        return f"{self.title} ({self.supplier})"


class SupplierRelationship(models.Model):
    """What a supplier already sells to a buyer each year, from which shares and HHI follow."""

    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    volume = models.PositiveIntegerField(_("volume a year (units)"))
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier relationship")
        verbose_name_plural = _("supplier relationships")
        constraints = [
            models.UniqueConstraint(fields=["buyer", "supplier"], name="one_relationship_a_pair")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.buyer}"


class SupplierPair(models.Model):
    """A supplier offer proposed for a need by a run, which both sides accept or decline."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="supplier_pairs")
    need = models.ForeignKey(SupplierNeed, on_delete=models.CASCADE, related_name="pairs")
    offer = models.ForeignKey(SupplierOffer, on_delete=models.CASCADE, related_name="pairs")
    volume = models.PositiveIntegerField(_("volume proposed"))
    fit = models.FloatField(_("fit"))
    buyer_status = models.CharField(
        max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    supplier_status = models.CharField(
        max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )

    class Meta:
        ordering = ["run", "need", "-fit"]
        verbose_name = _("proposed supplier")
        verbose_name_plural = _("proposed suppliers")
        constraints = [
            models.UniqueConstraint(fields=["run", "need", "offer"], name="one_pair_a_run")
        ]

    def __str__(self) -> str:
        return f"{self.offer} → {self.need}"

    @property
    def status(self) -> str:
        """Accepted once both sides accept; declined once either declines."""
        sides = {self.buyer_status, self.supplier_status}
        if MatchStatus.DECLINED in sides:
            return MatchStatus.DECLINED
        if sides == {MatchStatus.ACCEPTED}:
            return MatchStatus.ACCEPTED
        return MatchStatus.PROPOSED

    @property
    def status_label(self) -> str:
        return MatchStatus(self.status).label


class PairEvent(models.Model):
    """One side's answer to a proposed pair: the pair's history."""

    pair = models.ForeignKey(SupplierPair, on_delete=models.CASCADE, related_name="events")
    side = models.CharField(
        max_length=8, choices=[("buyer", _("Buyer")), ("supplier", _("Supplier"))]
    )
    action = models.CharField(max_length=10, choices=MatchStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pair", "at", "id"]
        verbose_name = _("pair event")
        verbose_name_plural = _("pair events")

    def __str__(self) -> str:
        return f"{self.pair}: {self.side} {self.action}"
