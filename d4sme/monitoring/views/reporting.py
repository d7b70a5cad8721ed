"""Reporting: the reporting page, an economy's report, its history, evidence and uploads."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.registry.selectors import economy_list

from .. import selectors, services
from ..forms import AnswerForm, QuestionForm, ReportForm, UploadForm
from ..models import ReportingCycle, SubmissionStatus, Value
from ..rules import focal_economies
from ._access import framework_for, submission_for


@login_required
@require_GET
def reporting(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    own = focal_economies(request.user)
    reviewer = request.user.has_perm("monitoring.review_submission")
    if not own and not reviewer:
        raise PermissionDenied(_("Reporting is for economies' focal points and the analysts."))
    cycles, waiting = selectors.reporting_overview(
        request.user, framework, own=own, reviewer=reviewer
    )
    return render(
        request,
        "monitoring/reporting.html",
        {"framework": framework, "cycles": cycles, "waiting": waiting, "reviewer": reviewer},
    )


@login_required
@require_POST
def submission_start(request: HttpRequest, code: str, period: int, economy: str) -> HttpResponse:
    framework = framework_for(request, code)
    cycle = get_object_or_404(ReportingCycle, framework=framework, period=period)
    economy = get_object_or_404(economy_list(), code=economy)
    if economy.code not in focal_economies(request.user) and not request.user.is_superuser:
        raise PermissionDenied(_("Only the economy's focal point starts its report."))
    if not framework.economies.members.filter(code=economy.code).exists():
        raise Http404
    submission = services.submission_for(cycle=cycle, economy=economy)
    return redirect("monitoring:submission", pk=submission.pk)


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for(request, pk)
    framework = submission.cycle.framework
    groups = [
        (str(area) if area else _("General indicators"), members)
        for area, members in selectors.indicators_by_area(framework)
        if members
    ]
    indicators = list(dict.fromkeys(i for _area, members in groups for i in members))
    can_edit = request.user.has_perm("monitoring.change_submission", submission)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("This report cannot change now."))
        form = ReportForm(request.POST, request.FILES, submission=submission, indicators=indicators)
        if form.is_valid():
            entries = form.changed_entries()
            problems = services.values_check(submission, entries)
            if problems:
                form.add_problems(problems)
            else:
                try:
                    changed = services.values_save(
                        submission=submission, user=request.user, entries=entries
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(
                        request,
                        _("%(count)s values saved.") % {"count": changed}
                        if changed != 1
                        else _("1 value saved."),
                    )
                    return redirect("monitoring:submission", pk=submission.pk)
    else:
        form = ReportForm(submission=submission, indicators=indicators)
    # Each cell's bound fields, found in one pass over the form (names are "<prefix>-<part>").
    fields_by_prefix = defaultdict(list)
    for bound in form:
        fields_by_prefix[bound.name.rsplit("-", 1)[0]].append(bound)
    cells_by_indicator = defaultdict(list)
    for cell in form.cells:
        cells_by_indicator[cell.indicator.pk].append(
            {"cell": cell, "fields": fields_by_prefix[cell.prefix]}
        )
    sections = [
        (title, [(i, cells_by_indicator[i.pk]) for i in members]) for title, members in groups
    ]
    user = request.user
    return render(
        request,
        "monitoring/submission.html",
        {
            "holes": selectors.indicators_missing(submission, indicators),
            "review_rows": selectors.review_rows(submission) if not can_edit else [],
            "thread": selectors.thread_of(submission),
            "can_ask": user.has_perm("monitoring.ask_question", submission),
            "can_answer": user.has_perm("monitoring.answer_question", None)
            or submission.economy_id in focal_economies(user),
            "can_resolve": user.has_perm("monitoring.resolve_question", None),
            "question_form": QuestionForm(framework=framework),
            "answer_form": AnswerForm(),
            "submission": submission,
            "framework": framework,
            "form": form,
            "sections": sections,
            "can_edit": can_edit,
            "can_review": request.user.has_perm("monitoring.review_submission", submission)
            and submission.status == SubmissionStatus.SUBMITTED,
            "can_submit": can_edit,
            "events": submission.events.select_related("by"),
            "returned": selectors.values_returned(submission),
            "upload": UploadForm(),
        },
    )


@login_required
@require_GET
def value_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A value's evidence file, for those who may open its report."""
    value = get_object_or_404(Value.objects.select_related("submission"), pk=pk)
    if not value.attachment or not request.user.has_perm(
        "monitoring.view_submission", value.submission
    ):
        raise Http404
    return FileResponse(
        value.attachment.open("rb"),
        as_attachment=True,
        filename=Path(value.attachment.name).name,
    )


@login_required
@require_GET
def submission_history(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for(request, pk)
    return render(
        request,
        "monitoring/history.html",
        {"submission": submission, "changes": selectors.audit_of(submission)},
    )


@login_required
@require_POST
def import_new(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for(request, pk)
    if not request.user.has_perm("monitoring.change_submission", submission):
        raise PermissionDenied(_("This report cannot change now."))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("monitoring:submission", pk=submission.pk)
    upload = form.cleaned_data["file"]
    job = services.value_import_create(
        submission=submission, user=request.user, file_name=upload.name, content=upload.read()
    )
    return redirect("reports:import-detail", pk=job.pk)
