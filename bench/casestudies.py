"""Benchmark: case-study search at 100,000 published cases, and its quality on the judged queries.

In a fresh bench database (an SQLite file, then PostgreSQL) the worker migrates, loads the
starting content and the 64 synthetic demonstration cases (``cases_load``), then measures:

(a) quality: every query of ``tests/casestudies/judged_queries.yaml`` through full-text,
    semantic and combined search over the 64 demonstration cases, top 10, nDCG@10 and
    recall@10 by ir-measures, and how many cross-lingual queries find a relevant case written in
    another language. It is the ``evaluate`` of tests/casestudies/test_search_quality.py, so the
    figures are the test's;
(b) N synthetic cases, a quarter in each language, each composed from one demonstration case's
    sentences mixed with sentences of other cases in the same language, shuffled, with words of
    that language's vocabulary inserted at random, so that no two documents are alike;
(c) embedding throughput: ``search.embed`` (the module's encoder, one thread) on a sample of at
    most 10,000 of them (``--embed``) in batches of 256, in cases per second. The encoder is
    slow, so every case beyond the sample reuses the vector of a sampled case composed from the
    same demonstration case, plus a little noise (renormalised), so that vectors differ;
(d) storing them published with their embeddings (``bulk_create``) and indexing them through
    ``search.index_case`` (on PostgreSQL a no-op: the partial GIN index follows the inserts);
(e) search latency, p50/p95 in milliseconds over ~200 queries (the judged ones plus generated
    keyword queries, words of one demonstration sentence, and phrases, pieces of one, in the
    four languages), each run ``--repeat`` times after a
    warm-up: ``fulltext``, ``semantic`` and ``combined`` through the module (top 10), next to
    the full-text query written by hand in raw SQL (FTS5 MATCH ordered by bm25 on SQLite,
    ``to_tsvector @@ to_tsquery`` ordered by ``ts_rank_cd`` on PostgreSQL), with the same
    match expression. What is compared is the ratio of module to raw SQL in the same run; the
    semantic search's parts (the cache check, embedding the query, scoring) are timed too.

    python bench/casestudies.py                    # 100,000 cases, SQLite then PostgreSQL
    python bench/casestudies.py --cases 5000       # a smoke check
    python bench/casestudies.py --databases sqlite
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

import numpy as np
from harness import DATABASES, ROOT, percentile, run_on_databases

LANGUAGES = ("en", "ko", "pt", "es")
EMBED_BATCH = 256
STORE_BATCH = 1000
TOP = 10
WARM_UP = 5
NOISE = 0.02  # standard deviation added to each component of a reused vector (unit length)
SENTENCE = re.compile(r"(?<=[.!?。])\s+")
WORD = re.compile(r"\w+", re.UNICODE)
TEXT_FIELDS = ("summary", "preconditions", "challenges", "solutions", "support", "lessons")


def is_hangul(word: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in word)


def corpus(demo: list) -> dict:
    """Per language: the demonstration cases, their sentences (with the case's id), each case's
    own sentences, and the vocabulary (words of four letters or more, any Korean word)."""
    by_language = {
        language: {"cases": [], "sentences": [], "words": set()} for language in LANGUAGES
    }
    for case in demo:
        part = by_language[case.language]
        part["cases"].append(case)
        for field in TEXT_FIELDS:
            for sentence in SENTENCE.split(getattr(case, field).strip()):
                if sentence:
                    part["sentences"].append((case.pk, sentence))
            part["words"].update(
                w for w in WORD.findall(getattr(case, field)) if len(w) >= 4 or is_hangul(w)
            )
    for part in by_language.values():
        part["words"] = sorted(part["words"])
        part["own"] = {}
        for pair in part["sentences"]:
            part["own"].setdefault(pair[0], []).append(pair)
    return by_language


def mixed(n: int, own: list, part: dict, rng: np.random.Generator) -> str:
    """``n`` sentences, mostly the base case's, each with up to two random words inserted."""
    chosen = []
    for _ in range(n):
        pool = own if rng.random() < 0.6 else part["sentences"]
        tokens = pool[rng.integers(len(pool))][1].split()
        for _ in range(rng.integers(0, 3)):
            words = part["words"]
            tokens.insert(rng.integers(len(tokens) + 1), words[rng.integers(len(words))])
        chosen.append(" ".join(tokens))
    return " ".join(chosen)


def synthetic_cases(count: int, demo: list, rng: np.random.Generator) -> list[tuple]:
    """Return ``count`` (Case, base demonstration case id) pairs, not saved."""
    from django.utils import timezone

    from d4sme.casestudies.models import Case, CaseStatus
    from d4sme.casestudies.services import search_text_of

    parts = corpus(demo)
    now = timezone.now()
    cases = []
    for i in range(count):
        part = parts[LANGUAGES[i % len(LANGUAGES)]]
        base = part["cases"][rng.integers(len(part["cases"]))]
        own = part["own"][base.pk]
        words = part["words"]
        extra = " ".join(words[j] for j in rng.integers(len(words), size=2))
        case = Case(
            code=f"bench-{i:06d}",
            anonymised=True,
            economy_id=base.economy_id,
            isic_section=base.isic_section,
            size_class=base.size_class,
            period=base.period,
            language=base.language,
            title=f"{base.title} ({extra})"[:200],
            summary=mixed(2, own, part, rng),
            preconditions=mixed(1, own, part, rng),
            challenges=mixed(3, own, part, rng),
            solutions=mixed(3, own, part, rng),
            support=mixed(1, own, part, rng),
            lessons=mixed(1, own, part, rng),
            consent=True,
            status=CaseStatus.PUBLISHED,
            published_at=now,
            is_synthetic=True,
        )
        case.search_text = search_text_of(case)
        cases.append((case, base.pk))
    return cases


def embed_cases(pairs: list[tuple], sample: int, rng: np.random.Generator) -> dict:
    """Embed a sample through the module; give the other cases a sampled sibling's vector."""
    from d4sme.casestudies import search

    search.embed(["warm up"])  # loading the encoder is not throughput
    sampled = pairs[:sample]
    texts = [search.embedding_text(case) for case, _ in sampled]
    started = time.perf_counter()
    vectors = np.vstack(
        [search.embed(texts[i : i + EMBED_BATCH]) for i in range(0, len(texts), EMBED_BATCH)]
    )
    seconds = time.perf_counter() - started
    siblings: dict[int, list[int]] = {}
    for index, (_case, base) in enumerate(sampled):
        siblings.setdefault(base, []).append(index)
    for index, (case, base) in enumerate(pairs):
        if index < sample:
            vector = vectors[index]
        else:
            options = siblings[base]
            vector = vectors[options[rng.integers(len(options))]] + rng.normal(
                0, NOISE, vectors.shape[1]
            )
            vector /= np.linalg.norm(vector)
        case.embedding = np.asarray(vector, dtype=np.float32).tobytes()
    return {
        "sampled": len(sampled),
        "reused": len(pairs) - len(sampled),
        "seconds": seconds,
        "per_second": len(sampled) / seconds,
        "mean_characters": float(np.mean([len(t) for t in texts])),
    }


def store_cases(pairs: list[tuple]) -> dict:
    from django.db import connection, transaction

    from d4sme.casestudies import search
    from d4sme.casestudies.models import Case

    started = time.perf_counter()
    with transaction.atomic():
        created = Case.objects.bulk_create([case for case, _ in pairs], batch_size=STORE_BATCH)
    store_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        for case in created:
            search.index_case(case)
    index_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "cases": len(created),
        "store_seconds": store_seconds,
        "index_seconds": index_seconds,
        "indexed_by": "search.index_case (FTS5 rows)"
        if connection.vendor == "sqlite"
        else "the partial GIN index, during the inserts",
    }


def generated_queries(demo: list, count: int, rng: np.random.Generator) -> list[str]:
    """Keyword queries (two or three words of one sentence) and phrases (a piece of a
    sentence), in turn, in each language in turn."""
    parts = corpus(demo)
    queries = []
    for i in range(count):
        part = parts[LANGUAGES[i % len(LANGUAGES)]]
        sentence = part["sentences"][rng.integers(len(part["sentences"]))][1]
        if i % 2:
            words = sorted({w for w in WORD.findall(sentence) if len(w) >= 4 or is_hangul(w)})
            picked = rng.choice(len(words), size=min(len(words), rng.integers(2, 4)), replace=False)
            queries.append(" ".join(words[j] for j in sorted(picked)))
        else:
            tokens = sentence.split()
            length = int(rng.integers(3, 7))
            start = int(rng.integers(max(1, len(tokens) - length + 1)))
            queries.append(" ".join(tokens[start : start + length]))
    return queries


def match_expression(query: str) -> str | None:
    """The match expression ``search.fulltext`` sends for a query (FTS5 MATCH or tsquery),
    captured from its statement, so that the raw SQL follows the module's query syntax."""
    from django.db import connection

    from d4sme.casestudies import search

    sent = []

    def capture(execute, sql, params, many, context):
        if search.FTS_TABLE in sql or "to_tsquery" in sql:
            sent.append(params[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        search.fulltext(query, limit=TOP)
    return sent[0] if sent else None


def raw_fulltext(cursor, expression: str | None) -> list[int]:
    """The module's full-text query written by hand, for the same match expression."""
    if expression is None:
        return []
    if cursor.db.vendor == "sqlite":
        cursor.execute(
            "SELECT rowid FROM casestudies_case_fts WHERE casestudies_case_fts MATCH %s "
            "ORDER BY bm25(casestudies_case_fts) LIMIT %s",
            [expression, TOP],
        )
    else:
        cursor.execute(
            "SELECT id FROM casestudies_case WHERE status = 'published' AND "
            "to_tsvector('simple', search_text) @@ to_tsquery('simple', %s) ORDER BY "
            "ts_rank_cd(to_tsvector('simple', search_text), to_tsquery('simple', %s)) DESC, id "
            "LIMIT %s",
            [expression, expression, TOP],
        )
    return [row[0] for row in cursor.fetchall()]


def count_matches(cursor, expression: str | None) -> int:
    if expression is None:
        return 0
    if cursor.db.vendor == "sqlite":
        cursor.execute(
            "SELECT count(*) FROM casestudies_case_fts WHERE casestudies_case_fts MATCH %s",
            [expression],
        )
    else:
        cursor.execute(
            "SELECT count(*) FROM casestudies_case WHERE status = 'published' AND "
            "to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)",
            [expression],
        )
    return cursor.fetchone()[0]


def stats(values: list[float]) -> dict:
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95)}


def measure_latency(queries: list[str], repeat: int) -> dict:
    from django.db import connection

    from d4sme.casestudies import search

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    search.vectors.current()
    cold_load = time.perf_counter() - started
    timings: dict[str, list[float]] = {m: [] for m in ("fulltext", "semantic", "combined", "raw")}
    same_top = 0
    expressions = {q: match_expression(q) for q in queries}
    with connection.cursor() as cursor:
        matches = [count_matches(cursor, expressions[q]) for q in queries]
        for q in queries[:WARM_UP]:
            search.combined(q, limit=TOP)
            raw_fulltext(cursor, expressions[q])
        for round_ in range(repeat):
            for q in queries:
                for mode in ("fulltext", "semantic", "combined"):
                    t0 = time.perf_counter()
                    found = search.MODES[mode](q, limit=TOP)
                    timings[mode].append((time.perf_counter() - t0) * 1000)
                    if mode == "fulltext":
                        module_ids = [pk for pk, _ in found]
                t0 = time.perf_counter()
                raw_ids = raw_fulltext(cursor, expressions[q])
                timings["raw"].append((time.perf_counter() - t0) * 1000)
                if round_ == 0:
                    same_top += module_ids == raw_ids
    # The semantic search's parts, one round.
    parts: dict[str, list[float]] = {"cache check": [], "embed query": [], "score and sort": []}
    for q in queries:
        t0 = time.perf_counter()
        ids, matrix = search.vectors.current()
        t1 = time.perf_counter()
        vector = search.embed([q])[0]
        t2 = time.perf_counter()
        scores = matrix @ vector
        top = np.argsort(-scores, kind="stable")[:TOP]
        [(int(ids[i]), float(scores[i])) for i in top]
        t3 = time.perf_counter()
        parts["cache check"].append((t1 - t0) * 1000)
        parts["embed query"].append((t2 - t1) * 1000)
        parts["score and sort"].append((t3 - t2) * 1000)
    result = {mode: stats(values) for mode, values in timings.items()}
    return {
        "load_average": [load_before, os.getloadavg()[0]],
        "queries": len(queries),
        "rounds": repeat,
        "cold_vector_load_seconds": cold_load,
        "matching_queries": sum(1 for m in matches if m),
        "matches_p50": statistics.median(matches),
        "matches_p95": percentile(matches, 0.95),
        "same_top": same_top,
        "modes": result,
        "ratio_fulltext_raw": result["fulltext"]["p50"] / result["raw"]["p50"],
        "semantic_parts": {name: stats(values) for name, values in parts.items()},
    }


def worker(args) -> dict:
    """Run inside a process whose DATABASE_URL names the bench database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    os.environ["D4SME_DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))  # for the test module's evaluate()
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from d4sme.casestudies.demo import cases_load
    from tests.casestudies.test_search_quality import evaluate, judged_queries

    call_command("migrate", verbosity=0)
    call_command("load_content", stdout=StringIO())
    demo = cases_load()
    judged = judged_queries()
    quality = evaluate(judged)
    for mode in quality.values():
        del mode["per_query"]

    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    pairs = synthetic_cases(args.cases, demo, rng)
    generate_seconds = time.perf_counter() - started
    embedding = embed_cases(pairs, min(args.embed, len(pairs)), rng)
    stored = store_cases(pairs)
    del pairs
    queries = [q["text"] for q in judged]
    queries += generated_queries(demo, max(0, args.queries - len(queries)), rng)
    return {
        "database": connection.vendor,
        "demo_cases": len(demo),
        "judged_queries": len(judged),
        "quality": quality,
        "generate_seconds": generate_seconds,
        "embedding": embedding,
        "stored": stored,
        "latency": measure_latency(queries, args.repeat),
    }


def report(result: dict) -> str:
    e, s, lat = result["embedding"], result["stored"], result["latency"]
    total = s["cases"] + result["demo_cases"]
    lines = [
        f"### {result['database']}: {total:,} published cases",
        "",
        f"Quality over the {result['demo_cases']} demonstration cases, "
        f"{result['judged_queries']} judged queries, top {TOP}:",
        "",
        "| mode | nDCG@10 | recall@10 | cross-lingual queries finding a case in another language |",
        "| --- | ---: | ---: | ---: |",
    ]
    for mode in ("fulltext", "semantic", "combined"):
        q = result["quality"][mode]
        c = q["cross_lingual"]
        lines.append(
            f"| {mode} | {q['ndcg']:.3f} | {q['recall']:.3f} | {c['found']} / {c['queries']} |"
        )
    lines += [
        "",
        f"Generated {s['cases']:,} synthetic cases in {result['generate_seconds']:.1f} s. "
        f"Embedding: {e['sampled']:,} cases (mean {e['mean_characters']:,.0f} characters) in "
        f"{e['seconds']:.1f} s = **{e['per_second']:,.0f} cases/s**; "
        f"{e['reused']:,} cases reuse a sampled sibling's vector. Stored in "
        f"{s['store_seconds']:.1f} s ({s['cases'] / s['store_seconds']:,.0f} cases/s); "
        f"indexed by {s['indexed_by']}"
        + (f" in {s['index_seconds']:.1f} s" if s["index_seconds"] > 0.5 else "")
        + ".",
        "",
        f"Latency over {lat['queries']} queries x {lat['rounds']} rounds (milliseconds; "
        f"full text matches something for {lat['matching_queries']} of them, median "
        f"{lat['matches_p50']:,} cases, p95 {lat['matches_p95']:,}; "
        f"vector matrix loaded cold in {lat['cold_vector_load_seconds']:.2f} s; load average "
        f"{lat['load_average'][0]:.1f} before, {lat['load_average'][1]:.1f} after):",
        "",
        "| search | p50 | p95 |",
        "| --- | ---: | ---: |",
    ]
    names = {
        "fulltext": "`search.fulltext`, top 10",
        "raw": "raw full-text SQL, top 10",
        "semantic": "`search.semantic`, top 10",
        "combined": "`search.combined`, top 10",
    }
    for mode in ("fulltext", "raw", "semantic", "combined"):
        m = lat["modes"][mode]
        lines.append(f"| {names[mode]} | {m['p50']:.2f} | {m['p95']:.2f} |")
    for name, m in lat["semantic_parts"].items():
        lines.append(f"| semantic, part: {name} | {m['p50']:.2f} | {m['p95']:.2f} |")
    lines += [
        "",
        f"`search.fulltext` / raw SQL (p50): **{lat['ratio_fulltext_raw']:.2f}**; same top 10 for "
        f"{lat['same_top']} / {lat['queries']} queries.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--embed", type=int, default=10_000, help="cases embedded for real")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds over the queries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--databases", default=DATABASES)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    options = [
        part
        for option in ("cases", "embed", "queries", "repeat", "seed")
        for part in (f"--{option}", str(getattr(args, option)))
    ]
    run_on_databases(
        script=__file__,
        name="d4sme_bench_casestudies",
        databases=args.databases,
        options=options,
        report=report,
    )


if __name__ == "__main__":
    main()
