"""Pages of KPI monitoring: the plan, dashboards, reporting and review, review packs, proposals."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.registry.models import Economy
from d4sme.reports.disclosure import aggregate
from d4sme.reports.tables import csv_text

from . import charts, derived, exports, imports, ranking, reviews, selectors, services
from .forms import (
    AnswerForm,
    MoveForm,
    ProposalForm,
    QuestionForm,
    ReportForm,
    ReviewForm,
    SectionForm,
    TargetsForm,
    UploadForm,
)
from .models import (
    Framework,
    Indicator,
    Measure,
    Proposal,
    Question,
    ReportingCycle,
    Review,
    ReviewSection,
    Submission,
    SubmissionStatus,
    Target,
    Value,
    ValueImport,
)
from .rules import focal_economies


def _framework_for(request: HttpRequest, code: str) -> Framework:
    framework = get_object_or_404(Framework.objects.select_related("economies", "owner"), code=code)
    if not request.user.has_perm("monitoring.view_framework", framework):
        if not request.user.is_authenticated:
            raise PermissionDenied
        raise Http404
    return framework


def _submission_for(request: HttpRequest, pk: int) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("cycle__framework", "economy"), pk=pk
    )
    if not request.user.has_perm("monitoring.view_submission", submission):
        raise Http404
    return submission


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/home.html",
        {"frameworks": selectors.frameworks_visible(request.user)},
    )


@require_GET
def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
    areas = framework.priority_areas.prefetch_related("objectives__indicators")
    general = framework.indicators.filter(objectives__isnull=True)
    groups = defaultdict(list)
    for indicator in general:
        groups[indicator.group].append(indicator)
    return render(
        request,
        "monitoring/framework.html",
        {
            "framework": framework,
            "areas": areas,
            "general": dict(groups),
            "cycles": framework.cycles.order_by("period"),
            "economies": selectors.economies_of(framework),
        },
    )


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@require_GET
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
    area_number = _int_or_none(request.GET.get("area"))
    economy = request.GET.get("economy") or None
    period = _int_or_none(request.GET.get("period"))
    indicators = framework.indicators.exclude(measure=Measure.QUALITATIVE)
    if area_number is not None:
        indicators = indicators.filter(objectives__priority_area__number=area_number).distinct()
    economies = selectors.economies_of(framework)
    codes = [e.code for e in economies]
    if economy not in codes:
        economy = None
    rows = selectors.progress_rows(
        framework,
        indicators=indicators,
        economies=[economy] if economy else None,
        region=economy is None,
        until=period,
    )
    names = {e.code: e.name for e in economies}
    cells = [
        {
            "indicator": r.indicator.code,
            "economy": names.get(r.economy, _("Region")) if r.economy else _("Region"),
            "status": r.result.status.value,
            "latest": r.latest[1] if r.latest else None,
        }
        for r in rows
    ]
    grid: dict[int, dict[str, selectors.Row]] = defaultdict(dict)
    for row in rows:
        grid[row.indicator.pk][row.economy] = row
    columns = [("", _("Region"))] if economy is None else []
    columns += [(e.code, e.code) for e in economies if economy in (None, e.code)]
    table = [
        {"indicator": i, "cells": [grid[i.pk].get(c) for c, _label in columns]}
        for i in indicators
        if i.pk in grid
    ]
    cycle = (
        framework.cycles.filter(period=period).first()
        if period
        else framework.cycles.order_by("-period").first()
    )
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "framework": framework,
            "areas": framework.priority_areas.all(),
            "economies": economies,
            "periods": list(framework.cycles.order_by("period").values_list("period", flat=True)),
            "selected": {"area": area_number, "economy": economy, "period": period},
            "columns": columns,
            "table": table,
            "chart": charts.heat_map(cells, _("Progress by indicator and economy"))
            if cells
            else None,
            "cycle": cycle,
            "completeness": selectors.completeness(cycle) if cycle else [],
        },
    )


@aggregate
@require_GET
def indicator_detail(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    framework = _framework_for(request, code)
    indicator = get_object_or_404(Indicator, framework=framework, code=indicator)
    economies = selectors.economies_of(framework)
    names = {e.code: e.name for e in economies}
    rows = (
        selectors.progress_rows(framework, indicators=Indicator.objects.filter(pk=indicator.pk))
        if indicator.measure != Measure.QUALITATIVE
        else []
    )
    for row in rows:
        row.label = names.get(row.economy, row.economy) if row.economy else _("Region")
    chosen = request.GET.get("economy", "")
    lines = {
        (names.get(r.economy, r.economy) if r.economy else _("Region")): r.series
        for r in rows
        if r.series and (not chosen or r.economy in ("", chosen))
    }
    targets = {
        (names.get(r.economy, r.economy) if r.economy else _("Region")): (
            r.result.target_year,
            r.result.target_value,  # the region's as applied to the economies compared
        )
        for r in rows
        if r.result.target_year and (not chosen or r.economy in ("", chosen))
    }
    years = list(framework.cycles.order_by("period").values_list("period", flat=True))
    history = (
        selectors.progress_history(framework, indicator)
        if indicator.measure != Measure.QUALITATIVE
        else {}
    )
    history_rows = [
        {
            "label": names.get(economy, economy) if economy else _("Region"),
            "statuses": [history[economy].get(y) for y in years],
        }
        for economy in sorted(history, key=lambda e: (e != "", names.get(e, e)))
    ]
    platform = (
        derived.derived_values(indicator.derived_from, list(names), years)
        if indicator.derived_from
        else {}
    )
    platform_rows = [
        {"economy": e, "values": [platform[(e.code, y)] for y in years]}
        for e in economies
        if platform and any(platform[(e.code, y)].count for y in years)
    ]
    texts = (
        Value.objects.filter(
            indicator=indicator, submission__status=SubmissionStatus.APPROVED, dimension=""
        )
        .exclude(text="")
        .select_related("economy")
        .order_by("economy__name", "-period")
        if indicator.measure == Measure.QUALITATIVE
        else []
    )
    return render(
        request,
        "monitoring/indicator.html",
        {
            "framework": framework,
            "indicator": indicator,
            "objectives": indicator.objectives.select_related("priority_area"),
            "rows": rows,
            "names": names,
            "economies": economies,
            "chosen": chosen,
            "years": years,
            "chart": charts.series(lines, targets, indicator.name[:80], indicator.unit)
            if lines or targets
            else None,
            "derived_label": derived.LABELS.get(indicator.derived_from),
            "platform_rows": platform_rows,
            "history_rows": history_rows,
            "texts": texts,
        },
    )


@login_required
@require_GET
def reporting(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
    own = focal_economies(request.user)
    reviewer = request.user.has_perm("monitoring.review_submission")
    if not own and not reviewer:
        raise PermissionDenied(_("Reporting is for economies' focal points and the analysts."))
    submissions = {
        (s.cycle_id, s.economy_id): s for s in selectors.submissions_for(request.user, framework)
    }
    economies = [e for e in selectors.economies_of(framework) if reviewer or e.code in own]
    cycles, today = [], timezone.localdate()
    for cycle in framework.cycles.order_by("-period"):
        cycles.append(
            {
                "cycle": cycle,
                "open": cycle.opens_on <= today,
                "rows": [
                    {
                        "economy": e,
                        "submission": submissions.get((cycle.pk, e.code)),
                        "can_start": e.code in own,
                    }
                    for e in economies
                ],
            }
        )
    waiting = [s for s in submissions.values() if s.status == SubmissionStatus.SUBMITTED]
    return render(
        request,
        "monitoring/reporting.html",
        {"framework": framework, "cycles": cycles, "waiting": waiting, "reviewer": reviewer},
    )


@login_required
@require_POST
def submission_start(request: HttpRequest, code: str, period: int, economy: str) -> HttpResponse:
    framework = _framework_for(request, code)
    cycle = get_object_or_404(ReportingCycle, framework=framework, period=period)
    economy = get_object_or_404(Economy, code=economy)
    if economy.code not in focal_economies(request.user) and not request.user.is_superuser:
        raise PermissionDenied(_("Only the economy's focal point starts its report."))
    if not framework.economies.members.filter(code=economy.code).exists():
        raise Http404
    submission = services.submission_for(cycle=cycle, economy=economy)
    return redirect("monitoring:submission", pk=submission.pk)


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
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
    returned = [v for v in submission.values.select_related("indicator") if v.review_note]
    given = {v.indicator_id for v in submission.values.all() if not v.dimension}
    user = request.user
    return render(
        request,
        "monitoring/submission.html",
        {
            "holes": [i for i in indicators if i.pk not in given],
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
            "returned": returned,
            "upload": UploadForm(),
        },
    )


@login_required
@require_POST
def submission_move(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the report."))
        return redirect("monitoring:submission", pk=submission.pk)
    value_notes = {
        int(key.removeprefix("value-note-")): text
        for key, text in request.POST.items()
        if key.startswith("value-note-") and key.removeprefix("value-note-").isdigit()
    }
    try:
        services.submission_move(
            submission=submission,
            user=request.user,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            value_notes=value_notes,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The report is now “%(status)s”.")
            % {"status": SubmissionStatus(form.cleaned_data["to"]).label},
        )
    return redirect("monitoring:submission", pk=submission.pk)


def _question_for(request: HttpRequest, pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("submission__cycle__framework", "submission__economy"),
        pk=pk,
    )
    _submission_for(request, question.submission_id)
    return question


def _to_thread(submission_pk: int) -> HttpResponse:
    return redirect(reverse("monitoring:submission", args=[submission_pk]) + "#thread")


@login_required
@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    form = QuestionForm(request.POST, framework=submission.cycle.framework)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, error[0])
        return _to_thread(submission.pk)
    try:
        services.question_ask(
            submission=submission,
            user=request.user,
            text=form.cleaned_data["text"],
            indicator=form.cleaned_data["indicator"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Question asked; the focal point can answer it here."))
    return _to_thread(submission.pk)


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write an answer of at most 4,000 characters."))
        return _to_thread(question.submission_id)
    try:
        services.question_answer(
            question=question, user=request.user, text=form.cleaned_data["text"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Answer added to the thread."))
    return _to_thread(question.submission_id)


@login_required
@require_POST
def question_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for(request, pk)
    try:
        services.question_resolve(question=question, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Question resolved and closed."))
    return _to_thread(question.submission_id)


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
    submission = _submission_for(request, pk)
    return render(
        request,
        "monitoring/history.html",
        {"submission": submission, "changes": selectors.audit_of(submission)},
    )


@login_required
@require_POST
def import_new(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
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
    return redirect("monitoring:import-detail", pk=job.pk)


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ValueImport.objects.select_related("submission"), pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    template = (
        "monitoring/_import_progress.html" if request.htmx else "monitoring/import_detail.html"
    )
    return render(request, template, {"job": job})


@require_GET
def import_template(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
    return HttpResponse(
        csv_text(imports.template_rows(framework)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{framework.code}-template.csv"'},
    )


@require_GET
def sdmx_structure(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
    return HttpResponse(exports.structure_xml(framework), content_type="application/xml")


@require_GET
def sdmx_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    framework = _framework_for(request, code)
    if fmt == "xml":
        body, content_type = exports.data_xml(framework), "application/xml"
    elif fmt == "csv":
        body, content_type = exports.data_csv(framework), "text/csv; charset=utf-8"
    else:
        raise Http404
    return HttpResponse(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{framework.code}-data.{fmt}"'},
    )


@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
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


def _review_for(request: HttpRequest, pk: int) -> Review:
    review = get_object_or_404(Review.objects.select_related("framework"), pk=pk)
    _framework_for(request, review.framework.code)
    return review


@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    context = reviews.pack(review)
    context["can_write"] = request.user.has_perm("monitoring.write_review")
    context["section_forms"] = {
        s.pk: SectionForm(initial={"body": s.body}) for s in review.sections.all()
    }
    return render(request, "monitoring/review.html", context)


@require_GET
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    pdf = reviews.review_pdf(review, base_url=request.build_absolute_uri("/"))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="review-{review.snapshot_id}.pdf"'},
    )


@login_required
@require_POST
def review_section(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    review = _review_for(request, pk)
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


def _ranked(framework: Framework, proposals: list[Proposal]):
    objectives = [
        ranking.ObjectiveText(
            code=o.code,
            priority_area=area.number,
            text=ranking.objective_text(area.name, o.name, [i.name for i in o.indicators.all()]),
        )
        for area in framework.priority_areas.prefetch_related("objectives__indicators")
        for o in area.objectives.all()
    ]
    texts = [
        ranking.ProposalText(
            key=p.pk,
            title=p.title,
            objectives=p.objectives,
            description=p.description,
            declared_areas=tuple(a.number for a in p.priority_areas.all()),
            budget=float(p.budget),
            economies_involved=p.economies_involved,
            has_indicators=p.has_indicators,
        )
        for p in proposals
    ]
    return ranking.rank(texts, objectives) if texts else []


@login_required
@require_GET
def proposal_list(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
    if not request.user.has_perm("monitoring.view_proposals"):
        raise PermissionDenied(_("Proposals are for focal points and analysts."))
    proposals = {
        p.pk: p
        for p in framework.proposals.select_related("proponent").prefetch_related("priority_areas")
    }
    ranked = _ranked(framework, list(proposals.values()))
    return render(
        request,
        "monitoring/proposals.html",
        {
            "framework": framework,
            "ranked": [(r, proposals[r.key]) for r in ranked],
            "can_submit": request.user.has_perm("monitoring.submit_proposal"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest, code: str) -> HttpResponse:
    framework = _framework_for(request, code)
    if not request.user.has_perm("monitoring.submit_proposal"):
        raise PermissionDenied(_("Focal points and analysts submit proposals."))
    form = ProposalForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        proposal = form.save(commit=False)
        proposal.framework = framework
        proposal.created_by = request.user
        proposal.save()
        form.save_m2m()
        messages.success(request, _("Proposal added; it is ranked with the others."))
        return redirect("monitoring:proposal-list", code=framework.code)
    return render(request, "monitoring/proposal_form.html", {"framework": framework, "form": form})


@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, code: str) -> HttpResponse:
    """Baselines and targets of one economy, or of the region, for every quantitative indicator."""
    framework = _framework_for(request, code)
    economies = selectors.economies_of(framework)
    chosen = request.GET.get("economy", "")
    economy = next((e for e in economies if e.code == chosen), None)
    can_edit = request.user.has_perm("monitoring.set_targets", economy.code if economy else "")
    indicators = list(framework.indicators.exclude(measure=Measure.QUALITATIVE))
    stored = {
        t.indicator_id: t
        for t in Target.objects.filter(indicator__framework=framework, economy=economy)
    }
    form = TargetsForm(
        request.POST if request.method == "POST" else None, indicators=indicators, stored=stored
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                _("An economy's focal points set its targets; analysts set the region's.")
            )
        if form.is_valid():
            entries = form.entries()
            for item in entries:
                for message in services.target_problems(item) if not item.is_empty else []:
                    form.add_error(f"t{item.indicator.pk}-target_value", message)
            if form.is_valid():
                changed = services.targets_save(
                    framework=framework, economy=economy, user=request.user, entries=entries
                )
                messages.success(
                    request, _("%(count)s baselines and targets saved.") % {"count": changed}
                )
                return redirect(reverse("monitoring:targets", args=[code]) + f"?economy={chosen}")
    return render(
        request,
        "monitoring/targets.html",
        {
            "framework": framework,
            "economies": economies,
            "economy": economy,
            "form": form,
            "can_edit": can_edit,
        },
    )
