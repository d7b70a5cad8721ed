"""Writes of the shared layer: queueing and running import jobs."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .imports import ImportRejected, Progress, import_kind_get
from .models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

# A page lists this many problems of a rejected file; the rest are counted.
MAX_MESSAGES = 200


@transaction.atomic
def import_job_create(
    *, user, kind: str, target_id: str | int, file_name: str, content: bytes
) -> ImportJob:
    """Store an uploaded file as a queued job of ``kind`` and return it; its task is queued
    once the transaction commits. The calling app has checked that the user may import it."""
    from .tasks import import_job_run as run_later

    import_kind_get(kind)  # a kind no app registered would never run
    job = ImportJob(
        kind=kind,
        target_id=str(target_id),
        file_name=file_name[:200],
        content=content,
        created_by=user,
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: run_later.enqueue(job_id=job.pk))
    return job


def import_job_run(*, job_id: int) -> str:
    """Run one queued job to its end and return what happened: every row lands, or none and
    its problems are kept. An unexpected error ends the job as failed, never running."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return f"already {job.status}"  # a task run twice does not import twice
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        if job.created_by is None or not job.created_by.is_active:
            raise ImportRejected(
                [_("The account that uploaded this file is closed; nothing was imported.")]
            )
        write = import_kind_get(job.kind).check(job, Progress(job))
        with transaction.atomic():
            created = write()
            _finish(job, ImportStatus.DONE, created=created, errors=[])
        return f"imported {created} records"
    except ImportRejected as exc:
        return _reject(job, exc.messages)
    except Exception:
        logger.exception("Import job %s (%s) stopped on an unexpected error", job.pk, job.kind)
        return _reject(
            job,
            [
                _(
                    "The import stopped on an unexpected error, and nothing was imported. "
                    "Upload the file again; if this happens again, tell an administrator, "
                    "quoting import number %(number)s."
                )
                % {"number": job.pk}
            ],
        )


def _reject(job: ImportJob, errors: list[str]) -> str:
    shown = errors[:MAX_MESSAGES]
    if len(errors) > MAX_MESSAGES:
        shown.append(_("… and %(count)s more problems.") % {"count": len(errors) - MAX_MESSAGES})
    _finish(job, ImportStatus.FAILED, created=0, errors=shown)
    return f"rejected with {len(errors)} problems"


def _finish(job: ImportJob, status: str, *, created: int, errors: list[str]) -> None:
    job.status, job.created, job.errors = status, created, errors
    job.rows_done, job.finished_at = job.rows_total, timezone.now()
    job.save(update_fields=["status", "created", "errors", "rows_done", "finished_at"])
