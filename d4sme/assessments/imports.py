"""Importing responses collected elsewhere (paper surveys, other tools) from CSV or XLSX.

One row per response. Columns: ``organisation`` (the registry id or code), ``stage``
(before, after, follow-up), optionally ``submitted_at`` (ISO date), then one column per answer:
a single choice holds the option code, a multiple choice its codes separated by ";", a grid
one column per row (``q4.iot``) holding the scale code, a matrix one column per row holding
column codes separated by ";", a number its value. ``columns()`` gives a version's template.

Every row is checked before anything is written; one bad cell rejects the whole file, with
a message naming its row and column. A valid file is scored in bulk by the scoring engine
and written in one transaction. The upload, its task and its progress page are the shared
import job's (``d4sme.reports``); this module checks and writes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from d4sme.registry.selectors import organisation_list
from d4sme.reports.imports import ImportKind, ImportRejected, Progress, Write
from d4sme.reports.tables import Row, TableError, read_table

from .instruments import Definition
from .models import InstrumentVersion, Mode, Response, ResponseStatus, Stage
from .scoring import AnswerError, engine
from .services import stored_fields

if TYPE_CHECKING:
    from d4sme.reports.models import ImportJob

# The name under which the shared import job knows this importer.
KIND = "assessments.responses"
FIXED = ("organisation", "stage", "submitted_at")
PROGRESS_EVERY = 200
# A response completed before this day predates any digital-maturity instrument the platform
# holds; one dated after today would stay a firm's "latest" response for years.
EARLIEST_SUBMISSION = date(2000, 1, 1)


def columns(definition: Definition) -> list[str]:
    """Return the columns of the import template of a version, the fixed ones first."""
    found = list(FIXED)
    for q in definition.questions:
        if q.type in ("grid", "matrix"):
            found += [f"{q.code}.{row.code}" for row in q.rows]
        else:
            found.append(q.code)
    return found


def _answers(definition: Definition, row: dict[str, str]) -> dict:
    answers: dict = {}
    for q in definition.questions:
        if q.type in ("grid", "matrix"):
            cells = {r.code: row.get(f"{q.code}.{r.code}", "") for r in q.rows}
            if q.type == "grid":
                answers[q.code] = {k: v for k, v in cells.items() if v}
            else:
                answers[q.code] = {
                    k: [c.strip() for c in v.split(";") if c.strip()] for k, v in cells.items() if v
                }
        elif q.type == "multiple":
            answers[q.code] = [c.strip() for c in row.get(q.code, "").split(";") if c.strip()]
        elif q.type == "number":
            value = row.get(q.code, "")
            if value != "":
                try:
                    answers[q.code] = float(value)
                except ValueError:
                    answers[q.code] = value  # reported by validation
        elif row.get(q.code):
            answers[q.code] = row[q.code]
    return answers


def _moment(text: str) -> datetime:
    """Return the moment a cell names (a date is taken at noon); raise ValueError."""
    if not text:
        return timezone.now()
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text[:10]) if len(text) >= 10 else None
        if day is None:
            raise ValueError
        moment = datetime.combine(day, time(12))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _organisations(user, keys: set[str]) -> dict[str, int]:
    """Return the organisations the user may assess among those the keys name (id or code).

    The single-response path checks the same permission (``response_start``); an organisation
    that does not exist and one the user may not assess are left out alike, so that an import
    reveals nothing about organisations the user cannot see.
    """
    ids = {int(k) for k in keys if k.isdigit()}
    named = organisation_list(pks=ids, codes=keys - {str(i) for i in ids})
    # One check per organisation, not per row: a survey file names a firm many times.
    allowed = [o for o in named if user.has_perm("assessments.assess_organisation", o)]
    return {str(o.pk): o.pk for o in allowed} | {o.code: o.pk for o in allowed if o.code}


def _row_number(index: int, row: dict) -> int:
    # A row read from a file knows its number as a spreadsheet shows it; the header is row 1.
    return row.number if isinstance(row, Row) else index + 2


def check(definition: Definition, rows: list[dict[str, str]], user, on_progress=None):
    """Return (drafts, errors), every problem of every row; drafts are (organisation id, stage,
    moment, answers). A row naming an organisation the user may not assess is an error."""
    scoring = engine(definition)
    errors: list[str] = []
    if not rows:
        return [], [_("The file has no rows.")]
    missing = [c for c in ("organisation", "stage") if c not in rows[0]]
    if missing:
        return [], [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]
    known = set(columns(definition))
    unknown = sorted(set(rows[0]) - known)
    if unknown:
        errors.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    allowed = _organisations(user, {row.get("organisation", "") for row in rows} - {""})
    earliest, latest = EARLIEST_SUBMISSION, timezone.localdate()
    drafts = []
    for index, row in enumerate(rows):
        number = _row_number(index, row)
        key = row.get("organisation", "")
        organisation = allowed.get(key)
        if organisation is None:
            errors.append(
                _("Row %(row)s, organisation: %(key)s is not an organisation you may assess.")
                % {"row": number, "key": repr(key)}
            )
        stage = row.get("stage", "")
        if stage not in Stage.values:
            errors.append(
                _("Row %(row)s, stage: %(value)s is not one of %(allowed)s.")
                % {"row": number, "value": repr(stage), "allowed": ", ".join(Stage.values)}
            )
        try:
            moment = _moment(row.get("submitted_at", ""))
            day = timezone.localdate(moment)
        except (ValueError, OverflowError):
            moment = None
            errors.append(
                _("Row %(row)s, submitted_at: %(value)s is not a date.")
                % {"row": number, "value": repr(row.get("submitted_at"))}
            )
        if moment is not None and not earliest <= day <= latest:
            errors.append(
                _(
                    "Row %(row)s, submitted_at: %(value)s is not between %(earliest)s and today (%(latest)s)."
                )
                % {
                    "row": number,
                    "value": repr(row.get("submitted_at")),
                    "earliest": earliest.isoformat(),
                    "latest": latest.isoformat(),
                }
            )
            moment = None
        answers = _answers(definition, row)
        try:
            scoring.validate(answers)
        except AnswerError as exc:
            for code, message in exc.errors.items():
                errors.append(
                    _("Row %(row)s, %(question)s: %(message)s")
                    % {"row": number, "question": code, "message": message}
                )
        drafts.append((organisation, stage, moment, answers))
        if on_progress and (index + 1) % PROGRESS_EVERY == 0:
            on_progress(index + 1)
    return drafts, errors


def response_import_check(job: ImportJob, progress: Progress) -> Write:
    """Check a queued file of responses for the shared import job and return the step that
    writes them, scored, in bulk; raise ImportRejected with every problem of every row."""
    version = InstrumentVersion.objects.select_related("instrument").get(pk=job.target_id)
    definition = version.parsed
    try:
        rows = read_table(job.file_name, bytes(job.content))
    except TableError as exc:
        raise ImportRejected(exc.messages) from exc
    progress.total(len(rows))
    drafts, errors = check(definition, rows, job.created_by, progress.done)
    if errors:
        raise ImportRejected(errors)
    scoring = engine(definition)
    scores = scoring.score(scoring.encode_many(answers for *_rest, answers in drafts))

    def write() -> int:
        created = Response.objects.bulk_create(
            [
                Response(
                    version=version,
                    organisation_id=organisation,
                    stage=stage,
                    mode=Mode.ADVISOR,
                    entered_by=job.created_by,
                    status=ResponseStatus.SUBMITTED,
                    answers=answers,
                    page=len(definition.pages) + 1,
                    submitted_at=moment,
                    imported=True,
                    **stored_fields(scores.result(i)),
                )
                for i, (organisation, stage, moment, answers) in enumerate(drafts)
            ],
            batch_size=1000,
        )
        from .tasks import benchmarks_refresh_later

        benchmarks_refresh_later(version.instrument_id)
        return len(created)

    return write


def response_import_done(job: ImportJob) -> str:
    """Return what a finished import of responses did, for its page."""
    return ngettext(
        "%(count)s response imported.", "%(count)s responses imported.", job.created
    ) % {"count": job.created}


def response_import_back(job: ImportJob) -> tuple[str, str]:
    """Return where an import's page leads next: the form, to import another file."""
    return reverse("assessments:import-new"), _("Import another file")


RESPONSES = ImportKind(
    check=response_import_check, done=response_import_done, back=response_import_back
)
