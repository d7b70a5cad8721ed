"""Reads of the evaluation app."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Evaluation, EvaluationStatus, FirmOutcome

if TYPE_CHECKING:
    from d4sme.programmes.models import Programme


def outcome_panel(*, organisation_ids: Collection[int]) -> dict[tuple[int, int], tuple]:
    """Return {(organisation id, year): (sales, employment, operating)} for the firms."""
    ids = list(organisation_ids)
    found: dict[tuple[int, int], tuple] = {}
    # In chunks: SQLite limits the parameters of one query.
    for start in range(0, len(ids), 900):
        rows = FirmOutcome.objects.filter(organisation_id__in=ids[start : start + 900]).values_list(
            "organisation_id", "year", "sales", "employment", "operating"
        )
        for org, year, sales, employment, operating in rows:
            found[(org, year)] = (sales, employment, operating)
    return found


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    """The evaluations the user may read: all for analysts, approved ones for everyone else."""
    evaluations = Evaluation.objects.select_related("programme")
    if user.has_perm("evaluation.manage_evaluation"):
        return evaluations
    return evaluations.filter(status=EvaluationStatus.APPROVED)


def evaluation_latest_approved(*, programme: Programme) -> Evaluation | None:
    return (
        Evaluation.objects.filter(programme=programme, status=EvaluationStatus.APPROVED)
        .order_by("-approved_at", "-id")
        .first()
    )


def evaluation_results(*, evaluation: Evaluation) -> dict:
    """The stored results of the latest run: balance rows, estimates by aggregation, pairs."""
    estimates = list(evaluation.estimates.all())
    by_kind: dict[str, list] = {}
    for e in estimates:
        by_kind.setdefault(e.aggregation, []).append(e)
    return {
        "balance": list(evaluation.balance.all()),
        "estimates": estimates,
        "by_kind": by_kind,
        "pair_count": evaluation.pairs.count(),
    }
