"""The evaluation app's part of the JSON API: list and read evaluations (approved ones for
everyone, small cells withheld), plan, run and approve them (analysts)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from d4sme.core.api import Error, RecordId, Text, Year
from d4sme.programmes.selectors import programmes_with_participants
from d4sme.registry.auth import AUTHENTICATED, caller
from d4sme.reports.disclosure import aggregate

from . import services
from .brief import brief_context
from .models import Evaluation
from .selectors import evaluation_list

router = Router(tags=["evaluation"])


class EvaluationIn(Schema):
    programme: str = Field(..., max_length=80, description="The programme's code.")
    title: str = Field(..., min_length=3, max_length=200)
    question: Text = Field(..., min_length=3)
    outcome: Literal["sales", "employment", "survival", "maturity_score"]
    design: Literal["psm_did", "cs_staggered", "descriptive"]
    covariates: list[
        Literal[
            "outcome_before",
            "employment_before",
            "sales_before",
            "firm_age",
            "women_led",
            "youth_led",
            "rural",
            "sector",
        ]
    ] = Field(default_factory=list, max_length=8)
    exact_sector: bool = False
    caliper: float | None = Field(0.2, gt=0, le=5)
    ratio: int = Field(1, ge=1, le=10)
    replace: bool = False
    horizon: int = Field(1, ge=1, le=10)
    control_group: Literal["nevertreated", "notyettreated"] = "nevertreated"
    seed: int = Field(20240601, ge=0, le=2**31 - 1)


class OutcomeRowIn(Schema):
    organisation: RecordId = Field(description="The registered firm's id.")
    year: Year
    sales: float | None = Field(None, ge=0, le=1e15)
    employment: int | None = Field(None, ge=0, le=10_000_000)
    operating: bool = Field(True, description="False once the firm has closed.")


class OutcomesIn(Schema):
    source: str = Field(
        ..., min_length=2, max_length=200, description="Where the figures come from."
    )
    rows: list[OutcomeRowIn] = Field(..., min_length=1, max_length=10_000)


class OutcomesOut(Schema):
    written: int


class BalanceOut(Schema):
    covariate: str
    mean_treated_before: float
    mean_control_before: float
    smd_before: float
    var_ratio_before: float | None
    mean_treated_after: float
    mean_control_after: float
    smd_after: float
    var_ratio_after: float | None
    balanced: bool


class EstimateOut(Schema):
    aggregation: str
    overall: bool
    g: int | None
    t: int | None
    e: int | None
    withheld: bool = Field(description="True when fewer firms than the minimum cell size.")
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n_treated: int | None
    method: str


class RatingOut(Schema):
    step: int | None = Field(description="OECD reliability step, 1-6, computed by rules.")
    name: str
    reasons: list[str]
    criteria: dict


class EvaluationSummaryOut(Schema):
    id: int
    title: str
    programme: str
    outcome: str
    design: str
    status: str
    evidence_step: int | None


class EvaluationOut(EvaluationSummaryOut):
    question: str
    covariates: list[str]
    exact_sector: bool
    caliper: float | None
    ratio: int
    replace: bool
    horizon: int
    control_group: str
    seed: int
    progress: int
    library_versions: dict
    comparison_pool: dict
    counts: dict
    rating: RatingOut | None
    balance: list[BalanceOut]
    estimates: list[EstimateOut]
    refutations: list[dict]


def _summary(evaluation: Evaluation) -> dict:
    return {
        "id": evaluation.pk,
        "title": evaluation.title,
        "programme": evaluation.programme.code,
        "outcome": evaluation.outcome,
        "design": evaluation.design,
        "status": evaluation.status,
        "evidence_step": evaluation.evidence_step,
    }


def _out(evaluation: Evaluation, user) -> dict:
    full = user.has_perm("evaluation.manage_evaluation")
    data = {
        **_summary(evaluation),
        "question": evaluation.question,
        "covariates": evaluation.covariates,
        "exact_sector": evaluation.exact_sector,
        "caliper": evaluation.caliper,
        "ratio": evaluation.ratio,
        "replace": evaluation.replace,
        "horizon": evaluation.horizon,
        "control_group": evaluation.control_group,
        "seed": evaluation.seed,
        "progress": evaluation.progress,
        "library_versions": evaluation.library_versions,
        "comparison_pool": evaluation.comparison_pool,
        "counts": {},
        "rating": None,
        "balance": [],
        "estimates": [],
        "refutations": [],
    }
    if not evaluation.has_results:
        return data
    brief = brief_context(evaluation, full=full)
    data["counts"] = brief["counts"]
    data["rating"] = {
        "step": brief["step"],
        "name": brief["step_name"],
        "reasons": brief["reasons"],
        "criteria": {k: v for k, v in brief["criteria"].items() if k != "reasons"},
    }
    data["balance"] = [
        {field: getattr(row, field) for field in BalanceOut.model_fields}
        for row in brief["balance"]
    ]
    for item in brief["estimates"]:
        e, hidden = item["row"], item["hidden"]
        data["estimates"].append(
            {
                "aggregation": e.aggregation,
                "overall": e.overall,
                "g": e.g,
                "t": e.t,
                "e": e.e,
                "withheld": hidden,
                "estimate": None if hidden else e.estimate,
                "se": None if hidden else e.se,
                "ci_low": None if hidden else e.ci_low,
                "ci_high": None if hidden else e.ci_high,
                "n_treated": None if hidden else e.n_treated,
                "method": e.method,
            }
        )
    data["refutations"] = [
        {k: v for k, v in r.items() if k != "label"} for r in brief["refutations"]
    ]
    return data


def _visible(request: HttpRequest, pk: int) -> tuple[Evaluation, object]:
    user = caller(request)
    evaluation = get_object_or_404(Evaluation.objects.select_related("programme"), pk=pk)
    if not user.has_perm("evaluation.view_evaluation", evaluation):
        raise Evaluation.DoesNotExist
    return evaluation, user


@router.get("/evaluations", response=list[EvaluationSummaryOut])
def evaluation_index(request: HttpRequest):
    """Evaluations you may read: approved ones, and every one for analysts."""
    return [_summary(e) for e in evaluation_list(user=caller(request))[:500]]


@router.post(
    "/evaluations/outcomes",
    auth=AUTHENTICATED,
    response={200: OutcomesOut, 401: Error, 403: Error, 422: Error},
)
def outcomes_record(request: HttpRequest, payload: OutcomesIn):
    """Record firms' yearly sales, persons employed and survival, which evaluations compare
    (analysts); a firm-year already recorded is replaced. All rows land, or none."""
    rows = [
        {
            "organisation_id": r.organisation,
            "year": r.year,
            "sales": r.sales,
            "employment": r.employment,
            "operating": r.operating,
        }
        for r in payload.rows
    ]
    written = services.firm_outcomes_import(user=request.auth, rows=rows, source=payload.source)
    return {"written": written}


@router.get("/evaluations/{pk}", response={200: EvaluationOut, 404: Error})
@aggregate
def evaluation_detail(request: HttpRequest, pk: RecordId):
    """An evaluation's plan and results; figures resting on too few firms are withheld."""
    evaluation, user = _visible(request, pk)
    return _out(evaluation, user)


@router.post(
    "/evaluations",
    auth=AUTHENTICATED,
    response={201: EvaluationOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def evaluation_create(request: HttpRequest, payload: EvaluationIn):
    """Plan an evaluation of a programme that has participants (analysts)."""
    data = payload.dict()
    programme = get_object_or_404(programmes_with_participants(), code=data.pop("programme"))
    evaluation = services.evaluation_create(user=request.auth, programme=programme, **data)
    return Status(201, _out(evaluation, request.auth))


@router.post(
    "/evaluations/{pk}/run",
    auth=AUTHENTICATED,
    response={202: EvaluationOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def evaluation_run(request: HttpRequest, pk: RecordId):
    """Queue a run; poll the evaluation until its status is "done" (or "failed")."""
    evaluation, user = _visible(request, pk)
    evaluation = services.evaluation_queue(user=user, evaluation=evaluation)
    return Status(202, _out(evaluation, user))


@router.post(
    "/evaluations/{pk}/approve",
    auth=AUTHENTICATED,
    response={200: EvaluationOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def evaluation_approve(request: HttpRequest, pk: RecordId):
    """Publish an evaluation with results (analysts)."""
    evaluation, user = _visible(request, pk)
    return _out(services.evaluation_approve(user=user, evaluation=evaluation), user)
