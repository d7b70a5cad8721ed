"""Review packs: the mid-term and final reviews of a plan, their narrative and their PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.reports.pdf import render_job_create

from .. import reviews, services
from ..forms import ReviewForm, SectionForm
from ..models import ReviewSection
from ._access import framework_for, review_for


@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    can_write = request.user.has_perm("monitoring.write_review")
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_("Analysts prepare reviews."))
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                review = services.review_create(
                    framework=framework, user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("monitoring:review-detail", pk=review.pk)
    else:
        planned = framework.review_schedule[0] if framework.review_schedule else {}
        form = ReviewForm(
            initial={
                "kind": planned.get("kind"),
                "year": planned.get("year"),
                "title": f"{framework.name}: {planned.get('kind', '')} {planned.get('year', '')}".strip(),
            }
        )
    return render(
        request,
        "monitoring/review_list.html",
        {
            "framework": framework,
            "reviews": framework.reviews.all(),
            "form": form if can_write else None,
            "schedule": framework.review_schedule,
        },
    )


@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_for(request, pk)
    context = reviews.pack(review)
    context["can_write"] = request.user.has_perm("monitoring.write_review")
    context["section_forms"] = {
        s.pk: SectionForm(initial={"body": s.body}) for s in review.sections.all()
    }
    return render(request, "monitoring/review.html", context)


@login_required
@require_POST
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = review_for(request, pk)
    job = render_job_create(
        user=request.user,
        source=reviews.PDF_SOURCE,
        object_id=review.pk,
        title=review.title,
        file_name=f"review-{review.snapshot_id}.pdf",
    )
    return redirect("reports:render-detail", pk=job.pk)


@login_required
@require_POST
def review_section(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    review = review_for(request, pk)
    if not request.user.has_perm("monitoring.write_review"):
        raise PermissionDenied(_("Analysts write reviews."))
    section = get_object_or_404(ReviewSection, pk=section, review=review)
    form = SectionForm(request.POST)
    if form.is_valid():
        services.review_section_save(
            section=section, user=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Narrative saved."))
    else:
        messages.error(request, _("The narrative is too long."))
    anchor = f"#area-{section.priority_area.number}" if section.priority_area else "#overview"
    return redirect(reverse("monitoring:review-detail", args=[review.pk]) + anchor)
