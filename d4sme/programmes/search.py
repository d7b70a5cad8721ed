"""Search over published programmes with the shared search service: any-word BM25 over their
names, acronyms and descriptions in every language they are written in, and the names of their
classifications (themes, categories, target groups, technologies, barriers) in four languages.

Programmes are written by several paths (the curation form, imports, the content loader), so
the index is brought up to date when it is read: a count and the latest change of the
programmes, and the number of documents the index holds, tell whether anything changed since;
only the programmes changed since are analysed again.
"""

from __future__ import annotations

import threading

from django.db.models import Count, Max, Q

from d4sme.reports import search as service

from .models import CurationStatus, Programme

INDEX = service.LexicalIndex(table="programmes_programme", fts_table="programmes_programme_fts")
# How many programmes a query ranks at most; the rest of its matches are not shown.
RANKED = 500


def document_parts(programme) -> list[tuple[str, str]]:
    """(text, language) of everything a programme's search covers."""
    parts = [
        (programme.name, "en"),
        (programme.acronym, "en"),
        (programme.original_name, programme.original_language),
        (programme.description, "en"),
    ]
    parts += [(str(t), language) for language, t in (programme.translations or {}).items()]
    parts += [
        (str(t), language) for language, t in (programme.description_translations or {}).items()
    ]
    for term in programme.classifications.all():
        parts.append((term.name, "en"))
        parts += [(str(t), language) for language, t in (term.translations or {}).items()]
    return parts


class _Sync:
    """What this process last indexed: the programmes' count, latest change and published
    count, and how many documents the index then held."""

    def __init__(self):
        self.key: tuple | None = None
        self.held = -1
        self.lock = threading.Lock()

    def __call__(self) -> None:
        state = Programme.objects.aggregate(
            n=Count("id"),
            changed=Max("updated_at"),
            published=Count("id", filter=Q(curation_status=CurationStatus.PUBLISHED)),
        )
        key = (state["n"], state["changed"], state["published"])
        held = INDEX.count()
        if key == self.key and held == self.held:
            return
        with self.lock:
            # Since the last change seen, unless the index was emptied or rows were deleted.
            whole = self.key is None or held != self.held or key[0] < self.key[0]
            programmes = Programme.objects.prefetch_related("classifications")
            if not whole and self.key[1] is not None:
                programmes = programmes.filter(updated_at__gte=self.key[1])
            INDEX.put(
                (p.pk, service.document(document_parts(p)) if p.is_published else None)
                for p in programmes.iterator(chunk_size=500)
            )
            if whole:
                INDEX.prune()
            self.key, self.held = key, INDEX.count()


sync = _Sync()


def fulltext(query: str, limit: int = RANKED) -> list[tuple[int, float]]:
    """(programme id, BM25 score) of the published programmes holding any term of the query."""
    sync()
    return INDEX.search(query, limit=limit)
