"""PDFs printed by WeasyPrint from an app's HTML, in a background task, then downloaded.

Printing a report takes seconds (7 to 10 for a review pack), too long for a request. An app
registers one :class:`PdfSource` per kind of document in its ``AppConfig.ready``; its page
calls :func:`render_job_create`, which queues the task :func:`pdf_render` and gives the job
whose progress page (``reports:render-detail``) the user watches until the file can be
downloaded (``reports:render-download``). Only the user who asked, while they may still read
the document, sees the job. :func:`html_to_pdf` is the one place that calls WeasyPrint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django_tasks import task

from .models import RenderJob, RenderStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfSource:
    """What an app tells the shared layer about one kind of PDF.

    ``html(object_id)`` returns the document as HTML (charts already SVG, see
    ``reports.charts.to_svg``); ``can_view(user, object_id)`` whether the user may read it now;
    ``back(object_id)`` the (url, label) of the page the PDF prints, for the progress page.
    """

    html: Callable[[str], str]
    can_view: Callable[[Any, str], bool]
    back: Callable[[str], tuple[str, str]]


_sources: dict[str, PdfSource] = {}


def pdf_source_register(name: str, source: PdfSource) -> PdfSource:
    """Register the PDF source of the render jobs named ``name``; return it."""
    _sources[name] = source
    return source


def pdf_source_get(name: str) -> PdfSource:
    """Return the source registered for ``name``; raise LookupError if no app did."""
    try:
        return _sources[name]
    except KeyError:
        raise LookupError(f"No app registered a PDF source named {name!r}.") from None


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Return the PDF WeasyPrint prints from ``html``."""
    import weasyprint  # loads pango; only a PDF needs it

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def render_job_create(
    *, user: AbstractBaseUser, source: str, object_id: int | str, title: str, file_name: str
) -> RenderJob:
    """Queue the PDF of ``object_id`` from ``source`` for ``user``; return its job."""
    if not pdf_source_get(source).can_view(user, str(object_id)):
        raise PermissionDenied
    job = RenderJob(
        requested_by=user,
        source=source,
        object_id=str(object_id),
        title=title[:200],
        file_name=file_name[:200],
        language=translation.get_language() or "en",
    )
    job.full_clean(exclude=["file"])
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: pdf_render.enqueue(job_id=job.pk))
    return job


def render_job_run(*, job_id: int) -> str:
    """Print a queued job's PDF and keep it with the job; return the job's final status."""
    # Only one worker takes a job: the one whose update finds it still queued.
    if not RenderJob.objects.filter(pk=job_id, status=RenderStatus.QUEUED).update(
        status=RenderStatus.RUNNING
    ):
        return RenderJob.objects.get(pk=job_id).status
    job = RenderJob.objects.get(pk=job_id)
    try:
        with translation.override(job.language):
            pdf = html_to_pdf(pdf_source_get(job.source).html(job.object_id))
    except Exception as error:
        logger.exception("PDF render job %s failed", job.pk)
        job.status, job.error = RenderStatus.FAILED, str(error)[:2000]
    else:
        job.file.save(job.file_name, ContentFile(pdf), save=False)
        job.status = RenderStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "file", "finished_at"])
    return job.status


@task()
def pdf_render(*, job_id: int) -> str:
    """Print one render job's PDF, in the `d4sme db_worker` process."""
    return render_job_run(job_id=job_id)


def render_job_get(*, user: AbstractBaseUser, pk: int) -> RenderJob:
    """Return the job ``pk`` if ``user`` asked for it and may still read its document;
    raise Http404 otherwise, so that others' jobs do not exist for them."""
    job = RenderJob.objects.filter(pk=pk, requested_by_id=user.pk).first()
    if job is None or not pdf_source_get(job.source).can_view(user, job.object_id):
        raise Http404
    return job
