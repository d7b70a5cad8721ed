"""SME digitalisation experiences: cases, their support and outcomes, and their moderation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from d4sme.core.models import TimestampedModel
from d4sme.programmes.models import Programme
from d4sme.registry.models import Economy, Organisation, SizeClass, Term


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with notes")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Period(models.TextChoices):
    BEFORE_2020 = "before-2020", _("Before 2020")
    COVID_19 = "covid-19", _("COVID-19 crisis (2020-2021)")
    RECOVERY = "recovery", _("Recovery (2022-2024)")
    RECENT = "recent", _("Since 2025")


class Case(TimestampedModel):
    """One firm's experience of going digital, told by the firm or written by an analyst.

    The firm is either a registered organisation or an anonymised profile (economy, sector,
    size class, women-led, youth-led), which is all that is shown when ``anonymised`` is set.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    anonymised = models.BooleanField(_("show an anonymised profile only"), default=True)
    economy = models.ForeignKey(
        Economy, verbose_name=_("economy"), on_delete=models.PROTECT, related_name="cases"
    )
    isic_section = models.CharField(_("sector (ISIC section)"), max_length=1)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices)
    women_led = models.BooleanField(_("women-led"), default=False)
    youth_led = models.BooleanField(_("youth-led"), default=False)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    language = models.CharField(_("language written in"), max_length=8)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    preconditions = models.TextField(_("the firm before"), blank=True)
    challenges = models.TextField(_("challenges"))
    solutions = models.TextField(_("solutions"))
    support = models.TextField(_("support used: what worked and what did not"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    outcomes_text = models.TextField(
        _("outcomes: what changed for the firm"),
        blank=True,
        help_text=_("In words; the measured outcomes go in the table below."),
    )
    technologies = models.ManyToManyField(
        Term, through="CaseTechnology", related_name="cases_adopting", blank=True
    )
    barriers = models.ManyToManyField(
        Term, verbose_name=_("barriers"), related_name="cases_facing", blank=True
    )
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programmes used"), related_name="cases", blank=True
    )
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_("{language: {field: text}}")
    )
    consent = models.BooleanField(_("consent to publish"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="cases",
    )
    featured = models.BooleanField(_("featured story"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    search_text = models.TextField(editable=False, default="")
    embedding = models.BinaryField(editable=False, null=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # The list without a query: featured first, then the latest.
            models.Index(
                fields=["status", "-featured", "-published_at", "-id"], name="case_listing_idx"
            ),
            # The latest change tells whether cached facet counts still hold.
            models.Index(fields=["updated_at"], name="case_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(consent=True),
                name="published_cases_have_consent",
            )
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == CaseStatus.PUBLISHED


class CaseTechnology(models.Model):
    """A technology of the case's pathway, in the order the firm adopted them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pathway")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "term"], name="one_pathway_step_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.term}"


class Outcome(models.Model):
    class Measure(models.TextChoices):
        SALES = "sales", _("Sales")
        EMPLOYEES = "employees", _("Persons employed")
        ONLINE_SHARE = "online-sales-share", _("Share of sales online")
        TIME_SAVED = "time-saved-hours-week", _("Hours saved per week")
        ORDERS = "orders-per-week", _("Orders per week")
        DEFECTS = "defect-rate", _("Defect rate")
        ENERGY = "energy-cost", _("Energy cost")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.CharField(_("measure"), max_length=24, choices=Measure.choices)
    before = models.FloatField(_("before"), null=True, blank=True)
    after = models.FloatField(_("after"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=24, blank=True)

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.before} → {self.after} {self.unit}"


class Media(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video link")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    url = models.URLField(_("address"))
    caption = models.CharField(_("caption"), max_length=300, blank=True)

    def __str__(self) -> str:
        return self.caption or self.url


class CaseEvent(models.Model):
    """A moderation step: who moved the case from what to what, and the note they left."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=10, choices=CaseStatus.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
