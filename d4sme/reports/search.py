"""The search service every app uses: ranked lexical retrieval, semantic retrieval and their fusion.

Lexical retrieval is any-word BM25 over terms this module analyses itself, so that SQLite and
PostgreSQL rank the same terms the same way:

- English, Portuguese and Spanish words are case-folded and reduced to their Snowball stems
  (``snowballstemmer``), then stripped of accents; a document's text is stemmed in its own
  language, a query's words in all three (a query's language is not known), so "vouchers",
  "vales" and "voucher" all reach the same stem.
- Korean, written without spaces between a word and its particles, is cut into overlapping
  character bigrams ("빵집을" gives "빵집" and "집을").

On SQLite the terms live in an FTS5 table ranked by its ``bm25()``; on PostgreSQL in a stored
``tsvector`` column with a partial GIN index, ranked by BM25 computed in SQL from the term
positions (``ts_rank`` is not BM25). Semantic retrieval compares stored embeddings of
:mod:`d4sme.reports.embeddings`; :func:`fuse` combines the two by a weighted score.

This module knows no domain app: an app names its table and columns in a :class:`LexicalIndex`
and gives a :class:`VectorCache` a function that reads its vectors.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import snowballstemmer
from django.db import connection

from .embeddings import DIMENSIONS, embed

STEMMED = {"en": "english", "pt": "portuguese", "es": "spanish"}
LANGUAGES = ("en", "ko", "pt", "es")
MAX_QUERY_WORDS = 24
# BM25 parameters: FTS5's fixed values, used on PostgreSQL too so both rank alike.
K1 = 1.2
B = 0.75


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The most frequent function words of each language; they match nearly every document and
# only slow an any-word query down. (BM25 gives them little weight anyway.)
STOP_WORDS = {
    "en": _words(
        """a an and are as at be been but by can could did do does for from had has have how
        i if in into is it its my of on or our so than that the their them then there these
        they this to was we were what when where which who why will with would you your"""
    ),
    "pt": _words(
        """a ao aos as com como da das de do dos e é ela ele em entre era essa esse esta este
        eu foi há isso já mais mas na nas não no nos o os ou para pela pelo por qual quando
        que se sem ser seu sua são também um uma uns umas"""
    ),
    "es": _words(
        """a al como con cuál de del donde el ella en entre era es esa ese esta este fue ha hay
        la las lo los más mi muy no o para pero por qué que se sin son su sus también un una
        uno unos unas y ya"""
    ),
}
_ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())
_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


# -- analysis --------------------------------------------------------------------------------


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMED[language])


def _plain(word: str) -> str:
    """The word without accents ("café" and "cafe" are one term)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _bigrams(word: str) -> list[str]:
    return [word] if len(word) < 2 else [word[i : i + 2] for i in range(len(word) - 1)]


@lru_cache(maxsize=65536)
def _word_terms(word: str, languages: tuple[str, ...], typed: bool = False) -> tuple[str, ...]:
    """The terms of one case-folded word in the given languages (one or more stems, or bigrams).

    A stem loses its accents after stemming. A document's accented word also gives the stem of
    the word without accents, which is what a word typed without them stems to
    ("digitalizacao"); a query's (``typed``) word gives only the first.
    """
    if _HANGUL.search(word):
        return tuple(_bigrams(word))
    found = []
    for language in languages:
        if word in STOP_WORDS.get(language, ()):
            continue
        stemmer = _stemmer(language) if language in STEMMED else None
        found.append(_plain(stemmer.stemWord(word) if stemmer else word))
        plain = _plain(word)
        if not typed and stemmer and plain != word:
            found.append(stemmer.stemWord(plain))
    return tuple(dict.fromkeys(found))


def analyse(text: str, language: str) -> list[str]:
    """Return the terms of a document's ``text`` written in ``language``, in order."""
    languages = (language,) if language in STEMMED else ("en",)
    terms: list[str] = []
    for word in _WORD.findall(text.casefold()):
        terms += _word_terms(word, languages)
    return terms


def query_terms(query: str) -> list[str]:
    """Return the distinct terms of a query in any of the four languages, in order.

    Each word gives its stem in English, Portuguese and Spanish (a query's language is not
    known); Korean gives its character bigrams. Words that are stop words in every language
    they could belong to are left out, unless the query has nothing else.
    """
    words = _WORD.findall(query.casefold())[:MAX_QUERY_WORDS]
    kept = [w for w in words if w not in _ALL_STOP_WORDS] or words
    terms: list[str] = []
    for word in kept:
        terms += _word_terms(word, tuple(STEMMED), typed=True) or (_plain(word),)
    return list(dict.fromkeys(terms))


def document(parts: Iterable[tuple[str, str]]) -> list[str]:
    """Return the terms of a whole document from its (text, language) parts."""
    terms: list[str] = []
    for text, language in parts:
        if text:
            terms += analyse(text, language)
    return terms


# -- lexical retrieval ---------------------------------------------------------------------


@dataclass(frozen=True)
class LexicalIndex:
    """Ranked any-word retrieval over one table's documents.

    ``table`` holds the documents (primary key ``id``). On SQLite their terms live in the FTS5
    table ``fts_table`` (rowid = the document's id); on PostgreSQL in the ``table``'s columns
    ``vector_column`` (tsvector, with a partial GIN index) and ``length_column`` (the number of
    terms, for BM25's length normalisation). A document without terms is not searchable.
    """

    table: str
    fts_table: str
    vector_column: str = "search_vector"
    length_column: str = "search_length"

    # Schema, for the owning app's migrations.

    def create(self, schema_editor) -> None:
        """Create the index's storage (FTS5 table, or tsvector and length columns and GIN index)."""
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {self.fts_table} USING fts5("
                "terms, tokenize = 'unicode61 remove_diacritics 0')"
            )
        elif schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {self.table} ADD COLUMN {self.vector_column} tsvector, "
                f"ADD COLUMN {self.length_column} integer"
            )
            schema_editor.execute(
                f"CREATE INDEX {self.table}_{self.vector_column} ON {self.table} "
                f"USING gin ({self.vector_column}) WHERE {self.vector_column} IS NOT NULL"
            )

    def drop(self, schema_editor) -> None:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS {self.fts_table}")
        elif schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {self.table} DROP COLUMN IF EXISTS {self.vector_column}, "
                f"DROP COLUMN IF EXISTS {self.length_column}"
            )

    # Writing.

    def put(self, rows: Iterable[tuple[int, Sequence[str] | None]]) -> None:
        """Store each document's terms (None or no terms: take it out of the index)."""
        rows = list(rows)
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.executemany(
                    f"DELETE FROM {self.fts_table} WHERE rowid = %s", [(pk,) for pk, _ in rows]
                )
                cursor.executemany(
                    f"INSERT INTO {self.fts_table} (rowid, terms) VALUES (%s, %s)",
                    [(pk, " ".join(terms)) for pk, terms in rows if terms],
                )
            else:
                cursor.executemany(
                    f"UPDATE {self.table} SET {self.vector_column} = %s::tsvector, "
                    f"{self.length_column} = %s WHERE id = %s",
                    [
                        (_tsvector(terms) if terms else None, len(terms) if terms else None, pk)
                        for pk, terms in rows
                    ],
                )

    def prune(self) -> None:
        """Take out the terms of documents that no longer exist (PostgreSQL drops them with
        their rows)."""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.fts_table} WHERE rowid NOT IN (SELECT id FROM {self.table})"
                )

    # Reading.

    def count(self) -> int:
        """How many documents the index holds."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"SELECT count(*) FROM {self.fts_table}")
            else:
                cursor.execute(
                    f"SELECT count(*) FROM {self.table} WHERE {self.vector_column} IS NOT NULL"
                )
            return int(cursor.fetchone()[0])

    def search(self, query: str, limit: int = 50) -> list[tuple[int, float]]:
        """(document id, BM25 score) of the documents holding any term of the query, best first."""
        terms = query_terms(query)
        if not terms:
            return []
        with connection.cursor() as cursor:
            cursor.execute(*self.raw_sql(terms, limit))
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def raw_sql(self, terms: Sequence[str], limit: int) -> tuple[str, list]:
        """The one SQL statement (and its parameters) that ranks the documents for ``terms``."""
        if connection.vendor == "sqlite":
            match = " OR ".join(f'"{t}"' for t in terms)
            return (
                f"SELECT rowid, -bm25({self.fts_table}) FROM {self.fts_table} "
                f"WHERE {self.fts_table} MATCH %s ORDER BY bm25({self.fts_table}), rowid LIMIT %s",
                [match, limit],
            )
        table, vector, length = self.table, self.vector_column, self.length_column
        return (
            f"""
            WITH stats AS (
                SELECT count(*)::float8 AS n, coalesce(avg({length}), 1)::float8 AS avgdl
                FROM {table} WHERE {vector} IS NOT NULL
            ),
            hits AS (
                SELECT d.id, d.{length} AS dl, u.lexeme AS term,
                       coalesce(array_length(u.positions, 1), 1) AS tf
                FROM {table} d, unnest(d.{vector}) u
                WHERE d.{vector} @@ %s::tsquery AND u.lexeme = ANY(%s)
            ),
            df AS (SELECT term, count(*)::float8 AS df FROM hits GROUP BY term)
            SELECT h.id, sum(
                ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5))
                * h.tf * ({K1} + 1) / (h.tf + {K1} * (1 - {B} + {B} * h.dl / s.avgdl))
            ) AS score
            FROM hits h JOIN df USING (term) CROSS JOIN stats s
            GROUP BY h.id ORDER BY score DESC, h.id LIMIT %s
            """,
            [" | ".join(_quoted(t) for t in terms), list(terms), limit],
        )


def _quoted(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


# tsvector positions run from 1 to 16,383; a lexeme keeps at most 256 of them.
_MAX_POSITION = 16383


def _tsvector(terms: Sequence[str]) -> str:
    """The tsvector literal of ``terms`` with their positions, so PostgreSQL parses nothing."""
    positions: dict[str, list[int]] = {}
    for i, term in enumerate(terms[:_MAX_POSITION], start=1):
        positions.setdefault(term, []).append(i)
    return " ".join(
        f"{_quoted(term)}:{','.join(map(str, found[:256]))}" for term, found in positions.items()
    )


# -- semantic retrieval ----------------------------------------------------------------------


class VectorCache:
    """Documents' stored embeddings as one matrix, cached per process.

    ``read_key`` returns something that changes when the vectors change (a count and the
    latest change, say); ``read_rows`` returns (document id, vectors blob) pairs, a blob
    holding one or more ``DIMENSIONS``-wide float32 vectors: the whole document first, then
    its passages. Whether the matrix is current is asked at most every ``check_seconds``; a
    change made in this process calls :meth:`invalidate`.
    """

    def __init__(
        self,
        read_key: Callable[[], object],
        read_rows: Callable[[], Iterable[tuple[int, bytes]]],
        check_seconds: float = 5.0,
    ):
        self.read_key = read_key
        self.read_rows = read_rows
        self.check_seconds = check_seconds
        self.key: object = None
        self.checked = float("-inf")
        self.ids = np.zeros(0, dtype=np.int64)  # one per document
        self.whole = np.zeros((0, DIMENSIONS), dtype=np.float32)  # a row per document
        self.rows = np.zeros((0, DIMENSIONS), dtype=np.float32)  # every vector
        self.first = np.zeros(0, dtype=np.int64)  # each document's first row
        self.lock = threading.Lock()

    def invalidate(self) -> None:
        self.checked = float("-inf")

    def current(self) -> VectorCache:
        if time.monotonic() - self.checked < self.check_seconds:
            return self
        key = self.read_key()
        with self.lock:
            if key != self.key:
                self._load(list(self.read_rows()))
                self.key = key
            self.checked = time.monotonic()
        return self

    def _load(self, rows: list[tuple[int, bytes]]) -> None:
        ids, blobs, first = [], [], []
        width = DIMENSIONS * 4
        total = 0
        for pk, blob in sorted(rows):
            blob = bytes(blob)
            count = len(blob) // width
            if count == 0:
                continue
            first.append(total)
            total += count
            ids.append(pk)
            blobs.append(blob[: count * width])
        matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, DIMENSIONS)
        self.ids = np.array(ids, dtype=np.int64)
        self.first = np.array(first, dtype=np.int64)
        self.rows = matrix.copy()
        self.whole = self.rows[self.first] if ids else self.rows[:0]

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Each document's similarity to ``vector``: the mean of its whole-document cosine and
        its best passage's (a long document is judged by its best part, not diluted by the rest)."""
        if len(self.ids) == 0:
            return np.zeros(0, dtype=np.float32)
        every = self.rows @ vector
        best = np.maximum.reduceat(every, self.first)  # a document's rows are contiguous
        return (every[self.first] + best) / 2

    def nearest(self, vector: np.ndarray, limit: int) -> list[tuple[int, float]]:
        scores = self.scores(vector)
        return [(int(self.ids[i]), float(scores[i])) for i in top(scores, limit)]


@lru_cache(maxsize=1024)
def query_vector(query: str) -> np.ndarray:
    """The embedding of a query, remembered: paging and facet clicks repeat the same query."""
    vector = embed([query])[0]
    vector.flags.writeable = False
    return vector


def top(scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` highest scores, best first, without sorting them all."""
    if limit < len(scores):
        part = np.argpartition(-scores, limit)[:limit]
    else:
        part = np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


def passages(parts: Sequence[str], size: int = 600) -> list[str]:
    """Split a document's parts into passages of about ``size`` characters (whole parts kept
    together while they fit), so that each passage's embedding stays specific."""
    found: list[str] = []
    current = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if current and len(current) + len(part) + 1 > size:
            found.append(current)
            current = ""
        current = f"{current}\n{part}" if current else part
    if current:
        found.append(current)
    return found


# -- fusion ----------------------------------------------------------------------------------


def fuse(
    lexical: Sequence[tuple[int, float]],
    semantic: dict[int, float] | Sequence[tuple[int, float]],
    lexical_weight: float,
    limit: int = 50,
) -> list[tuple[int, float]]:
    """Weighted score fusion: ``lexical_weight`` × BM25 / the best BM25 of the query, plus the
    rest × the semantic score rescaled to 0–1 over the candidates (min–max), best first.

    Candidates are the documents of either ranking; a document the lexical ranking lacks
    scores 0 there, one the semantic scores lack scores the lowest semantic score.
    """
    semantic = dict(semantic)
    lexical = dict(lexical)
    candidates = set(lexical) | set(semantic)
    if not candidates:
        return []
    best = max(lexical.values(), default=0.0)
    values = [semantic[c] for c in candidates if c in semantic]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    spread = high - low if high > low else 1.0
    fused = {
        c: lexical_weight * (lexical.get(c, 0.0) / best if best > 0 else 0.0)
        + (1 - lexical_weight) * ((semantic.get(c, low) - low) / spread)
        for c in candidates
    }
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:limit]
