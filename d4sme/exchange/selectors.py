"""Reads of the exchange app: official datasets, their observations, and the official series
shown beside a framework's indicators."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from .models import (
    DimensionMapping,
    IndicatorLink,
    OfficialCode,
    OfficialDataset,
    OfficialObservation,
    OfficialSeries,
    Peer,
    Receipt,
)

# Series shown beside an indicator, at most, per linked dataset.
MAX_SERIES_BESIDE = 80


def dataset_list(*, published_only: bool = True) -> QuerySet[OfficialDataset]:
    """Return the official datasets (those in the catalogue, unless told otherwise), each
    with its number of series."""
    datasets = OfficialDataset.objects.annotate(series_count=Count("series"))
    return datasets.filter(is_published=True) if published_only else datasets


def dataset_get(*, pk: int) -> OfficialDataset | None:
    return OfficialDataset.objects.filter(pk=pk).first()


def dataset_find(*, agency: str, code: str) -> OfficialDataset | None:
    return OfficialDataset.objects.filter(agency=agency, code=code).first()


def dataset_labels(dataset: OfficialDataset) -> dict[str, dict[str, str]]:
    """Return the labels of the dataset's codes: dimension -> code -> label."""
    labels: dict[str, dict[str, str]] = {}
    for dim, code, label in OfficialCode.objects.filter(dataset=dataset).values_list(
        "dimension", "code", "label"
    ):
        labels.setdefault(dim, {})[code] = label
    return labels


def dataset_counts(dataset: OfficialDataset) -> dict[str, int]:
    """Return how many observations the dataset holds, with a value, missing, withheld, and
    flagged as a break in series."""
    observations = OfficialObservation.objects.filter(series__dataset=dataset)
    return observations.aggregate(
        total=Count("pk"),
        missing=Count("pk", filter=Q(value__isnull=True)),
        confidential=Count("pk", filter=~Q(conf_status="") & ~Q(conf_status="F")),
        breaks=Count("pk", filter=Q(obs_flag__contains="b") | Q(obs_flag__contains="B")),
    )


def dataset_flags(dataset: OfficialDataset) -> Counter:
    """Return how many observations carry each flag."""
    counts: Counter = Counter()
    rows = (
        OfficialObservation.objects.filter(series__dataset=dataset)
        .exclude(obs_flag="")
        .values_list("obs_flag")
        .annotate(n=Count("pk"))
    )
    for flag, n in rows:
        counts[flag] += n
    return counts


def observation_list(
    *, dataset: OfficialDataset, select: dict[str, str] | None = None, period: str = ""
) -> QuerySet[OfficialObservation]:
    """Return the dataset's observations whose series have the ``select`` codes (the area
    by its dimension too), in key and period order."""
    observations = OfficialObservation.objects.filter(series__dataset=dataset).select_related(
        "series"
    )
    for dim, code in (select or {}).items():
        if dim == dataset.area_dimension:
            observations = observations.filter(series__area=code)
        else:
            observations = observations.filter(**{f"series__key__{dim}": code})
    if period:
        observations = observations.filter(period=period)
    return observations.order_by("series__key_text", "period")


def series_matching(dataset: OfficialDataset, select: dict[str, str]) -> list[OfficialSeries]:
    """Return the dataset's series that have the ``select`` codes."""
    series = OfficialSeries.objects.filter(dataset=dataset)
    if area := select.get(dataset.area_dimension):
        series = series.filter(area=area)
    # Filtered here rather than in SQL: JSON containment differs across databases.
    return [s for s in series if all(s.key.get(k) == v for k, v in select.items())]


def mapping_list() -> QuerySet[DimensionMapping]:
    return DimensionMapping.objects.all()


def mapping_get(*, name: str) -> DimensionMapping | None:
    return DimensionMapping.objects.filter(name=name).first()


def link_get(*, pk: int) -> IndicatorLink | None:
    return IndicatorLink.objects.select_related("dataset").filter(pk=pk).first()


@dataclass
class BesideRow:
    label: str  # the series' area and the codes that vary, in words
    area: str
    cells: dict[str, OfficialObservation] = field(default_factory=dict)
    values: list[OfficialObservation | None] = field(default_factory=list)  # by period


@dataclass
class Beside:
    link: IndicatorLink
    dataset: OfficialDataset
    periods: list[str]
    rows: list[BesideRow]
    more: int  # series not shown


def official_beside(*, indicator_id: int) -> list[Beside]:
    """Return, for each dataset linked to the indicator, its selected series by area and
    period, to show beside the values economies report (never inside them)."""
    found = []
    for link in IndicatorLink.objects.filter(indicator_id=indicator_id).select_related("dataset"):
        dataset = link.dataset
        labels = dataset_labels(dataset)
        series = series_matching(dataset, link.select)
        shown = series[:MAX_SERIES_BESIDE]
        varying = [
            d
            for d in dataset.dimensions
            if d != dataset.area_dimension and len({s.key.get(d) for s in series}) > 1
        ]
        rows, by_pk = [], {}
        for s in shown:
            area_label = labels.get(dataset.area_dimension, {}).get(s.area) or s.area
            parts = [area_label] + [labels.get(d, {}).get(s.key[d]) or s.key[d] for d in varying]
            row = BesideRow(label=" · ".join(parts), area=s.area)
            rows.append(row)
            by_pk[s.pk] = row
        periods: set[str] = set()
        for obs in OfficialObservation.objects.filter(series_id__in=list(by_pk)):
            by_pk[obs.series_id].cells[obs.period] = obs
            periods.add(obs.period)
        ordered = sorted(periods)
        for row in rows:
            row.values = [row.cells.get(period) for period in ordered]
        found.append(
            Beside(
                link=link,
                dataset=dataset,
                periods=ordered,
                rows=rows,
                more=len(series) - len(shown),
            )
        )
    return found


def peer_list() -> QuerySet[Peer]:
    return Peer.objects.annotate(receipt_count=Count("receipts"))


def receipt_list(*, peer: Peer | None = None, limit: int = 50) -> list[Receipt]:
    receipts = Receipt.objects.select_related("peer")
    if peer is not None:
        receipts = receipts.filter(peer=peer)
    return list(receipts[:limit])
