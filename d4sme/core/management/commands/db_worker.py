"""``d4sme db_worker``: django-tasks-db's worker, made safe to leave running unattended.

On top of the library's worker loop it
- reports a heartbeat from a separate thread, so that a long task does not look like a death;
- queues again the tasks that a worker which went silent (killed, out of memory, machine lost)
  left "running", at start and every ``WORKER_STALE_SECONDS``;
- waits out a locked database instead of dying on it;
- exits non-zero when its loop fails for any other reason, even under the autoreloader (where a
  failed loop used to leave the process alive and the queue unserved), so that ``make run`` or a
  process supervisor restarts it.
"""

import contextlib
import logging
import os
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

from d4sme.core.services import (
    worker_heartbeat_beat,
    worker_heartbeat_end,
    worker_orphans_requeue,
)

logger = logging.getLogger("django_tasks_db")

# Exit status of a worker whose loop failed: not 0 (a clean stop) nor 3 (the autoreloader's
# "restart me"), so that the autoreloader's parent process and supervisors see a failure.
EXIT_LOOP_FAILED = 70


def orphans_recover() -> None:
    """Queue again the tasks that stopped workers left running, and say so in the log."""
    requeued = worker_orphans_requeue()
    if requeued:
        logger.warning("Queued again %d task(s) left running by stopped workers.", requeued)


class Heartbeat(threading.Thread):
    """Record the worker as alive every ``WORKER_HEARTBEAT_SECONDS`` until stopped, and look for
    dead workers' tasks every ``WORKER_STALE_SECONDS``, even while a long task runs."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="d4sme-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()
        self.next_recovery = time.monotonic() + settings.WORKER_STALE_SECONDS

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    worker_heartbeat_beat(worker_id=self.worker_id)
                    if time.monotonic() >= self.next_recovery:
                        self.next_recovery = time.monotonic() + settings.WORKER_STALE_SECONDS
                        orphans_recover()
                except OperationalError as error:
                    # A locked or briefly unreachable database: try again at the next beat.
                    logger.warning("Heartbeat of worker %s not recorded: %s", self.worker_id, error)
                    close_old_connections()
                self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)
        finally:
            connection.close()


class Worker(db_worker.Worker):
    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id)
        try:
            while True:
                try:
                    worker_heartbeat_beat(worker_id=self.worker_id)
                    orphans_recover()
                    if heartbeat.ident is None:  # not started yet
                        heartbeat.start()
                    return super().run()
                except OperationalError as error:
                    if not is_locked_database_exception(error):
                        raise
                    # Another process (an import, `load-content`) holds the database for
                    # longer than the busy timeout: wait and take up the loop again.
                    logger.warning("The database is locked; the worker will try again.")
                    close_old_connections()
                    time.sleep(self.interval or 1)
        except SystemExit:
            raise
        except BaseException:
            logger.exception("The task worker %s stopped on an error.", self.worker_id)
            # Under the autoreloader this loop runs in a thread, where an exception would leave
            # the process alive and idle; end the whole process instead.
            logging.shutdown()
            os._exit(EXIT_LOOP_FAILED)
        finally:
            heartbeat.stopped.set()
            with contextlib.suppress(OperationalError):
                worker_heartbeat_end(worker_id=self.worker_id)


class Command(db_worker.Command):
    help = (
        "Run background tasks: imports, benchmark refreshes, embeddings, e-mail. Queues again "
        "the tasks of workers that died, and exits non-zero if its loop fails."
    )

    def handle(self, **options) -> None:
        # The library builds its Worker by name from its own module; substitute ours.
        original = db_worker.Worker
        db_worker.Worker = Worker
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original
