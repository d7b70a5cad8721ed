"""Peer benchmarks: where a firm's scores stand among firms like it.

Peers are the latest submitted response of each organisation to an instrument. A response is
compared with the narrowest group that holds at least MIN_CELL_SIZE organisations: same
economy, sector (ISIC section) and size class first, then wider groups, down to all
responding firms. Its percentile is the share of peers scoring lower plus half of those
scoring the same. Everything is computed for all responses at once (sorting and binary
search in numpy), so refreshing a million firms takes seconds, not hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BenchmarkPosition, Instrument, PeerGroup, Response, ResponseStatus

# From the narrowest peer group to the widest; each names the keys it keeps.
SCOPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("economy-sector-size", ("economy", "sector", "size_class")),
    ("economy-sector", ("economy", "sector")),
    ("economy-size", ("economy", "size_class")),
    ("economy", ("economy",)),
    ("sector-size", ("sector", "size_class")),
    ("all", ()),
)
SCOPE_LABELS = {
    "economy-sector-size": _("firms of the same sector and size class in the same economy"),
    "economy-sector": _("firms of the same sector in the same economy"),
    "economy-size": _("firms of the same size class in the same economy"),
    "economy": _("firms in the same economy"),
    "sector-size": _("firms of the same sector and size class in all economies"),
    "all": _("firms that took this assessment"),
}
KEYS = ("economy", "sector", "size_class")


def min_cell_size() -> int:
    return getattr(settings, "MIN_CELL_SIZE", 5)


def group_codes(keys: dict[str, np.ndarray], kept: tuple[str, ...]) -> np.ndarray:
    """Return one integer per row identifying its group under the kept keys."""
    code = np.zeros(len(next(iter(keys.values()))), dtype=np.int64)
    for name in KEYS:
        column = keys[name]
        width = int(column.max(initial=0)) + 1
        code = code * width + (column if name in kept else 0)
    return code


def percentiles(
    peer_groups: np.ndarray, peer_values: np.ndarray, groups: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile of each (group, value) among the peers of its group, and the group's size.

    Mid-rank definition: 100 x (peers below + half the peers equal) / peers in the group.
    Rows whose group has no peers get size 0 and percentile NaN.
    """
    order = np.lexsort((peer_values, peer_groups))
    sorted_groups = peer_groups[order]
    sorted_values = peer_values[order]
    start = np.searchsorted(sorted_groups, groups, side="left")
    end = np.searchsorted(sorted_groups, groups, side="right")
    size = end - start
    # Within a group the values are sorted: search in the group's slice by offsetting the
    # values by their group's rank, which keeps one global sorted array.
    group_rank = np.searchsorted(np.unique(sorted_groups), sorted_groups)
    largest = max(
        float(np.nanmax(np.abs(sorted_values), initial=0.0)),
        float(np.nanmax(np.abs(values), initial=0.0)),
    )
    span = largest * 2 + 1
    keyed = group_rank * span + sorted_values
    query_rank = np.searchsorted(np.unique(sorted_groups), groups)
    query = query_rank * span + values
    below = np.searchsorted(keyed, query, side="left") - start
    equal = np.searchsorted(keyed, query, side="right") - start - below
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(size > 0, 100.0 * (below + 0.5 * equal) / size, np.nan)
    return pct, size


def group_medians(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct groups and the median of values (n, k) in each, column by column."""
    order = np.lexsort((groups,))
    groups, values = groups[order], values[order]
    unique, starts, counts = np.unique(groups, return_index=True, return_counts=True)
    medians = np.empty((len(unique), values.shape[1]))
    for j in range(values.shape[1]):
        column_order = np.lexsort((values[:, j], groups))
        column = values[column_order, j]
        lower = column[starts + (counts - 1) // 2]
        upper = column[starts + counts // 2]
        medians[:, j] = (lower + upper) / 2
    return unique, medians


@dataclass
class Population:
    """Responses with their group keys (as integer codes) and scores (overall first)."""

    ids: np.ndarray
    organisations: np.ndarray
    keys: dict[str, np.ndarray]
    labels: dict[str, list[str]]
    scores: np.ndarray  # (n, 1 + D)


def _population(instrument: Instrument, dimensions: list[str]) -> Population:
    rows = list(
        Response.objects.filter(version__instrument=instrument, status=ResponseStatus.SUBMITTED)
        .order_by("id")
        .values_list(
            "id",
            "organisation_id",
            "organisation__economy_id",
            "organisation__isic_section",
            "organisation__size_class",
            "overall",
            "scores",
        )
    )
    labels: dict[str, list[str]] = {name: [] for name in KEYS}
    keys = {}
    for position, name in enumerate(KEYS, start=2):
        values = [row[position] or "" for row in rows]
        uniques, codes = np.unique(np.array(values, dtype=object), return_inverse=True)
        labels[name] = [str(u) for u in uniques]
        keys[name] = codes.astype(np.int64)
    scores = np.array(
        [
            [row[5], *(row[6].get("dimensions", {}).get(d, np.nan) for d in dimensions)]
            for row in rows
        ],
        dtype=np.float64,
    ).reshape(len(rows), 1 + len(dimensions))
    return Population(
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        organisations=np.array([row[1] for row in rows], dtype=np.int64),
        keys=keys,
        labels=labels,
        scores=scores,
    )


def latest_per_organisation(population: Population) -> np.ndarray:
    """Indices of the last (highest id) response of each organisation."""
    reversed_index = np.unique(population.organisations[::-1], return_index=True)[1]
    return len(population.organisations) - 1 - reversed_index


@transaction.atomic
def benchmarks_refresh(instrument: Instrument) -> int:
    """Recompute every peer group and position of one instrument; return positions written."""
    version = instrument.current_version()
    if version is None:
        return 0
    dimensions = [d.code for d in version.parsed.dimensions]
    population = _population(instrument, dimensions)
    now = timezone.now()
    BenchmarkPosition.objects.filter(response__version__instrument=instrument).delete()
    PeerGroup.objects.filter(instrument=instrument).delete()
    if len(population.ids) == 0:
        return 0
    peers = latest_per_organisation(population)
    minimum = min_cell_size()
    chosen_scope = np.full(len(population.ids), -1)
    chosen_pct = np.full(population.scores.shape, np.nan)
    chosen_group = np.zeros(len(population.ids), dtype=np.int64)
    groups_to_store: dict[tuple[int, int], PeerGroup] = {}
    for s, (scope, kept) in enumerate(SCOPES):
        codes = group_codes(population.keys, kept)
        open_rows = chosen_scope < 0
        if not open_rows.any():
            break
        _pct, size = percentiles(
            codes[peers], population.scores[peers, 0], codes, population.scores[:, 0]
        )
        take = open_rows & (size >= minimum)
        if not take.any():
            continue
        for j in range(population.scores.shape[1]):
            pct, _size = percentiles(
                codes[peers], population.scores[peers, j], codes[take], population.scores[take, j]
            )
            chosen_pct[take, j] = pct
        chosen_scope[take] = s
        chosen_group[take] = codes[take]
        unique, medians = group_medians(codes[peers], population.scores[peers])
        sizes = dict(zip(*np.unique(codes[peers], return_counts=True), strict=True))
        first_row = {}
        for i in np.flatnonzero(take):
            first_row.setdefault(int(codes[i]), i)
        for g, median in zip(unique, medians, strict=True):
            g = int(g)
            if g not in first_row:
                continue
            i = first_row[g]
            groups_to_store[(s, g)] = PeerGroup(
                instrument=instrument,
                scope=scope,
                computed_at=now,
                size=int(sizes[g]),
                median_overall=round(float(median[0]), 2),
                medians={
                    d: round(float(m), 2) for d, m in zip(dimensions, median[1:], strict=True)
                },
                **{
                    name: (
                        population.labels[name][population.keys[name][i]] if name in kept else ""
                    )
                    for name in KEYS
                },
            )
    PeerGroup.objects.bulk_create(groups_to_store.values(), batch_size=2000)
    positions = [
        BenchmarkPosition(
            response_id=int(population.ids[i]),
            group=groups_to_store[(int(chosen_scope[i]), int(chosen_group[i]))],
            percentile=round(float(chosen_pct[i, 0]), 1),
            percentiles={
                d: round(float(chosen_pct[i, 1 + j]), 1) for j, d in enumerate(dimensions)
            },
            computed_at=now,
        )
        for i in np.flatnonzero(chosen_scope >= 0)
    ]
    BenchmarkPosition.objects.bulk_create(positions, batch_size=2000)
    return len(positions)


def latest_submitted(organisation_id: int, instrument_code: str) -> Response | None:
    return (
        Response.objects.filter(
            organisation_id=organisation_id,
            version__instrument_id=instrument_code,
            status=ResponseStatus.SUBMITTED,
        )
        .order_by("-submitted_at", "-id")
        .first()
    )


def latest_per_organisation_ids(instrument: Instrument):
    """A subquery of the last submitted response's id of each organisation (the peers)."""
    return (
        Response.objects.filter(version__instrument=instrument, status=ResponseStatus.SUBMITTED)
        .values("organisation_id")
        .annotate(last=Max("id"))
        .values("last")
    )
