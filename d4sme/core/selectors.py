"""Reads about background work that pages show to users and administrators."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat


@dataclass(frozen=True)
class TaskBacklog:
    waiting: int  # tasks queued for longer than the warning threshold
    oldest: datetime | None
    workers_alive: int


def task_backlog_get() -> TaskBacklog:
    """Return the tasks that have waited too long to start, and how many workers are alive."""
    now = timezone.now()
    late = DBTaskResult.objects.ready().filter(
        enqueued_at__lt=now - timedelta(seconds=settings.TASK_WAIT_WARNING_SECONDS)
    )
    oldest = late.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    alive = WorkerHeartbeat.objects.filter(
        seen_at__gte=now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    ).count()
    return TaskBacklog(waiting=late.count(), oldest=oldest, workers_alive=alive)


def queued_too_long(enqueued_at: datetime | None) -> bool:
    """Return whether work queued at ``enqueued_at`` has waited past the warning threshold."""
    if enqueued_at is None:
        return False
    limit = timedelta(seconds=settings.TASK_WAIT_WARNING_SECONDS)
    return timezone.now() - enqueued_at > limit
