"""Importing responses collected elsewhere (paper surveys, other tools) from CSV or XLSX.

One row per response. Columns: ``organisation`` (the registry id or code), ``stage``
(before, after, follow-up), optionally ``submitted_at`` (ISO date), then one column per answer:
a single choice holds the option code, a multiple choice its codes separated by ";", a grid
one column per row (``q4.iot``) holding the scale code, a matrix one column per row holding
column codes separated by ";", a number its value. ``columns()`` gives a version's template.

Every row is checked before anything is written; one bad cell rejects the whole file, with
a message naming its row and column. A valid file is scored in bulk by the scoring engine
and written in one transaction.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from d4sme.registry.models import Organisation
from d4sme.reports.tables import Row, TableError, read_table

from .instruments import Definition
from .models import ImportStatus, Mode, Response, ResponseImport, ResponseStatus, Stage
from .scoring import AnswerError, engine
from .services import stored_fields

logger = logging.getLogger(__name__)

FIXED = ("organisation", "stage", "submitted_at")
PROGRESS_EVERY = 200
MAX_MESSAGES = 200
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
    named = Organisation.objects.filter(pk__in=ids) | Organisation.objects.filter(
        code__in=keys - {str(i) for i in ids}
    )
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


def import_run(import_id: int) -> str:
    """Run one queued import to the end and return what happened: all rows land, or none and
    the problems are kept. An unexpected error ends the import as failed, not running."""
    job = ResponseImport.objects.select_related("version", "created_by").get(pk=import_id)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status", "updated_at"])
    try:
        return _run(job)
    except Exception:
        logger.exception("Response import %s stopped on an unexpected error", job.pk)
        return _finish(
            job,
            [
                _(
                    "The import stopped on an unexpected error, and nothing was imported. "
                    "Upload the file again; if this happens again, tell an administrator, "
                    "quoting import number %(number)s."
                )
                % {"number": job.pk}
            ],
        )


def _run(job: ResponseImport) -> str:
    if job.created_by is None or not job.created_by.is_active:
        return _finish(
            job, [_("The account that uploaded this file is closed; nothing was imported.")]
        )
    definition = job.version.parsed
    try:
        rows = read_table(job.file_name, bytes(job.content))
    except TableError as exc:
        return _finish(job, exc.messages)
    job.total = len(rows)
    job.save(update_fields=["total", "updated_at"])

    def progress(done: int) -> None:
        ResponseImport.objects.filter(pk=job.pk).update(processed=done)

    drafts, errors = check(definition, rows, job.created_by, progress)
    if errors:
        return _finish(job, errors)
    scoring = engine(definition)
    scores = scoring.score(scoring.encode_many(answers for *_rest, answers in drafts))
    with transaction.atomic():
        created = Response.objects.bulk_create(
            [
                Response(
                    version=job.version,
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
        job.status, job.processed, job.created, job.errors = (
            ImportStatus.DONE,
            len(rows),
            len(created),
            [],
        )
        job.save()
        from .tasks import benchmarks_refresh_later

        benchmarks_refresh_later(job.version.instrument_id)
    return f"imported {len(created)} responses"


def _finish(job: ResponseImport, errors: list[str]) -> str:
    shown = errors[:MAX_MESSAGES]
    if len(errors) > MAX_MESSAGES:
        shown.append(_("… and %(count)s more problems.") % {"count": len(errors) - MAX_MESSAGES})
    job.status, job.errors, job.created = ImportStatus.FAILED, shown, 0
    job.processed = job.total
    job.save()
    return f"rejected with {len(errors)} problems"
