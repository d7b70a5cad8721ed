"""A task for the worker tests: it leaves a trace of each start and finish, and waits for a
release file, so that a test can stop its worker in the middle of it."""

import time
from pathlib import Path

from django_tasks import task


@task()
def trace_until_released(*, trace: str, release: str) -> str:
    """Append "start" to ``trace``, wait until ``release`` exists, append "done"; return "done"."""
    trace_path, release_path = Path(trace), Path(release)
    with trace_path.open("a") as out:
        out.write("start\n")
    deadline = time.monotonic() + 120
    while not release_path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never released the task")
        time.sleep(0.05)
    with trace_path.open("a") as out:
        out.write("done\n")
    return "done"
