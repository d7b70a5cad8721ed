"""Search quality on the 64 synthetic demonstration cases, against the judged queries.

Every query of ``judged_queries.yaml`` runs through full-text, semantic and combined search
(top 10); ir-measures (pytrec_eval) computes nDCG@10 and recall@10 from the graded judgements.
``bench/casestudies.py`` reports the same figures through ``evaluate``.

What is asserted: combined search beats each mode alone on mean nDCG@10; semantic search finds
a relevant case written in another language than the query for most cross-lingual queries; and
no search mode ever returns a case that is not published.
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
from tests.casestudies.conftest import make_case

JUDGED_QUERIES = Path(__file__).with_name("judged_queries.yaml")
K = 10
MEASURES = {"ndcg": nDCG @ K, "recall": R @ K}
# Share of the cross-lingual queries (those with a relevant case in another language than the
# query's) for which semantic search puts such a case in its top 10. Measured on 2026-11-25:
# 47 of 47 on SQLite and PostgreSQL (full text, which needs every word: 1 of 47). The bar leaves
# room for a few misses as cases and queries change, and still fails if the multilingual encoder
# stops crossing languages.
CROSS_LINGUAL_SHARE = 0.8


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
    results = {}
    for mode, find in search.MODES.items():
        run, found_across = [], []
        for q in queries:
            codes = [cases[pk][0] for pk, _score in find(q["text"], limit=k)]
            # Scores that keep the mode's own order (pytrec_eval sorts by score).
            run += [ir_measures.ScoredDoc(q["id"], c, float(k - r)) for r, c in enumerate(codes)]
            if q["id"] in crossing and crossing[q["id"]] & set(codes):
                found_across.append(q["id"])
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
        }
    return results


def summary(results: dict[str, dict]) -> str:
    return "; ".join(
        f"{mode}: nDCG@{K} {r['ndcg']:.3f}, recall@{K} {r['recall']:.3f}, cross-lingual "
        f"{r['cross_lingual']['found']}/{r['cross_lingual']['queries']}"
        for mode, r in results.items()
    )


def test_judged_queries_name_demonstration_cases(content):
    codes = {c.code for c in cases_load()}
    queries = judged_queries()
    assert len(queries) >= 48
    assert len({q["id"] for q in queries}) == len(queries)
    for q in queries:
        assert set(q["relevant"]) <= codes, q["id"]
        assert q["language"] in {"en", "ko", "pt", "es"}, q["id"]


def test_combined_beats_each_mode_alone(content):
    cases_load()
    results = evaluate(judged_queries())
    assert results["combined"]["ndcg"] > results["fulltext"]["ndcg"], summary(results)
    assert results["combined"]["ndcg"] > results["semantic"]["ndcg"], summary(results)


def test_semantic_search_crosses_languages(content):
    cases_load()
    crossing = evaluate(judged_queries())["semantic"]["cross_lingual"]
    assert crossing["queries"] >= 24, "most judged queries should have relevant cases elsewhere"
    share = crossing["found"] / crossing["queries"]
    assert share >= CROSS_LINGUAL_SHARE, crossing


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
