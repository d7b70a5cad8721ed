"""What every benchmark shares: fresh databases, one worker process per database, percentiles.

A benchmark script runs itself again as a worker (``--worker``) with DATABASE_URL naming a
freshly created database, so that Django's settings, connections and caches start clean for
each database, then prints the worker's report.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
DATABASES = "sqlite,postgresql"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def prepare_database(kind: str, name: str) -> str:
    """Create an empty bench database called ``name`` and return its URL."""
    if kind == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if kind != "postgresql":
        sys.exit(f"Unknown database {kind!r}: use sqlite or postgresql.")
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def run_on_databases(
    *, script: str, name: str, databases: str, options: list[str], report: Callable[[dict], str]
) -> None:
    """Run ``script --worker`` once per database; save and print each worker's result."""
    for kind in databases.split(","):
        env = {**os.environ, "DATABASE_URL": prepare_database(kind, name)}
        command = [sys.executable, script, "--worker", *options]
        completed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        if completed.returncode != 0:
            sys.exit(f"{kind} benchmark failed:\n{completed.stderr}")
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        (OUT / f"{name}-{kind}.json").write_text(json.dumps(result, indent=2))
        print(report(result), flush=True)
        print(flush=True)
