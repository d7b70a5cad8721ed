"""Reads of the matching app: runs and the stored recommendations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import MatchRun, Recommendation, RunKind, RunStatus

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
