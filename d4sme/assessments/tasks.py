"""Background work of the assessments app, run by the `d4sme db_worker` process."""

from django_tasks import task


@task()
def benchmarks_refresh(*, instrument: str, requested_at: str | None = None) -> int:
    """Recompute the peer benchmarks of one instrument after responses arrived.

    Submissions queue one refresh each; a refresh that started after this one was requested
    already read the new responses, so this one then has nothing to add and stops.
    """
    from django.utils.dateparse import parse_datetime

    from .benchmarks import benchmarks_refresh as refresh
    from .models import Instrument, PeerGroup

    if requested_at:
        latest = (
            PeerGroup.objects.filter(instrument_id=instrument)
            .order_by("-computed_at")
            .values_list("computed_at", flat=True)
            .first()
        )
        if latest is not None and latest >= parse_datetime(requested_at):
            return 0
    return refresh(Instrument.objects.get(pk=instrument))


def benchmarks_refresh_later(instrument: str) -> None:
    """Queue a refresh once the current transaction commits."""
    from django.db import transaction
    from django.utils import timezone

    def enqueue() -> None:
        benchmarks_refresh.enqueue(instrument=instrument, requested_at=timezone.now().isoformat())

    transaction.on_commit(enqueue)
