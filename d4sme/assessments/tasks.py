"""Background work of the assessments app, run by the `d4sme db_worker` process."""

from django_tasks import task


@task()
def benchmarks_refresh(*, instrument: str) -> int:
    """Recompute the peer benchmarks of one instrument after responses arrived."""
    from .benchmarks import benchmarks_refresh as refresh
    from .models import Instrument

    return refresh(Instrument.objects.get(pk=instrument))


@task()
def responses_import(*, import_id: int) -> str:
    """Check and import a file of responses, whole or not at all."""
    from .imports import import_run

    return import_run(import_id)
