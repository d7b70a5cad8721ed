"""Search over published cases: full text, multilingual semantic, and both combined.

Full text runs in the database behind one interface: SQLite FTS5 (a ``casestudies_case_fts``
table holding published cases only, ranked by bm25) or PostgreSQL full text (``simple``
configuration, a partial GIN index over published cases, ranked by ts_rank_cd). Semantic search
embeds the query with the shared layer's multilingual sentence encoder
(:mod:`d4sme.reports.embeddings`), so a query in Korean finds a case written in Portuguese, and
compares it with the cases' stored embeddings. The combined search fuses both rankings by reciprocal rank.
"""

from __future__ import annotations

import re
import threading
import time

import numpy as np
from django.db import connection, transaction

from d4sme.reports.embeddings import DIMENSIONS, embed

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al., 2009)
FTS_TABLE = "casestudies_case_fts"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def embedding_text(case) -> str:
    return "\n".join(filter(None, [case.title, case.summary, case.challenges, case.solutions]))


# -- full text -------------------------------------------------------------------------------


def tokens(query: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(query)][:20]


def index_case(case) -> None:
    """Put a published case in the SQLite full-text table, or take it out."""
    vectors.invalidate()
    if connection.vendor != "sqlite":
        return  # PostgreSQL indexes the column itself (partial GIN index)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [case.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, search_text) "
            "SELECT id, search_text FROM casestudies_case WHERE id = %s AND status = 'published'",
            [case.pk],
        )


def index_later(case) -> None:
    """Index a case's text now and queue its embedding once the transaction commits."""
    index_case(case)
    if case.is_published:
        from .tasks import case_embed

        case_id = case.pk
        transaction.on_commit(lambda: case_embed.enqueue(case_id=case_id))


def fulltext(query: str, limit: int = 50) -> list[tuple[int, float]]:
    """(case id, score) of published cases holding every word of the query (or a word it
    begins), best first. Every word must match: a question in another language then finds
    nothing here and is left to semantic search, instead of matching on its common words."""
    words = tokens(query)
    if not words:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " AND ".join('"' + w.replace('"', "") + '"*' for w in words)
            cursor.execute(
                f"SELECT rowid, -bm25({FTS_TABLE}) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}) LIMIT %s",
                [match, limit],
            )
        else:
            expression = " & ".join(
                re.sub(r"[^\w]", "", w) + ":*" for w in words if re.sub(r"[^\w]", "", w)
            )
            cursor.execute(
                "SELECT id, ts_rank_cd(to_tsvector('simple', search_text), q) AS rank "
                "FROM casestudies_case, to_tsquery('simple', %s) q "
                "WHERE status = 'published' AND to_tsvector('simple', search_text) @@ q "
                "ORDER BY rank DESC, id LIMIT %s",
                [expression, limit],
            )
        return [(int(i), float(s)) for i, s in cursor.fetchall()]


# -- semantic --------------------------------------------------------------------------------


class _Vectors:
    """Published cases' embeddings as one matrix, cached per process.

    Whether the matrix is still current (a count and the latest change over the published
    cases) is asked at most every CHECK_SECONDS: asked on every query it cost most of a semantic
    search at 100,000 cases. A change made in this process invalidates the matrix at once;
    other processes see it within CHECK_SECONDS.
    """

    CHECK_SECONDS = 5.0

    def __init__(self):
        self.key = None
        self.checked = float("-inf")
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.lock = threading.Lock()

    def invalidate(self) -> None:
        self.checked = float("-inf")

    def current(self) -> tuple[np.ndarray, np.ndarray]:
        from django.db.models import Count, Max

        from .models import Case

        if time.monotonic() - self.checked < self.CHECK_SECONDS:
            return self.ids, self.matrix
        published = Case.objects.filter(status="published", embedding__isnull=False)
        key = tuple(published.aggregate(n=Count("id"), t=Max("updated_at")).values())
        with self.lock:
            if key != self.key:
                rows = list(published.order_by("id").values_list("id", "embedding"))
                self.ids = np.array([r[0] for r in rows], dtype=np.int64)
                self.matrix = (
                    np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32)
                    .reshape(len(rows), DIMENSIONS)
                    .copy()
                )
                self.key = key
            self.checked = time.monotonic()
            return self.ids, self.matrix


def _top(scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` highest scores, best first, without sorting them all."""
    if limit < len(scores):
        part = np.argpartition(-scores, limit)[:limit]
    else:
        part = np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


vectors = _Vectors()


def semantic(query: str, limit: int = 50) -> list[tuple[int, float]]:
    """(case id, cosine similarity) of the published cases nearest to the query."""
    if not query.strip():
        return []
    ids, matrix = vectors.current()
    if len(ids) == 0:
        return []
    scores = matrix @ embed([query])[0]
    return [(int(ids[i]), float(scores[i])) for i in _top(scores, limit)]


def similar(case, limit: int = 5) -> list[int]:
    """Ids of the published cases nearest to a case (its own embedding), itself excluded."""
    if case.embedding is None:
        return []
    ids, matrix = vectors.current()
    if len(ids) == 0:
        return []
    scores = matrix @ np.frombuffer(bytes(case.embedding), dtype=np.float32)
    return [int(ids[i]) for i in _top(scores, limit + 1) if ids[i] != case.pk][:limit]


def combined(query: str, limit: int = 50) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of the full-text and semantic rankings."""
    fused: dict[int, float] = {}
    for ranking in (fulltext(query, limit=100), semantic(query, limit=100)):
        for rank, (case_id, _score) in enumerate(ranking, start=1):
            fused[case_id] = fused.get(case_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:limit]


MODES = {"combined": combined, "fulltext": fulltext, "semantic": semantic}
