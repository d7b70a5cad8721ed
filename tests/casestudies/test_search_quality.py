"""Search quality on the 64 synthetic demonstration cases, against the judged queries.

Every query of ``judged_queries.yaml`` runs through full-text, semantic and combined search
(top 10); ir-measures (pytrec_eval) computes nDCG@10 and recall@10 from the graded judgements.
``bench/casestudies.py`` and ``bench/search.py`` report the same figures through ``evaluate``.

The combined score's weight is chosen by cross-validation with folds by topic (queries whose
fully relevant cases overlap by a Jaccard index of 0.3 or more are one topic, and a topic is
never both trained and tested): ``cross_validate`` picks the best weight on the other folds and
scores the held-out fold with it. ``LEXICAL_WEIGHT`` in ``casestudies/search.py`` is the median
of the folds' choices.

What is asserted: combined search scores at least as well as the better mode alone, both with
the shipped weight and out of fold; full text alone finds a relevant case written in the
query's language for most queries; semantic and combined search find a relevant case written in
another language than the query for most cross-lingual queries; and no search mode ever returns
a case that is not published.
"""

from __future__ import annotations

from pathlib import Path

import ir_measures
import numpy as np
import yaml
from ir_measures import R, nDCG

from d4sme.casestudies import search
from d4sme.casestudies.demo import cases_load
from d4sme.casestudies.models import Case, CaseStatus
from d4sme.reports.search import fuse
from tests.casestudies.conftest import make_case

JUDGED_QUERIES = Path(__file__).with_name("judged_queries.yaml")
K = 10
MEASURES = {"ndcg": nDCG @ K, "recall": R @ K}
# Share of the cross-lingual queries (those with a relevant case in another language than the
# query's) for which semantic search puts such a case in its top 10. Measured on 2026-12-03:
# semantic 46 of 47, combined 47 of 47, full text 38 of 47 (shared words such as "MES" or
# "ransomware"; 1 of 47 when it needed every word). The bar leaves
# room for a few misses as cases and queries change, and still fails if the multilingual encoder
# stops crossing languages.
CROSS_LINGUAL_SHARE = 0.8
# Share of the queries with a relevant case in their own language for which full text alone puts
# one in its top 10. Measured on 2026-12-03: 41 of 41 (every-word prefix matching without
# stemming found a relevant case for few queries: nDCG@10 0.10).
SAME_LANGUAGE_SHARE = 0.8
# Mean nDCG@10 below which full text would again be near-useless (0.62 measured; 0.10 before).
# Measured on 2026-12-03, SQLite and PostgreSQL alike: semantic 0.842, combined 0.862 (before:
# semantic 0.827, combined 0.828); out of fold, the cross-validated weights score 0.859.
FULLTEXT_FLOOR = 0.5
# Weights tried by the cross-validation, and the Jaccard overlap that makes two queries one topic.
WEIGHTS = tuple(round(w, 2) for w in np.arange(0.0, 1.0001, 0.05))
TOPIC_OVERLAP = 0.3
FOLDS = 6


def judged_queries(path: Path = JUDGED_QUERIES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]


def evaluate(queries: list[dict], k: int = K) -> dict[str, dict]:
    """Run every query through every search mode and measure the top ``k`` against the judgements.

    Returns, per mode: the mean nDCG@k and recall@k over all queries (a query that finds nothing
    counts as 0), the per-query values, and for the cross-lingual queries how many found a
    relevant case written in another language than the query.
    """
    cases = {
        pk: (code, language)
        for pk, code, language in Case.objects.values_list("pk", "code", "language")
    }
    qrels = [
        ir_measures.Qrel(q["id"], code, int(grade))
        for q in queries
        for code, grade in q["relevant"].items()
    ]
    language_of = {code: language for code, language in cases.values()}
    crossing = {
        q["id"]: {
            code
            for code, grade in q["relevant"].items()
            if grade > 0 and language_of.get(code, q["language"]) != q["language"]
        }
        for q in queries
    }
    crossing = {qid: codes for qid, codes in crossing.items() if codes}
    at_home = {
        q["id"]: {
            code
            for code, grade in q["relevant"].items()
            if grade > 0 and language_of.get(code) == q["language"]
        }
        for q in queries
    }
    at_home = {qid: codes for qid, codes in at_home.items() if codes}
    results = {}
    for mode, find in search.MODES.items():
        run, found_across, found_home = [], [], []
        for q in queries:
            codes = [cases[pk][0] for pk, _score in find(q["text"], limit=k)]
            # Scores that keep the mode's own order (pytrec_eval sorts by score).
            run += [ir_measures.ScoredDoc(q["id"], c, float(k - r)) for r, c in enumerate(codes)]
            if q["id"] in crossing and crossing[q["id"]] & set(codes):
                found_across.append(q["id"])
            if q["id"] in at_home and at_home[q["id"]] & set(codes):
                found_home.append(q["id"])
        per_query: dict[str, dict[str, float]] = {q["id"]: {} for q in queries}
        for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels, run):
            name = next(n for n, m in MEASURES.items() if m == metric.measure)
            per_query[metric.query_id][name] = metric.value
        results[mode] = {
            **{
                name: float(np.mean([values.get(name, 0.0) for values in per_query.values()]))
                for name in MEASURES
            },
            "per_query": per_query,
            "cross_lingual": {
                "queries": len(crossing),
                "found": len(found_across),
                "missed": sorted(set(crossing) - set(found_across)),
            },
            "same_language": {
                "queries": len(at_home),
                "found": len(found_home),
                "missed": sorted(set(at_home) - set(found_home)),
            },
        }
    return results


def summary(results: dict[str, dict]) -> str:
    return "; ".join(
        f"{mode}: nDCG@{K} {r['ndcg']:.3f}, recall@{K} {r['recall']:.3f}, cross-lingual "
        f"{r['cross_lingual']['found']}/{r['cross_lingual']['queries']}"
        for mode, r in results.items()
    )


def topics(queries: list[dict], overlap: float = TOPIC_OVERLAP) -> list[list[str]]:
    """Query ids grouped by topic: queries whose fully relevant cases overlap (Jaccard ≥
    ``overlap``) are one topic, transitively."""
    sets = {q["id"]: {c for c, g in q["relevant"].items() if g >= 2} for q in queries}
    parent = {qid: qid for qid in sets}

    def root(qid: str) -> str:
        while parent[qid] != qid:
            qid = parent[qid]
        return qid

    ids = list(sets)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            union = sets[a] | sets[b]
            if union and len(sets[a] & sets[b]) / len(union) >= overlap:
                parent[root(a)] = root(b)
    grouped: dict[str, list[str]] = {}
    for qid in ids:
        grouped.setdefault(root(qid), []).append(qid)
    return sorted(grouped.values(), key=lambda group: (-len(group), group[0]))


def topic_folds(queries: list[dict], folds: int = FOLDS) -> list[set[str]]:
    """Topics dealt into ``folds`` folds of about equal size, the largest topics first."""
    found: list[set[str]] = [set() for _ in range(folds)]
    for group in topics(queries):
        min(found, key=len).update(group)
    return found


def fusion_table(queries: list[dict], k: int = K) -> dict[float, dict[str, float]]:
    """nDCG@k of every query for every weight of ``WEIGHTS``, from one retrieval per query."""
    code = dict(Case.objects.values_list("pk", "code"))
    qrels = [
        ir_measures.Qrel(q["id"], c, int(g)) for q in queries for c, g in q["relevant"].items()
    ]
    inputs = {q["id"]: search.candidates(q["text"]) for q in queries}
    table = {}
    for weight in WEIGHTS:
        run = []
        for qid, (lexical, near) in inputs.items():
            ranking = fuse(lexical, near, weight, limit=k) if near else lexical[:k]
            run += [
                ir_measures.ScoredDoc(qid, code[pk], float(k - r))
                for r, (pk, _s) in enumerate(ranking)
            ]
        found = {m.query_id: m.value for m in ir_measures.iter_calc([nDCG @ k], qrels, run)}
        table[weight] = {q["id"]: found.get(q["id"], 0.0) for q in queries}
    return table


def cross_validate(queries: list[dict]) -> dict:
    """Choose the weight on the other folds, score each fold with it; return the folds'
    weights, the held-out nDCG@10 of every query, its mean, and the median weight."""
    table = fusion_table(queries)
    weights, held_out = [], {}
    for fold in topic_folds(queries):
        train = [q["id"] for q in queries if q["id"] not in fold]
        # Ties go to the weight nearer the middle: no reason to lean on one signal.
        best = max(WEIGHTS, key=lambda w: (np.mean([table[w][i] for i in train]), -abs(w - 0.5)))
        weights.append(best)
        held_out.update({i: table[best][i] for i in fold})
    return {
        "weights": weights,
        "median_weight": float(np.median(weights)),
        "held_out": held_out,
        "ndcg": float(np.mean(list(held_out.values()))),
        "table": {w: float(np.mean(list(v.values()))) for w, v in table.items()},
    }


def test_judged_queries_name_demonstration_cases(content):
    codes = {c.code for c in cases_load()}
    queries = judged_queries()
    assert len(queries) >= 48
    assert len({q["id"] for q in queries}) == len(queries)
    for q in queries:
        assert set(q["relevant"]) <= codes, q["id"]
        assert q["language"] in {"en", "ko", "pt", "es"}, q["id"]


def test_combined_beats_the_better_mode_alone_and_full_text_is_useful(content):
    cases_load()
    results = evaluate(judged_queries())
    best_single = max(results["fulltext"]["ndcg"], results["semantic"]["ndcg"])
    assert results["combined"]["ndcg"] >= best_single, summary(results)
    assert results["fulltext"]["ndcg"] >= FULLTEXT_FLOOR, summary(results)
    home = results["fulltext"]["same_language"]
    assert home["found"] / home["queries"] >= SAME_LANGUAGE_SHARE, home


def test_fusion_weight_holds_out_of_fold(content):
    """The weight chosen without a topic's queries still beats semantic search on them, and the
    shipped weight is the folds' median choice."""
    cases_load()
    queries = judged_queries()
    folds = topic_folds(queries)
    assert all(not (a & b) for i, a in enumerate(folds) for b in folds[i + 1 :])
    assert set().union(*folds) == {q["id"] for q in queries}
    found = cross_validate(queries)
    semantic_only = found["table"][0.0]
    assert found["ndcg"] >= semantic_only, found
    assert abs(found["median_weight"] - search.LEXICAL_WEIGHT) <= 0.1, found


def test_semantic_and_combined_search_cross_languages(content):
    cases_load()
    results = evaluate(judged_queries())
    for mode in ("semantic", "combined"):
        crossing = results[mode]["cross_lingual"]
        assert crossing["queries"] >= 24, "most judged queries should have relevant cases elsewhere"
        share = crossing["found"] / crossing["queries"]
        assert share >= CROSS_LINGUAL_SHARE, (mode, crossing)


def test_unpublished_cases_never_appear(content):
    cases_load()
    word = "quuxvolantine"
    text = f"The {word} workshop moved its {word} orders online."

    def embedded(case: Case) -> Case:
        case.embedding = search.embed([search.embedding_text(case)])[0].tobytes()
        case.save()
        search.index_case(case)
        return case

    draft = embedded(make_case(None, f"A {word} draft", summary=text, challenges=text))
    assert draft.status == CaseStatus.DRAFT
    # Published and indexed, then withdrawn: it must leave both indexes.
    withdrawn = embedded(
        make_case(None, f"A {word} story", summary=text, challenges=text, status="published")
    )
    assert [pk for pk, _ in search.fulltext(word, limit=K)] == [withdrawn.pk]
    assert withdrawn.pk in [pk for pk, _ in search.semantic(text, limit=K)]
    withdrawn.status = CaseStatus.WITHDRAWN
    embedded(withdrawn)

    hidden = {draft.pk, withdrawn.pk}
    published = Case.objects.filter(status=CaseStatus.PUBLISHED).count()
    for query in (word, text, f"{word} draft"):
        for mode, find in search.MODES.items():
            found = {pk for pk, _ in find(query, limit=published + 10)}
            assert not found & hidden, (mode, query)
    assert search.fulltext(word, limit=K) == []
