"""Instruments, their versions, responses with their scores, peer benchmarks and imports."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from d4sme.core.models import TimestampedModel
from d4sme.programmes.models import Participation
from d4sme.registry.models import Organisation

from .instruments import Definition, parse, pick
from .instruments import checksum as definition_checksum


class Instrument(models.Model):
    """A questionnaire; its content lives in versions, one of which is current."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.JSONField(_("name by language"), default=dict)
    description = models.JSONField(_("description by language"), default=dict)

    class Meta:
        ordering = ["code"]
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self.name) or self.code

    @property
    def summary(self) -> str:
        return pick(self.description)

    def current_version(self) -> "InstrumentVersion | None":
        return self.versions.order_by("-number").first()


class InstrumentVersion(models.Model):
    """An instrument's definition as loaded from its data file; immutable once answered."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(_("checksum"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="one_row_per_version")
        ]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")

    def __str__(self) -> str:
        return f"{self.instrument_id} v{self.number}"

    def save(self, *args, **kwargs):
        self.checksum = definition_checksum(self.definition)
        if self.pk is not None:
            stored = InstrumentVersion.objects.filter(pk=self.pk).values_list("checksum", flat=True)
            if stored and stored[0] != self.checksum and self.responses.exists():
                raise ValidationError(
                    _(
                        "Version %(number)s of %(code)s has responses and cannot change; "
                        "give the changed file a new version number."
                    )
                    % {"number": self.number, "code": self.instrument_id}
                )
        super().save(*args, **kwargs)

    @property
    def parsed(self) -> Definition:
        cached = getattr(self, "_parsed", None)
        if cached is None or cached.checksum != self.checksum:
            cached = self._parsed = parse(self.definition)
        return cached


class Stage(models.TextChoices):
    BEFORE = "before", _("Before support")
    AFTER = "after", _("After support")
    FOLLOW_UP = "follow-up", _("Follow-up")


class Mode(models.TextChoices):
    SELF = "self", _("Self-assessment")
    ADVISOR = "advisor", _("With an advisor")


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class Response(TimestampedModel):
    """One organisation's answers to one instrument version at one stage, and their scores."""

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="responses"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessment_responses"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.BEFORE)
    participation = models.ForeignKey(
        Participation,
        verbose_name=_("programme participation measured"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessment_responses",
    )
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.SELF)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessment_responses",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ResponseStatus.choices,
        default=ResponseStatus.IN_PROGRESS,
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    page = models.PositiveSmallIntegerField(_("last page reached"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    overall = models.FloatField(_("overall score"), null=True, blank=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    band = models.CharField(_("band"), max_length=32, blank=True)
    level = models.CharField(_("level"), max_length=32, blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status", "-submitted_at"]),
            models.Index(fields=["version", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="in_progress") | models.Q(overall__isnull=False),
                name="submitted_responses_have_scores",
            )
        ]
        verbose_name = _("assessment response")
        verbose_name_plural = _("assessment responses")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.version} · {self.get_stage_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class PeerGroup(models.Model):
    """A precomputed group of peers for one instrument: its size and median scores.

    ``scope`` names the keys that define the group, from the narrowest (economy, sector and
    size class) to all responding firms; keys outside the scope are blank.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="peers")
    scope = models.CharField(_("scope"), max_length=32)
    economy = models.CharField(_("economy"), max_length=2, blank=True)
    sector = models.CharField(_("sector"), max_length=1, blank=True)
    size_class = models.CharField(_("size class"), max_length=8, blank=True)
    size = models.PositiveIntegerField(_("organisations"))
    median_overall = models.FloatField(_("median overall score"))
    medians = models.JSONField(_("median dimension scores"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "scope", "economy", "sector", "size_class"],
                name="one_row_per_peer_group",
            )
        ]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        keys = "/".join(filter(None, [self.economy, self.sector, self.size_class])) or "all"
        return f"{self.instrument_id} {self.scope} {keys} (n={self.size})"


class BenchmarkPosition(models.Model):
    """Where one submitted response stands among its peers, as last computed."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="position")
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="positions")
    percentile = models.FloatField(_("percentile of the overall score"))
    percentiles = models.JSONField(_("percentiles of the dimension scores"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("benchmark position")
        verbose_name_plural = _("benchmark positions")

    def __str__(self) -> str:
        return f"{self.response_id}: {self.percentile} ({self.group})"
