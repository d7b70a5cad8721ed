"""Benchmark: programme eligibility for a national population, and the registry's faceted search.

In a fresh bench database it generates N synthetic SMEs and M synthetic programmes whose
eligibility rules take the shapes real ones do (one economy, some size classes, some ISIC
sections, now and then a flag, a firm-age range or some regions). It then measures:

(a) bulk eligibility: ``eligibility.Population`` built from the SMEs' columns and
    ``Population.eligible`` for every programme, in (programme, firm) pairs per second;
(b) the per-pair loop: ``eligibility.check`` on a random sample of pairs within each
    programme's economy, in pairs per second; the ratio of (a) to (b); and that both paths
    agree on every sampled pair (the bulk path counts rules "to confirm" as met, as
    ``check(...).eligible`` does);
(c) faceted search: the programmes stored as published rows with classifications, then
    ``programme_search`` + ``programme_facets`` (the facet lists, the first 20 results and
    their count) for several query shapes, p50/p95 in milliseconds, next to the result query
    alone through the ORM and written by hand in raw SQL. What the benchmark asserts about is
    the ratio of those two, measured in the same run on the same data.

    python bench/programmes.py                                    # 1,000,000 SMEs, SQLite
    python bench/programmes.py --smes 20000 --programmes 500      # a smoke check
    python bench/programmes.py --databases sqlite,postgresql
"""

import argparse
import json
import os
import statistics
import time
from datetime import date

import numpy as np
from harness import DATABASES, percentile, run_on_databases

PAGE_SIZE = 20
WARM_UP = 3

# How often a synthetic programme carries each kind of rule. Most programmes are national;
# an international one looks at every firm, so it is kept as rare as it is in STIP Compass.
INTERNATIONAL_SHARE = 0.02
SIZE_RULE_SHARE = 0.6
SIZE_SHAPES = (["micro"], ["micro", "small"], ["micro", "small", "medium"], ["small", "medium"])
SECTION_RULE_SHARE = 0.4
FLAG_SHARE = 0.05
FIRM_AGE_RULE_SHARE = 0.3
REGION_RULE_SHARE = 0.05
OWNER_AGE_RULE_SHARE = 0.05
# Words of synthetic programme names, so that text queries find some and not all.
NAME_WORDS = (
    ("Smart", "Digital", "Green", "Connected", "Open", "Future", "National", "Regional"),
    ("Factory", "Commerce", "Skills", "Cloud", "Export", "Innovation", "Data", "Payments"),
    ("Programme", "Voucher", "Fund", "Initiative", "Grant", "Academy", "Network", "Platform"),
)
STATUSES = ("planned", "active", "ended", "unknown")
# eligibility.Population's arguments -> the organisation columns they are read from.
POPULATION_COLUMNS = {
    "economy": "economy_id",
    "size_class": "size_class",
    "section": "isic_section",
    "region": "region__code",
    "founded_year": "founded_year",
    "women_led": "women_led",
    "youth_led": "youth_led",
    "rural": "rural",
}


def load_population():
    """Return the synthetic SMEs as an eligibility.Population, read column by column."""
    from d4sme.programmes.eligibility import Population
    from d4sme.registry.models import Organisation

    columns: dict[str, list] = {argument: [] for argument in POPULATION_COLUMNS}
    shared: dict = {}  # one string object per distinct code: a million rows share a few dozen
    rows = (
        Organisation.objects.filter(is_synthetic=True)
        .order_by()
        .values_list(*POPULATION_COLUMNS.values())
        .iterator(chunk_size=50_000)
    )
    for row in rows:
        for column, value in zip(columns.values(), row, strict=True):
            column.append(shared.setdefault(value, value) if isinstance(value, str) else value)
    return Population(**columns)


def synthetic_programmes(count: int, rng: np.random.Generator) -> list[dict]:
    """Return ``count`` programmes as dicts: code, name, economy and eligibility rules."""
    from d4sme.programmes.eligibility import rules_validate
    from d4sme.registry.generator import Population as SyntheticPopulation
    from d4sme.registry.models import Region

    spec = SyntheticPopulation()
    regions: dict[str, list[str]] = {}
    for code, economy in Region.objects.filter(economy_id__in=spec.economies).values_list(
        "code", "economy_id"
    ):
        regions.setdefault(economy, []).append(code)
    programmes = []
    for i in range(count):
        economy = None
        if rng.random() >= INTERNATIONAL_SHARE:
            economy = spec.economies[rng.choice(len(spec.economies), p=spec.economy_p)]
        rules: dict = {}
        if rng.random() < SIZE_RULE_SHARE:
            rules["size_classes"] = list(SIZE_SHAPES[rng.integers(len(SIZE_SHAPES))])
        if rng.random() < SECTION_RULE_SHARE:
            picked = rng.choice(len(spec.sections), size=rng.integers(1, 5), replace=False)
            rules["sections"] = sorted(spec.sections[s] for s in picked)
        if economy and regions.get(economy) and rng.random() < REGION_RULE_SHARE:
            options = regions[economy]
            picked = rng.choice(
                len(options), size=min(len(options), rng.integers(1, 4)), replace=False
            )
            rules["regions"] = sorted(options[r] for r in picked)
        for flag in ("women_led", "youth_led", "rural"):
            if rng.random() < FLAG_SHARE:
                rules[flag] = True
        if rng.random() < FIRM_AGE_RULE_SHARE:
            shape = rng.integers(3)
            if shape in (0, 2):  # start-ups: at most a few years old
                rules["max_firm_age"] = int(rng.choice([3, 5, 7]))
            if shape in (1, 2):  # established firms: at least a year or two
                rules["min_firm_age"] = int(rng.choice([1, 2]))
        if rng.random() < OWNER_AGE_RULE_SHARE:  # youth entrepreneurship: checked on applying
            rules.update(hire_min_age=18, hire_max_age=39)
        assert not rules_validate(rules), rules
        words = [part[rng.integers(len(part))] for part in NAME_WORDS]
        programmes.append(
            {
                "code": f"bench-{i:06d}",
                "name": " ".join(words) + f" {i}",
                "economy": economy,
                "rules": rules,
            }
        )
    return programmes


def measure_eligibility(population, programmes: list[dict], args, rng) -> dict:
    """Time the bulk path over every programme and the per-pair loop over a sample."""
    from d4sme.programmes import eligibility

    today = date.today()
    by_economy: dict[str, np.ndarray] = {}
    for code in set(population.economy.tolist()):
        by_economy[code] = np.flatnonzero(population.economy == code)
    everyone = np.arange(population.size)

    # The sample: random programmes, each with a random firm of its economy (a firm elsewhere
    # fails on the economy alone, which tells nothing about the other rules).
    sample_programmes = rng.integers(len(programmes), size=args.pairs)
    sample_firms = np.empty(args.pairs, dtype=np.int64)
    for i, p in enumerate(sample_programmes):
        candidates = by_economy.get(programmes[p]["economy"], everyone)
        sample_firms[i] = candidates[rng.integers(len(candidates))] if len(candidates) else 0
    firms = {}
    for f in set(sample_firms.tolist()):
        firms[f] = eligibility.Firm(
            economy=population.economy[f],
            size_class=population.size_class[f],
            section=population.section[f],
            region=population.region[f],
            founded_year=None
            if population.founded_year[f] < 0
            else int(population.founded_year[f]),
            women_led=bool(population.women_led[f]),
            youth_led=bool(population.youth_led[f]),
            rural=bool(population.rural[f]),
        )

    started = time.perf_counter()
    loop_verdicts = np.empty(args.pairs, dtype=bool)
    for i in range(args.pairs):
        programme = programmes[sample_programmes[i]]
        loop_verdicts[i] = eligibility.check(
            rules=programme["rules"],
            economy=programme["economy"],
            economy_name=programme["economy"] or "",
            firm=firms[sample_firms[i]],
            today=today,
        ).eligible
    loop_seconds = time.perf_counter() - started

    sampled: dict[int, list[int]] = {}
    for i, p in enumerate(sample_programmes.tolist()):
        sampled.setdefault(p, []).append(i)
    bulk_seconds, examined, eligible_pairs = 0.0, 0, 0
    bulk_verdicts = np.empty(args.pairs, dtype=bool)
    for p, programme in enumerate(programmes):
        t0 = time.perf_counter()
        found = population.eligible(
            rules=programme["rules"], economy=programme["economy"], today=today
        )
        bulk_seconds += time.perf_counter() - t0
        eligible_pairs += len(found)
        examined += (
            len(by_economy.get(programme["economy"], ()))
            if programme["economy"]
            else population.size
        )
        if p in sampled:  # not timed: where the sample's pairs stand in the bulk answer
            positions = sampled[p]
            bulk_verdicts[positions] = np.isin(sample_firms[positions], found)
    disagreements = np.flatnonzero(bulk_verdicts != loop_verdicts)
    examples = [
        {
            "programme": programmes[sample_programmes[i]],
            "firm": str(firms[sample_firms[i]]),
            "bulk": bool(bulk_verdicts[i]),
            "check": bool(loop_verdicts[i]),
        }
        for i in disagreements[:3]
    ]
    return {
        "programmes": len(programmes),
        "examined_pairs": examined,
        "eligible_pairs": eligible_pairs,
        "bulk_seconds": bulk_seconds,
        "bulk_examined_per_second": examined / bulk_seconds,
        "bulk_eligible_per_second": eligible_pairs / bulk_seconds,
        "loop_pairs": args.pairs,
        "loop_seconds": loop_seconds,
        "loop_pairs_per_second": args.pairs / loop_seconds,
        "loop_share_eligible": float(loop_verdicts.mean()),
        "ratio": (examined / bulk_seconds) / (args.pairs / loop_seconds),
        "agreeing_pairs": args.pairs - len(disagreements),
        "disagreements": examples,
    }


def store_programmes(programmes: list[dict], rng: np.random.Generator) -> dict:
    """Write the programmes as published rows with instruments and classifications."""
    from django.db import connection

    from d4sme.programmes.models import CurationStatus, Instrument, Programme
    from d4sme.programmes.selectors import TERM_FACETS
    from d4sme.programmes.services import search_text_of
    from d4sme.registry.models import Organisation, OrganisationKind, Term

    terms: dict[str, list[int]] = {}
    for pk, vocabulary in Term.objects.filter(vocabulary_id__in=TERM_FACETS.values()).values_list(
        "pk", "vocabulary_id"
    ):
        terms.setdefault(vocabulary, []).append(pk)
    agencies = list(
        Organisation.objects.filter(kind=OrganisationKind.AGENCY).values_list("pk", flat=True)
    )
    this_year = date.today().year
    rows = []
    for spec in programmes:
        start = int(this_year - rng.integers(0, 15))
        programme = Programme(
            code=spec["code"],
            name=spec["name"],
            economy_id=spec["economy"],
            description=f"{spec['name']} supports small firms.",
            responsible_id=int(rng.choice(agencies)) if agencies and rng.random() < 0.8 else None,
            start_year=start,
            end_year=start + int(rng.integers(1, 10)) if rng.random() < 0.6 else None,
            status=STATUSES[rng.integers(len(STATUSES))],
            eligibility=spec["rules"],
            curation_status=CurationStatus.PUBLISHED,
        )
        programme.search_text = search_text_of(programme)
        rows.append(programme)
    # bulk_create writes no history rows: these programmes are benchmark data, not curated.
    created = Programme.objects.bulk_create(rows, batch_size=1000)
    through = Programme.classifications.through
    links, instruments = [], []
    kinds = terms.get(TERM_FACETS["instrument"], [])
    for programme in created:
        for pks in terms.values():
            if rng.random() < 0.7:
                for pk in rng.choice(pks, size=min(len(pks), rng.integers(1, 4)), replace=False):
                    links.append(through(programme_id=programme.pk, term_id=int(pk)))
        if kinds:
            for n, kind in enumerate(rng.choice(kinds, size=rng.integers(1, 3), replace=False)):
                instruments.append(
                    Instrument(
                        programme=programme,
                        code=f"instrument-{n}",
                        name="Support",
                        type_id=int(kind),
                    )
                )
    through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
    Instrument.objects.bulk_create(instruments, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"classifications": len(links), "instruments": len(instruments)}


def raw_results(cursor, filters, page_size: int) -> tuple[list[int], int]:
    """programme_search's result query written by hand: the first page, and the count."""
    from d4sme.programmes.models import CurationStatus, Programme
    from d4sme.programmes.selectors import TERM_FACETS
    from d4sme.registry.models import Term

    table = Programme._meta.db_table
    classifications = Programme.classifications.through._meta.db_table
    partners = Programme.co_implementers.through._meta.db_table
    where, params = ["p.curation_status = %s"], [CurationStatus.PUBLISHED.value]
    for token in filters.q.casefold().split():
        where.append("p.search_text LIKE %s")
        params.append(f"%{token}%")
    for column, values in (
        ("economy_id", [c.upper() for c in filters.economy]),
        ("status", filters.status),
    ):
        if values:
            where.append(f"p.{column} IN ({', '.join('%s' for _ in values)})")
            params += values
    if filters.agency:
        marks = ", ".join("%s" for _ in filters.agency)
        where.append(
            f"(p.responsible_id IN ({marks}) OR p.id IN (SELECT programme_id FROM {partners} WHERE organisation_id IN ({marks})))"
        )
        params += [*filters.agency, *filters.agency]
    if filters.year:
        where.append(
            "(p.start_year IS NOT NULL OR p.end_year IS NOT NULL)"
            " AND (p.start_year IS NULL OR p.start_year <= %s)"
            " AND (p.end_year IS NULL OR p.end_year >= %s)"
        )
        params += [filters.year, filters.year]
    for facet, codes in filters.terms.items():
        if codes:
            marks = ", ".join("%s" for _ in codes)
            where.append(
                f"p.id IN (SELECT c.programme_id FROM {classifications} c JOIN {Term._meta.db_table} t"
                f" ON t.id = c.term_id WHERE t.vocabulary_id = %s AND t.code IN ({marks}))"
            )
            params += [TERM_FACETS[facet], *codes]
    clause = " AND ".join(where)
    columns = ", ".join(f"p.{f.column}" for f in Programme._meta.concrete_fields)
    cursor.execute(
        f"SELECT {columns} FROM {table} p WHERE {clause} ORDER BY p.name LIMIT %s",
        [*params, page_size],
    )
    ids = [row[0] for row in cursor.fetchall()]
    cursor.execute(f"SELECT COUNT(*) FROM {table} p WHERE {clause}", params)
    return ids, cursor.fetchone()[0]


def search_scenarios() -> list[tuple[str, object]]:
    """Return the query shapes, built from what the stored programmes hold most often."""
    from django.db.models import Count

    from d4sme.programmes.models import Programme
    from d4sme.programmes.selectors import TERM_FACETS, ProgrammeFilters
    from d4sme.registry.models import Term

    def commonest(facet: str) -> tuple[str, ...]:
        term = (
            Term.objects.filter(vocabulary_id=TERM_FACETS[facet])
            .annotate(n=Count("programmes"))
            .order_by("-n")
            .first()
        )
        return (term.code,) if term else ()

    agency = (
        Programme.objects.exclude(responsible=None)
        .values("responsible_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return [
        ("no filter", ProgrammeFilters()),
        ("one economy", ProgrammeFilters(economy=("KR",))),
        (
            "theme + instrument",
            ProgrammeFilters(
                terms={"theme": commonest("theme"), "instrument": commonest("instrument")}
            ),
        ),
        ("text query", ProgrammeFilters(q="digital")),
        ("two words + economy", ProgrammeFilters(q="smart factory", economy=("JP",))),
        ("year", ProgrammeFilters(year=date.today().year - 3)),
        (
            "status + three economies",
            ProgrammeFilters(status=("active",), economy=("KR", "JP", "US")),
        ),
        ("agency", ProgrammeFilters(agency=(agency["responsible_id"],) if agency else ())),
        (
            "target + technology + barrier",
            ProgrammeFilters(
                terms={
                    "target": commonest("target"),
                    "technology": commonest("technology"),
                    "barrier": commonest("barrier"),
                }
            ),
        ),
    ]


def measure_search(repeat: int) -> list[dict]:
    from django.db import connection

    from d4sme.programmes.selectors import programme_facets, programme_search

    results = []
    for label, filters in search_scenarios():
        page_and_facets, orm, raw = [], [], []
        with connection.cursor() as cursor:
            for i in range(repeat + WARM_UP):
                t0 = time.perf_counter()
                found = programme_search(filters=filters)
                facets = programme_facets(results=found, filters=filters)
                page, count = list(found[:PAGE_SIZE]), found.count()
                t1 = time.perf_counter()
                found = programme_search(filters=filters)
                orm_page, orm_count = list(found[:PAGE_SIZE]), found.count()
                t2 = time.perf_counter()
                raw_ids, raw_count = raw_results(cursor, filters, PAGE_SIZE)
                t3 = time.perf_counter()
                if i >= WARM_UP:  # warm-up rounds are not counted
                    page_and_facets.append((t1 - t0) * 1000)
                    orm.append((t2 - t1) * 1000)
                    raw.append((t3 - t2) * 1000)
        assert count == orm_count == raw_count, (label, count, orm_count, raw_count)
        assert [p.pk for p in page] == [p.pk for p in orm_page] == raw_ids, label
        results.append(
            {
                "scenario": label,
                "matches": count,
                "facet_values": sum(len(values) for values in facets.values()),
                "full_p50": statistics.median(page_and_facets),
                "full_p95": percentile(page_and_facets, 0.95),
                "orm_p50": statistics.median(orm),
                "orm_p95": percentile(orm, 0.95),
                "raw_p50": statistics.median(raw),
                "raw_p95": percentile(raw, 0.95),
                "ratio_p50": statistics.median(orm) / statistics.median(raw),
            }
        )
    return results


def worker(args) -> dict:
    """Run inside a process whose DATABASE_URL names the bench database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    os.environ["D4SME_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from d4sme.registry.content import content_load
    from d4sme.registry.generator import organisations_generate

    call_command("migrate", verbosity=0)
    content_load()
    started = time.perf_counter()
    organisations_generate(count=args.smes, seed=args.seed)
    generate_seconds = time.perf_counter() - started

    started = time.perf_counter()
    population = load_population()
    load_seconds = time.perf_counter() - started
    rng = np.random.default_rng(args.seed + 1)
    programmes = synthetic_programmes(args.programmes, rng)
    eligibility_result = measure_eligibility(population, programmes, args, rng)
    del population

    started = time.perf_counter()
    stored = store_programmes(programmes, rng)
    store_seconds = time.perf_counter() - started
    return {
        "database": connection.vendor,
        "smes": args.smes,
        "generate_seconds": generate_seconds,
        "load_seconds": load_seconds,
        "eligibility": eligibility_result,
        "stored": {**stored, "programmes": len(programmes), "seconds": store_seconds},
        "search": measure_search(args.repeat),
    }


def report(result: dict) -> str:
    e, stored = result["eligibility"], result["stored"]
    agreement = "all agree" if not e["disagreements"] else f"DISAGREE: {e['disagreements']}"
    lines = [
        f"### {result['database']}: {result['smes']:,} SMEs, {e['programmes']:,} programmes",
        "",
        f"Generator: {result['smes']:,} SMEs in {result['generate_seconds']:.1f} s; "
        f"their eligibility columns read into a Population in {result['load_seconds']:.1f} s.",
        "",
        "| eligibility path | pairs | seconds | pairs per second |",
        "| --- | ---: | ---: | ---: |",
        f"| bulk: `Population.eligible`, every programme | {e['examined_pairs']:,} examined, "
        f"{e['eligible_pairs']:,} eligible | {e['bulk_seconds']:.2f} | "
        f"{e['bulk_examined_per_second']:,.0f} examined, {e['bulk_eligible_per_second']:,.0f} eligible |",
        f"| loop: `check` per pair, random sample | {e['loop_pairs']:,} "
        f"({e['loop_share_eligible']:.0%} eligible) | {e['loop_seconds']:.2f} | "
        f"{e['loop_pairs_per_second']:,.0f} |",
        "",
        f"Bulk / loop, pairs examined per second: **{e['ratio']:,.0f}×**. "
        f"Sampled pairs on which both paths agree: {e['agreeing_pairs']:,} / {e['loop_pairs']:,} "
        f"({agreement}).",
        "",
        f"Faceted search over {stored['programmes']:,} published programmes "
        f"({stored['classifications']:,} classifications, {stored['instruments']:,} instruments; "
        f"stored in {stored['seconds']:.1f} s). Milliseconds; the result query is the first "
        f"{PAGE_SIZE} results and their count.",
        "",
        "| query | matches | search + facets p50 / p95 | result query, ORM p50 / p95 "
        "| result query, raw SQL p50 / p95 | ORM / raw (p50) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["search"]:
        lines.append(
            f"| {r['scenario']} | {r['matches']:,} | {r['full_p50']:.2f} / {r['full_p95']:.2f} "
            f"| {r['orm_p50']:.2f} / {r['orm_p95']:.2f} | {r['raw_p50']:.2f} / {r['raw_p95']:.2f} "
            f"| {r['ratio_p50']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smes", type=int, default=1_000_000)
    parser.add_argument("--programmes", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=200_000, help="pairs the loop checks")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=50, help="timed rounds per search query")
    parser.add_argument("--databases", default=DATABASES)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    options = [
        part
        for option in ("smes", "programmes", "pairs", "seed", "repeat")
        for part in (f"--{option}", str(getattr(args, option)))
    ]
    run_on_databases(
        script=__file__,
        name="d4sme_bench_programmes",
        databases=args.databases,
        options=options,
        report=report,
    )


if __name__ == "__main__":
    main()
