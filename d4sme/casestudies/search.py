"""Search over published cases: full text, multilingual semantic, and both combined.

The shared search service (:mod:`d4sme.reports.search`) does the work; this module says what a
case's document is. The whole case is searched: title, summary, the firm before, challenges,
solutions, support used, lessons, outcomes, every translation, and the names of its technologies,
barriers and programmes in the four languages (a query for "poor connectivity" reaches the cases
tagged with the connectivity barrier).

- Full text: any-word BM25 over stemmed terms (an FTS5 table of published cases on SQLite, a
  stored tsvector with a partial GIN index on PostgreSQL).
- Semantic: the multilingual sentence encoder's vectors of the whole case and of its passages
  (a case scores the mean of its whole-document and its best passage's cosine), so a question
  in Korean finds a case written in Portuguese.
- Combined: a weighted score of the two (:data:`LEXICAL_WEIGHT`, chosen by cross-validation).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from django.db import transaction

from d4sme.reports import search as service
from d4sme.reports.embeddings import DIMENSIONS, embed

FTS_TABLE = "casestudies_case_fts"
INDEX = service.LexicalIndex(table="casestudies_case", fts_table=FTS_TABLE)
NARRATIVE = (
    "title",
    "summary",
    "preconditions",
    "challenges",
    "solutions",
    "support",
    "lessons",
    "outcomes_text",
)
# Share of the combined score that comes from BM25 (the rest from semantic similarity): the
# median of the weights chosen by cross-validation on tests/casestudies/judged_queries.yaml with
# six folds by topic (tests/casestudies/test_search_quality.py, ``cross_validate``; bench/search.py
# prints it). Measured on 2026-12-03: the folds chose 0.3, 0.2, 0.3, 0.3, 0.2, 0.2; held out,
# nDCG@10 0.859 against semantic alone 0.842 and full text alone 0.624.
LEXICAL_WEIGHT = 0.25
CANDIDATES = 100


# -- the document ----------------------------------------------------------------------------


def _labels(case) -> list[tuple[str, str]]:
    """(name, language) of the case's technologies, barriers and programmes, in every language
    the vocabulary holds."""
    found = []
    terms = [step.term for step in case.pathway.all()] + list(case.barriers.all())
    for term in terms:
        found.append((term.name, "en"))
        found += [(name, language) for language, name in (term.translations or {}).items()]
    for programme in case.programmes.all():
        found.append((programme.name, case.language))
    return found


def document_parts(case) -> list[tuple[str, str]]:
    """(text, language) of everything a case's search covers."""
    parts = [(getattr(case, name, "") or "", case.language) for name in NARRATIVE]
    for language, fields in (case.translations or {}).items():
        parts += [(str(text), language) for text in fields.values() if text]
    if case.pk is not None:
        parts += _labels(case)
    return parts


def embedding_text(case) -> str:
    """The whole case as one text: its narrative in its language and its labels in it."""
    parts = [getattr(case, name, "") or "" for name in NARRATIVE]
    if case.pk is not None:
        parts += [text for text, language in _labels(case) if language == case.language]
    return "\n".join(p for p in parts if p)


def embedding_of(case) -> bytes:
    """The vectors of a case as stored: the whole case first, then its passages."""
    passages = service.passages([getattr(case, name, "") or "" for name in NARRATIVE])
    texts = [embedding_text(case)] + (passages if len(passages) > 1 else [])
    return _vectors_of(tuple(texts))


@lru_cache(maxsize=1024)
def _vectors_of(texts: tuple[str, ...]) -> bytes:
    """The texts' vectors, remembered: a text embeds to the same vector every time."""
    return np.asarray(embed(list(texts)), dtype=np.float32).tobytes()


# -- indexing --------------------------------------------------------------------------------


def _stored(pks):
    """The cases as stored (a caller's copy may lack a translation saved elsewhere)."""
    from .models import Case

    return Case.objects.filter(pk__in=pks).prefetch_related(
        "pathway__term", "barriers", "programmes"
    )


def index_case(case) -> None:
    """Put a published case's terms in the full-text index, or take an unpublished one out."""
    vectors.invalidate()
    stored = _stored([case.pk]).first()
    terms = service.document(document_parts(stored)) if stored and stored.is_published else None
    INDEX.put([(case.pk, terms)])


def index_later(case) -> None:
    """Index a case's text now and queue its embedding once the transaction commits."""
    index_case(case)
    if case.is_published:
        from .tasks import case_embed

        case_id = case.pk
        transaction.on_commit(lambda: case_embed.enqueue(case_id=case_id))


def reindex(cases) -> int:
    """Index these cases' terms and store their vectors, in one batch; return how many."""
    cases = list(_stored([c.pk for c in cases]))
    INDEX.put(
        (c.pk, service.document(document_parts(c)) if c.is_published else None) for c in cases
    )
    from django.utils import timezone

    from .models import Case

    now = timezone.now()  # a new updated_at tells every process's vector cache
    for case in cases:
        case.embedding = embedding_of(case)
        case.updated_at = now
    Case.objects.bulk_update(cases, ["embedding", "updated_at"], batch_size=500)
    vectors.invalidate()
    return len(cases)


# -- the three modes -------------------------------------------------------------------------


def fulltext(query: str, limit: int = 50) -> list[tuple[int, float]]:
    """(case id, BM25 score) of published cases holding any term of the query, best first."""
    return INDEX.search(query, limit=limit)


def _key():
    from django.db.models import Count, Max

    from .models import Case

    published = Case.objects.filter(status="published", embedding__isnull=False)
    return tuple(published.aggregate(n=Count("id"), t=Max("updated_at")).values())


def _rows():
    from .models import Case

    return (
        Case.objects.filter(status="published", embedding__isnull=False)
        .order_by("id")
        .values_list("id", "embedding")
    )


vectors = service.VectorCache(_key, _rows)


def _semantic_scores(query: str) -> tuple[np.ndarray, np.ndarray]:
    cache = vectors.current()
    if not query.strip() or len(cache.ids) == 0:
        return cache.ids, np.zeros(0, dtype=np.float32)
    return cache.ids, cache.scores(service.query_vector(query))


def semantic(query: str, limit: int = 50) -> list[tuple[int, float]]:
    """(case id, similarity) of the published cases nearest to the query, best first."""
    ids, scores = _semantic_scores(query)
    return [(int(ids[i]), float(scores[i])) for i in service.top(scores, limit)]


def similar(case, limit: int = 5) -> list[int]:
    """Ids of the published cases nearest to a case (its whole-document vector), itself excluded."""
    if case.embedding is None:
        return []
    cache = vectors.current()
    if len(cache.ids) == 0:
        return []
    vector = np.frombuffer(bytes(case.embedding)[: DIMENSIONS * 4], dtype=np.float32)
    scores = cache.whole @ vector
    return [int(cache.ids[i]) for i in service.top(scores, limit + 1) if cache.ids[i] != case.pk][
        :limit
    ]


def candidates(query: str) -> tuple[list[tuple[int, float]], dict[int, float]]:
    """The BM25 ranking of a query and the semantic scores of its candidates (the nearest
    cases and every case the BM25 ranking holds), the inputs of the combined score."""
    lexical = fulltext(query, limit=CANDIDATES)
    ids, scores = _semantic_scores(query)
    if len(scores) == 0:
        return lexical, {}
    near = {int(ids[i]): float(scores[i]) for i in service.top(scores, CANDIDATES)}
    if lexical:  # ids are sorted
        wanted = np.array([pk for pk, _score in lexical], dtype=np.int64)
        at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
        found = ids[at] == wanted
        for pk, i in zip(wanted[found], at[found], strict=True):
            near[int(pk)] = float(scores[i])
    return lexical, near


def combined(
    query: str, limit: int = 50, lexical_weight: float | None = None
) -> list[tuple[int, float]]:
    """Weighted fusion of the BM25 and semantic scores (see :func:`d4sme.reports.search.fuse`)."""
    lexical, near = candidates(query)
    if not near:
        return lexical[:limit]
    weight = LEXICAL_WEIGHT if lexical_weight is None else lexical_weight
    return service.fuse(lexical, near, weight, limit=limit)


MODES = {"combined": combined, "fulltext": fulltext, "semantic": semantic}
