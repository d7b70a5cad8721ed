"""Pages of the shared layer: an import job's progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors
from .imports import import_kind_get
from .models import ImportStatus


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
