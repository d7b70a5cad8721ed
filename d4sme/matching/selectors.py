"""Reads of the matching app: runs and the stored recommendations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .models import (
    Candidate,
    JobApplication,
    JobMatch,
    JobPost,
    MatchRun,
    Recommendation,
    RunKind,
    RunStatus,
    SupplierNeed,
    SupplierOffer,
    SupplierPair,
)

if TYPE_CHECKING:
    from d4sme.registry.models import Organisation


def run_get(*, pk: int) -> MatchRun | None:
    return MatchRun.objects.filter(pk=pk).first()


def run_latest_programmes() -> MatchRun | None:
    """Return the last finished refresh of every firm's recommendations."""
    return MatchRun.objects.filter(kind=RunKind.PROGRAMMES, status=RunStatus.DONE).first()


def recommendations_stored(*, organisation: Organisation) -> QuerySet[Recommendation]:
    """Return the firm's recommendations as the last refresh stored them, best first."""
    return Recommendation.objects.filter(organisation=organisation).select_related("programme")


def youth_programmes() -> QuerySet:
    """Return the running programmes that subsidise hiring people of given ages."""
    from d4sme.programmes.selectors import recommendable_programmes

    return recommendable_programmes().filter(eligibility__has_key="hire_max_age").order_by("name")


def candidate_of(*, user) -> Candidate | None:
    if not user.is_authenticated:
        return None
    return Candidate.objects.filter(user=user).first()


def candidate_get(*, pk: int) -> Candidate | None:
    return Candidate.objects.filter(pk=pk).first()


def job_get(*, pk: int) -> JobPost | None:
    return JobPost.objects.select_related("organisation", "programme").filter(pk=pk).first()


def jobs_open() -> QuerySet[JobPost]:
    return JobPost.objects.filter(is_open=True).select_related("organisation", "programme")


def jobs_of_firms(*, organisation_ids) -> QuerySet[JobPost]:
    return JobPost.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation", "programme"
    )


def job_applicants(*, job: JobPost) -> QuerySet[JobApplication]:
    return job.applications.select_related("candidate").order_by("created_at", "id")


def job_matches_of_run(*, run: MatchRun) -> QuerySet[JobMatch]:
    return run.job_matches.select_related("job__organisation", "candidate")


def job_matches_of_candidate(*, candidate: Candidate) -> QuerySet[JobMatch]:
    return candidate.matches.select_related("job__organisation", "run").order_by("-run__created_at")


def youth_runs(*, programme_codes) -> QuerySet[MatchRun]:
    return MatchRun.objects.filter(
        kind=RunKind.YOUTH_JOBS, params__programme__in=list(programme_codes)
    )


def job_match_get(*, pk: int) -> JobMatch | None:
    return JobMatch.objects.select_related("job__organisation", "candidate").filter(pk=pk).first()


def supplier_needs_of(*, organisation_ids) -> QuerySet[SupplierNeed]:
    return SupplierNeed.objects.filter(buyer_id__in=organisation_ids).select_related("buyer")


def supplier_offers_of(*, organisation_ids) -> QuerySet[SupplierOffer]:
    return SupplierOffer.objects.filter(supplier_id__in=organisation_ids).select_related("supplier")


def supplier_pairs_of(*, organisation_ids) -> QuerySet[SupplierPair]:
    """Return the proposed pairs where one of the organisations is the buyer or the supplier."""
    return (
        SupplierPair.objects.filter(
            Q(need__buyer_id__in=organisation_ids) | Q(offer__supplier_id__in=organisation_ids)
        )
        .select_related("need__buyer", "offer__supplier", "run")
        .prefetch_related("events")
        .order_by("-run__created_at", "need_id", "-fit")
    )


def supplier_pair_get(*, pk: int) -> SupplierPair | None:
    return (
        SupplierPair.objects.select_related("need__buyer", "offer__supplier").filter(pk=pk).first()
    )


def supplier_runs(*, user) -> QuerySet[MatchRun]:
    runs = MatchRun.objects.filter(kind=RunKind.SUPPLIERS)
    if user.has_perm("matching.refresh_recommendations"):
        return runs
    return runs.filter(created_by=user)
