"""The matching app's part of the JSON API: a firm's recommended programmes and matching runs."""

from datetime import date, datetime
from typing import Annotated, Literal

import rules
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from d4sme.core.api import Code, Error, RecordId
from d4sme.registry.auth import AUTHENTICATED
from d4sme.registry.selectors import membership_organisation_ids, organisation_list
from d4sme.reports.disclosure import aggregate

from . import selectors, services
from .recommend import programme_recommendations

router = Router(tags=["matching"])


class ReasonOut(Schema):
    criterion: str
    outcome: str = Field(description="met, to-confirm or unmet.")
    text: str


class PartOut(Schema):
    code: str = Field(description="maturity, barriers, sector_size, open_call, uptake or text.")
    label: str
    weight: float
    value: float = Field(description="Between 0 and 1.")
    points: float = Field(description="What the part adds to the score (0-100).")
    text: str


class CallOut(Schema):
    id: int
    title: str
    opens_on: date
    closes_on: date


class RecommendationOut(Schema):
    programme: str = Field(description="The programme's code.")
    name: str
    outcome: str = Field(description="met, to-confirm (eligible) or unmet (not eligible).")
    label: str
    application_date: date = Field(description="The date on which eligibility was evaluated.")
    score: float | None = Field(description="Fit between 0 and 100; null when not eligible.")
    parts: list[PartOut]
    entry_reasons: list[ReasonOut] = Field(description="Rules about the firm at application.")
    agency_reasons: list[ReasonOut] = Field(
        description="Conditions the agency checks when the firm applies or while it takes part."
    )
    open_call: CallOut | None
    apply_url: str | None = Field(description="Where to apply, while a call is open.")
    applied: bool = Field(description="Whether the firm has applied to the open call.")


class FirmRecommendationsOut(Schema):
    organisation: int
    assessed: bool = Field(description="Whether a submitted assessment informs the fit.")
    eligible: list[RecommendationOut] = Field(description="Best fit first.")
    not_eligible: list[RecommendationOut]


class RunOut(Schema):
    id: int
    kind: str
    status: str
    progress: int = Field(description="Percent done.")
    done: int
    total: int
    seed: int | None
    solver: str
    solver_version: str
    objective_value: float | None
    params: dict
    summary: dict
    message: str


def _item(item) -> dict:
    from django.urls import reverse

    eligible = item.verdict.eligible
    return {
        "programme": item.programme.code,
        "name": item.programme.label,
        "outcome": item.verdict.outcome,
        "label": item.verdict.label,
        "application_date": item.application_date,
        "score": item.score if eligible else None,
        "parts": [{**vars(part), "points": part.points} for part in item.parts],
        "entry_reasons": [vars(r) for r in item.entry_reasons],
        "agency_reasons": [vars(r) for r in item.agency_reasons],
        "open_call": item.open_call,
        "applied": item.applied,
        "apply_url": (
            reverse("programmes:application-create", args=[item.open_call.pk])
            if item.open_call and eligible and not item.applied
            else None
        ),
    }


@router.get(
    "/matching/organisations/{pk}/programmes",
    auth=AUTHENTICATED,
    response={200: FirmRecommendationsOut, 401: Error, 404: Error},
)
@aggregate  # the uptake by similar firms, withheld under the minimum cell size
def recommendations(request: HttpRequest, pk: RecordId):
    """Every running programme open to the firm's economy: eligible ones ranked, all explained."""
    firm = organisation_list(pks=[pk]).first()
    if firm is None or not request.auth.has_perm("matching.view_recommendations", firm):
        raise ObjectDoesNotExist  # a firm's recommendations exist only for its members
    found = programme_recommendations(organisation=firm)
    return {
        "organisation": firm.pk,
        "assessed": found.assessed,
        "eligible": [_item(i) for i in found.eligible],
        "not_eligible": [_item(i) for i in found.not_eligible],
    }


@router.post(
    "/matching/runs/programmes",
    auth=AUTHENTICATED,
    response={202: RunOut, 401: Error, 403: Error},
)
def refresh(request: HttpRequest):
    """Queue the refresh of every firm's stored recommendations (analysts, administrators)."""
    return Status(202, services.recommendations_refresh_request(user=request.auth))


@router.get(
    "/matching/runs/{pk}", auth=AUTHENTICATED, response={200: RunOut, 401: Error, 404: Error}
)
def run_detail(request: HttpRequest, pk: RecordId):
    """A matching run: its inputs, solver, objective, summary and progress."""
    run = selectors.run_get(pk=pk)
    if run is None or not request.auth.has_perm("matching.view_run", run):
        raise ObjectDoesNotExist
    return run


# -- young people and digital jobs ------------------------------------------------------------


class JobOut(Schema):
    id: int
    organisation: int = Field(alias="organisation_id")
    programme: str = Field(alias="programme.code")
    title: str
    occupation: str = Field(description="ISCO-08 code.")
    digital_skills: list[str]
    slots: int
    monthly_wage: float
    subsidy_applies: bool
    posted_on: date
    is_open: bool


class JobIn(Schema):
    organisation: RecordId
    programme: Code
    title: Annotated[str, Field(min_length=1, max_length=200)]
    occupation: Annotated[str, Field(pattern=r"^[0-9]{1,4}$")]
    digital_skills: Annotated[list[Annotated[str, Field(max_length=80)]], Field(max_length=50)] = []
    slots: Annotated[int, Field(ge=1, le=1000)]
    monthly_wage: Annotated[float, Field(ge=0, le=1e9)]
    subsidy_applies: bool = True


class JobApplicationOut(Schema):
    id: int
    job: int = Field(alias="job_id")
    rank: int


class CandidateOut(Schema):
    id: int
    display_name: str
    birth_date: date
    skills: list[str]
    wishes: str


class YouthRunIn(Schema):
    programme: Code
    mode: Literal["stable", "max-fit"] = "stable"


class JobMatchOut(Schema):
    job: int
    candidate: int | None = Field(description="Null for a caller who may not see the candidate.")
    candidate_name: str | None
    fit: float
    subsidised: bool
    status: str


@router.get("/matching/jobs", auth=AUTHENTICATED, response={200: list[JobOut], 401: Error})
def job_list(request: HttpRequest):
    """Open digital jobs (no personal data)."""
    return list(selectors.jobs_open()[:500])


@router.post(
    "/matching/jobs",
    auth=AUTHENTICATED,
    response={201: JobOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def job_create(request: HttpRequest, payload: JobIn):
    """Post a digital job for one of the caller's SMEs."""
    firm = organisation_list(pks=[payload.organisation]).first()
    programme = selectors.youth_programmes().filter(code=payload.programme).first()
    if firm is None or programme is None:
        raise ObjectDoesNotExist
    fields = payload.dict(exclude={"organisation", "programme"})
    job = services.job_post_create(
        user=request.auth, organisation=firm, programme=programme, **fields
    )
    return Status(201, job)


@router.post(
    "/matching/jobs/{pk}/applications",
    auth=AUTHENTICATED,
    response={201: JobApplicationOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def job_apply(request: HttpRequest, pk: RecordId):
    """Add the job at the end of the caller's list (candidates only)."""
    job = selectors.job_get(pk=pk)
    if job is None:
        raise ObjectDoesNotExist
    return Status(201, services.job_apply(user=request.auth, job=job))


@router.get(
    "/matching/candidates/{pk}",
    auth=AUTHENTICATED,
    response={200: CandidateOut, 401: Error, 404: Error},
)
def candidate_detail(request: HttpRequest, pk: RecordId):
    """A candidate's profile: for the person, the SMEs they applied to and the managers."""
    candidate = selectors.candidate_get(pk=pk)
    if candidate is None or not request.auth.has_perm("matching.view_candidate", candidate):
        raise ObjectDoesNotExist
    return candidate


@router.post(
    "/matching/youth-runs",
    auth=AUTHENTICATED,
    response={201: RunOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def youth_run(request: HttpRequest, payload: YouthRunIn):
    """Match the candidates of a wage-subsidy programme's jobs (its managers)."""
    programme = selectors.youth_programmes().filter(code=payload.programme).first()
    if programme is None:
        raise ObjectDoesNotExist
    return Status(
        201,
        services.youth_match_run(user=request.auth, programme=programme, mode=payload.mode),
    )


@router.get(
    "/matching/runs/{pk}/job-matches",
    auth=AUTHENTICATED,
    response={200: list[JobMatchOut], 401: Error, 404: Error},
)
def job_matches(request: HttpRequest, pk: RecordId):
    """The hires a youth run proposed; a candidate is named only to those who may see them."""
    run = selectors.run_get(pk=pk)
    if run is None or not request.auth.has_perm("matching.view_run", run):
        raise ObjectDoesNotExist
    found = []
    for match in selectors.job_matches_of_run(run=run):
        visible = request.auth.has_perm("matching.view_candidate", match.candidate)
        found.append(
            {
                "job": match.job_id,
                "candidate": match.candidate_id if visible else None,
                "candidate_name": match.candidate.display_name if visible else None,
                "fit": match.fit,
                "subsidised": match.subsidised,
                "status": match.status,
            }
        )
    return found


# -- suppliers and buyers ---------------------------------------------------------------------

Tags = Annotated[list[Annotated[str, Field(max_length=80)]], Field(max_length=50)]


class NeedIn(Schema):
    buyer: RecordId
    title: Annotated[str, Field(min_length=1, max_length=200)]
    isic_division: Annotated[str, Field(pattern=r"^[0-9]{2}$")]
    capabilities: Tags = []
    region: Annotated[str, Field(max_length=10)] = ""
    suppliers_wanted: Annotated[int, Field(ge=1, le=100)] = 2
    volume: Annotated[int, Field(ge=1, le=10**9)]
    max_share: Annotated[float, Field(gt=0, le=1)]


class NeedOut(Schema):
    id: int
    buyer: int = Field(alias="buyer_id")
    title: str
    isic_division: str
    capabilities: list[str]
    region: str
    suppliers_wanted: int
    volume: int
    max_share: float
    is_open: bool


class OfferIn(Schema):
    supplier: RecordId
    title: Annotated[str, Field(min_length=1, max_length=200)]
    isic_division: Annotated[str, Field(pattern=r"^[0-9]{2}$")]
    capabilities: Tags = []
    certifications: Tags = []
    region: Annotated[str, Field(max_length=10)] = ""
    capacity: Annotated[int, Field(ge=1, le=10**9)]


class OfferOut(Schema):
    id: int
    supplier: int = Field(alias="supplier_id")
    title: str
    isic_division: str
    capabilities: list[str]
    certifications: list[str]
    region: str
    capacity: int
    is_open: bool


class SupplierRunIn(Schema):
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    hhi_ceiling: Annotated[int, Field(ge=1, le=10_000)] = 5000


class PairEventOut(Schema):
    side: str
    action: str
    at: datetime


class PairOut(Schema):
    id: int
    need: int = Field(alias="need_id")
    offer: int = Field(alias="offer_id")
    buyer: int = Field(alias="need.buyer_id")
    supplier: int = Field(alias="offer.supplier_id")
    volume: int
    fit: float
    buyer_status: str
    supplier_status: str
    status: str = Field(description="accepted once both sides accept; declined once either does.")
    events: list[PairEventOut]

    @staticmethod
    def resolve_events(pair) -> list:
        return list(pair.events.all())


class DecisionIn(Schema):
    accept: bool


def _firm(pk: int):
    firm = organisation_list(pks=[pk]).first()
    if firm is None:
        raise ObjectDoesNotExist
    return firm


@router.post(
    "/matching/supplier-needs",
    auth=AUTHENTICATED,
    response={201: NeedOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def need_create(request: HttpRequest, payload: NeedIn):
    """Publish what one of the caller's large firms wants from suppliers."""
    fields = payload.dict(exclude={"buyer"})
    need = services.supplier_need_create(user=request.auth, buyer=_firm(payload.buyer), **fields)
    return Status(201, need)


@router.post(
    "/matching/supplier-offers",
    auth=AUTHENTICATED,
    response={201: OfferOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def offer_create(request: HttpRequest, payload: OfferIn):
    """Publish what one of the caller's SMEs can supply."""
    fields = payload.dict(exclude={"supplier"})
    offer = services.supplier_offer_create(
        user=request.auth, supplier=_firm(payload.supplier), **fields
    )
    return Status(201, offer)


@router.post(
    "/matching/supplier-runs",
    auth=AUTHENTICATED,
    response={201: RunOut, 401: Error, 403: Error, 422: Error},
)
def supplier_run(request: HttpRequest, payload: SupplierRunIn):
    """Propose suppliers for the open needs (the caller's, or all for analysts)."""
    run = services.supplier_match_run(
        user=request.auth, seed=payload.seed, hhi_ceiling=payload.hhi_ceiling
    )
    return Status(201, run)


@router.get(
    "/matching/supplier-pairs",
    auth=AUTHENTICATED,
    response={200: list[PairOut], 401: Error},
)
def supplier_pairs(request: HttpRequest):
    """The pairs proposed to the caller's firms, as buyer or supplier, with their history."""
    ids = list(membership_organisation_ids(user=request.auth))
    return list(selectors.supplier_pairs_of(organisation_ids=ids)[:500])


@router.post(
    "/matching/supplier-pairs/{pk}/decision",
    auth=AUTHENTICATED,
    response={200: PairOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def supplier_pair_decide(request: HttpRequest, pk: RecordId, payload: DecisionIn):
    """Accept or decline a proposed pair, as its buyer or its supplier."""
    pair = selectors.supplier_pair_get(pk=pk)
    if pair is None or not rules.has_perm("matching.answer_pair", request.auth, pair):
        raise ObjectDoesNotExist
    return services.supplier_pair_decide(user=request.auth, pair=pair, accept=payload.accept)
