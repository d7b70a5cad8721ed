"""API of the case-study databank: search with facets, cases, submission and moderation."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from ninja import Field, Query, Router, Schema, Status

from d4sme.registry.auth import AUTHENTICATED
from d4sme.registry.models import Economy

from . import exports, selectors, services
from .models import Case, CaseStatus

router = Router(tags=["cases"])


class Error(Schema):
    detail: str | dict


class CaseQuery(Schema):
    q: str = ""
    mode: str = Field("combined", description="combined, fulltext or semantic")
    economy: list[str] = Field(default_factory=list)
    sector: list[str] = Field(default_factory=list)
    size_class: list[str] = Field(default_factory=list)
    technology: list[str] = Field(default_factory=list)
    barrier: list[str] = Field(default_factory=list)
    programme: list[str] = Field(default_factory=list)
    period: list[str] = Field(default_factory=list)
    language: list[str] = Field(default_factory=list)


class CaseIn(Schema):
    title: str = Field(..., min_length=3, max_length=200)
    language: str = Field(..., pattern="^(en|ko|pt|es)$")
    economy: str = Field(..., min_length=2, max_length=2)
    isic_section: str = Field(..., pattern="^[A-U]$")
    size_class: str = Field(..., pattern="^(micro|small|medium|large)$")
    period: str
    summary: str = Field(..., min_length=1)
    challenges: str = Field(..., min_length=1)
    solutions: str = Field(..., min_length=1)
    preconditions: str = ""
    support: str = ""
    lessons: str = ""
    women_led: bool = False
    youth_led: bool = False
    consent: bool = False


class MoveIn(Schema):
    to: str
    note: str = ""


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
        "synthetic": case.is_synthetic,
    }


@router.get("/cases", response=dict)
def case_search(request: HttpRequest, query: CaseQuery = Query(...)):
    """Published cases matching the query and facets, with the facet counts."""
    filters = selectors.CaseFilters(
        q=query.q[:200],
        mode=query.mode if query.mode in ("fulltext", "semantic") else "combined",
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


@router.get("/cases/open-data", response=list[dict])
def case_open_data(request: HttpRequest):
    """Every published case as an open-data record."""
    return exports.case_rows()


def _visible(request: HttpRequest, code: str) -> Case:
    case = get_object_or_404(Case, code=code)
    user = request.auth if getattr(request, "auth", None) else request.user
    if not user.has_perm("casestudies.view_case", case):
        raise Case.DoesNotExist
    return case


@router.get("/cases/{code}", response={200: dict, 404: Error})
def case_detail(request: HttpRequest, code: str):
    return _out(_visible(request, code))


@router.post(
    "/cases",
    auth=AUTHENTICATED,
    response={201: dict, 400: Error, 401: Error, 404: Error, 422: Error},
)
def case_create(request: HttpRequest, payload: CaseIn):
    """Write a draft case; submit it for moderation with a move to "submitted"."""
    economy = get_object_or_404(Economy, pk=payload.economy)
    data = payload.dict()
    data["economy"] = economy
    case = Case(author=request.auth, **data)
    case.code = f"{slugify(case.title)[:60] or 'case'}-{get_random_string(6).lower()}"
    return Status(201, _out(services.case_save(case=case, user=request.auth)))


@router.post(
    "/cases/{code}/move",
    auth=AUTHENTICATED,
    response={200: dict, 400: Error, 401: Error, 403: Error, 404: Error},
)
def case_move(request: HttpRequest, code: str, payload: MoveIn):
    """Submit, return with a note, publish, archive or withdraw a case."""
    case = get_object_or_404(Case, code=code)
    if not request.auth.has_perm("casestudies.view_case", case):
        raise Case.DoesNotExist
    if payload.to not in CaseStatus.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"to": f"Choose one of {', '.join(CaseStatus.values)}."})
    return _out(services.case_move(case=case, user=request.auth, to=payload.to, note=payload.note))
