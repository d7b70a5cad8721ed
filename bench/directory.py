"""Benchmark: the public directory at national scale, on SQLite and PostgreSQL.

For each database it creates a fresh bench database, generates N synthetic SMEs (reporting
the generator's rows per second), then times the directory's query (the selector the page
and the API call: one page plus its capped count) against the same work written by hand in
raw SQL, for several filter combinations and a deep page. It prints p50/p95 in
milliseconds and the ratio of the two, which is what this benchmark asserts about: the
ratio, measured in the same run on the same data, not an absolute time.

    python bench/directory.py                         # 1,000,000 SMEs, both databases
    python bench/directory.py --smes 100000 --databases sqlite
"""

import argparse
import json
import os
import statistics
import time

from harness import DATABASES, percentile, run_on_databases

SCENARIOS = [
    ("first page, no filter", {}, 0),
    ("economy", {"economy": "KR"}, 0),
    ("economy + size class", {"economy": "KR", "size_class": "small"}, 0),
    ("sector", {"sector": "C"}, 0),
    (
        "economy + sector + size + kind",
        {"economy": "US", "sector": "G", "size_class": "micro", "kind": "sme"},
        0,
    ),
    ("rare combination", {"economy": "NZ", "sector": "J", "size_class": "medium"}, 0),
    ("name prefix", {"q": "Golden Bay"}, 0),
    ("page 200, economy", {"economy": "JP"}, 200),
]


def raw_directory(cursor, filters: dict, after: tuple | None, page_size: int, cap: int) -> int:
    """The directory's work written by hand: the page (with economy names) and a capped count."""
    where, params = [], []
    for column, key in (
        ("economy_id", "economy"),
        ("isic_section", "sector"),
        ("size_class", "size_class"),
        ("kind", "kind"),
    ):
        if filters.get(key):
            where.append(f"o.{column} = %s")
            params.append(filters[key])
    if filters.get("q"):
        prefix = filters["q"].casefold()
        where.append("o.name_key >= %s AND o.name_key < %s")
        params += [prefix, prefix + "\U0010ffff"]
    seek = ["(o.name_key, o.id) > (%s, %s)"] if after else []
    clause = " AND ".join(where + seek) or "TRUE"
    cursor.execute(
        "SELECT o.id, o.kind, o.legal_name, o.short_name, o.economy_id, o.isic_section,"
        " o.isic_division, o.size_class, o.founded_year, o.women_led, o.youth_led, o.rural,"
        " o.is_synthetic, e.name FROM registry_organisation o"
        " LEFT JOIN registry_economy e ON e.code = o.economy_id"
        f" WHERE {clause} ORDER BY o.name_key, o.id LIMIT %s",
        params + (list(after) if after else []) + [page_size + 1],
    )
    rows = cursor.fetchall()
    count_clause = " AND ".join(where) or "TRUE"
    cursor.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM registry_organisation o WHERE {count_clause} LIMIT %s) t",
        params + [cap + 1],
    )
    cursor.fetchone()
    return len(rows)


def worker(args) -> dict:
    """Run inside a process whose DATABASE_URL names the bench database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    os.environ["D4SME_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from d4sme.core.pagination import COUNT_CAP, decode_cursor
    from d4sme.registry.content import content_load
    from d4sme.registry.generator import organisations_generate
    from d4sme.registry.models import Organisation
    from d4sme.registry.selectors import (
        DIRECTORY_PAGE_SIZE,
        DirectoryFilters,
        organisation_directory,
    )

    call_command("migrate", verbosity=0)
    content_load()
    started = time.perf_counter()
    organisations_generate(count=args.smes, seed=args.seed)
    generate_seconds = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    total = Organisation.objects.count()

    results = []
    for label, filters, depth in SCENARIOS:
        directory_filters = DirectoryFilters(**filters)
        cursor_token = None
        for _ in range(depth):  # walk to the deep page once, through the real cursors
            cursor_token = organisation_directory(
                filters=directory_filters, cursor=cursor_token
            ).next_cursor
        after = decode_cursor(cursor_token, 2)[1] if cursor_token else None
        orm, raw = [], []
        with connection.cursor() as c:
            for i in range(args.repeat + 5):
                t0 = time.perf_counter()
                page = organisation_directory(filters=directory_filters, cursor=cursor_token)
                t1 = time.perf_counter()
                raw_directory(c, filters, after, DIRECTORY_PAGE_SIZE, COUNT_CAP)
                t2 = time.perf_counter()
                if i >= 5:  # warm-up rounds are not counted
                    orm.append((t1 - t0) * 1000)
                    raw.append((t2 - t1) * 1000)
        results.append(
            {
                "scenario": label,
                "rows_on_page": len(page.items),
                "matches": f"{'>' if page.count_is_capped else ''}{page.count}",
                "orm_p50": statistics.median(orm),
                "orm_p95": percentile(orm, 0.95),
                "raw_p50": statistics.median(raw),
                "raw_p95": percentile(raw, 0.95),
                "ratio_p50": statistics.median(orm) / statistics.median(raw),
            }
        )
    return {
        "database": connection.vendor,
        "organisations": total,
        "generated": args.smes,
        "generate_seconds": generate_seconds,
        "rows_per_second": args.smes / generate_seconds,
        "results": results,
    }


def report(result: dict) -> str:
    lines = [
        f"### {result['database']}: {result['organisations']:,} organisations",
        "",
        f"Generator: {result['generated']:,} SMEs in {result['generate_seconds']:.1f} s "
        f"= {result['rows_per_second']:,.0f} rows/s",
        "",
        "| scenario | matches | directory p50 / p95 (ms) | raw SQL p50 / p95 (ms) | ratio (p50) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in result["results"]:
        lines.append(
            f"| {r['scenario']} | {r['matches']} | {r['orm_p50']:.2f} / {r['orm_p95']:.2f} "
            f"| {r['raw_p50']:.2f} / {r['raw_p95']:.2f} | {r['ratio_p50']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--databases", default=DATABASES)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    options = [
        part
        for option in ("smes", "seed", "repeat")
        for part in (f"--{option}", str(getattr(args, option)))
    ]
    run_on_databases(
        script=__file__,
        name="d4sme_bench_directory",
        databases=args.databases,
        options=options,
        report=report,
    )


if __name__ == "__main__":
    main()
