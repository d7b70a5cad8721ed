"""API of KPI monitoring: plans, indicators, values, progress and economies' reports.

Values and progress are the approved figures and are public with the plan's dashboards (a
restricted plan needs a signed-in focal point or analyst). A report is its economy's focal
points' and the analysts'; to anyone else it does not exist. A focal point writes values
only into its own economy's report and only before approval.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from d4sme.core.api import Choices, Code, Error, Note, RecordId, Year
from d4sme.registry.auth import AUTHENTICATED

from . import regional, selectors, services
from .models import (
    Flag,
    Framework,
    Indicator,
    Question,
    Submission,
    SubmissionStatus,
    Target,
    Value,
)
from .schemas import (
    ChangedOut,
    FrameworkDetailOut,
    FrameworkOut,
    IndicatorOut,
    ProgressOut,
    QuestionOut,
    SubmissionDetailOut,
    SubmissionOut,
    SubmissionSavedOut,
    TargetOut,
    ValueOut,
)

router = Router(tags=["monitoring"])


def _framework(request: HttpRequest, code: str) -> Framework:
    framework = Framework.objects.select_related("economies").get(code=code)
    if not request.user.has_perm("monitoring.view_framework", framework):
        raise Framework.DoesNotExist
    return framework


def _indicator_out(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "definition": indicator.definition,
        "objectives": [o.code for o in indicator.objectives.all()],
        "group": indicator.group,
        "measure": indicator.measure,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "disaggregations": indicator.disaggregations,
        "minimum": indicator.minimum,
        "maximum": indicator.maximum,
        "derived_from": indicator.derived_from or None,
    }


@router.get("/monitoring/frameworks", response=list[FrameworkOut])
def framework_list(request: HttpRequest):
    """The plans you may see."""
    return [
        {
            "code": f.code,
            "name": f.name,
            "version": f.version,
            "start_year": f.start_year,
            "end_year": f.end_year,
            "economies": f.economies_id,
            "public": f.is_public,
        }
        for f in selectors.frameworks_visible(request.user)
    ]


@router.get("/monitoring/frameworks/{code}", response={200: FrameworkDetailOut, 404: Error})
def framework_detail(request: HttpRequest, code: Code):
    """A plan whole: priority areas, objectives, cycles and planned reviews."""
    framework = _framework(request, code)
    return {
        "code": framework.code,
        "name": framework.name,
        "version": framework.version,
        "start_year": framework.start_year,
        "end_year": framework.end_year,
        "economies": [e.code for e in selectors.economies_of(framework)],
        "review_schedule": framework.review_schedule,
        "cycles": [
            {"period": c.period, "opens_on": c.opens_on, "closes_on": c.closes_on}
            for c in framework.cycles.order_by("period")
        ],
        "priority_areas": [
            {
                "number": area.number,
                "name": area.name,
                "objectives": [{"code": o.code, "name": o.name} for o in area.objectives.all()],
            }
            for area in framework.priority_areas.prefetch_related("objectives")
        ],
    }


@router.get(
    "/monitoring/frameworks/{code}/indicators", response={200: list[IndicatorOut], 404: Error}
)
def indicator_list(request: HttpRequest, code: Code):
    framework = _framework(request, code)
    return [_indicator_out(i) for i in framework.indicators.prefetch_related("objectives")]


class ValueQuery(Schema):
    indicator: Choices = Field(default_factory=list)
    economy: Choices = Field(default_factory=list)
    period_from: Year | None = None
    period_to: Year | None = None
    breakdowns: bool = Field(False, description="Include values by category, not only totals.")


def _value_out(v: Value) -> dict:
    return {
        "indicator": v.indicator.code,
        "economy": v.economy_id,
        "period": v.period,
        "dimension": v.dimension or None,
        "category": v.category or None,
        "value": v.value,
        "text": v.text or None,
        "status": v.flag or None,
        "comment": v.comment,
        "source": v.source,
    }


@router.get("/monitoring/frameworks/{code}/values", response={200: list[ValueOut], 404: Error})
def value_list(request: HttpRequest, code: Code, query: ValueQuery = Query(...)):
    """Approved values, filtered by indicator codes, economies and years."""
    framework = _framework(request, code)
    values = Value.objects.filter(
        indicator__framework=framework, submission__status=SubmissionStatus.APPROVED
    ).select_related("indicator")
    if query.indicator:
        values = values.filter(indicator__code__in=query.indicator)
    if query.economy:
        values = values.filter(economy_id__in=[e.upper() for e in query.economy])
    if query.period_from is not None:
        values = values.filter(period__gte=query.period_from)
    if query.period_to is not None:
        values = values.filter(period__lte=query.period_to)
    if not query.breakdowns:
        values = values.filter(dimension="")
    return [_value_out(v) for v in values.order_by("indicator__position", "economy_id", "period")]


@router.get("/monitoring/frameworks/{code}/progress", response={200: list[ProgressOut], 404: Error})
def progress_list(
    request: HttpRequest,
    code: Code,
    indicator: str = Query("", max_length=20),
    economy: str = Query("", max_length=2),
):
    """Progress status per indicator and economy (economy null: the region), with its
    computation's components; the region's row says which economies it compares and how."""
    framework = _framework(request, code)
    indicators = framework.indicators.all()
    if indicator:
        indicators = indicators.filter(code=indicator)
    rows = selectors.progress_rows(
        framework,
        indicators=indicators,
        economies=[economy.upper()] if economy else None,
        region=not economy,
    )
    return [
        {
            "indicator": r.indicator.code,
            "economy": r.economy or None,
            "status": r.result.status.value,
            "score": r.result.score,
            "base_year": r.result.base_year,
            "base_value": r.result.base_value,
            "current_year": r.result.current_year,
            "current_value": r.result.current_value,
            "target_year": r.result.target_year,
            "target_value": r.result.target_value,
            "observed_cagr": r.result.observed_cagr,
            "required_cagr": r.result.required_cagr,
            "ratio": r.result.ratio,
            "method": r.result.method,
            "explanation": str(r.result.explanation),
            "region": _region_out(r.region) if r.region else None,
        }
        for r in rows
    ]


def _region_out(figure: regional.Figure) -> dict:
    """How the region's figure was computed: its rule and the economies compared."""
    coverage = figure.coverage
    return {
        "rule": figure.method.rule,
        "method": str(figure.method_text),
        "coverage": str(figure.coverage_text),
        "base_year": coverage.base_year if coverage else None,
        "year": coverage.year if coverage else None,
        "economies": list(coverage.economies) if coverage else [],
        "one_year_only": list(coverage.one_year_only) if coverage else [],
        "members": coverage.members if coverage else None,
        "estimated": coverage.estimated if coverage else 0,
    }


def _indicators_named(framework: Framework, codes: set[str]) -> dict[str, Indicator]:
    """The plan's indicators by code; a 422 naming any code that is not one of them."""
    indicators = {i.code: i for i in framework.indicators.all()}
    unknown = sorted(codes - set(indicators))
    if unknown:
        raise ValidationError({"indicator": f"Not indicators of this plan: {', '.join(unknown)}."})
    return indicators


def _submission(request: HttpRequest, pk: int) -> Submission:
    submission = Submission.objects.select_related("cycle__framework", "economy").get(pk=pk)
    if not request.user.has_perm("monitoring.view_submission", submission):
        raise Submission.DoesNotExist
    return submission


def _submission_out(s: Submission, values: bool = False) -> dict:
    out = {
        "id": s.pk,
        "framework": s.cycle.framework.code,
        "period": s.cycle.period,
        "economy": s.economy_id,
        "status": s.status,
        "submitted_at": s.submitted_at,
        "approved_at": s.approved_at,
        "late": s.is_late,
        "note": s.note,
    }
    if values:
        out["values"] = [
            _value_out(v) | {"review_note": v.review_note}
            for v in s.values.select_related("indicator")
        ]
        out["questions"] = [_question_out(q) for q in selectors.thread_of(s)]
    return out


def _question_out(q: Question) -> dict:
    return {
        "id": q.pk,
        "indicator": q.indicator.code if q.indicator else None,
        "text": q.text,
        "asked_by": q.asked_by.email,
        "asked_at": q.created_at,
        "open": q.is_open,
        "resolved_at": q.resolved_at,
        "answers": [{"text": a.text, "by": a.by.email, "at": a.at} for a in q.answers.all()],
    }


@router.get("/monitoring/submissions", response=list[SubmissionOut], auth=AUTHENTICATED)
def submission_list(request: HttpRequest):
    """Reports you may open: your economies' as a focal point, all as an analyst."""
    return [_submission_out(s) for s in selectors.submissions_for(request.user)]


@router.get(
    "/monitoring/submissions/{pk}",
    response={200: SubmissionDetailOut, 404: Error},
    auth=AUTHENTICATED,
)
def submission_detail(request: HttpRequest, pk: RecordId):
    return _submission_out(_submission(request, pk), values=True)


class ValueIn(Schema):
    indicator: str = Field(..., max_length=20)
    dimension: str = Field("", max_length=20)
    category: str = Field("", max_length=100)
    value: float | None = None
    text: Note = ""
    status: str = Field(
        "", description="'', E, P, M (not available), Z (not applicable) or L (not collected)"
    )
    comment: Note = ""
    source: Note = ""


class ValuesIn(Schema):
    values: list[ValueIn] = Field(..., min_length=1, max_length=5000)


@router.put(
    "/monitoring/submissions/{pk}/values",
    response={200: SubmissionSavedOut, 403: Error, 404: Error},
    auth=AUTHENTICATED,
)
def submission_values(request: HttpRequest, pk: RecordId, payload: ValuesIn):
    """Write values into a report, whole or not at all; an empty value, text and status
    removes one."""
    submission = _submission(request, pk)
    if not request.user.has_perm("monitoring.change_submission", submission):
        raise PermissionDenied(
            "This report is approved and locked."
            if submission.is_locked
            else "Only the economy's focal point changes this report, before it is submitted."
        )
    indicators = _indicators_named(
        submission.cycle.framework, {v.indicator for v in payload.values}
    )
    bad = sorted({v.status for v in payload.values} - set(Flag.values))
    if bad:
        raise ValidationError({"status": f"Not a status: {', '.join(bad)}; use E, P, M, Z or L."})
    entries = [
        services.Entry(
            indicator=indicators[v.indicator],
            dimension=v.dimension,
            category=v.category,
            value=v.value,
            text=v.text,
            flag=v.status,
            comment=v.comment,
            source=v.source,
            row=n,
        )
        for n, v in enumerate(payload.values, start=1)
    ]
    changed = services.values_save(submission=submission, user=request.user, entries=entries)
    return {"changed": changed, **_submission_out(submission, values=True)}


class MoveIn(Schema):
    to: str = Field(..., max_length=20)
    note: Note = ""
    value_notes: dict[RecordId, Note] = Field(default_factory=dict, max_length=5000)


@router.post(
    "/monitoring/submissions/{pk}/move",
    response={200: SubmissionOut, 403: Error, 404: Error},
    auth=AUTHENTICATED,
)
def submission_move(request: HttpRequest, pk: RecordId, payload: MoveIn):
    """Submit (focal point), or return with notes or approve (analysts)."""
    submission = _submission(request, pk)
    if payload.to not in SubmissionStatus.values:
        raise ValidationError({"to": f"Choose one of {', '.join(SubmissionStatus.values)}."})
    moved = services.submission_move(
        submission=submission,
        user=request.user,
        to=payload.to,
        note=payload.note,
        value_notes=payload.value_notes,
    )
    return _submission_out(moved)


def _target_out(t: Target) -> dict:
    return {
        "indicator": t.indicator.code,
        "economy": t.economy_id,
        "baseline_year": t.baseline_year,
        "baseline_value": t.baseline_value,
        "target_year": t.target_year,
        "target_value": t.target_value,
        "source": t.source,
    }


@router.get("/monitoring/frameworks/{code}/targets", response={200: list[TargetOut], 404: Error})
def target_list(request: HttpRequest, code: Code, economy: str = Query("", max_length=6)):
    """Baselines and targets: of one economy, of the region (economy=region), or all."""
    framework = _framework(request, code)
    targets = Target.objects.filter(indicator__framework=framework).select_related("indicator")
    if economy.lower() == "region":
        targets = targets.filter(economy__isnull=True)
    elif economy:
        targets = targets.filter(economy_id=economy.upper())
    return [_target_out(t) for t in targets.order_by("indicator__position", "economy_id")]


class TargetIn(Schema):
    indicator: str = Field(..., max_length=20)
    baseline_year: int | None = Field(None, ge=1990, le=2100)
    baseline_value: float | None = None
    target_year: int | None = Field(None, ge=1990, le=2100)
    target_value: float | None = None
    source: Note = ""


class TargetsIn(Schema):
    economy: str = Field(
        "", max_length=2, description="An economy's code, or empty for the region."
    )
    targets: list[TargetIn] = Field(..., min_length=1, max_length=1000)


@router.put(
    "/monitoring/frameworks/{code}/targets",
    response={200: ChangedOut, 403: Error, 404: Error},
    auth=AUTHENTICATED,
)
def target_save(request: HttpRequest, code: Code, payload: TargetsIn):
    """Set baselines and targets, all or none; four empty fields remove one."""
    framework = _framework(request, code)
    economy = None
    if payload.economy:
        economy = framework.economies.members.filter(code=payload.economy.upper()).first()
        if economy is None:
            raise ValidationError({"economy": f"{payload.economy} does not report on this plan."})
    indicators = _indicators_named(framework, {t.indicator for t in payload.targets})
    changed = services.targets_save(
        framework=framework,
        economy=economy,
        user=request.user,
        entries=[
            services.TargetEntry(
                indicator=indicators[t.indicator],
                baseline_year=t.baseline_year,
                baseline_value=t.baseline_value,
                target_year=t.target_year,
                target_value=t.target_value,
                source=t.source,
            )
            for t in payload.targets
        ],
    )
    return {"changed": changed}


class QuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)
    indicator: str = Field(
        "", max_length=20, description="An indicator's code, or empty for the whole report."
    )


def _question(request: HttpRequest, pk: int) -> Question:
    question = Question.objects.select_related("submission__cycle__framework").get(pk=pk)
    _submission(request, question.submission_id)
    return question


@router.post(
    "/monitoring/submissions/{pk}/questions",
    response={200: QuestionOut, 403: Error, 404: Error},
    auth=AUTHENTICATED,
)
def question_ask(request: HttpRequest, pk: RecordId, payload: QuestionIn):
    """Ask a question about a report, or one of its indicators (analysts)."""
    submission = _submission(request, pk)
    indicator = None
    if payload.indicator:
        indicator = _indicators_named(submission.cycle.framework, {payload.indicator})[
            payload.indicator
        ]
    question = services.question_ask(
        submission=submission, user=request.user, text=payload.text, indicator=indicator
    )
    return _question_out(question)


class AnswerIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)


@router.post(
    "/monitoring/questions/{pk}/answers",
    response={200: QuestionOut, 403: Error, 404: Error},
    auth=AUTHENTICATED,
)
def question_answer(request: HttpRequest, pk: RecordId, payload: AnswerIn):
    """Answer an open question (the report's focal points and the analysts)."""
    question = _question(request, pk)
    services.question_answer(question=question, user=request.user, text=payload.text)
    return _question_out(Question.objects.get(pk=question.pk))


@router.post(
    "/monitoring/questions/{pk}/resolve",
    response={200: QuestionOut, 403: Error, 404: Error},
    auth=AUTHENTICATED,
)
def question_resolve(request: HttpRequest, pk: RecordId):
    """Resolve and close a question (analysts)."""
    question = services.question_resolve(question=_question(request, pk), user=request.user)
    return _question_out(question)
