"""Data the shared layer keeps: the import jobs and the PDF render jobs of every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Checking")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


# A job in one of these states will not change again: its page stops asking for news.
FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)


class ImportJob(models.Model):
    """An uploaded file that a task checks and writes whole, or not at all.

    ``kind`` names the app's importer (see ``reports.imports``) and ``target_id`` the object
    the file goes into (a questionnaire version, a report), as that importer reads it; the
    shared layer knows neither.
    """

    kind = models.CharField(_("kind"), max_length=64)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "kind", "-created_at"])]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        """Return whether the job has ended, imported or not."""
        return self.status in FINISHED

    @property
    def progress(self) -> int:
        """Return how far the job is, in percent."""
        if self.finished:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class RenderJob(models.Model):
    """A PDF someone asked for, rendered by a task and then downloaded by them alone.

    ``source`` names the app's PDF source (see ``reports.pdf``) and ``object_id`` the object
    it prints, as that source reads it; the shared layer knows neither.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(_("source"), max_length=64)
    object_id = models.CharField(_("object"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    # The requester's language, so that the worker prints the PDF in it.
    language = models.CharField(_("language"), max_length=16)
    status = models.CharField(
        _("status"), max_length=8, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to="reports/pdf/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "source", "object_id"])]
        verbose_name = _("PDF render job")
        verbose_name_plural = _("PDF render jobs")

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        """Return whether the job has ended, rendered or not."""
        return self.status in (RenderStatus.DONE, RenderStatus.FAILED)
