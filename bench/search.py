"""Benchmark: the shared search service on cases: quality on the judged queries, and what a
served search costs next to its raw full-text query, with facet counts recounted or cached.

In a fresh bench database (an SQLite file, then PostgreSQL) the worker migrates, loads the
starting content and the 64 synthetic demonstration cases, then:

(a) quality: nDCG@10, recall@10 and cross-lingual finds of full text, semantic and combined
    search on ``tests/casestudies/judged_queries.yaml`` (the quality test's ``evaluate``), and
    the cross-validation of the fusion weight with folds by topic (``cross_validate``): each
    fold's chosen weight, their median, and the held-out nDCG@10;
(b) N synthetic published cases composed from the demonstration cases' sentences (the
    generator of ``bench/casestudies.py``), with their base case's technologies, barriers and
    vectors (plus a little noise), indexed through the service (``LexicalIndex.put``);
(c) latency, p50/p95 in milliseconds, over the judged queries and generated keyword queries,
    each run ``--repeat`` times after a warm-up:
    - raw: the one SQL statement the service sends for a query (FTS5 ``bm25()`` on SQLite,
      BM25 over the stored tsvector on PostgreSQL), executed by hand: the baseline;
    - ``fulltext``: the same through the service (query analysis included);
    - the API operation (``GET /api/v1/cases`` through django-ninja's test client on the cases
      router: parsing, the operation and its response schema, in process) without a query, with a full-text query and with a combined query, each twice: facet counts
      recounted on every request (the cache emptied first: how every request counted before)
      and cached until a case changes (now);
    - ``facet_counts`` alone, recounted and cached, and ``cases_version`` (the check that
      decides whether the cache holds).
    Every figure is also given as a ratio to the raw query's p50 in the same run.

    python bench/search.py                      # 20,000 cases, SQLite then PostgreSQL
    python bench/search.py --cases 2000         # a smoke check
    python bench/search.py --databases sqlite
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
from harness import DATABASES, ROOT, percentile, run_on_databases

TOP = 10
WARM_UP = 3
INDEX_BATCH = 1000
NOISE = 0.02


def stats(values: list[float]) -> dict:
    return {
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "mean": statistics.fmean(values),
        "n": len(values),
    }


def timed(call, inputs: list, repeat: int, before=None) -> dict:
    """Milliseconds of ``call(x)`` for every input, ``repeat`` rounds after a warm-up;
    ``before()`` runs untimed before each call."""
    for x in inputs[:WARM_UP]:
        call(x)
    found = []
    for _ in range(repeat):
        for x in inputs:
            if before:
                before()
            started = time.perf_counter()
            call(x)
            found.append((time.perf_counter() - started) * 1000)
    return stats(found)


def store(count: int, demo: list, rng: np.random.Generator) -> dict:
    """Store ``count`` synthetic published cases with labels and vectors, and index them."""
    from casestudies import synthetic_cases
    from django.db import connection, transaction

    from d4sme.casestudies import search
    from d4sme.casestudies.models import Case, CaseTechnology
    from d4sme.reports.search import document

    started = time.perf_counter()
    pairs = synthetic_cases(count, demo, rng)
    bases = {c.pk: c for c in search._stored([c.pk for c in demo])}
    for case, base in pairs:
        blob = np.frombuffer(bytes(bases[base].embedding), dtype=np.float32).reshape(-1, 512)
        noisy = blob + rng.normal(0, NOISE, blob.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        case.embedding = noisy.astype(np.float32).tobytes()
    with transaction.atomic():
        created = Case.objects.bulk_create([case for case, _ in pairs], batch_size=INDEX_BATCH)
        steps, barriers = [], []
        for case, (_c, base) in zip(created, pairs, strict=True):
            steps += [
                CaseTechnology(case=case, term=s.term, position=s.position)
                for s in bases[base].pathway.all()
            ]
            barriers += [
                Case.barriers.through(case_id=case.pk, term_id=t.pk)
                for t in bases[base].barriers.all()
            ]
        CaseTechnology.objects.bulk_create(steps, batch_size=INDEX_BATCH)
        Case.barriers.through.objects.bulk_create(barriers, batch_size=INDEX_BATCH)
    store_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        ids = [c.pk for c in created]
        for i in range(0, len(ids), INDEX_BATCH):
            chunk = search._stored(ids[i : i + INDEX_BATCH])
            search.INDEX.put((c.pk, document(search.document_parts(c))) for c in chunk)
    index_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    search.vectors.invalidate()
    return {
        "cases": len(created),
        "store_seconds": store_seconds,
        "index_seconds": index_seconds,
        "indexed_per_second": len(created) / index_seconds,
    }


def measure(queries: list[str], repeat: int) -> dict:
    from urllib.parse import urlencode

    from django.db import connection
    from ninja.testing import TestClient

    from d4sme.casestudies import api as cases_api
    from d4sme.casestudies import search, selectors
    from d4sme.reports.search import query_terms, query_vector

    # The cases router alone: its parsing, operation and response schema, without the
    # project's middleware (and without importing every other app's URLs).
    client = TestClient(cases_api.router)
    # Every timed call embeds its query afresh (the service remembers recent queries' vectors);
    # "recounted" also empties the facet cache, as every request counted before.
    fresh = query_vector.cache_clear

    def empty():
        fresh()
        selectors._facet_cache.clear()

    def raw(q: str):
        with connection.cursor() as cursor:
            cursor.execute(*search.INDEX.raw_sql(query_terms(q), TOP))
            return cursor.fetchall()

    def api(params: dict):
        reply = client.get("/cases" + (f"?{urlencode(params)}" if params else ""))
        assert reply.status_code == 200, reply.content[:300]
        return reply

    search.vectors.current()  # load the vector matrix once, as a serving process has
    list_calls = [{}] * max(10, len(queries) // 5)
    found = {
        "raw": timed(raw, queries, repeat),
        "fulltext": timed(lambda q: search.fulltext(q, limit=TOP), queries, repeat),
        "semantic": timed(lambda q: search.semantic(q, limit=TOP), queries, repeat, fresh),
        "combined": timed(lambda q: search.combined(q, limit=TOP), queries, repeat, fresh),
        "api_list_recounted": timed(api, list_calls, repeat, before=empty),
        "api_list_cached": timed(api, list_calls, repeat),
        "api_fulltext_recounted": timed(
            lambda q: api({"q": q, "mode": "fulltext"}), queries, repeat, before=empty
        ),
        "api_fulltext_cached": timed(
            lambda q: api({"q": q, "mode": "fulltext"}), queries, repeat, fresh
        ),
        "api_combined_recounted": timed(lambda q: api({"q": q}), queries, repeat, before=empty),
        "api_combined_cached": timed(lambda q: api({"q": q}), queries, repeat, fresh),
        "facets_recounted": timed(
            lambda _x: selectors.count_facets(selectors.CaseFilters()), list_calls, repeat
        ),
        "facets_cached": timed(
            lambda _x: selectors.facet_counts(selectors.CaseFilters()), list_calls, repeat
        ),
        "cases_version": timed(lambda _x: selectors.cases_version(), list_calls, repeat),
    }
    baseline = found["raw"]["p50"]
    for figures in found.values():
        figures["p50_over_raw"] = figures["p50"] / baseline
    return found


def worker(args) -> dict:
    """Run inside a process whose DATABASE_URL names the bench database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    os.environ["D4SME_DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))  # for the quality test's evaluate()
    import django

    django.setup()
    from io import StringIO

    from casestudies import generated_queries
    from django.core.management import call_command
    from django.db import connection

    from d4sme.casestudies.demo import cases_load
    from tests.casestudies.test_search_quality import cross_validate, evaluate, judged_queries

    call_command("migrate", verbosity=0)
    call_command("load_content", stdout=StringIO())
    demo = cases_load()
    judged = judged_queries()
    quality = evaluate(judged)
    for mode in quality.values():
        del mode["per_query"]
    fusion = cross_validate(judged)
    del fusion["held_out"]
    fusion["table"] = {str(w): v for w, v in fusion["table"].items()}

    rng = np.random.default_rng(args.seed)
    stored = store(args.cases, demo, rng)
    queries = [q["text"] for q in judged]
    queries += generated_queries(demo, max(0, args.queries - len(queries)), rng)
    return {
        "database": connection.vendor,
        "quality": quality,
        "fusion": fusion,
        "stored": stored,
        "latency": measure(queries, args.repeat),
    }


def report(result: dict) -> str:
    lines = [f"== {result['database']}: {result['stored']['cases']:,} synthetic cases =="]
    for mode, r in result["quality"].items():
        lines.append(
            f"{mode:>9}: nDCG@10 {r['ndcg']:.3f}  recall@10 {r['recall']:.3f}  cross-lingual "
            f"{r['cross_lingual']['found']}/{r['cross_lingual']['queries']}  same-language "
            f"{r['same_language']['found']}/{r['same_language']['queries']}"
        )
    fusion = result["fusion"]
    lines.append(
        f"fusion weight by fold {fusion['weights']} -> median {fusion['median_weight']}; "
        f"held-out nDCG@10 {fusion['ndcg']:.3f}"
    )
    stored = result["stored"]
    lines.append(
        f"stored in {stored['store_seconds']:.1f} s, indexed in {stored['index_seconds']:.1f} s "
        f"({stored['indexed_per_second']:,.0f} cases/s)"
    )
    lines.append(f"{'ms':>24} {'p50':>8} {'p95':>8} {'p50/raw':>8}")
    for name, r in result["latency"].items():
        lines.append(f"{name:>24} {r['p50']:8.2f} {r['p95']:8.2f} {r['p50_over_raw']:8.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2, help="timed rounds over the queries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--databases", default=DATABASES)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args), default=float))
        return
    options = [
        part
        for option in ("cases", "queries", "repeat", "seed")
        for part in (f"--{option}", str(getattr(args, option)))
    ]
    run_on_databases(
        script=__file__,
        name="d4sme_bench_search_searcher",
        databases=args.databases,
        options=options,
        report=report,
    )


if __name__ == "__main__":
    main()
