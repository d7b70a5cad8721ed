"""Benchmark: Eurostat's cloud-use bulk TSV (isoc_cicce_use, 23,479 series, 234,790 cells)
imported whole, against reading the same file with pandas alone.

For each database (a fresh one each, see ``harness``) it measures:

(a) the whole import as the import page and command run it: the file stored as an import
    job, read, mapped, checked cell by cell, and written in one transaction (the dataset's
    series, observations with their flags, and code labels): ``statistics_import_create`` +
    ``import_job_run``. The first run imports into an empty dataset; the next ones replace it.
(b) the baseline, in the same process on the same file: ``pandas.read_csv(sep="\\t",
    compression="gzip", dtype=str)`` and the split of the key column, as the file's
    SOURCE.md advises; no checks, no flags parsed, nothing stored.

It reports the median of each, the import's rate in cells per second, and the ratio of the
import to pandas alone (how many times longer landing the file whole takes than reading it).

    python bench/exchange.py                        # SQLite and PostgreSQL
    python bench/exchange.py --databases sqlite --repeat 1
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from harness import DATABASES, run_on_databases

ROOT = Path(__file__).resolve().parent.parent
TSV = (
    ROOT / "tests" / "exchange" / "data" / "eurostat-isoc-cicce-use" / "estat_isoc_cicce_use.tsv.gz"
)


def pandas_read(path: Path) -> int:
    import pandas as pd

    frame = pd.read_csv(path, sep="\t", compression="gzip", dtype=str)
    key = frame.columns[0]
    frame[key.split("\\")[0].split(",")] = frame[key].str.split(",", expand=True)
    return frame.shape[0] * (frame.shape[1] - 1 - len(key.split("\\")[0].split(",")))


def worker(args) -> dict:
    """Run inside a process whose DATABASE_URL names the bench database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    os.environ["D4SME_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from d4sme.exchange.models import OfficialObservation
    from d4sme.exchange.services import statistics_import_create
    from d4sme.registry.models import User
    from d4sme.reports.services import import_job_run

    call_command("migrate", verbosity=0)
    user = User.objects.create_superuser(username="bench", email="bench@example.org", password="x")
    content = TSV.read_bytes()

    imports, pandas_times, created = [], [], 0
    for _round in range(args.repeat):
        started = time.perf_counter()
        job = statistics_import_create(
            user=user,
            file_name=TSV.name,
            content=content,
            agency="ESTAT",
            code="isoc_cicce_use",
        )
        outcome = import_job_run(job_id=job.pk)
        imports.append(time.perf_counter() - started)
        job.refresh_from_db()
        if job.errors:
            raise SystemExit(f"import refused: {job.errors[:3]}")
        created = job.created
        started = time.perf_counter()
        cells = pandas_read(TSV)
        pandas_times.append(time.perf_counter() - started)
    stored = OfficialObservation.objects.count()
    import_median = statistics.median(imports)
    pandas_median = statistics.median(pandas_times)
    return {
        "database": connection.vendor,
        "cells": created,
        "stored": stored,
        "pandas_cells": cells,
        "outcome": outcome,
        "import_seconds": imports,
        "pandas_seconds": pandas_times,
        "import_median": import_median,
        "pandas_median": pandas_median,
        "cells_per_second": created / import_median,
        "ratio": import_median / pandas_median,
    }


def report(result: dict) -> str:
    return "\n".join(
        [
            f"{result['database']}: Eurostat isoc_cicce_use, {result['cells']:,} cells "
            f"({result['stored']:,} stored; pandas reads {result['pandas_cells']:,})",
            f"  import whole (job, read, map, check, write): median "
            f"{result['import_median']:.2f} s over {len(result['import_seconds'])} runs, "
            f"{result['cells_per_second']:,.0f} cells/s",
            f"  pandas alone (read_csv + key split):        median {result['pandas_median']:.2f} s",
            f"  ratio import / pandas: {result['ratio']:.1f}x",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", default=DATABASES)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    run_on_databases(
        script=__file__,
        name="d4sme_bench_exchange",
        databases=args.databases,
        options=["--repeat", str(args.repeat)],
        report=report,
    )


if __name__ == "__main__":
    main()
