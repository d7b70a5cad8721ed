"""Reading cases: faceted browsing and search over published cases, and similar cases."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db.models import Case as Conditional
from django.db.models import Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils.translation import get_language

from d4sme.registry.selectors import term_list

from . import search
from .models import Case, CaseStatus, CaseTechnology, Period

FACETS = (
    "economy",
    "sector",
    "size_class",
    "technology",
    "barrier",
    "programme",
    "period",
    "language",
)


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    mode: str = "combined"
    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)


def published() -> QuerySet[Case]:
    return Case.objects.filter(status=CaseStatus.PUBLISHED)


def _facet_filter(name: str, values: tuple[str, ...]) -> Q:
    # Many-valued facets filter through a subquery, so that no case repeats and no DISTINCT
    # (over every column, the vectors included) is needed.
    if name == "technology":
        steps = CaseTechnology.objects.filter(term__code__in=values)
        return Q(pk__in=steps.values("case_id"))
    if name == "barrier":
        tagged = Case.barriers.through.objects.filter(
            term__code__in=values, term__vocabulary_id="barriers"
        )
        return Q(pk__in=tagged.values("case_id"))
    if name == "programme":
        used = Case.programmes.through.objects.filter(programme__code__in=values)
        return Q(pk__in=used.values("case_id"))
    return {
        "economy": Q(economy_id__in=values),
        "sector": Q(isic_section__in=values),
        "size_class": Q(size_class__in=values),
        "period": Q(period__in=values),
        "language": Q(language__in=values),
    }[name]


def filtered(filters: CaseFilters, without: str | None = None) -> QuerySet[Case]:
    cases = published()
    for name, values in filters.selected.items():
        if values and name != without:
            cases = cases.filter(_facet_filter(name, values))
    return cases


# What a result list shows of a case; the stored vectors and search text stay in the database.
UNSHOWN = ("embedding", "search_text", "translations")


def case_search(filters: CaseFilters, limit: int = 50) -> list[tuple[Case, float]]:
    """Published cases matching the filters, ranked by the query when there is one."""
    cases = filtered(filters).select_related("economy").defer(*UNSHOWN)
    if not filters.q.strip():
        # The page's ids first, from the narrow columns; then those cases whole. (On SQLite a
        # column stored after the vectors is read through them, row by row.)
        ids = list(
            filtered(filters)
            .order_by("-featured", "-published_at", "-id")
            .values_list("pk", flat=True)[:limit]
        )
        by_id = cases.in_bulk(ids)
        return [(by_id[i], 0.0) for i in ids]
    ranking = search.MODES.get(filters.mode, search.combined)(filters.q, limit=200)
    allowed = set(
        filtered(filters).filter(pk__in=[i for i, _s in ranking]).values_list("pk", flat=True)
    )
    chosen = [(i, s) for i, s in ranking if i in allowed][:limit]
    by_id = cases.in_bulk([i for i, _s in chosen])
    return [(by_id[i], s) for i, s in chosen]


# Facet counts do not depend on the query, only on the selections and the cases: they are kept
# per (selections, language) until a case changes. Recounting the eight facets on every request
# cost most of a search (bench/search.py measures both).
FACET_CACHE_SIZE = 256
_facet_cache: dict[tuple, dict[str, list[tuple[str, str, int]]]] = {}
_facet_lock = threading.Lock()


def cases_version() -> tuple:
    """A value that changes whenever a case is written: how many there are and the latest
    change (one indexed aggregate)."""
    return tuple(Case.objects.aggregate(n=Count("id"), t=Max("updated_at")).values())


def facet_counts(filters: CaseFilters) -> dict[str, list[tuple[str, str, int]]]:
    """For each facet: (value, label, count) among cases matching every other selection."""
    selected = tuple(sorted((name, tuple(sorted(v))) for name, v in filters.selected.items() if v))
    key = (cases_version(), get_language(), selected)
    found = _facet_cache.get(key)
    if found is None:
        found = count_facets(filters)
        with _facet_lock:
            if len(_facet_cache) >= FACET_CACHE_SIZE:
                _facet_cache.clear()
            _facet_cache[key] = found
    return found


def count_facets(filters: CaseFilters) -> dict[str, list[tuple[str, str, int]]]:
    """Count every facet's values over the published cases (eight grouped queries)."""
    found: dict[str, list[tuple[str, str, int]]] = {}
    simple = {
        "economy": ("economy_id", lambda v: v),
        "sector": ("isic_section", lambda v: v),
        "size_class": ("size_class", lambda v: v),
        "period": ("period", lambda v: str(Period(v).label) if v in Period.values else v),
        "language": ("language", lambda v: v),
    }
    for name, (column, label) in simple.items():
        rows = (
            filtered(filters, without=name)
            .order_by()
            .values(column)
            .annotate(n=Count("id", distinct=True))
        )
        found[name] = sorted((r[column], label(r[column]), r["n"]) for r in rows)
    for name, path in (("technology", "pathway__term"), ("barrier", "barriers")):
        rows = (
            filtered(filters, without=name)
            .order_by()
            .values(f"{path}__code", f"{path}__id")
            .exclude(**{f"{path}__code": None})
            .annotate(n=Count("id", distinct=True))
        )
        terms = term_list(pks=[r[f"{path}__id"] for r in rows]).in_bulk()
        found[name] = sorted(
            (r[f"{path}__code"], terms[r[f"{path}__id"]].label, r["n"]) for r in rows
        )
    rows = (
        filtered(filters, without="programme")
        .order_by()
        .exclude(programmes=None)
        .values("programmes__code", "programmes__name")
        .annotate(n=Count("id", distinct=True))
    )
    found["programme"] = sorted(
        (r["programmes__code"], r["programmes__name"], r["n"]) for r in rows
    )
    return found


def similar_cases(case: Case, limit: int = 4) -> list[Case]:
    ids = search.similar(case, limit=limit)
    by_id = published().in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def cases_facing(
    barrier_codes: list[str],
    limit: int = 3,
    *,
    sector: str | None = None,
    size_class: str | None = None,
    economy: str | None = None,
) -> list[Case]:
    """Published cases of peers who overcame the given barriers: those sharing the most of them
    first, then those of a firm like the one asking (same sector, then size class, then
    economy), then the latest."""

    def same(field: str, value: str | None):
        if not value:
            return Value(0)
        return Conditional(When(**{field: value}, then=1), default=0, output_field=IntegerField())

    cases = (
        published()
        .filter(barriers__code__in=barrier_codes, barriers__vocabulary_id="barriers")
        .annotate(
            shared=Count("barriers", distinct=True),
            same_sector=same("isic_section", sector),
            same_size=same("size_class", size_class),
            same_economy=same("economy_id", economy),
        )
    )
    order = ("-shared", "-same_sector", "-same_size", "-same_economy", "-published_at", "-id")
    return list(cases.order_by(*order)[:limit])
