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

import csv
import io
from datetime import datetime, time
from zipfile import BadZipFile

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from d4sme.registry.models import Organisation

from .instruments import Definition
from .models import ImportStatus, Mode, Response, ResponseImport, ResponseStatus, Stage
from .scoring import AnswerError, engine
from .services import stored_fields

FIXED = ("organisation", "stage", "submitted_at")
PROGRESS_EVERY = 200
MAX_MESSAGES = 200


def columns(definition: Definition) -> list[str]:
    found = list(FIXED)
    for q in definition.questions:
        if q.type in ("grid", "matrix"):
            found += [f"{q.code}.{row.code}" for row in q.rows]
        else:
            found.append(q.code)
    return found


def read_table(name: str, content: bytes) -> list[dict[str, str]]:
    """Return the rows of a CSV (UTF-8) or XLSX file as dicts of text; raise ValueError."""
    if name.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
            raise ValueError(_("The file is not a readable XLSX workbook.")) from exc
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c or "").strip() for c in next(rows, ())]
        return [
            {h: "" if v is None else str(v).strip() for h, v in zip(header, row, strict=False)}
            for row in rows
            if any(v not in (None, "") for v in row)
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("The file is not UTF-8 text.")) from exc
    reader = csv.DictReader(io.StringIO(text))
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        for row in reader
        if any((v or "").strip() for v in row.values() if isinstance(v, str))
    ]


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


def _moment(text: str):
    if not text:
        return timezone.now()
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text[:10]) if len(text) >= 10 else None
        if day is None:
            raise ValueError
        moment = datetime.combine(day, time(12))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def check(definition: Definition, rows: list[dict[str, str]], on_progress=None):
    """Return (drafts, errors); drafts are (organisation id, stage, moment, answers)."""
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
    keys = {row.get("organisation", "") for row in rows}
    ids = {int(k) for k in keys if k.isdigit()}
    by_id = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "pk"))
    by_code = dict(
        Organisation.objects.filter(code__in=keys - {str(i) for i in ids}).values_list("code", "pk")
    )
    drafts = []
    for index, row in enumerate(rows):
        number = index + 2  # the header is row 1
        key = row.get("organisation", "")
        organisation = by_id.get(int(key)) if key.isdigit() else by_code.get(key)
        if organisation is None:
            errors.append(
                _("Row %(row)s, organisation: no organisation %(key)s.")
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
        except ValueError:
            moment = None
            errors.append(
                _("Row %(row)s, submitted_at: %(value)s is not a date.")
                % {"row": number, "value": repr(row.get("submitted_at"))}
            )
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
    """Run one queued import to the end: all rows land, or none and the errors are kept."""
    job = ResponseImport.objects.select_related("version").get(pk=import_id)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status", "updated_at"])
    definition = job.version.parsed
    try:
        rows = read_table(job.file_name, bytes(job.content))
    except ValueError as exc:
        return _finish(job, [str(exc)])
    job.total = len(rows)
    job.save(update_fields=["total", "updated_at"])

    def progress(done: int) -> None:
        ResponseImport.objects.filter(pk=job.pk).update(processed=done)

    drafts, errors = check(definition, rows, progress)
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
