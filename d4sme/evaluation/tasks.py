"""Background work of the evaluation app, run by the `d4sme db_worker` process."""

from django_tasks import task


@task()
def evaluation_run_task(*, evaluation_id: int) -> str:
    """Run one queued evaluation and store its results; return its final status."""
    from .services import evaluation_execute

    return evaluation_execute(evaluation_id=evaluation_id)
