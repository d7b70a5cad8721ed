"""API of the registry: economies, organisations, vocabularies, and who am I."""

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from d4sme.core.api import Code, Error, RecordId
from d4sme.core.pagination import BoundedLimitOffsetPagination

from . import selectors, services
from .auth import AUTHENTICATED, caller

router = Router(tags=["registry"])

KindCode = Literal[
    "sme", "large_firm", "agency", "association", "research", "expert", "international"
]
SizeCode = Literal["micro", "small", "medium", "large"]


class EconomyOut(Schema):
    code: str
    alpha3: str
    name: str
    iso_name: str


class EconomyDetailOut(EconomyOut):
    groups: list[str]
    regions: list[dict]


class EconomyFilter(FilterSchema):
    group: Annotated[str | None, FilterLookup(q="groups__code"), Field(max_length=20)] = None


class OrganisationOut(Schema):
    """What the public directory shows of an organisation: name, economy, sector and size."""

    id: int
    kind: str
    legal_name: str
    short_name: str
    economy: str | None = Field(None, alias="economy_id")
    isic_section: str
    isic_division: str
    size_class: str | None
    is_synthetic: bool = Field(description="Generated for demonstration; not a real organisation.")


class OwnershipOut(Schema):
    women_led: bool
    youth_led: bool
    rural: bool


class OrganisationDetailOut(OrganisationOut):
    region: str | None = Field(None, alias="region.code")
    parent: int | None = Field(None, alias="parent_id")
    employees: int | None
    founded_year: int | None
    website: str
    ownership: OwnershipOut | None = Field(
        None,
        description=(
            "Women-led, youth-led (an owner under 35) and rural: personal data for a sole "
            "proprietor, so shown only to the firm's members, the agencies it applied to and "
            "administrators; null for anyone else."
        ),
    )

    @staticmethod
    def resolve_ownership(obj, context) -> dict | None:
        user = caller(context["request"])
        if not user.has_perm("registry.view_organisation_ownership", obj):
            return None
        return {"women_led": obj.women_led, "youth_led": obj.youth_led, "rural": obj.rural}


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_is_capped: bool = Field(description="True when there are more matches than count.")


class OrganisationIn(Schema):
    legal_name: str = Field(..., min_length=1, max_length=200)
    short_name: str = Field("", max_length=60)
    economy: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    region: str | None = Field(None, max_length=10, description="ISO 3166-2 code")
    isic_division: str = Field("", max_length=2)
    employees: int | None = Field(None, ge=1, le=10_000_000)
    founded_year: int | None = Field(None, ge=1800, le=2100)
    women_led: bool = False
    youth_led: bool = False
    rural: bool = False
    website: str = Field("", max_length=200)


class OrganisationCreateIn(OrganisationIn):
    kind: Literal["sme", "large_firm"] = "sme"


class OrganisationPatchIn(Schema):
    legal_name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=60)
    economy: str | None = Field(None, min_length=2, max_length=2)
    region: str | None = Field(None, max_length=10)
    isic_division: str | None = Field(None, max_length=2)
    employees: int | None = Field(None, ge=1, le=10_000_000)
    founded_year: int | None = Field(None, ge=1800, le=2100)
    women_led: bool | None = None
    youth_led: bool | None = None
    rural: bool | None = None
    website: str | None = Field(None, max_length=200)


class TermOut(Schema):
    code: str
    notation: str
    name: str
    label: str
    description: str
    parent: str | None = Field(None, alias="parent.code")


class VocabularyOut(Schema):
    code: str
    name: str
    version: str
    source: str


class VocabularyDetailOut(VocabularyOut):
    terms: list[TermOut]


class MembershipOut(Schema):
    organisation: int = Field(..., alias="organisation_id")
    role: str


class MeOut(Schema):
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    memberships: list[MembershipOut]


@router.get("/economies", response=list[EconomyOut])
@paginate(BoundedLimitOffsetPagination)
def economy_list(request: HttpRequest, filters: EconomyFilter = Query(...)):
    """Every ISO 3166-1 economy; ``group=apec`` or ``group=oecd`` narrows to a grouping."""
    return filters.filter(selectors.economy_list())


@router.get("/economies/{code}", response={200: EconomyDetailOut, 404: Error})
def economy_detail(request: HttpRequest, code: Code):
    economy = get_object_or_404(selectors.economy_list(), code=code.upper())
    return {
        "code": economy.code,
        "alpha3": economy.alpha3,
        "name": economy.name,
        "iso_name": economy.iso_name,
        "groups": list(economy.groups.values_list("code", flat=True)),
        "regions": list(selectors.region_list(economy=economy.code).values("code", "name")),
    }


@router.get("/organisations", response={200: OrganisationPage, 422: Error})
def organisation_list(
    request: HttpRequest,
    economy: str | None = Query(None, max_length=2),
    sector: str | None = Query(None, max_length=1, description="ISIC Rev.4 section letter"),
    size_class: SizeCode | None = None,
    kind: KindCode | None = None,
    q: str | None = Query(None, max_length=200, description="name starts with"),
    cursor: str | None = Query(None, max_length=1000),
    page_size: int = Query(25, ge=1, le=100),
):
    """The public directory in name order; follow ``next_cursor`` for the next page."""
    filters = selectors.DirectoryFilters(
        economy=economy, sector=sector, size_class=size_class, kind=kind, q=q
    )
    page = selectors.organisation_directory(filters=filters, cursor=cursor, page_size=page_size)
    return page.__dict__


@router.get("/organisations/{pk}", response={200: OrganisationDetailOut, 404: Error})
def organisation_detail(request: HttpRequest, pk: RecordId):
    return selectors.organisation_get(pk=pk)


def _resolve(payload: dict) -> dict:
    """Turn the API's codes into the objects the services take."""
    fields = dict(payload)
    if "economy" in fields:
        code = (fields.pop("economy") or "").upper()
        economy = selectors.economy_get(code=code)
        if economy is None:
            raise ValidationError({"economy": f"Unknown economy code '{code}'."})
        fields["economy"] = economy
    if "region" in fields:
        code = fields.pop("region")
        region = selectors.region_get(code=code) if code else None
        if code and region is None:
            raise ValidationError({"region": f"Unknown region code '{code}'."})
        fields["region"] = region
    return fields


@router.post(
    "/organisations",
    auth=AUTHENTICATED,
    response={201: OrganisationDetailOut, 401: Error, 422: Error},
)
def organisation_create(request: HttpRequest, payload: OrganisationCreateIn):
    """Register a firm; the caller becomes its member."""
    data = payload.dict()
    kind = data.pop("kind")
    organisation = services.organisation_register(user=request.auth, kind=kind, **_resolve(data))
    return Status(201, selectors.organisation_get(pk=organisation.pk))


@router.patch(
    "/organisations/{pk}",
    auth=AUTHENTICATED,
    response={
        200: OrganisationDetailOut,
        401: Error,
        403: Error,
        404: Error,
        422: Error,
    },
)
def organisation_update(request: HttpRequest, pk: RecordId, payload: OrganisationPatchIn):
    """Change some fields of an organisation's profile (its members and administrators only)."""
    organisation = selectors.organisation_get(pk=pk)
    services.organisation_update(
        organisation=organisation, user=request.auth, **_resolve(payload.dict(exclude_unset=True))
    )
    return selectors.organisation_get(pk=pk)


@router.get("/vocabularies", response=list[VocabularyOut])
def vocabulary_list(request: HttpRequest):
    return selectors.vocabulary_list()


@router.get("/vocabularies/{code}", response={200: VocabularyDetailOut, 404: Error})
def vocabulary_detail(request: HttpRequest, code: Code):
    vocabulary = get_object_or_404(selectors.vocabulary_list(), code=code)
    return {
        "code": vocabulary.code,
        "name": vocabulary.name,
        "version": vocabulary.version,
        "source": vocabulary.source,
        "terms": list(selectors.vocabulary_terms(vocabulary=code)),
    }


@router.get("/me", auth=AUTHENTICATED, response={200: MeOut, 401: Error})
def me(request: HttpRequest):
    """The caller's account, roles and memberships."""
    user = request.auth
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "roles": sorted(selectors.user_roles(user=user)),
        "memberships": list(user.memberships.all()),
    }
