"""API of the assessments app: instruments, responses, scores, benchmark position, report."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from d4sme.core.api import Code, Error, RecordId
from d4sme.programmes.selectors import participation_list
from d4sme.registry.auth import AUTHENTICATED
from d4sme.registry.selectors import organisation_list
from d4sme.reports.disclosure import aggregate

from . import exports, selectors, services
from .models import Instrument, Response, Stage
from .reports import report_pdf

router = Router(tags=["assessments"])


class InstrumentOut(Schema):
    code: str
    name: dict
    description: dict
    version: int | None


class InstrumentDetailOut(InstrumentOut):
    definition: dict = Field(
        description="The version's full definition, as its data file holds it."
    )


class ResponseIn(Schema):
    instrument: str = Field(..., max_length=100)
    organisation: RecordId
    stage: str = Field(Stage.BEFORE, max_length=20, description="before, after or follow-up")
    participation: RecordId | None = None


class AnswersIn(Schema):
    answers: dict = Field(
        ...,
        description=(
            "Answers by question code: an option code (single), a list of codes (multiple), "
            "{row: scale code} (grid), {row: [column codes]} (matrix) or a number."
        ),
    )


class ResponseOut(Schema):
    id: int
    instrument: str
    version: int
    organisation: int
    stage: str
    mode: str
    status: str
    answers: dict
    participation: int | None
    submitted_at: datetime | None
    overall: float | None
    band: str
    level: str


class ScoresOut(Schema):
    overall: float
    band: str
    level: str | None
    dimensions: dict[str, float]
    questions: dict[str, float]


class BenchmarkHiddenOut(Schema):
    shown: Literal[False]
    reason: str


class BenchmarkOut(Schema):
    shown: Literal[True]
    scope: str
    economy: str | None
    sector: str | None
    size_class: str | None
    peers: int = Field(description="How many organisations the peer group holds.")
    percentile: float
    percentiles: dict[str, float | None] = Field(description="By dimension.")
    median_overall: float
    medians: dict[str, float | None] = Field(description="By dimension.")
    computed_at: str = Field(json_schema_extra={"format": "date-time"})


PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


def _out(response: Response) -> dict:
    return {
        "id": response.pk,
        "instrument": response.version.instrument_id,
        "version": response.version.number,
        "organisation": response.organisation_id,
        "stage": response.stage,
        "mode": response.mode,
        "status": response.status,
        "answers": response.answers,
        "participation": response.participation_id,
        "submitted_at": response.submitted_at,
        "overall": response.overall,
        "band": response.band,
        "level": response.level,
    }


def _response(request: HttpRequest, pk: int) -> Response:
    response = get_object_or_404(
        Response.objects.select_related("version__instrument", "organisation"), pk=pk
    )
    if not request.auth.has_perm("assessments.view_response", response):
        raise Response.DoesNotExist  # another firm's response does not exist for the caller
    return response


def _submitted(request: HttpRequest, pk: int) -> Response:
    response = _response(request, pk)
    if not response.is_submitted:
        raise PermissionDenied("The response is not submitted yet; it has no scores.")
    return response


@router.get("/assessments/instruments", response=list[InstrumentOut])
def instrument_list(request: HttpRequest):
    return [
        {
            "code": i.code,
            "name": i.name,
            "description": i.description,
            "version": (v.number if (v := i.current_version()) else None),
        }
        for i in Instrument.objects.all()
    ]


@router.get("/assessments/instruments/{code}", response={200: InstrumentDetailOut, 404: Error})
def instrument_detail(request: HttpRequest, code: Code):
    instrument = get_object_or_404(Instrument, pk=code)
    version = instrument.current_version()
    if version is None:
        raise Instrument.DoesNotExist
    return {
        "code": instrument.code,
        "name": instrument.name,
        "description": instrument.description,
        "version": version.number,
        "definition": version.definition,
    }


@router.get(
    "/assessments/responses", auth=AUTHENTICATED, response={200: list[ResponseOut], 401: Error}
)
def response_list(request: HttpRequest):
    """The responses of the caller's firms and those the caller entered as an advisor."""
    return [_out(r) for r in selectors.responses_visible_to(request.auth)[:500]]


@router.post(
    "/assessments/responses",
    auth=AUTHENTICATED,
    response={201: ResponseOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def response_create(request: HttpRequest, payload: ResponseIn):
    instrument = get_object_or_404(Instrument, pk=payload.instrument)
    organisation = get_object_or_404(organisation_list(), pk=payload.organisation)
    participation = (
        get_object_or_404(participation_list(), pk=payload.participation)
        if payload.participation
        else None
    )
    response = services.response_start(
        user=request.auth,
        organisation=organisation,
        instrument=instrument,
        stage=payload.stage,
        participation=participation,
    )
    return Status(201, _out(response))


@router.get(
    "/assessments/responses/{pk}",
    auth=AUTHENTICATED,
    response={200: ResponseOut, 401: Error, 404: Error},
)
def response_detail(request: HttpRequest, pk: RecordId):
    return _out(_response(request, pk))


@router.patch(
    "/assessments/responses/{pk}",
    auth=AUTHENTICATED,
    response={200: ResponseOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def response_update(request: HttpRequest, pk: RecordId, payload: AnswersIn):
    """Store answers while the response is in progress; each answer is checked."""
    response = services.response_save(
        response=_response(request, pk), user=request.auth, answers=payload.answers
    )
    return _out(response)


@router.post(
    "/assessments/responses/{pk}/submit",
    auth=AUTHENTICATED,
    response={200: ResponseOut, 401: Error, 403: Error, 404: Error},
)
def response_submit(request: HttpRequest, pk: RecordId):
    """Score the response and lock it; every question must be answered."""
    response = services.response_submit(response=_response(request, pk), user=request.auth)
    return _out(response)


@router.get(
    "/assessments/responses/{pk}/scores",
    auth=AUTHENTICATED,
    response={200: ScoresOut, 401: Error, 403: Error, 404: Error},
)
def response_scores(request: HttpRequest, pk: RecordId):
    response = _submitted(request, pk)
    return {
        "overall": response.overall,
        "band": response.band,
        "level": response.level or None,
        "dimensions": response.scores["dimensions"],
        "questions": response.scores["questions"],
    }


@router.get(
    "/assessments/responses/{pk}/benchmark",
    auth=AUTHENTICATED,
    response={200: BenchmarkOut | BenchmarkHiddenOut, 401: Error, 403: Error, 404: Error},
)
@aggregate
def response_benchmark(request: HttpRequest, pk: RecordId):
    """Where the response stands among its peers, or why it is not shown."""
    response = _submitted(request, pk)
    position = getattr(response, "position", None)
    found = exports.benchmark_of(position)
    if found is None:
        return {"shown": False, "reason": "No peer group of at least 5 other organisations yet."}
    return {"shown": True, **found}


@router.get(
    "/assessments/responses/{pk}/report.pdf",
    auth=AUTHENTICATED,
    response={200: None, 401: Error, 403: Error, 404: Error},
    openapi_extra={"responses": {200: {"description": "The report as PDF.", **PDF}}},
)
@aggregate
def response_report_pdf(request: HttpRequest, pk: RecordId):
    response = _submitted(request, pk)
    return HttpResponse(
        report_pdf(response),
        content_type="application/pdf",
    )
