"""Pages of the evaluation app: the list, planning, running and approving, results and brief."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.reports.disclosure import aggregate
from d4sme.reports.pdf import render_job_create

from . import services
from .brief import PDF_SOURCE, brief_context
from .forms import EvaluationForm
from .models import Evaluation, EvaluationStatus
from .selectors import evaluation_list, evaluation_results


def _can_manage(request: HttpRequest) -> bool:
    return request.user.has_perm("evaluation.manage_evaluation")


def _evaluation_for(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = get_object_or_404(Evaluation.objects.select_related("programme"), pk=pk)
    if not request.user.has_perm("evaluation.view_evaluation", evaluation):
        raise Http404
    return evaluation


def _managed(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = _evaluation_for(request, pk)
    if not _can_manage(request):
        raise PermissionDenied(_("Analysts plan, run and approve evaluations."))
    return evaluation


@require_GET
def evaluation_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluation/list.html",
        {"evaluations": evaluation_list(user=request.user), "can_manage": _can_manage(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    if not _can_manage(request):
        raise PermissionDenied(_("Analysts plan, run and approve evaluations."))
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        programme = data.pop("programme")
        try:
            evaluation = services.evaluation_create(user=request.user, programme=programme, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Evaluation planned. Run it when ready."))
            return redirect("evaluation:evaluation-detail", pk=evaluation.pk)
    return render(request, "evaluation/form.html", {"form": form})


@aggregate
@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation_for(request, pk)
    if getattr(request, "htmx", False):
        if evaluation.status in (EvaluationStatus.QUEUED, EvaluationStatus.RUNNING):
            return render(request, "evaluation/_progress.html", {"evaluation": evaluation})
        return HttpResponse(headers={"HX-Refresh": "true"})  # finished: show the results
    full = _can_manage(request)
    context = {"evaluation": evaluation, "can_manage": full}
    if evaluation.has_results:
        context.update(brief_context(evaluation, full=full))
        if full:
            context["pairs"] = evaluation_results(evaluation=evaluation)["pair_count"]
    return render(request, "evaluation/detail.html", context)


@login_required
@require_POST
def evaluation_run(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _managed(request, pk)
    try:
        services.evaluation_queue(user=request.user, evaluation=evaluation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The evaluation is queued; this page shows its progress."))
    return redirect("evaluation:evaluation-detail", pk=pk)


@login_required
@require_POST
def evaluation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _managed(request, pk)
    try:
        services.evaluation_approve(user=request.user, evaluation=evaluation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Approved: the brief is now public, small cells withheld."))
    return redirect("evaluation:evaluation-detail", pk=pk)


@aggregate
@require_GET
def evaluation_brief(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation_for(request, pk)
    if not evaluation.has_results:
        raise Http404
    context = brief_context(evaluation, full=_can_manage(request))
    return render(request, "evaluation/brief.html", context)


@login_required
@require_POST
def evaluation_brief_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation_for(request, pk)
    if not evaluation.has_results:
        raise Http404
    job = render_job_create(
        user=request.user,
        source=PDF_SOURCE,
        object_id=evaluation.pk,
        title=evaluation.title,
        file_name=f"evaluation-{evaluation.pk}.pdf",
    )
    return redirect("reports:render-detail", pk=job.pk)
