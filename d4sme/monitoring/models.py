"""Strategic-plan frameworks, annual reporting by member economies, targets, reviews, proposals.

A framework (a plan, versioned) has priority areas, objectives and indicators; an indicator
may serve several objectives or none (a general indicator). Each economy reports a cycle (one
period) in a submission: draft → submitted → returned with notes / approved; an approved
submission's values are locked. Every change to a value is kept in its history.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from d4sme.core.models import TimestampedModel
from d4sme.registry.models import Economy, EconomyGroup, Organisation, Term


class Framework(TimestampedModel):
    """A strategic plan in one version; a revised plan is a new framework row."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=16)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    owner = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, null=True, blank=True
    )
    economies = models.ForeignKey(
        EconomyGroup,
        verbose_name=_("reporting economies"),
        on_delete=models.PROTECT,
        help_text=_("The grouping whose members report on the plan."),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    vision = models.TextField(_("vision"), blank=True)
    reporting_note = models.TextField(_("how economies report"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    review_schedule = models.JSONField(
        _("reviews planned"),
        default=list,
        blank=True,
        help_text=_('For example [{"kind": "midterm", "year": 2022, "by": "the Chair"}].'),
    )
    is_public = models.BooleanField(
        _("dashboards are public"),
        default=True,
        help_text=_("Otherwise only signed-in focal points, analysts and administrators see them."),
    )

    class Meta:
        ordering = ["-start_year", "code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="framework_years_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PriorityArea(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="priority_areas"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    term = models.ForeignKey(
        Term,
        verbose_name=_("vocabulary term"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The term programmes are classified under for this priority area."),
    )
    success_factors = models.TextField(_("specific success factors"), blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="unique_priority_number")
        ]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Objective(models.Model):
    priority_area = models.ForeignKey(
        PriorityArea, on_delete=models.CASCADE, related_name="objectives"
    )
    code = models.CharField(_("code"), max_length=16)
    name = models.TextField(_("objective"))

    class Meta:
        ordering = ["priority_area", "code"]
        constraints = [
            models.UniqueConstraint(fields=["priority_area", "code"], name="unique_objective_code")
        ]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Measure(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENTAGE = "percentage", _("Percentage")
    MONEY = "money", _("Money")
    QUALITATIVE = "qualitative", _("Qualitative")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum across economies")
    MEAN = "mean", _("Mean across economies")
    WEIGHTED = "weighted", _("Weighted mean across economies")
    NONE = "none", _("Not aggregable")


class Dimension(models.TextChoices):
    """Disaggregations; each has a fixed list of categories (see CATEGORIES)."""

    SEX = "sex", _("Owner's sex")
    YOUTH = "youth", _("Youth")
    SIZE = "size", _("Firm size class")
    SECTOR = "sector", _("Sector (ISIC section)")
    REGION = "region", _("Region")
    RURAL = "rural", _("Rural or urban")


# Categories of each dimension; the exhaustive ones must add up to the total when all are given.
CATEGORIES: dict[str, list[str]] = {
    "sex": ["female", "male"],
    "youth": ["youth", "other"],
    "size": ["micro", "small", "medium"],
    "sector": list("ABCDEFGHIJKLMNOPQRSTU"),
    "rural": ["rural", "urban"],
}
EXHAUSTIVE = {"sex", "youth", "size", "rural"}
# The longest code of a breakdown dimension and of one of its categories.
DIMENSION_CODE_LENGTH = 8
CATEGORY_CODE_LENGTH = 16


def dimension_label(code: str) -> str:
    """Return the name of a breakdown dimension: the built-in one's, or else its code (a
    framework's own dimension, see :class:`Breakdown`)."""
    return str(Dimension(code).label) if code in Dimension.values else code


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=16)
    name = models.TextField(_("name"))
    definition = models.TextField(_("definition"), blank=True)
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("objectives served"), blank=True, related_name="indicators"
    )
    group = models.CharField(
        _("group of general indicators"),
        max_length=120,
        blank=True,
        help_text=_("For a general indicator, which serves the plan rather than one objective."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    measure = models.CharField(_("measure type"), max_length=12, choices=Measure.choices)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(
        _("aggregation across economies"),
        max_length=8,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    disaggregations = models.JSONField(
        _("disaggregations"), default=list, blank=True, help_text=_("Dimension codes.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    periodicity = models.CharField(_("periodicity"), max_length=16, default="annual")
    minimum = models.FloatField(_("lowest valid value"), null=True, blank=True)
    maximum = models.FloatField(_("highest valid value"), null=True, blank=True)
    derived_from = models.CharField(
        _("computed from the platform's data"),
        max_length=40,
        blank=True,
        help_text=_("Key of the platform computation shown beside the reported value."),
    )

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_indicator_code")
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_qualitative(self) -> bool:
        return self.measure == Measure.QUALITATIVE


class Breakdown(models.Model):
    """A breakdown dimension a framework defines itself, with its code list: for example
    Eurostat's enterprise size classes (10-49, 50-249, GE250, 10-249, GE10).

    ``additive`` says whether its categories add up to the total; overlapping classes such
    as 10-249 and GE10 do not.
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="breakdowns")
    code = models.CharField(_("code"), max_length=DIMENSION_CODE_LENGTH)
    name = models.CharField(_("name"), max_length=200)
    # A list rather than an object: PostgreSQL's jsonb does not keep the order of keys.
    categories = models.JSONField(
        _("categories"), default=list, help_text=_("[code, label] of each category, in order.")
    )
    additive = models.BooleanField(_("categories add up to the total"), default=False)

    class Meta:
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_breakdown_code")
        ]
        verbose_name = _("breakdown dimension")
        verbose_name_plural = _("breakdown dimensions")

    def __str__(self) -> str:
        return self.name

    @property
    def codes(self) -> list[str]:
        """Return the codes of the categories, in order."""
        return [code for code, _label in self.categories]


class ReportingCycle(TimestampedModel):
    """One period's reporting round: economies enter values between its open and close dates."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="cycles")
    period = models.PositiveSmallIntegerField(_("year reported"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("Submissions after it are late."))

    class Meta:
        ordering = ["framework", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "period"], name="unique_cycle_period"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="cycle_closes_after_opening"
            ),
        ]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")

    def __str__(self) -> str:
        return f"{self.framework.name} {self.period}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with notes")
    APPROVED = "approved", _("Approved")


class Submission(TimestampedModel):
    """An economy's report for one cycle; its values are editable until approval."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="submissions")
    economy = models.ForeignKey(Economy, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    note = models.TextField(_("latest note from the analysts"), blank=True)

    class Meta:
        ordering = ["cycle", "economy"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "economy"], name="unique_submission"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="approved_submission_has_date",
            ),
        ]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.economy} · {self.cycle}"

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

    @property
    def is_late(self) -> bool:
        """Whether it was first submitted after its cycle closed (in the site's time zone)."""
        if self.submitted_at is None:
            return False
        return timezone.localdate(self.submitted_at) > self.cycle.closes_on


class SubmissionEvent(models.Model):
    """One move of a submission through the workflow, with its note."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=SubmissionStatus.choices)
    to_status = models.CharField(max_length=10, choices=SubmissionStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.from_status} → {self.to_status}"


class Question(TimestampedModel):
    """An analyst's question about a report (or one indicator of it), and its thread.

    Focal points and analysts answer in the thread while it is open; once an analyst
    resolves it, it is closed.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="questions")
    indicator = models.ForeignKey(
        "Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a question about the report as a whole."),
    )
    text = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submission", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="resolved_question_says_by_whom",
            )
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.submission}: {self.text[:40]}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Answer(models.Model):
    """One message in a question's thread."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["question", "at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.text[:40]}"


class Flag(models.TextChoices):
    """The observation status a reporter gives a value (SDMX OBS_STATUS codes in brackets)."""

    NONE = "", _("Normal")
    ESTIMATED = "E", _("Estimated")
    PROVISIONAL = "P", _("Provisional")
    NOT_AVAILABLE = "M", _("Not available")
    NOT_APPLICABLE = "Z", _("Not applicable")
    NOT_COLLECTED = "L", _("Not collected")


# Statuses that stand for a value instead of giving one: the value and text stay empty.
MISSING_FLAGS = (Flag.NOT_AVAILABLE, Flag.NOT_APPLICABLE, Flag.NOT_COLLECTED)


class Value(models.Model):
    """One reported value: an economy's indicator in a period, in total or for one category.

    ``dimension`` and ``category`` are both empty for the total. Economy and period repeat
    the submission's so that series read by index, without joins.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    economy = models.ForeignKey(Economy, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(_("period"))
    # A built-in dimension (Dimension) or one of the framework's own (Breakdown).
    dimension = models.CharField(_("disaggregation"), max_length=8, blank=True)
    category = models.CharField(_("category"), max_length=16, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    text = models.TextField(_("qualitative value"), blank=True)
    flag = models.CharField(_("status"), max_length=1, choices=Flag.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    review_note = models.TextField(
        _("analyst's note"),
        blank=True,
        help_text=_("Why the value was returned; cleared when it changes."),
    )
    attachment = models.FileField(_("evidence"), upload_to="monitoring/evidence/", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["indicator", "economy", "period", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "dimension", "category"], name="unique_value"
            ),
            models.CheckConstraint(
                condition=Q(dimension="", category="") | (~Q(dimension="") & ~Q(category="")),
                name="value_category_needs_dimension",
            ),
            models.CheckConstraint(
                condition=~Q(flag__in=["M", "Z", "L"]) | Q(value__isnull=True, text=""),
                name="missing_value_is_empty",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "economy", "period"])]
        verbose_name = _("value")
        verbose_name_plural = _("values")

    def __str__(self) -> str:
        key = f"{self.dimension}={self.category}" if self.dimension else _("total")
        return f"{self.indicator.code} {self.economy_id} {self.period} {key}"

    @property
    def display(self) -> str:
        if self.flag in MISSING_FLAGS:
            return str(self.get_flag_display())
        if self.value is not None:
            return f"{self.value:,.10g}"
        return self.text


class Target(models.Model):
    """A baseline and a target for an indicator, for one economy or (economy empty) the region."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    economy = models.ForeignKey(
        Economy,
        verbose_name=_("economy"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty for the whole region."),
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_value = models.FloatField(_("baseline value"))
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "economy"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "economy"], name="unique_target"),
            models.UniqueConstraint(
                fields=["indicator"], condition=Q(economy__isnull=True), name="unique_region_target"
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True, target_value__isnull=True)
                | Q(target_year__gt=models.F("baseline_year"), target_value__isnull=False),
                name="target_after_baseline",
            ),
        ]
        verbose_name = _("baseline and target")
        verbose_name_plural = _("baselines and targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.economy_id or _('region')}"


class ReviewKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term review")
    FINAL = "final", _("Final review")


class Review(TimestampedModel):
    """A review pack drawn from a frozen snapshot of the data; analysts write its narrative."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=8, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    snapshot_id = models.CharField(_("snapshot identifier"), max_length=24, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["framework", "-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return self.title


class ReviewSection(models.Model):
    """Narrative for one priority area of a review (or, with none, its overview)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sections")
    priority_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, null=True, blank=True)
    body = models.TextField(_("narrative"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "priority_area"], name="unique_review_section"
            ),
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(priority_area__isnull=True),
                name="unique_review_overview",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.priority_area or 'overview'}"


class Proposal(TimestampedModel):
    """A project proposal to the working group, ranked by its link to the plan."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    proponent = models.ForeignKey(
        Economy, verbose_name=_("proposing economy"), on_delete=models.PROTECT
    )
    objectives = models.TextField(_("objectives"))
    description = models.TextField(_("description"))
    priority_areas = models.ManyToManyField(
        PriorityArea, verbose_name=_("declared priority areas"), blank=True
    )
    budget = models.DecimalField(
        _("budget (USD)"), max_digits=12, decimal_places=0, validators=[MinValueValidator(0)]
    )
    economies_involved = models.PositiveSmallIntegerField(
        _("economies involved"), default=1, validators=[MinValueValidator(1), MaxValueValidator(21)]
    )
    has_indicators = models.BooleanField(_("states measurable outputs"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["framework", "title"]
        verbose_name = _("project proposal")
        verbose_name_plural = _("project proposals")

    def __str__(self) -> str:
        return self.title
