"""Writes that keep background work moving: worker heartbeats and the return of orphaned tasks."""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def worker_heartbeat_beat(*, worker_id: str) -> None:
    """Record that the worker ``worker_id`` is alive now."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            seen_at=now,
        )


def worker_heartbeat_end(*, worker_id: str) -> None:
    """Forget the worker ``worker_id``, which is stopping cleanly."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def worker_orphans_requeue() -> int:
    """Put back in the queue every running task whose worker has gone silent; return how many.

    A worker killed mid-task (out of memory, a deployment, a lost machine) leaves its task
    "running" for good. Task bodies run in transactions (imports land whole or not at all), so
    running such a task again from the start completes it exactly once.
    """
    stale_after = timedelta(seconds=settings.WORKER_STALE_SECONDS)
    cutoff = timezone.now() - stale_after
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    requeued = 0
    with transaction.atomic():
        WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
        running = DBTaskResult.objects.running().select_for_update()
        for result in running.filter(started_at__lt=cutoff):
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            logger.warning(
                "Task %s (%s) was left running by worker %s, which stopped; queued again.",
                result.id,
                result.task_path,
                result.worker_ids[-1] if result.worker_ids else "?",
            )
            DBTaskResult.objects.filter(pk=result.pk).update(status="READY", started_at=None)
            requeued += 1
    return requeued
