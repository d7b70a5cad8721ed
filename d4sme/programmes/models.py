"""Support programmes, their instruments, calls, applications, cohorts and participation."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from d4sme.core.models import TimestampedModel
from d4sme.registry.models import Economy, Organisation, Term

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]


class GovernmentLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    LOCAL = "local", _("Local")


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    # Known only from a past document (such as a 2007 list of examples) that says nothing of
    # whether it still runs; never recommended to a firm.
    HISTORICAL = "historical", _("Historical record")
    UNKNOWN = "unknown", _("Unknown")


# Programmes that a firm can no longer take part in, or cannot be told it can.
NOT_RECOMMENDED_STATUSES = (ProgrammeStatus.ENDED, ProgrammeStatus.HISTORICAL)


class CurationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with notes")
    PUBLISHED = "published", _("Published")


class BudgetBand(models.TextChoices):
    """STIP Compass's yearly budget ranges, in euros."""

    UNDER_1M = "lt1m", _("Less than €1 million")
    FROM_1M = "1m-5m", _("€1-5 million")
    FROM_5M = "5m-20m", _("€5-20 million")
    FROM_20M = "20m-50m", _("€20-50 million")
    FROM_50M = "50m-100m", _("€50-100 million")
    FROM_100M = "100m-500m", _("€100-500 million")
    OVER_500M = "gt500m", _("More than €500 million")
    UNKNOWN = "unknown", _("Not known")


class Programme(TimestampedModel):
    """A support programme (initiative); its instruments say how it supports firms."""

    code = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    original_language = models.CharField(_("original language"), max_length=8, default="en")
    original_name = models.CharField(_("name in the original language"), max_length=300, blank=True)
    translations = models.JSONField(_("translated names"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_translations = models.JSONField(
        _("translated descriptions"), default=dict, blank=True
    )
    economy = models.ForeignKey(
        Economy,
        verbose_name=_("economy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    government_level = models.CharField(
        _("government level"),
        max_length=10,
        choices=GovernmentLevel.choices,
        default=GovernmentLevel.NATIONAL,
    )
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes_responsible",
    )
    co_implementers = models.ManyToManyField(
        Organisation,
        verbose_name=_("co-implementing organisations"),
        blank=True,
        related_name="programmes_co_implemented",
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.UNKNOWN
    )
    budget_amount = models.DecimalField(
        _("budget"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(_("budget currency"), max_length=3, blank=True)
    budget_year = models.PositiveSmallIntegerField(
        _("budget year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    budget_band = models.CharField(
        _("yearly budget band"),
        max_length=10,
        choices=BudgetBand.choices,
        default=BudgetBand.UNKNOWN,
    )
    classifications = models.ManyToManyField(
        Term,
        verbose_name=_("classifications"),
        blank=True,
        related_name="programmes",
        help_text=_("Themes, categories, target groups, technologies and barriers addressed."),
    )
    eligibility = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    eligibility_stated = models.BooleanField(
        _("eligibility stated by the source"),
        default=True,
        help_text=_(
            "Clear this when the programme's source does not say which firms may take part; "
            "no firm is then shown as eligible."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    evaluated = models.BooleanField(_("has been evaluated"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    curation_status = models.CharField(
        _("curation status"),
        max_length=10,
        choices=CurationStatus.choices,
        default=CurationStatus.DRAFT,
        db_index=True,
    )
    curation_note = models.TextField(_("curator's note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="programme_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["curation_status", "economy"], name="programme_public_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Return the name in the active language, falling back to English."""
        return self.translations.get((get_language() or "en")[:2], self.name)

    @property
    def description_label(self) -> str:
        """Return the description in the active language, falling back to English."""
        return self.description_translations.get((get_language() or "en")[:2], self.description)

    @property
    def is_published(self) -> bool:
        return self.curation_status == CurationStatus.PUBLISHED


class Instrument(models.Model):
    """How a programme supports firms: a grant, a loan, advice, a wage subsidy..."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="instruments")
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=300)
    type = models.ForeignKey(
        Term,
        verbose_name=_("instrument type"),
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    budget_amount = models.DecimalField(
        _("budget"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_instrument_code")
        ]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name


class EvaluationDocument(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="evaluations")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation document")
        verbose_name_plural = _("evaluation documents")

    def __str__(self) -> str:
        return self.title


class OverlapDecision(TimestampedModel):
    """An analyst's verdict on a candidate overlap between two programmes."""

    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed overlap")
        DISMISSED = "dismissed", _("Dismissed")

    first = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    score = models.FloatField(_("score when decided"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_overlap_pair"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="overlap_pair_ordered"
            ),
        ]
        verbose_name = _("overlap decision")
        verbose_name_plural = _("overlap decisions")

    def __str__(self) -> str:
        return f"{self.first} / {self.second}: {self.get_verdict_display()}"


class Call(TimestampedModel):
    """A window in which firms may apply to a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="call_closes_after_it_opens"
            )
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Wait-listed")
    REJECTED = "rejected", _("Rejected")


class Application(TimestampedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="applications"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    motivation = models.TextField(_("what the firm wants to achieve"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    reason = models.TextField(_("reason for the decision"), blank=True)
    eligibility = models.JSONField(_("eligibility when applying"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"], name="one_application_per_call"
            )
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.call}"


class Cohort(TimestampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class Participation(TimestampedModel):
    """A firm's time in a cohort, the support it received and its outcomes."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participations")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="participation"
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    support_hours = models.DecimalField(
        _("hours of support"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    support_amount = models.DecimalField(
        _("support received (money)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    support_currency = models.CharField(_("currency"), max_length=3, blank=True)
    sales_before = models.DecimalField(
        _("sales before"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    sales_after = models.DecimalField(
        _("sales after"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    employment_before = models.PositiveIntegerField(
        _("persons employed before"), null=True, blank=True
    )
    employment_after = models.PositiveIntegerField(
        _("persons employed after"), null=True, blank=True
    )
    still_operating = models.BooleanField(_("still operating"), null=True, blank=True)

    class Meta:
        ordering = ["cohort", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="participation_ends_after_it_starts",
            )
        ]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.application.organisation} in {self.cohort}"
