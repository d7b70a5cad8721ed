"""The exchange app's part of the JSON API: official statistics, their import, mappings and
the links that show them beside a framework's indicators."""

import base64
import binascii
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from d4sme.core.api import Code, Error, Note, RecordId
from d4sme.core.pagination import BoundedLimitOffsetPagination
from d4sme.monitoring.selectors import indicator_find
from d4sme.registry.auth import AUTHENTICATED

from . import catalogue, federation, frameworks, selectors, services
from .models import OfficialDataset

router = Router(tags=["exchange"])


class DatasetOut(Schema):
    id: int
    agency: str
    code: str
    name: str
    source: str
    url: str
    licence: str
    retrieved_on: date | None
    published_update: str
    file_name: str
    file_hash: str = Field(description="SHA-256 of the file imported.")
    file_format: str
    dimensions: list[str]
    area_dimension: str


class DatasetDetailOut(DatasetOut):
    observations: int
    missing: int
    confidential: int
    breaks: int = Field(description="Observations flagged as a break in series.")
    codes: dict[str, dict[str, str]] = Field(description="Dimension -> code -> label.")


class ObservationOut(Schema):
    key: dict[str, str]
    period: str
    value: float | None = Field(description="None when missing; never 0 for a missing value.")
    obs_flag: str
    conf_status: str
    missing_reason: str


class ObservationQuery(Schema):
    select: list[Code] = Field(
        [], max_length=20, description="dimension=code, repeated; e.g. size_emp=10-49."
    )
    period: str = Field("", max_length=20)


class ImportIn(Schema):
    file_name: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., min_length=1, description="The file, base64-encoded.")
    structure_base64: str = Field("", description="An SDMX-ML structure message, if needed.")
    agency: str = Field("", max_length=40)
    code: str = Field("", max_length=80)
    name: str = Field("", max_length=300)
    source: str = Field("", max_length=300)
    url: str = Field("", max_length=500)
    licence: str = Field("", max_length=300)
    retrieved_on: date | None = None
    sheet: str = Field("", max_length=100)
    mapping: str = Field("", max_length=120, description="The name of a saved mapping.")


class ImportOut(Schema):
    job: int
    status: str
    page: str = Field(description="The job's progress page, with every problem once done.")


class MappingIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: Note = ""
    spec: dict


class MappingOut(Schema):
    name: str
    description: str
    spec: dict


class LinkIn(Schema):
    framework: Code
    indicator: str = Field(..., min_length=1, max_length=16)
    dataset: RecordId
    select: dict[str, str] = {}
    note: str = Field("", max_length=300)


class LinkOut(Schema):
    id: int
    indicator: str
    dataset: int
    select: dict[str, str]


def _dataset(pk: int) -> OfficialDataset:
    dataset = selectors.dataset_get(pk=pk)
    if dataset is None or not dataset.is_published:
        raise OfficialDataset.DoesNotExist
    return dataset


@router.get("/exchange/datasets", response=list[DatasetOut])
def dataset_list(request: HttpRequest):
    """Official datasets imported, with their provenance."""
    return list(selectors.dataset_list())


@router.get("/exchange/datasets/{pk}", response={200: DatasetDetailOut, 404: Error})
def dataset_detail(request: HttpRequest, pk: RecordId):
    """One official dataset: provenance, counts of missing and flagged values, codes."""
    dataset = _dataset(pk)
    counts = selectors.dataset_counts(dataset)
    out = DatasetOut.from_orm(dataset).dict()
    return {
        **out,
        "observations": counts["total"],
        "missing": counts["missing"],
        "confidential": counts["confidential"],
        "breaks": counts["breaks"],
        "codes": selectors.dataset_labels(dataset),
    }


@router.get(
    "/exchange/datasets/{pk}/observations",
    response={200: list[ObservationOut], 404: Error},
)
@paginate(BoundedLimitOffsetPagination)
def observation_list(request: HttpRequest, pk: RecordId, query: ObservationQuery = Query(...)):
    """A dataset's observations, selected by dimension codes, with flags and reasons."""
    dataset = _dataset(pk)
    select = {}
    for item in query.select:
        dim, sep, code = item.partition("=")
        if not sep or dim not in dataset.dimensions:
            raise ValidationError(
                f"“{item}” is not dimension=code with a dimension of {', '.join(dataset.dimensions)}."
            )
        select[dim] = code
    return [
        {
            "key": obs.series.key,
            "period": obs.period,
            "value": obs.value,
            "obs_flag": obs.obs_flag,
            "conf_status": obs.conf_status,
            "missing_reason": obs.missing_reason,
        }
        for obs in selectors.observation_list(dataset=dataset, select=select, period=query.period)
    ]


def _decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(f"{what} is not base64.") from exc


@router.post(
    "/exchange/imports",
    response={202: ImportOut, 403: Error},
    auth=AUTHENTICATED,
)
def import_create(request: HttpRequest, payload: ImportIn):
    """Queue a file of official statistics; it lands whole or not at all (see its page)."""
    if not request.user.has_perm("exchange.import_statistics"):
        raise PermissionDenied("Analysts import official statistics.")
    mapping = None
    if payload.mapping:
        mapping = selectors.mapping_get(name=payload.mapping)
        if mapping is None:
            raise ValidationError(f"There is no mapping “{payload.mapping}”.")
    job = services.statistics_import_create(
        user=request.user,
        file_name=payload.file_name,
        content=_decode(payload.content_base64, "content_base64"),
        structure=_decode(payload.structure_base64, "structure_base64")
        if payload.structure_base64
        else None,
        agency=payload.agency,
        code=payload.code,
        name=payload.name,
        source=payload.source,
        url=payload.url,
        licence=payload.licence,
        retrieved_on=payload.retrieved_on,
        sheet=payload.sheet,
        mapping=mapping,
    )
    return Status(
        202,
        {
            "job": job.pk,
            "status": job.status,
            "page": reverse("reports:import-detail", args=[job.pk]),
        },
    )


@router.get("/exchange/mappings", response={200: list[MappingOut], 403: Error}, auth=AUTHENTICATED)
def mapping_list(request: HttpRequest):
    """The saved dimension mappings."""
    if not request.user.has_perm("exchange.change_mapping"):
        raise PermissionDenied("Analysts keep the dimension mappings.")
    return list(selectors.mapping_list())


@router.put("/exchange/mappings", response={200: MappingOut, 403: Error}, auth=AUTHENTICATED)
def mapping_save(request: HttpRequest, payload: MappingIn):
    """Create a mapping, or replace the one of that name."""
    return services.mapping_save(
        user=request.user, name=payload.name, spec=payload.spec, description=payload.description
    )


@router.post("/exchange/links", response={201: LinkOut, 403: Error, 404: Error}, auth=AUTHENTICATED)
def link_create(request: HttpRequest, payload: LinkIn):
    """Show a dataset's series beside a framework's indicator."""
    if not request.user.has_perm("exchange.link_indicator"):
        raise PermissionDenied("Analysts put official statistics beside indicators.")
    indicator = indicator_find(framework=payload.framework, code=payload.indicator)
    if indicator is None:
        raise OfficialDataset.DoesNotExist
    dataset = _dataset(payload.dataset)
    link = services.indicator_link_create(
        user=request.user,
        indicator_id=indicator.pk,
        dataset=dataset,
        select=payload.select,
        note=payload.note,
    )
    return Status(
        201,
        {"id": link.pk, "indicator": indicator.code, "dataset": dataset.pk, "select": link.select},
    )


class BreakdownIn(Schema):
    code: str = Field(..., min_length=1, max_length=8, description="e.g. size_emp")
    name: str = Field(..., min_length=1, max_length=200)
    categories: dict[str, str] = Field(..., description="Category code -> label, in order.")
    additive: bool = Field(False, description="Whether the categories add up to the total.")


class IndicatorIn(Schema):
    code: str = Field(..., min_length=1, max_length=16)
    name: str = Field(..., min_length=1, max_length=2000)
    unit: str = Field("", max_length=60)
    measure: str = Field("percentage", max_length=12)
    breakdowns: list[str] = Field([], max_length=10)


class FrameworkIn(Schema):
    code: str = Field(..., min_length=1, max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=200)
    version: str = Field("1.0", max_length=16)
    start_year: int = Field(..., ge=1990, le=2100)
    end_year: int = Field(..., ge=1990, le=2100)
    grouping: str = Field(..., min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    grouping_name: str = Field("", max_length=200)
    members: dict[str, int | None] = Field(
        {}, description="A new grouping's members: ISO alpha-2 code -> year joined."
    )
    breakdowns: list[BreakdownIn] = Field([], max_length=20)
    indicators: list[IndicatorIn] = Field(..., min_length=1, max_length=500)
    source: str = Field("", max_length=300)


class FrameworkCreatedOut(Schema):
    code: str
    name: str
    economies: str = Field(description="The code of the grouping that reports on it.")
    years: list[int]
    indicators: list[str]
    breakdowns: dict[str, list[str]]


@router.post(
    "/exchange/frameworks",
    response={201: FrameworkCreatedOut, 403: Error},
    auth=AUTHENTICATED,
)
def framework_create(request: HttpRequest, payload: FrameworkIn):
    """Create a framework: indicators, units, breakdowns with code lists, economies, years."""
    if not request.user.has_perm("monitoring.create_framework"):
        raise PermissionDenied("Analysts create frameworks.")
    framework = frameworks.framework_from(
        user=request.user,
        code=payload.code,
        name=payload.name,
        version=payload.version,
        start_year=payload.start_year,
        end_year=payload.end_year,
        grouping=payload.grouping,
        grouping_name=payload.grouping_name,
        members=payload.members,
        indicators=[i.dict() for i in payload.indicators],
        breakdowns=[b.dict() for b in payload.breakdowns],
        source=payload.source,
    )
    return Status(
        201,
        {
            "code": framework.code,
            "name": framework.name,
            "economies": framework.economies_id,
            "years": list(framework.years),
            "indicators": [i.code for i in framework.indicators.all()],
            "breakdowns": {b.code: b.codes for b in framework.breakdowns.all()},
        },
    )


class CodebookColumnOut(Schema):
    column: str
    meaning: str


class CatalogueEntryOut(Schema):
    id: str
    title: str
    description: str
    publisher: str
    licence: str
    modified: str | None
    codebook: list[CodebookColumnOut]
    downloads: dict[str, str] = Field(description="Format (csv, xlsx, json, sdmx-csv) -> URL.")


@router.get("/exchange/catalogue", response=list[CatalogueEntryOut])
def catalogue_list(request: HttpRequest):
    """Every published dataset, with its codebook, licence, last update and downloads."""
    from .views import download_urls

    return [
        catalogue.describe(entry, download_urls(request, entry))
        for entry in catalogue.catalogue_entries()
    ]


class PeerIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=200)
    url: str = Field("", max_length=200)
    economy: str = Field("", max_length=2)


class PeerOut(Schema):
    code: str
    name: str
    url: str
    economy: str
    is_active: bool


class PeerCreatedOut(PeerOut):
    key: str = Field(description="The shared key, given only now; sign submissions with it.")


@router.get("/exchange/peers", response={200: list[PeerOut], 403: Error}, auth=AUTHENTICATED)
def peer_list(request: HttpRequest):
    """Registered peer instances (their keys are never shown again)."""
    if not request.user.has_perm("exchange.manage_peers"):
        raise PermissionDenied("Administrators register peer instances.")
    return list(selectors.peer_list())


@router.post("/exchange/peers", response={201: PeerCreatedOut, 403: Error}, auth=AUTHENTICATED)
def peer_register(request: HttpRequest, payload: PeerIn):
    """Register a peer instance and return its shared key, once."""
    peer, key = federation.peer_register(user=request.user, **payload.dict())
    return Status(
        201,
        {
            "code": peer.code,
            "name": peer.name,
            "url": peer.url,
            "economy": peer.economy,
            "is_active": peer.is_active,
            "key": key,
        },
    )
