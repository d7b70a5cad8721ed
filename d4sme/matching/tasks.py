"""Background work of the matching app, run by the `d4sme db_worker` process."""

from django_tasks import task


@task()
def recommendations_refresh_task(*, run_id: int) -> bool:
    """Refresh every firm's stored programme recommendations for the run ``run_id``."""
    from django.utils import timezone

    from .models import MatchRun, RunStatus
    from .services import recommendations_refresh

    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None or run.finished:
        return False
    try:
        recommendations_refresh(run=run)
    except Exception as error:
        MatchRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, message=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return True
