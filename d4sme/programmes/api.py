"""API of the programme registry: programmes, calls, applications and the eligibility check."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from d4sme.core.api import Choices, Code, Error, Note, RecordId, SearchText, Year
from d4sme.core.pagination import BoundedLimitOffsetPagination
from d4sme.registry import selectors as registry_selectors
from d4sme.registry.auth import AUTHENTICATED

from . import selectors, services
from .models import Application, Call

router = Router(tags=["programmes"])


class ProgrammeInstrumentOut(Schema):
    code: str
    name: str
    type: str


class ProgrammeOut(Schema):
    code: str
    name: str
    acronym: str
    economy: str | None = Field(None, alias="economy_id")
    government_level: str
    responsible: str | None = Field(None, alias="responsible.legal_name")
    start_year: int | None
    end_year: int | None
    status: str


class ProgrammeDetailOut(ProgrammeOut):
    description: str
    original_language: str
    original_name: str
    translations: dict
    description_translations: dict
    budget_amount: float | None
    budget_currency: str
    budget_year: int | None
    budget_band: str
    eligibility: dict
    eligibility_stated: bool = Field(
        description="False when the programme's source does not say which firms may take part."
    )
    website: str
    instruments: list[ProgrammeInstrumentOut]
    classifications: dict[str, list[str]] = Field(description="Term codes by vocabulary.")


class ReasonOut(Schema):
    criterion: str
    outcome: str
    text: str


class EligibilityOut(Schema):
    programme: str
    organisation: int
    eligible: bool
    outcome: str = Field(description="met, to-confirm, unmet or not-stated (by the source).")
    stated: bool
    reasons: list[ReasonOut]


class CallOut(Schema):
    id: int
    programme: str = Field(..., alias="programme.code")
    title: str
    opens_on: date
    closes_on: date


class ApplicationIn(Schema):
    organisation: RecordId
    motivation: Note = Field(..., min_length=1)


class ApplicationOut(Schema):
    id: int
    call: int = Field(..., alias="call_id")
    programme: str = Field(..., alias="call.programme.code")
    organisation: int = Field(..., alias="organisation_id")
    status: str
    reason: str


class DecisionIn(Schema):
    status: str = Field(..., max_length=20)
    reason: Note = Field(..., min_length=1)


class ProgrammeQuery(Schema):
    q: SearchText = ""
    economy: Choices = Field(default_factory=list)
    status: Choices = Field(default_factory=list)
    year: Year | None = None
    category: Choices = Field(default_factory=list)
    theme: Choices = Field(default_factory=list)
    instrument: Choices = Field(default_factory=list)
    target: Choices = Field(default_factory=list)
    technology: Choices = Field(default_factory=list)
    barrier: Choices = Field(default_factory=list)


@router.get("/programmes", response=list[ProgrammeOut])
@paginate(BoundedLimitOffsetPagination)
def programme_list(request: HttpRequest, query: ProgrammeQuery = Query(...)):
    """Published programmes; each facet takes several values (any of them matches)."""
    filters = selectors.ProgrammeFilters(
        q=query.q,
        economy=tuple(query.economy),
        status=tuple(query.status),
        year=query.year,
        terms={
            facet: tuple(getattr(query, facet))
            for facet in selectors.TERM_FACETS
            if getattr(query, facet)
        },
    )
    found = selectors.programme_search(filters=filters).select_related("responsible")
    # A query ranks the programmes by relevance; without one they are listed by name.
    return found if query.q.strip() else found.order_by("name", "pk")


def _visible(request: HttpRequest, code: str):
    programme = selectors.programme_get(code=code)
    if not request.user.has_perm("programmes.view_programme", programme):
        raise Call.DoesNotExist  # answered as 404: unpublished records do not exist for the public
    return programme


@router.get("/programmes/{code}", response={200: ProgrammeDetailOut, 404: Error})
def programme_detail(request: HttpRequest, code: Code):
    programme = _visible(request, code)
    grouped = selectors.programme_terms(programme=programme)
    return {
        **ProgrammeOut.from_orm(programme).dict(),
        **{
            name: getattr(programme, name)
            for name in (
                "description",
                "original_language",
                "original_name",
                "translations",
                "description_translations",
                "budget_currency",
                "budget_year",
                "budget_band",
                "eligibility",
                "eligibility_stated",
                "website",
            )
        },
        "budget_amount": float(programme.budget_amount)
        if programme.budget_amount is not None
        else None,
        "instruments": [
            {"code": i.code, "name": i.name, "type": i.type.code}
            for i in programme.instruments.all()
        ],
        "classifications": {
            vocabulary: [t.code for t in terms] for vocabulary, terms in grouped.items()
        },
    }


@router.get(
    "/programmes/{code}/eligibility",
    auth=AUTHENTICATED,
    response={200: EligibilityOut, 401: Error, 403: Error, 404: Error},
)
def programme_eligibility(request: HttpRequest, code: Code, organisation: RecordId):
    """Whether one of the caller's firms may take part, rule by rule."""
    programme = _visible(request, code)
    firm = get_object_or_404(
        registry_selectors.organisations_of_user(user=request.auth), pk=organisation
    )
    verdict = selectors.programme_eligibility(programme=programme, organisation=firm)
    return {"programme": programme.code, "organisation": firm.pk, **verdict.as_dict()}


@router.get("/programmes/{code}/calls", response={200: list[CallOut], 404: Error})
def call_list(request: HttpRequest, code: Code):
    programme = _visible(request, code)
    return list(selectors.open_calls(programme=programme).select_related("programme"))


@router.post(
    "/calls/{call_id}/applications",
    auth=AUTHENTICATED,
    response={201: ApplicationOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def application_create(request: HttpRequest, call_id: RecordId, payload: ApplicationIn):
    call = get_object_or_404(
        Call.objects.select_related("programme"), pk=call_id, programme__curation_status="published"
    )
    firm = get_object_or_404(
        registry_selectors.organisations_of_user(user=request.auth), pk=payload.organisation
    )
    application = services.application_submit(
        call=call, organisation=firm, user=request.auth, motivation=payload.motivation
    )
    return Status(201, application)


@router.get("/applications", auth=AUTHENTICATED, response={200: list[ApplicationOut], 401: Error})
def application_list(request: HttpRequest):
    """The applications of the caller's firms."""
    return list(selectors.applications_of_user(user=request.auth))


@router.post(
    "/applications/{pk}/decision",
    auth=AUTHENTICATED,
    response={200: ApplicationOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def application_decide(request: HttpRequest, pk: RecordId, payload: DecisionIn):
    application = get_object_or_404(Application.objects.select_related("call__programme"), pk=pk)
    if not request.auth.has_perm("programmes.view_application", application):
        raise Application.DoesNotExist
    if not request.auth.has_perm("programmes.decide_application", application):
        raise PermissionDenied("Only the programme's managers may decide on applications.")
    return services.application_decide(
        application=application, user=request.auth, status=payload.status, reason=payload.reason
    )
