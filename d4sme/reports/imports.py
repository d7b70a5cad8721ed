"""The contract between an app that imports files and the shared import job.

An app registers one :class:`ImportKind` per kind of file in its ``AppConfig.ready``; the
shared layer stores the upload (``services.import_job_create``), runs it in a task
(``services.import_job_run``) and shows its progress page. The app keeps its domain logic:
``check`` reads and checks every row, reporting progress, and returns the step that writes;
the shared layer runs that step in one transaction with the job's ``done`` state, so that a
file lands whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import ImportJob

# Writes a checked file and returns how many records it created; may raise ImportRejected.
Write = Callable[[], int]


class ImportRejected(Exception):
    """A file that cannot land; ``messages`` name every problem, row by row."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


class Progress:
    """Where a running job is, kept in the database so that its page can show it."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job

    def total(self, rows: int) -> None:
        """Record how many rows the file has."""
        self._set(rows_total=rows)

    def done(self, rows: int) -> None:
        """Record how many rows have been checked so far."""
        self._set(rows_done=rows)

    def _set(self, **fields: int) -> None:
        from .models import ImportJob

        for name, value in fields.items():
            setattr(self.job, name, value)
        # An update, not a save: the job's page reads it while the check goes on.
        ImportJob.objects.filter(pk=self.job.pk).update(**fields)


@dataclass(frozen=True)
class ImportKind:
    """What an app tells the shared layer about one kind of import.

    ``check(job, progress)`` reads and checks the whole file and returns the write step, or
    raises :class:`ImportRejected` with every problem; ``done(job)`` says on the job's page
    what a finished import did; ``back(job)`` gives the (url, label) the page links back to.
    """

    check: Callable[[ImportJob, Progress], Write]
    done: Callable[[ImportJob], str]
    back: Callable[[ImportJob], tuple[str, str]]


_kinds: dict[str, ImportKind] = {}


def import_kind_register(name: str, kind: ImportKind) -> ImportKind:
    """Register the importer of the jobs of kind ``name``; return it."""
    _kinds[name] = kind
    return kind


def import_kind_get(name: str) -> ImportKind:
    """Return the importer registered for ``name``; raise LookupError if no app did."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No importer is registered for import jobs of kind {name!r}.") from None
