"""Pages of the shared layer: an import job's progress, a PDF's progress and its download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from . import selectors
from .disclosure import aggregate
from .imports import import_kind_get
from .models import ImportStatus, RenderStatus
from .pdf import pdf_source_get, render_job_get


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's job does not exist for this user, rather than being forbidden.
    job = get_object_or_404(
        selectors.import_jobs_visible(user=request.user).defer("content"), pk=pk
    )
    kind = import_kind_get(job.kind)
    back_url, back_label = kind.back(job)
    context = {
        "job": job,
        "outcome": kind.done(job) if job.status == ImportStatus.DONE else "",
        "back_url": back_url,
        "back_label": back_label,
    }
    template = "reports/_import_progress.html" if request.htmx else "reports/import_detail.html"
    return render(request, template, context)


@login_required
@require_GET
def render_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = render_job_get(user=request.user, pk=pk)
    back_url, back_label = pdf_source_get(job.source).back(job.object_id)
    context = {"job": job, "back_url": back_url, "back_label": back_label}
    template = "reports/_render_progress.html" if request.htmx else "reports/render_detail.html"
    return render(request, template, context)


# The PDF prints the figures of the page it comes from, which apply disclosure control.
@aggregate
@login_required
@require_GET
def render_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = render_job_get(user=request.user, pk=pk)
    if job.status != RenderStatus.DONE:
        return redirect("reports:render-detail", pk=job.pk)
    with job.file.open("rb") as pdf:
        body = pdf.read()
    return HttpResponse(
        body,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, job.file_name)},
    )
