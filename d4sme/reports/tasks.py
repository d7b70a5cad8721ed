"""Background work of the shared layer, run by the `d4sme db_worker` process."""

from django_tasks import task


@task()
def import_job_run(*, job_id: int) -> str:
    """Check an uploaded file with its app's importer and write it whole, or not at all."""
    from .services import import_job_run as run

    return run(job_id=job_id)
