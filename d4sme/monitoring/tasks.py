"""Background work of KPI monitoring, run by the `d4sme db_worker` process."""

from django_tasks import task


@task()
def values_import(*, import_id: int) -> str:
    """Check an uploaded file of values and write it whole, or not at all."""
    from .imports import import_run

    return import_run(import_id)
