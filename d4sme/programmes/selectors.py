"""Reads from the programme registry: search with facets, eligibility, completeness, queues."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear

from d4sme.registry.models import Role
from d4sme.registry.selectors import membership_organisation_ids, term_list

from . import eligibility
from .models import (
    NOT_RECOMMENDED_STATUSES,
    Application,
    Call,
    Cohort,
    CurationStatus,
    Participation,
    Programme,
    ProgrammeStatus,
)

if TYPE_CHECKING:
    from d4sme.registry.models import Organisation, Term, User

# Facets of the public registry: URL parameter -> vocabulary whose terms it filters by.
TERM_FACETS = {
    "category": "support-categories",
    "theme": "stip-themes",
    "instrument": "stip-instrument-types",
    "target": "target-groups",
    "technology": "technologies",
    "barrier": "barriers",
}


@dataclass(frozen=True)
class ProgrammeFilters:
    q: str = ""
    economy: tuple[str, ...] = ()
    agency: tuple[int, ...] = ()
    status: tuple[str, ...] = ()
    year: int | None = None
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> term codes


def published_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(curation_status=CurationStatus.PUBLISHED)


def programme_search(
    *, filters: ProgrammeFilters, base: QuerySet[Programme] | None = None
) -> QuerySet[Programme]:
    """Return the programmes matching every filter; several values of one facet mean "any of"."""
    qs = published_programmes() if base is None else base
    if filters.q.strip():
        qs = _ranked(qs, filters.q)
    if filters.economy:
        qs = qs.filter(economy_id__in=[c.upper() for c in filters.economy])
    if filters.agency:
        # A subquery rather than a join, so that no programme repeats and no DISTINCT is needed.
        partners = Programme.co_implementers.through.objects.filter(
            organisation_id__in=filters.agency
        )
        qs = qs.filter(
            Q(responsible_id__in=filters.agency) | Q(pk__in=partners.values("programme_id"))
        )
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.year:
        qs = qs.filter(
            Q(start_year__isnull=True) | Q(start_year__lte=filters.year),
            Q(end_year__isnull=True) | Q(end_year__gte=filters.year),
        ).exclude(start_year__isnull=True, end_year__isnull=True)
    for facet, codes in filters.terms.items():
        if codes:
            matching = term_list(vocabularies=[TERM_FACETS[facet]], codes=codes)
            qs = qs.filter(
                pk__in=Programme.classifications.through.objects.filter(term__in=matching).values(
                    "programme_id"
                )
            )
    return qs


def _ranked(qs: QuerySet[Programme], query: str) -> QuerySet[Programme]:
    """The programmes of ``qs`` holding any term of the query, best first (``search_rank``)."""
    from . import search

    ranking = [pk for pk, _score in search.fulltext(query)]
    if not ranking:
        return qs.none()
    rank = Case(
        *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ranking)],
        default=Value(len(ranking)),
        output_field=IntegerField(),
    )
    return qs.filter(pk__in=ranking).annotate(search_rank=rank).order_by("search_rank", "pk")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def _without(filters: ProgrammeFilters, facet: str) -> ProgrammeFilters:
    """Return the filters with one facet's selection removed."""
    if facet in TERM_FACETS:
        return replace(filters, terms={k: v for k, v in filters.terms.items() if k != facet})
    return replace(filters, **{facet: ()})


def programme_facets(
    *, results: QuerySet[Programme], filters: ProgrammeFilters
) -> dict[str, list[FacetValue]]:
    """Return, per facet, its values with how many programmes each would match.

    A facet's counts leave out the facet's own selection (other facets still apply), so that a
    reader can add a second economy or theme to the first: values of one facet combine with
    "or", facets with "and". A facet with nothing selected counts over the results themselves.
    """

    def base(facet: str, selected: bool) -> QuerySet[Programme]:
        return programme_search(filters=_without(filters, facet)) if selected else results

    facets: dict[str, list[FacetValue]] = {}
    economies = (
        base("economy", bool(filters.economy))
        .exclude(economy=None)
        .values("economy_id", "economy__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("economy__name")
    )
    facets["economy"] = [
        FacetValue(e["economy_id"], e["economy__name"], e["n"], e["economy_id"] in filters.economy)
        for e in economies
    ]
    agencies = (
        base("agency", bool(filters.agency))
        .exclude(responsible=None)
        .values("responsible_id", "responsible__short_name", "responsible__legal_name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("responsible__legal_name")
    )
    facets["agency"] = [
        FacetValue(
            str(a["responsible_id"]),
            a["responsible__short_name"] or a["responsible__legal_name"],
            a["n"],
            a["responsible_id"] in filters.agency,
        )
        for a in agencies
    ]
    statuses = dict(
        base("status", bool(filters.status))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    facets["status"] = [
        FacetValue(code, label, statuses[code], code in filters.status)
        for code, label in ProgrammeStatus.choices
        if statuses.get(code)
    ]

    def term_counts(programmes: QuerySet[Programme]) -> dict[int, int]:
        rows = (
            Programme.classifications.through.objects.filter(
                programme_id__in=programmes.values("pk")
            )
            .values("term_id")
            .annotate(n=Count("programme_id", distinct=True))
        )
        return {row["term_id"]: row["n"] for row in rows}

    shared = term_counts(results)
    terms = term_list(vocabularies=TERM_FACETS.values())
    for facet, vocabulary in TERM_FACETS.items():
        chosen = filters.terms.get(facet, ())
        counts = term_counts(base(facet, True)) if chosen else shared
        facets[facet] = [
            FacetValue(t.code, t.label, counts[t.pk], t.code in chosen)
            for t in terms
            if t.vocabulary_id == vocabulary and counts.get(t.pk)
        ]
    return facets


def programme_get(*, code: str) -> Programme:
    return (
        Programme.objects.select_related("economy", "responsible", "responsible__parent")
        .prefetch_related(
            "co_implementers",
            "evaluations",
            Prefetch(
                "instruments",
                queryset=Programme.instruments.rel.related_model.objects.select_related("type"),
            ),
            Prefetch("classifications", queryset=term_list()),
        )
        .get(code=code)
    )


def programme_terms(*, programme: Programme) -> dict[str, list[Term]]:
    """Return the programme's classifications grouped by vocabulary code."""
    grouped: dict[str, list[Term]] = {}
    for term in programme.classifications.all():
        grouped.setdefault(term.vocabulary_id, []).append(term)
    return grouped


def programme_eligibility(
    *, programme: Programme, organisation: Organisation
) -> eligibility.Verdict:
    """Return whether the firm may take part in the programme, rule by rule."""
    return eligibility.check(
        rules=programme.eligibility,
        economy=programme.economy_id,
        economy_name=str(programme.economy) if programme.economy_id else "",
        firm=eligibility.Firm.of(organisation),
        stated=programme.eligibility_stated,
    )


def recommendable_programmes(*, today: date | None = None) -> QuerySet[Programme]:
    """Return the published programmes a firm may be told about: not ended, not historical.

    A programme whose source does not say who may take part is left out too: no firm can be
    told it is eligible for it.
    """
    year = (today or date.today()).year
    return (
        published_programmes()
        .filter(eligibility_stated=True)
        .exclude(status__in=NOT_RECOMMENDED_STATUSES)
        .exclude(end_year__lt=year)
    )


def programmes_eligible_for(
    *, organisation: Organisation
) -> list[tuple[Programme, eligibility.Verdict]]:
    """Return the running programmes open to the firm's economy that it is eligible for."""
    candidates = (
        recommendable_programmes()
        .filter(Q(economy=organisation.economy_id) | Q(economy=None))
        .select_related("economy")
    )
    found = []
    for programme in candidates:
        verdict = programme_eligibility(programme=programme, organisation=organisation)
        if verdict.eligible:
            found.append((programme, verdict))
    return found


COMPLETENESS_FIELDS = ("budget", "dates", "responsible", "evaluation")


def programme_completeness(*, programme: Programme) -> dict[str, bool]:
    """Return which of the facts analysts track are known for one programme."""
    return {
        "budget": programme.budget_amount is not None or programme.budget_band != "unknown",
        "dates": programme.start_year is not None,
        "responsible": programme.responsible_id is not None,
        "evaluation": programme.evaluated or programme.evaluations.exists(),
    }


def economy_completeness() -> list[dict]:
    """Return, per economy, how many published programmes know each tracked fact."""
    rows = (
        published_programmes()
        .exclude(economy=None)
        .values("economy_id", "economy__name")
        .annotate(
            programmes=Count("pk", distinct=True),
            budget=Count(
                "pk",
                filter=Q(budget_amount__isnull=False) | ~Q(budget_band="unknown"),
                distinct=True,
            ),
            dates=Count("pk", filter=Q(start_year__isnull=False), distinct=True),
            responsible=Count("pk", filter=Q(responsible__isnull=False), distinct=True),
            evaluation=Count(
                "pk", filter=Q(evaluated=True) | Q(evaluations__isnull=False), distinct=True
            ),
        )
        .order_by("economy__name")
    )
    return list(rows)


def curation_queue(*, user: User) -> QuerySet[Programme]:
    """Return the programmes awaiting a curator, or the user's own drafts and returned ones."""
    if user.has_perm("programmes.curate_programme"):
        return Programme.objects.filter(curation_status=CurationStatus.SUBMITTED).select_related(
            "economy"
        )
    return (
        Programme.objects.filter(
            Q(submitted_by=user)
            | Q(
                responsible_id__in=membership_organisation_ids(
                    user=user, role=Role.PROGRAMME_MANAGER
                )
            ),
            curation_status__in=[
                CurationStatus.DRAFT,
                CurationStatus.RETURNED,
                CurationStatus.SUBMITTED,
            ],
        )
        .distinct()
        .select_related("economy")
    )


def open_calls(*, programme: Programme, today=None) -> QuerySet[Call]:
    from django.utils import timezone

    today = today or timezone.localdate()
    return programme.calls.filter(opens_on__lte=today, closes_on__gte=today)


def applications_of_user(*, user: User) -> QuerySet[Application]:
    """Return the applications of the firms the user is a member of."""
    return (
        Application.objects.filter(organisation_id__in=membership_organisation_ids(user=user))
        .select_related("call__programme", "organisation")
        .distinct()
    )


def applications_to_manage(*, programme: Programme) -> QuerySet[Application]:
    return (
        Application.objects.filter(call__programme=programme)
        .select_related("organisation", "call")
        .order_by("status", "-created_at")
    )


def programmes_managed_by(*, user: User) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    organisations = membership_organisation_ids(user=user, role=Role.PROGRAMME_MANAGER)
    return Programme.objects.filter(
        Q(responsible_id__in=organisations) | Q(co_implementers__in=organisations)
    ).distinct()


def programme_list(
    *,
    pks: Collection[int] | QuerySet | None = None,
    codes: Collection[str] | None = None,
    managed_by: User | None = None,
) -> QuerySet[Programme]:
    """Return the programmes with the given ids and codes (all when None), by name; with
    ``managed_by``, only those the user's agencies run or co-implement."""
    programmes = Programme.objects.all() if pks is None else Programme.objects.filter(pk__in=pks)
    if codes is not None:
        programmes = programmes.filter(code__in=codes)
    if managed_by is not None:
        programmes = programmes.filter(pk__in=programmes_managed_by(user=managed_by).values("pk"))
    return programmes.order_by("name")


def applicant_ids(*, programmes: QuerySet[Programme]) -> QuerySet:
    """Return the ids of the organisations that applied to any of the programmes, as a
    subquery."""
    return Application.objects.filter(call__programme__in=programmes).values("organisation_id")


def application_exists(*, organisation: Organisation, programmes: QuerySet[Programme]) -> bool:
    """Return whether the organisation applied to any of the programmes."""
    return Application.objects.filter(
        organisation=organisation, call__programme__in=programmes
    ).exists()


def participation_list(
    *, organisations: Collection[Organisation] | None = None
) -> QuerySet[Participation]:
    """Return the participations of the organisations (all when None), with their programme and
    participant."""
    participations = Participation.objects.all()
    if organisations is not None:
        participations = participations.filter(
            application__organisation__in=[o.pk for o in organisations]
        )
    return participations.select_related("cohort__programme", "application__organisation")


def programme_term_codes(
    *, programmes: Collection[Programme], codes: Collection[str]
) -> dict[int, set[str]]:
    """Return {programme id: the codes among ``codes`` of the terms it is classified under}."""
    found: dict[int, set[str]] = {}
    links = Programme.classifications.through.objects.filter(
        programme_id__in=[p.pk for p in programmes], term__code__in=codes
    ).values_list("programme_id", "term__code")
    for programme_id, code in links:
        found.setdefault(programme_id, set()).add(code)
    return found


def programme_spans(*, economies: Collection[str]) -> list[tuple[str, int | None, int | None]]:
    """Return (economy, start year, end year) of each published programme of the economies."""
    return list(
        published_programmes()
        .filter(economy_id__in=economies)
        .values_list("economy_id", "start_year", "end_year")
    )


def participant_counts(
    *, economies: Collection[str], years: Collection[int]
) -> dict[tuple[str, int], int]:
    """Return {(economy, year): firms that began taking part in the economy's programmes that
    year}, each firm counted once."""
    rows = (
        Participation.objects.filter(
            cohort__programme__economy_id__in=economies, started_on__year__in=years
        )
        .annotate(year=ExtractYear("started_on"))
        .order_by()
        .values("cohort__programme__economy_id", "year")
        .annotate(n=Count("application__organisation", distinct=True))
    )
    return {(r["cohort__programme__economy_id"], r["year"]): r["n"] for r in rows}


def cohorts_of(*, programme: Programme) -> QuerySet[Cohort]:
    return programme.cohorts.prefetch_related("participations__application__organisation")


def policy_mix(*, economies: list[str]) -> dict:
    """Return, per economy, programme counts by theme and instrument type, and budget coverage."""
    profiles = {}
    for code in economies:
        programmes = published_programmes().filter(economy_id=code.upper())
        total = programmes.count()
        cells: Counter = Counter()
        for programme in programmes.prefetch_related("classifications", "instruments__type"):
            themes = [
                t for t in programme.classifications.all() if t.vocabulary_id == "stip-themes"
            ]
            types = {i.type for i in programme.instruments.all()}
            for theme in themes or [None]:
                for kind in types or {None}:
                    cells[(theme.label if theme else "—", kind.label if kind else "—")] += 1
        profiles[code.upper()] = {
            "programmes": total,
            "with_budget": programmes.filter(budget_amount__isnull=False).count(),
            "cells": sorted(cells.items()),
        }
    return profiles


def programme_term_map(*, programme_ids: Collection[int]) -> dict[int, dict[str, set[str]]]:
    """Return {programme id: {vocabulary code: codes of the terms it is classified under}}."""
    found: dict[int, dict[str, set[str]]] = {}
    links = Programme.classifications.through.objects.filter(
        programme_id__in=list(programme_ids)
    ).values_list("programme_id", "term__vocabulary_id", "term__code")
    for programme_id, vocabulary, code in links:
        found.setdefault(programme_id, {}).setdefault(vocabulary, set()).add(code)
    return found


def calls_current(*, programme_ids: Collection[int], today: date) -> dict[int, list[Call]]:
    """Return {programme id: its calls open on ``today`` or opening later, soonest closing first}."""
    found: dict[int, list[Call]] = {}
    calls = Call.objects.filter(programme_id__in=list(programme_ids), closes_on__gte=today)
    for call in calls.order_by("closes_on", "id"):
        found.setdefault(call.programme_id, []).append(call)
    return found


def applicant_profile_counts(
    *, programme_ids: Collection[int]
) -> dict[tuple[int, str | None, str, str | None], int]:
    """Return {(programme id, economy, ISIC section, size class): firms that applied}, each firm
    counted once per programme."""
    rows = (
        Application.objects.filter(call__programme_id__in=list(programme_ids))
        .order_by()
        .values(
            "call__programme_id",
            "organisation__economy_id",
            "organisation__isic_section",
            "organisation__size_class",
        )
        .annotate(n=Count("organisation_id", distinct=True))
    )
    return {
        (
            r["call__programme_id"],
            r["organisation__economy_id"],
            r["organisation__isic_section"],
            r["organisation__size_class"],
        ): r["n"]
        for r in rows
    }


def programme_participants(*, programme: Programme) -> list[dict]:
    """Return one dict per participation in the programme's cohorts, by firm: the firm's id,
    the year it entered (its own start, else its cohort's, else the cohort's creation) and the
    outcomes recorded before and after support."""
    rows = (
        Participation.objects.filter(cohort__programme=programme)
        .order_by("application__organisation_id", "id")
        .values(
            "application__organisation_id",
            "started_on",
            "cohort__starts_on",
            "cohort__created_at",
            "sales_before",
            "sales_after",
            "employment_before",
            "employment_after",
            "still_operating",
        )
    )
    found = []
    for r in rows:
        entered = r["started_on"] or r["cohort__starts_on"] or r["cohort__created_at"]
        found.append(
            {
                "organisation_id": r["application__organisation_id"],
                "entry_year": entered.year,
                "sales_before": r["sales_before"],
                "sales_after": r["sales_after"],
                "employment_before": r["employment_before"],
                "employment_after": r["employment_after"],
                "still_operating": r["still_operating"],
            }
        )
    return found


def programme_eligible_firm_ids(*, programme: Programme, on: date | None = None) -> list[int]:
    """Return the ids of the SMEs that meet the programme's eligibility rules on ``on`` (a rule
    to confirm counts as met), whether or not they applied; all SMEs of its economy when its
    source states no rules."""
    from d4sme.registry.selectors import organisation_profiles

    profiles = organisation_profiles()
    population = eligibility.Population(
        economy=[p["economy_id"] for p in profiles],
        size_class=[p["size_class"] for p in profiles],
        section=[p["isic_section"] for p in profiles],
        region=[p["region__code"] for p in profiles],
        founded_year=[p["founded_year"] for p in profiles],
        women_led=[p["women_led"] for p in profiles],
        youth_led=[p["youth_led"] for p in profiles],
        rural=[p["rural"] for p in profiles],
    )
    rules = programme.eligibility if programme.eligibility_stated else {}
    index = population.eligible(rules=rules or {}, economy=programme.economy_id, today=on)
    return sorted(profiles[i]["id"] for i in index)


def programmes_with_participants() -> QuerySet[Programme]:
    """Return the programmes that have at least one participation in a cohort, by name."""
    return (
        Programme.objects.filter(cohorts__participations__isnull=False)
        .distinct()
        .order_by("name", "id")
    )


def applied_call_ids(*, organisation: Organisation, call_ids: Collection[int]) -> set[int]:
    """Return the ids among ``call_ids`` of the calls the organisation applied to."""
    return set(
        Application.objects.filter(
            organisation=organisation, call_id__in=list(call_ids)
        ).values_list("call_id", flat=True)
    )
