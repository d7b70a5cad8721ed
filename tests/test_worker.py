"""The task worker left unattended: killed mid-task, on a locked database, on a failed loop."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from d4sme.core.selectors import task_backlog_get

from .test_tasks import database_url
from .worker_tasks import trace_until_released

pytestmark = pytest.mark.django_db(transaction=True)

D4SME = Path(sys.executable).parent / "d4sme"
ROOT = Path(__file__).resolve().parent.parent


def worker_env(**extra: str) -> dict[str, str]:
    skip = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        DJANGO_SETTINGS_MODULE="d4sme.settings.development",
        DATABASE_URL=database_url(),
        PYTHONPATH=str(ROOT),  # the worker imports this suite's task module
        D4SME_WORKER_HEARTBEAT_SECONDS="0.2",
        D4SME_WORKER_STALE_SECONDS="1",
    )
    env.update(extra)
    return env


def start_worker(*args: str, **env: str) -> subprocess.Popen:
    command = [D4SME, "db_worker", "--no-startup-delay", "--interval", "0.1", "-v0", *args]
    return subprocess.Popen(command, env=worker_env(**env))


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_task_whose_worker_was_killed_is_completed_exactly_once_by_the_next(tmp_path):
    trace, release = tmp_path / "trace", tmp_path / "release"
    result = trace_until_released.enqueue(trace=str(trace), release=str(release))

    first = start_worker("--no-reload")
    wait_for(lambda: trace.exists() and "start" in trace.read_text(), "the task to start")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"  # orphaned

    release.touch()
    time.sleep(1.2)  # the killed worker's heartbeat goes stale
    subprocess.run(
        [D4SME, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0"],
        env=worker_env(),
        check=True,
        timeout=120,
    )

    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "SUCCESSFUL"
    assert stored.return_value == "done"
    assert trace.read_text().splitlines() == ["start", "start", "done"]


def test_a_running_task_of_a_live_worker_is_left_alone(tmp_path):
    trace, release = tmp_path / "trace", tmp_path / "release"
    result = trace_until_released.enqueue(trace=str(trace), release=str(release))
    busy = start_worker("--no-reload")
    try:
        wait_for(lambda: trace.exists() and "start" in trace.read_text(), "the task to start")
        time.sleep(1.5)  # longer than the stale period: only the heartbeat keeps it alive
        subprocess.run(
            [D4SME, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0"],
            env=worker_env(),
            check=True,
            timeout=120,
        )
        assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"
        release.touch()
        wait_for(
            lambda: DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL",
            "the first worker to finish",
        )
    finally:
        busy.terminate()
        busy.wait(timeout=30)
    assert trace.read_text().splitlines() == ["start", "done"]


def test_a_worker_whose_loop_fails_exits_non_zero_even_under_the_autoreloader():
    # A database that does not exist: every query fails, and not because of a lock.
    broken = "postgresql://postgres@127.0.0.1:5432/d4sme_no_such_database"
    worker = start_worker("--reload", DATABASE_URL=broken, D4SME_DEBUG="1")
    try:
        code = worker.wait(timeout=90)
    except subprocess.TimeoutExpired:
        worker.kill()
        pytest.fail("the worker stayed alive with a dead loop")
    assert code != 0


def test_a_worker_waits_out_a_locked_sqlite_database(tmp_path, database_vendor, client, world):
    if database_vendor != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    client.post(reverse("password_reset"), {"email": "owner-a@example.org"})
    (queued,) = DBTaskResult.objects.all()
    path = database_url().removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing for a long time
    worker = start_worker("--no-reload", D4SME_SQLITE_TIMEOUT="0.1")
    try:
        time.sleep(2)
        assert worker.poll() is None, "the worker died on a locked database"
        holder.execute("ROLLBACK")
        wait_for(
            lambda: DBTaskResult.objects.get(pk=queued.pk).status == "SUCCESSFUL",
            "the queued e-mail to be sent",
        )
    finally:
        holder.close()
        worker.terminate()
        worker.wait(timeout=30)


def test_work_waiting_too_long_is_shown_to_administrators(client, world, settings):
    client.post(reverse("password_reset"), {"email": "owner-a@example.org"})
    settings.TASK_WAIT_WARNING_SECONDS = 0
    assert task_backlog_get().waiting == 1
    client.force_login(world.user("admin"))
    page = client.get(reverse("home")).content.decode()
    assert "1 background task has waited" in page
    client.force_login(world.user("sme_a"))
    assert "background task" not in client.get(reverse("home")).content.decode()
