"""API of the case-study databank: search with facets, cases, submission and moderation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from d4sme.core.api import Choices, Code, Error, Note, RecordId, SearchText, Text
from d4sme.programmes.selectors import programme_list
from d4sme.registry.auth import AUTHENTICATED
from d4sme.registry.selectors import economy_get, organisation_list, term_list

from . import exports, selectors, services
from .models import Case, CaseStatus
from .schemas import CaseOut, CaseRecordOut, CaseSearchOut

if TYPE_CHECKING:
    from d4sme.programmes.models import Programme
    from d4sme.registry.models import Term

router = Router(tags=["cases"])


class CaseQuery(Schema):
    q: SearchText = ""
    mode: Literal["combined", "fulltext", "semantic"] = Field(
        "combined", description="combined, fulltext or semantic"
    )
    economy: Choices = Field(default_factory=list)
    sector: Choices = Field(default_factory=list)
    size_class: Choices = Field(default_factory=list)
    technology: Choices = Field(default_factory=list)
    barrier: Choices = Field(default_factory=list)
    programme: Choices = Field(default_factory=list)
    period: Choices = Field(default_factory=list)
    language: Choices = Field(default_factory=list)


class OutcomeIn(Schema):
    measure: str = Field(..., max_length=24, description="One of the outcome measures' codes.")
    before: float | None = None
    after: float | None = None
    unit: str = Field("", max_length=24)


class CaseIn(Schema):
    title: str = Field(..., min_length=3, max_length=200)
    language: str = Field(..., pattern="^(en|ko|pt|es)$")
    economy: str = Field(..., min_length=2, max_length=2)
    isic_section: str = Field(..., pattern="^[A-U]$")
    size_class: str = Field(..., pattern="^(micro|small|medium|large)$")
    period: str = Field(..., max_length=16)
    summary: Text = Field(..., min_length=1)
    challenges: Text = Field(..., min_length=1)
    solutions: Text = Field(..., min_length=1)
    preconditions: Text = ""
    support: Text = ""
    lessons: Text = ""
    outcomes_text: Text = Field("", description="The outcomes in words.")
    women_led: bool = False
    youth_led: bool = False
    consent: bool = False
    organisation: RecordId | None = Field(
        None,
        description=(
            "The firm the case is about, one you are a member of; "
            "left out, your only organisation (or your only SME)."
        ),
    )
    technologies: Choices = Field(
        default_factory=list, description="Technology term codes, in the order adopted."
    )
    barriers: Choices = Field(default_factory=list, description="Barrier term codes.")
    programmes: Choices = Field(default_factory=list, description="Codes of programmes used.")
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=6)


class CaseMoveIn(Schema):
    to: Literal[tuple(CaseStatus.values)]  # type: ignore[valid-type]
    note: Note = ""


def _out(case: Case) -> dict:
    return {
        "code": case.code,
        "status": case.status,
        "title": case.title,
        "language": case.language,
        "economy": case.economy_id,
        "isic_section": case.isic_section,
        "size_class": case.size_class,
        "period": case.period,
        "summary": case.summary,
        "challenges": case.challenges,
        "solutions": case.solutions,
        "support": case.support,
        "lessons": case.lessons,
        "outcomes_text": case.outcomes_text,
        "synthetic": case.is_synthetic,
    }


@router.get("/cases", response=CaseSearchOut)
def case_search(request: HttpRequest, query: CaseQuery = Query(...)):
    """Published cases matching the query and facets, with the facet counts."""
    filters = selectors.CaseFilters(
        q=query.q,
        mode=query.mode,
        selected={f: tuple(getattr(query, f)) for f in selectors.FACETS if getattr(query, f)},
    )
    return {
        "results": [
            {**_out(case), "score": score} for case, score in selectors.case_search(filters)
        ],
        "facets": {
            name: [{"value": v, "label": str(label), "count": n} for v, label, n in values]
            for name, values in selectors.facet_counts(filters).items()
        },
    }


@router.get("/cases/open-data", response=list[CaseRecordOut])
def case_open_data(request: HttpRequest):
    """Every published case as an open-data record."""
    return exports.case_rows()


def _visible(request: HttpRequest, code: str) -> Case:
    case = get_object_or_404(Case, code=code)
    user = request.auth if getattr(request, "auth", None) else request.user
    if not user.has_perm("casestudies.view_case", case):
        raise Case.DoesNotExist
    return case


@router.get("/cases/{code}", response={200: CaseOut, 404: Error})
def case_detail(request: HttpRequest, code: Code):
    return _out(_visible(request, code))


def _terms(vocabulary: str, codes: list[str]) -> list[Term]:
    """The vocabulary's terms with these codes, in their order; a 422 naming unknown codes."""
    found = {t.code: t for t in term_list(vocabularies=[vocabulary], codes=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({vocabulary: f"Unknown codes: {', '.join(unknown)}."})
    return [found[c] for c in dict.fromkeys(codes)]


def _programmes(codes: list[str]) -> list[Programme]:
    found = {p.code: p for p in programme_list(codes=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"programmes": f"Unknown programmes: {', '.join(unknown)}."})
    return list(found.values())


@router.post(
    "/cases",
    auth=AUTHENTICATED,
    response={201: CaseOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def case_create(request: HttpRequest, payload: CaseIn):
    """Write a draft case about your organisation; submit it with a move to "submitted"."""
    data = payload.dict()
    organisation_id = data.pop("organisation")
    organisation = (
        get_object_or_404(organisation_list(), pk=organisation_id) if organisation_id else None
    )
    economy = economy_get(code=data.pop("economy"))
    if economy is None:
        raise ValidationError({"economy": f"Unknown economy code '{payload.economy}'."})
    classification = services.Classification(
        technologies=_terms("technologies", data.pop("technologies")),
        barriers=_terms("barriers", data.pop("barriers")),
        programmes=_programmes(data.pop("programmes")),
    )
    outcomes = data.pop("outcomes")
    case = services.case_create(
        user=request.auth,
        organisation=organisation,
        fields={**data, "economy": economy},
        classification=classification,
        outcomes=outcomes,
    )
    return Status(201, _out(case))


@router.post(
    "/cases/{code}/move",
    auth=AUTHENTICATED,
    response={200: CaseOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def case_move(request: HttpRequest, code: Code, payload: CaseMoveIn):
    """Submit, return with a note, publish, archive or withdraw a case."""
    case = get_object_or_404(Case, code=code)
    if not request.auth.has_perm("casestudies.view_case", case):
        raise Case.DoesNotExist
    return _out(services.case_move(case=case, user=request.auth, to=payload.to, note=payload.note))
