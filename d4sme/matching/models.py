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
