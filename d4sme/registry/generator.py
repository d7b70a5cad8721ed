"""Synthetic SMEs for demonstrations and benchmarks, marked as synthetic wherever they show.

Rows are drawn with numpy in batches and written with the fastest path each database offers:
COPY on PostgreSQL, one prepared ``executemany`` per batch on SQLite.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np
from django.db import connection, transaction

from d4sme.core.db import sort_key

from . import content
from .models import Economy, Organisation, OrganisationKind, Region

BATCH_SIZE = 50_000
# From this many rows on, the table's indexes are dropped during the load and rebuilt after:
# one sorted build is far cheaper than a million random insertions into each index.
INDEX_REBUILD_THRESHOLD = 100_000
SIZE_RANGES = {"micro": (1, 10), "small": (10, 50), "medium": (50, 250)}
COLUMNS = (
    "kind",
    "legal_name",
    "name_key",
    "short_name",
    "economy_id",
    "region_id",
    "isic_section",
    "isic_division",
    "employees",
    "founded_year",
    "women_led",
    "youth_led",
    "rural",
    "website",
    "is_synthetic",
    "created_at",
    "updated_at",
)


def _shares(mapping: dict) -> tuple[list, np.ndarray]:
    keys = list(mapping)
    weights = np.array([float(mapping[k]) for k in keys])
    return keys, weights / weights.sum()


class Population:
    """The distributions synthetic SMEs are drawn from, read from content/synthetic.yaml."""

    def __init__(self) -> None:
        spec = content.read_yaml(content.CONTENT_DIR / "synthetic.yaml")
        known = set(Economy.objects.values_list("code", flat=True))
        weights = {k: v for k, v in spec["economy_weights"].items() if k in known}
        if not weights:
            raise RuntimeError("No economies are loaded; run `d4sme load-content` first.")
        self.economies, self.economy_p = _shares(weights)
        self.sizes, self.size_p = _shares(spec["size_shares"])
        self.sections, self.section_p = _shares(spec["section_shares"])
        divisions = {letter: [d for d, _ in divs] for letter, _, divs in content.isic_sections()}
        self.divisions = [divisions[s] for s in self.sections]
        regions: dict[str, list[int]] = {}
        for region_id, economy_id in Region.objects.filter(
            economy_id__in=self.economies
        ).values_list("id", "economy_id"):
            regions.setdefault(economy_id, []).append(region_id)
        self.regions = [regions.get(code, []) for code in self.economies]
        self.flags = spec["flag_shares"]
        self.median_age = spec["median_age_years"]
        parts = spec["name_parts"]
        self.first, self.second = parts["first"], parts["second"]
        forms = spec["legal_forms"]
        # Per economy, the legal forms its firms' names may carry: no "S.A." in Korea.
        self.legal_forms = [forms.get(code, forms["default"]) for code in self.economies]
        self.sector_words = [parts["sector"].get(s, ["Enterprises"]) for s in self.sections]


def generate_rows(population: Population, count: int, rng: np.random.Generator) -> Iterator[tuple]:
    """Yield ``count`` rows in COLUMNS order."""
    now = datetime.now(UTC)
    this_year = now.year
    p = population
    economy = rng.choice(len(p.economies), size=count, p=p.economy_p)
    size = rng.choice(len(p.sizes), size=count, p=p.size_p)
    section = rng.choice(len(p.sections), size=count, p=p.section_p)
    low = np.array([SIZE_RANGES[s][0] for s in p.sizes])[size]
    high = np.array([SIZE_RANGES[s][1] for s in p.sizes])[size]
    # Within a class, smaller firms are commoner: a log-uniform draw.
    employees = np.floor(np.exp(rng.uniform(np.log(low), np.log(high)))).astype(int)
    age = np.minimum(rng.exponential(p.median_age / np.log(2), size=count).astype(int), 120)
    founded = this_year - age
    women = rng.random(count) < p.flags["women_led"]
    youth = rng.random(count) < p.flags["youth_led"]
    rural = rng.random(count) < p.flags["rural"]
    region_known = rng.random(count) < p.flags["region_known"]
    pick = rng.random((count, 6))
    for i in range(count):
        e, s = economy[i], section[i]
        divisions, regions, words = p.divisions[s], p.regions[e], p.sector_words[s]
        forms = p.legal_forms[e]
        name = forms[int(pick[i, 3] * len(forms))].format(
            " ".join(
                (
                    p.first[int(pick[i, 0] * len(p.first))],
                    p.second[int(pick[i, 1] * len(p.second))],
                    words[int(pick[i, 2] * len(words))],
                )
            )
        )
        region = regions[int(pick[i, 4] * len(regions))] if regions and region_known[i] else None
        yield (
            OrganisationKind.SME.value,
            name,
            sort_key(name),
            "",
            p.economies[e],
            region,
            p.sections[s],
            divisions[int(pick[i, 5] * len(divisions))],
            int(employees[i]),
            int(founded[i]),
            bool(women[i]),
            bool(youth[i]),
            bool(rural[i]),
            "",
            True,
            now,
            now,
        )


def _write_postgresql(rows: Iterator[tuple]) -> None:
    table = Organisation._meta.db_table
    sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _write_sqlite(rows: Iterator[tuple]) -> None:
    table = Organisation._meta.db_table
    placeholders = ", ".join("%s" for _ in COLUMNS)
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(sql, ((*r[:-2], adapt(r[-2]), adapt(r[-1])) for r in rows))


@contextmanager
def indexes_dropped(enabled: bool) -> Iterator[None]:
    """Drop the organisation table's secondary indexes for a bulk load; rebuild them after."""
    if not enabled:
        yield
        return
    # Only used to render SQL; not entered as a context, so that it also works inside a
    # transaction on SQLite, whose schema editor otherwise insists on toggling foreign keys.
    editor = connection.schema_editor()
    editor.deferred_sql = []
    indexes = Organisation._meta.indexes
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(str(index.remove_sql(Organisation, editor)))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Check deferred foreign keys now; PostgreSQL won't index a table that has
                # constraint checks pending in the same transaction.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for index in indexes:
                cursor.execute(str(index.create_sql(Organisation, editor)))


def _refresh_statistics() -> None:
    """Let the query planner see the new rows (and PostgreSQL answer counts from indexes)."""
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute(f"ANALYZE {table}")


def organisations_generate(
    *,
    count: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    rebuild_indexes: bool | None = None,
) -> int:
    """Create ``count`` synthetic SMEs drawn reproducibly from ``seed``; return how many."""
    if count < 0:
        raise ValueError("count must not be negative")
    population = Population()
    rng = np.random.default_rng(seed)
    write = _write_postgresql if connection.vendor == "postgresql" else _write_sqlite
    if rebuild_indexes is None:
        rebuild_indexes = count >= INDEX_REBUILD_THRESHOLD
    done = 0
    with indexes_dropped(rebuild_indexes):
        while done < count:
            batch = min(BATCH_SIZE, count - done)
            with transaction.atomic():
                write(generate_rows(population, batch, rng))
            done += batch
            if progress:
                progress(done, count)
    _refresh_statistics()
    return done
