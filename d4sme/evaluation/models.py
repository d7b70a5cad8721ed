"""Evaluations of programmes: the plan, the firm-year outcomes they read, and each run's
results (matched pairs, balance, estimates, refutations and the evidence rating)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from d4sme.core.models import TimestampedModel
from d4sme.programmes.models import Programme
from d4sme.registry.models import Organisation


class Outcome(models.TextChoices):
    SALES = "sales", _("Sales")
    EMPLOYMENT = "employment", _("Persons employed")
    SURVIVAL = "survival", _("Survival (still operating)")
    MATURITY = "maturity_score", _("Digital maturity score (assessment)")


class Design(models.TextChoices):
    PSM_DID = "psm_did", _("Matched comparison with difference in differences")
    CS_STAGGERED = "cs_staggered", _("Staggered difference in differences (Callaway–Sant'Anna)")
    DESCRIPTIVE = "descriptive", _("Before and after, participants only (descriptive)")


class ControlGroup(models.TextChoices):
    NEVER = "nevertreated", _("Firms that never took part")
    NOT_YET = "notyettreated", _("Firms that never took part or had not yet started")


class Covariate(models.TextChoices):
    """What the propensity model and the balance table may look at, measured before entry."""

    OUTCOME_BEFORE = "outcome_before", _("The outcome in the year before entry")
    EMPLOYMENT_BEFORE = "employment_before", _("Persons employed in the year before entry")
    SALES_BEFORE = "sales_before", _("Sales in the year before entry")
    FIRM_AGE = "firm_age", _("Age of the firm at entry")
    WOMEN_LED = "women_led", _("Women-led")
    YOUTH_LED = "youth_led", _("Youth-led")
    RURAL = "rural", _("Rural")
    SECTOR = "sector", _("Sector (ISIC section)")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Results ready")
    FAILED = "failed", _("Failed")
    APPROVED = "approved", _("Approved and public")


class FirmOutcome(models.Model):
    """One firm's outcomes in one year, participants and non-participants alike.

    Keeping firms that closed (``operating`` false) in the panel lets survival be measured and
    keeps the comparison honest about attrition.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="outcomes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sales = models.DecimalField(_("sales"), max_digits=16, decimal_places=2, null=True, blank=True)
    employment = models.PositiveIntegerField(_("persons employed"), null=True, blank=True)
    operating = models.BooleanField(_("operating"), default=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_outcome_per_year")
        ]
        ordering = ["organisation_id", "year"]
        verbose_name = _("firm outcome")
        verbose_name_plural = _("firm outcomes")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"


class Evaluation(TimestampedModel):
    """The plan of an evaluation, fixed before it runs, and the summary of its latest run."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="impact_evaluations"
    )
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("evaluation question"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    design = models.CharField(_("design"), max_length=16, choices=Design.choices)
    covariates = models.JSONField(_("covariates"), default=list, blank=True)
    exact_sector = models.BooleanField(_("match exactly on sector"), default=False)
    caliper = models.FloatField(
        _("caliper (standard deviations of the score)"),
        null=True,
        blank=True,
        default=0.2,
        validators=[MinValueValidator(0.001), MaxValueValidator(5)],
    )
    ratio = models.PositiveSmallIntegerField(
        _("comparison firms per participant"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    replace = models.BooleanField(_("match with replacement"), default=False)
    horizon = models.PositiveSmallIntegerField(
        _("years after entry measured"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    control_group = models.CharField(
        _("comparison firms (staggered design)"),
        max_length=16,
        choices=ControlGroup.choices,
        default=ControlGroup.NEVER,
    )
    seed = models.PositiveIntegerField(_("random seed"), default=20240601)
    status = models.CharField(
        _("status"), max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    # What the run saw and did: pool definition, counts, library versions, options, refutations.
    comparison_pool = models.JSONField(_("comparison pool"), default=dict, blank=True)
    library_versions = models.JSONField(_("library versions"), default=dict, blank=True)
    summary = models.JSONField(_("run summary"), default=dict, blank=True)
    evidence_step = models.PositiveSmallIntegerField(
        _("evidence step (1-6)"), null=True, blank=True
    )
    evidence_criteria = models.JSONField(_("evidence criteria"), default=dict, blank=True)
    ran_at = models.DateTimeField(_("last run"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == EvaluationStatus.APPROVED

    @property
    def has_results(self) -> bool:
        return self.status in (EvaluationStatus.DONE, EvaluationStatus.APPROVED)


class MatchPair(models.Model):
    """One participant and one comparison firm it was matched to (a subclass per participant)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="pairs")
    treated = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    entry_year = models.PositiveSmallIntegerField(_("year of entry"))
    subclass = models.PositiveIntegerField(_("subclass"))
    control_weight = models.FloatField(_("weight of the comparison firm"))

    class Meta:
        ordering = ["evaluation", "subclass", "control_id"]

    def __str__(self) -> str:
        return f"{self.treated_id} ~ {self.control_id}"


class BalanceRow(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="balance")
    position = models.PositiveSmallIntegerField()
    covariate = models.CharField(_("covariate"), max_length=80)
    mean_treated_before = models.FloatField()
    mean_control_before = models.FloatField()
    smd_before = models.FloatField(_("standardised mean difference before"))
    var_ratio_before = models.FloatField(_("variance ratio before"), null=True)
    mean_treated_after = models.FloatField()
    mean_control_after = models.FloatField()
    smd_after = models.FloatField(_("standardised mean difference after"))
    var_ratio_after = models.FloatField(_("variance ratio after"), null=True)
    balanced = models.BooleanField(_("balanced"))

    class Meta:
        ordering = ["evaluation", "position"]

    def __str__(self) -> str:
        return self.covariate


class EffectEstimate(models.Model):
    class Aggregation(models.TextChoices):
        DID = "did", _("Difference in differences")
        BEFORE_AFTER = "before_after", _("Before and after (participants only)")
        GT = "gt", _("Cohort and year")
        SIMPLE = "simple", _("Overall")
        GROUP = "group", _("By cohort")
        DYNAMIC = "dynamic", _("By years since entry")
        CALENDAR = "calendar", _("By year")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="estimates")
    aggregation = models.CharField(max_length=16, choices=Aggregation.choices)
    overall = models.BooleanField(default=False)
    g = models.IntegerField(_("cohort"), null=True)
    t = models.IntegerField(_("year"), null=True)
    e = models.IntegerField(_("years since entry"), null=True)
    estimate = models.FloatField(_("estimate"))
    se = models.FloatField(_("standard error"), null=True)
    # xgettext:no-python-format
    ci_low = models.FloatField(_("95% interval, low"), null=True)
    # xgettext:no-python-format
    ci_high = models.FloatField(_("95% interval, high"), null=True)
    n_treated = models.PositiveIntegerField(_("participants"), null=True)
    n_control = models.PositiveIntegerField(_("comparison firms"), null=True)
    method = models.CharField(_("method"), max_length=40)

    class Meta:
        ordering = ["evaluation", "aggregation", "g", "t", "e", "id"]

    def __str__(self) -> str:
        return f"{self.aggregation} {self.estimate:.3f}"
