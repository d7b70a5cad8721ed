"""Peer benchmarks: where a firm's scores stand among firms like it.

Peers are the latest submitted response of each organisation to an instrument. A response is
compared with the narrowest group that holds at least MIN_CELL_SIZE organisations besides its
own, so that the peer median and percentile rest on enough other firms: same economy, sector (ISIC section) and size class first, then wider groups, down to all
responding firms. Its percentile is the share of peers scoring lower plus half of those
scoring the same. Everything is computed for all responses at once (sorting and binary
search in numpy), so refreshing a million firms takes seconds, not hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from d4sme.reports.disclosure import figure, minimum_cell_size

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
    return minimum_cell_size()


def enough_peers(group: PeerGroup) -> bool:
    """Whether a peer group holds enough firms besides the one compared to be shown to it."""
    return not figure(group.median_overall, contributors=group.size - 1).suppressed


def group_codes(keys: dict[str, np.ndarray], kept: tuple[str, ...]) -> np.ndarray:
    """Return one integer per row identifying its group under the kept keys."""
    code = np.zeros(len(next(iter(keys.values()))), dtype=np.int64)
    for name in KEYS:
        column = keys[name]
        width = int(column.max(initial=0)) + 1
        code = code * width + (column if name in kept else 0)
    return code


def group_sizes(peer_groups: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """How many peers share each row's group (0 when none)."""
    unique, counts = np.unique(peer_groups, return_counts=True)
    if len(unique) == 0:
        return np.zeros(len(groups), dtype=np.int64)
    at = np.minimum(np.searchsorted(unique, groups), len(unique) - 1)
    return np.where(unique[at] == groups, counts[at], 0)


def percentiles(
    peer_groups: np.ndarray, peer_values: np.ndarray, groups: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile of each (group, value) among the peers of its group, and the group's size.

    ``values`` is one column (n,) or several (n, k), with ``peer_values`` shaped alike; both
    results take the shape of ``values``. Mid-rank definition: 100 x (peers below + half the
    peers equal) / peers in the group. Peers without a value (NaN) are left out; rows whose
    group has no peers, or that have no value themselves, get NaN.

    Each side becomes one sorted float key, group rank x span + value, so a binary search
    finds a row's place within its own group; the queries are searched in ascending order,
    which keeps the searches cache-friendly at millions of rows. Group ranks are found once
    for all columns.
    """
    single = values.ndim == 1
    if single:
        peer_values, values = peer_values[:, np.newaxis], values[:, np.newaxis]
    n, columns = values.shape
    pct = np.full((n, columns), np.nan)
    size = np.zeros((n, columns), dtype=np.int64)
    unique = np.unique(peer_groups)
    if len(unique):
        peer_rank = np.searchsorted(unique, peer_groups)
        rank = np.minimum(np.searchsorted(unique, groups), len(unique) - 1)
        present = unique[rank] == groups
        for j in range(columns):
            known = ~np.isnan(peer_values[:, j])
            counts = np.bincount(peer_rank[known], minlength=len(unique))
            starts = np.cumsum(counts) - counts
            column = values[:, j]
            span = (
                2.0
                * max(
                    float(np.abs(peer_values[known, j]).max(initial=0.0)),
                    float(np.nanmax(np.abs(column), initial=0.0)),
                )
                + 1.0
            )
            keys = np.sort(peer_rank[known] * span + peer_values[known, j])
            query = rank * span + column
            order = np.argsort(query)
            ordered = query[order]
            left = np.empty(n, dtype=np.int64)
            right = np.empty(n, dtype=np.int64)
            left[order] = np.searchsorted(keys, ordered, side="left")
            right[order] = np.searchsorted(keys, ordered, side="right")
            size[:, j] = np.where(present, counts[rank], 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                found = 100.0 * (left - starts[rank] + 0.5 * (right - left)) / size[:, j]
            pct[:, j] = np.where(present & ~np.isnan(column) & (size[:, j] > 0), found, np.nan)
    return (pct[:, 0], size[:, 0]) if single else (pct, size)


def group_medians(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct groups and the median of values (n, k) in each, column by column.

    Missing values (NaN) are left out; a group with none in a column gets NaN there.
    """
    unique = np.unique(groups)
    medians = np.full((len(unique), values.shape[1]), np.nan)
    for j in range(values.shape[1]):
        known = ~np.isnan(values[:, j])
        column_groups, column = groups[known], values[known, j]
        order = np.lexsort((column, column_groups))
        column_groups, column = column_groups[order], column[order]
        present, starts, counts = np.unique(column_groups, return_index=True, return_counts=True)
        middle = (column[starts + (counts - 1) // 2] + column[starts + counts // 2]) / 2
        medians[np.searchsorted(unique, present), j] = middle
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
    now = timezone.now()  # before reading: what was committed by now is included
    population = _population(instrument, dimensions)
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
        # The firm itself is one of its group's peers: the others must reach the minimum.
        take = open_rows & (group_sizes(codes[peers], codes) - 1 >= minimum)
        if not take.any():
            continue
        chosen_pct[take], _size = percentiles(
            codes[peers], population.scores[peers], codes[take], population.scores[take]
        )
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


def latest_per_organisation_ids(instrument: Instrument):
    """A subquery of the last submitted response's id of each organisation (the peers)."""
    return (
        Response.objects.filter(version__instrument=instrument, status=ResponseStatus.SUBMITTED)
        .values("organisation_id")
        .annotate(last=Max("id"))
        .values("last")
    )
