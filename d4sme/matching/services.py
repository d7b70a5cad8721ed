"""Every change the matching app makes: runs queued and carried out, recommendations stored."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from d4sme.assessments.selectors import organisation_needs
from d4sme.programmes.eligibility import Population
from d4sme.programmes.selectors import recommendable_programmes
from d4sme.registry.selectors import organisation_profiles

from . import fit, recommend
from .models import MatchRun, Recommendation, RunKind, RunStatus

if TYPE_CHECKING:
    from d4sme.registry.models import User

# Firms scored together in one matrix product of the refresh.
CHUNK = 2048
# Recommendations stored per firm by the refresh (the page shows them all, live).
TOP_K = 20


def recommendations_refresh_request(*, user: User) -> MatchRun:
    """Queue a refresh of every firm's stored recommendations; return its run."""
    if not user.has_perm("matching.refresh_recommendations"):
        raise PermissionDenied(_("Analysts and administrators refresh recommendations."))
    from .tasks import recommendations_refresh_task

    run = MatchRun.objects.create(
        kind=RunKind.PROGRAMMES,
        created_by=user,
        solver="numpy",
        solver_version=np.__version__,
        params={"chunk": CHUNK, "top_k": TOP_K, "weights": fit.fit_settings().weights},
    )
    transaction.on_commit(lambda: recommendations_refresh_task.enqueue(run_id=run.pk))
    return run


def population_of(profiles: list[dict]) -> Population:
    """Return the firms' profiles as a bulk-eligibility population."""
    return Population(
        economy=[p["economy_id"] for p in profiles],
        size_class=[p["size_class"] for p in profiles],
        section=[p["isic_section"] or "" for p in profiles],
        region=[p["region__code"] for p in profiles],
        founded_year=[p["founded_year"] for p in profiles],
        women_led=[p["women_led"] for p in profiles],
        youth_led=[p["youth_led"] for p in profiles],
        rural=[p["rural"] for p in profiles],
    )


def eligible_columns(population: Population, programmes: list, today: date) -> list[np.ndarray]:
    """Return, per programme, the sorted row indices of the firms eligible for it."""
    return [
        np.sort(
            population.eligible(
                rules=p.eligibility,
                economy=p.economy_id,
                stated=p.eligibility_stated,
                today=today,
            )
        )
        for p in programmes
    ]


def eligibility_block(columns: list[np.ndarray], start: int, end: int) -> np.ndarray:
    """Return the (end - start, P) boolean matrix of eligibility for rows start..end."""
    block = np.zeros((end - start, len(columns)), dtype=bool)
    for j, rows in enumerate(columns):
        lo, hi = np.searchsorted(rows, [start, end])
        block[rows[lo:hi] - start, j] = True
    return block


def recommendations_refresh(
    *, run: MatchRun, today: date | None = None, with_text: bool = True
) -> MatchRun:
    """Store every firm's top recommendations, scoring firms chunk by chunk, and report progress.

    Eligibility comes from ``Population.eligible`` (one vectorised pass per programme); the
    fit is one matrix product per part and chunk of firms.
    """
    today = today or timezone.localdate()
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    programmes = list(recommendable_programmes(today=today).order_by("name", "pk"))
    if with_text:
        recommend.programme_vectors_refresh(programmes)
    catalogue, _calls = recommend.catalogue_for(programmes, today)
    profiles = organisation_profiles()
    run.total = len(profiles)
    run.done = 0
    run.save(update_fields=["total", "done"])
    columns = eligible_columns(population_of(profiles), programmes, today)
    settings = fit.fit_settings()
    pairs = 0
    for start in range(0, len(profiles), CHUNK):
        end = min(start + CHUNK, len(profiles))
        chunk = profiles[start:end]
        ids = [p["id"] for p in chunk]
        needs = organisation_needs(organisation_ids=ids)
        firms = recommend.firms_for(chunk, needs, catalogue, with_text=with_text)
        parts = dict(fit.part_matrices(catalogue, firms, settings))
        total = fit.total_of(parts, settings)
        allowed = eligibility_block(columns, start, end)
        total = np.where(allowed, total, -1.0)
        rows = []
        for r, organisation_id in enumerate(ids):
            eligible = np.flatnonzero(allowed[r])
            if not len(eligible):
                continue
            order = eligible[np.lexsort((eligible, -total[r, eligible]))][:TOP_K]
            for rank, j in enumerate(order, start=1):
                rows.append(
                    Recommendation(
                        run=run,
                        organisation_id=organisation_id,
                        programme_id=int(catalogue.programme_ids[j]),
                        score=round(float(total[r, j]), 2),
                        rank=rank,
                        parts={k: round(float(v[r, j]), 4) for k, v in parts.items()},
                    )
                )
        with transaction.atomic():
            Recommendation.objects.filter(organisation_id__in=ids).delete()
            Recommendation.objects.bulk_create(rows, batch_size=1000)
            pairs += len(rows)
            MatchRun.objects.filter(pk=run.pk).update(done=end)
    run.refresh_from_db()
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.summary = {"firms": len(profiles), "programmes": len(programmes), "stored": pairs}
    run.save(update_fields=["status", "finished_at", "summary"])
    return run
