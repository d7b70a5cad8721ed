"""Uploading a report's values: CSV or XLSX with the template's columns, SDMX-CSV or SDMX-ML.

A ``db_worker`` task reads the file, turns every row into an entry, checks the batch with the
same rules as the form and writes it whole, or writes nothing and keeps every problem with
its row. SDMX messages use the plan's own structure (``sdmx/structure.xml``); their economy
and period must be the report's. The upload, its task and its progress page are the shared
import job's (``d4sme.reports``); this module reads, checks and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from d4sme.registry.selectors import economy_get
from d4sme.reports.imports import ImportKind, ImportRejected, Progress, Write
from d4sme.reports.tables import read_table

from . import exports, sdmx, services
from .models import CATEGORIES, Dimension, Flag, Submission
from .services import Entry

if TYPE_CHECKING:
    from d4sme.reports.models import ImportJob

# Problems found while reading a file, each with the row (or observation) it is about.
Messages = list[tuple[int | None, str]]

# The name under which the shared import job knows this importer.
KIND = "monitoring.values"
COLUMNS = ["indicator", "dimension", "category", "value", "text", "status", "comment", "source"]
# Status words a file may use, besides the SDMX codes.
STATUS_WORDS = {
    "": "",
    "a": "",
    "normal": "",
    "estimated": Flag.ESTIMATED,
    "provisional": Flag.PROVISIONAL,
    "not available": Flag.NOT_AVAILABLE,
    "not applicable": Flag.NOT_APPLICABLE,
    "not collected": Flag.NOT_COLLECTED,
} | {code.lower(): code for code in Flag.values if code}
STATUS_NAMES = ["estimated", "provisional", "not available", "not applicable", "not collected"]


def template_rows(submission_or_framework) -> list[list[str]]:
    framework = getattr(submission_or_framework, "cycle", None)
    framework = framework.framework if framework else submission_or_framework
    rows = [COLUMNS]
    for indicator in framework.indicators.all():
        rows.append([indicator.code, "", "", "", "", "", "", ""])
        for dimension in indicator.disaggregations:
            for category in CATEGORIES.get(dimension, []):
                rows.append([indicator.code, dimension, category, "", "", "", "", ""])
    return rows


def _number(text: str):
    text = text.replace(",", "").strip()
    if not text:
        return None
    return float(text)


def entries_from_table(
    submission: Submission, rows: list[dict[str, str]], errors: Messages, first_row: int = 2
) -> list[Entry]:
    """An entry for each row that reads well; every problem of every other row in ``errors``."""
    indicators = {i.code: i for i in submission.cycle.framework.indicators.all()}
    if rows and "indicator" not in rows[0]:
        errors.append((None, _("The file has no “indicator” column; use the template's columns.")))
        return []
    entries = []
    for n, row in enumerate(rows, start=first_row):
        found = []
        code = row.get("indicator", "").strip()
        indicator = indicators.get(code)
        if not code:
            found.append(_("name the indicator by its code."))
        elif indicator is None:
            found.append(_("no indicator “%(code)s” in this plan.") % {"code": code})
        dimension = row.get("dimension", "").strip().lower()
        if dimension and dimension not in Dimension.values:
            found.append(
                _("“%(dimension)s” is not a breakdown; use one of %(allowed)s.")
                % {"dimension": dimension, "allowed": ", ".join(Dimension.values)}
            )
        status = row.get("status", "").strip()
        flag = STATUS_WORDS.get(status.lower())
        if flag is None:
            found.append(
                _("“%(status)s” is not a status; use one of %(allowed)s.")
                % {"status": status, "allowed": ", ".join(STATUS_NAMES)}
            )
        try:
            value = _number(row.get("value", ""))
        except ValueError:
            found.append(_("“%(value)s” is not a number.") % {"value": row.get("value")})
        errors.extend(
            (n, _("Row %(row)s: %(problem)s") % {"row": n, "problem": problem}) for problem in found
        )
        if found:
            continue
        entries.append(
            Entry(
                indicator=indicator,
                dimension=dimension,
                category=row.get("category", "").strip() if dimension else "",
                value=value,
                text=row.get("text", ""),
                flag=flag,
                comment=row.get("comment", ""),
                source=row.get("source", ""),
                row=n,
            )
        )
    return entries


def _disaggregation(code: str) -> tuple[str, str]:
    """Our SDMX disaggregation code ("_T", "SEX_FEMALE") as a dimension and category."""
    if code in ("", "_T"):
        return "", ""
    dimension, _sep, category = code.partition("_")
    dimension = dimension.lower()
    category = category if dimension in ("sector", "region") else category.lower()
    return dimension, category


def entries_from_sdmx(submission: Submission, content: bytes, errors: Messages) -> list[Entry]:
    structure = exports.structure_of(submission.cycle.framework)
    try:
        observations = sdmx.read(content)
    except sdmx.SdmxError as exc:
        errors.append((None, str(exc)))
        return []
    indicators = {i.code: i for i in submission.cycle.framework.indicators.all()}
    entries = []
    for n, observation in enumerate(observations, start=1):
        # One observation at a time, so that every observation's problem is reported.
        try:
            (row,) = sdmx.rows_from(structure, [observation])
        except (sdmx.SdmxError, KeyError, ValueError) as exc:
            errors.append(
                (
                    n,
                    _("The message does not follow this plan's structure: %(error)s")
                    % {"error": exc},
                )
            )
            continue
        where = _("Observation %(n)s") % {"n": n}
        if row["economy"] != submission.economy_id or int(row["period"]) != submission.cycle.period:
            errors.append(
                (
                    n,
                    _(
                        "%(where)s: it is about %(economy)s %(period)s, not this report's "
                        "%(ours)s %(year)s."
                    )
                    % {
                        "where": where,
                        "economy": row["economy"],
                        "period": row["period"],
                        "ours": submission.economy_id,
                        "year": submission.cycle.period,
                    },
                )
            )
            continue
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            errors.append(
                (
                    n,
                    _("%(where)s: no indicator “%(code)s” in this plan.")
                    % {"where": where, "code": row["indicator"]},
                )
            )
            continue
        dimension, category = _disaggregation(row["disaggregation"])
        entries.append(
            Entry(
                indicator=indicator,
                dimension=dimension,
                category=category,
                value=row["value"],
                flag=row.get("flag", ""),
                comment=row.get("comment", ""),
                row=n,
            )
        )
    return entries


def entries_from_file(
    submission: Submission, name: str, content: bytes, errors: Messages
) -> list[Entry]:
    head = content[:400].lstrip().lower()
    if name.lower().endswith(".xml") or head.startswith(b"<?xml") or head.startswith(b"<"):
        return entries_from_sdmx(submission, content, errors)
    if name.lower().endswith(".csv") and (
        head.startswith(b"dataflow") or head.startswith(b"structure")
    ):
        return entries_from_sdmx(submission, content, errors)
    try:
        rows = read_table(name, content)
    except ValueError as exc:
        errors.append((None, str(exc)))
        return []
    if not rows:
        errors.append((None, _("The file has no rows.")))
        return []
    return entries_from_table(submission, rows, errors)


def _in_row_order(found: Messages) -> list[str]:
    # Problems of the file as a whole first, then row by row (sorting is stable).
    return [message for _row, message in sorted(found, key=lambda item: item[0] or 0)]


def value_import_check(job: ImportJob, progress: Progress) -> Write:
    """Read and check an uploaded file of values for the shared import job and return the step
    that saves them into the report; raise ImportRejected with every problem of every row."""
    submission = Submission.objects.select_related("cycle__framework").get(pk=job.target_id)
    read: Messages = []
    entries = entries_from_file(submission, job.file_name, bytes(job.content), read)
    progress.total(len(entries) + len({row for row, _message in read if row is not None}))
    progress.done(len(entries))
    if read:
        # Judge the rows that read well too, so that one upload reports everything.
        raise ImportRejected(
            _in_row_order(read + services.values_check(submission, entries).by_row())
        )

    def write() -> int:
        try:
            services.values_save(submission=submission, user=job.created_by, entries=entries)
        except ValidationError as exc:
            raise ImportRejected(exc.messages) from exc
        except PermissionDenied as exc:
            raise ImportRejected([str(exc)]) from exc
        return len(entries)

    return write


def value_import_done(job: ImportJob) -> str:
    """Return what a finished upload of values did, for its page."""
    return _("Every value of the file was saved.")


def value_import_back(job: ImportJob) -> tuple[str, str]:
    """Return where an upload's page leads next: the report the file went into."""
    return reverse("monitoring:submission", args=[job.target_id]), _("Back to the report")


VALUES = ImportKind(check=value_import_check, done=value_import_done, back=value_import_back)


# Dimensions that name the country or economy in the messages statistical offices publish.
AREA_DIMENSIONS = ("REF_AREA", "GEO", "COUNTRY", "LOCATION", "ECONOMY", "REPORTER")


def _economy_code(code: str) -> str | None:
    """An ISO alpha-2 code from an alpha-2 or alpha-3 one (Eurostat writes EL and UK)."""
    import pycountry

    code = {"EL": "GR", "UK": "GB"}.get(code.upper(), code.upper())
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if found is None and len(code) == 3:
        found = pycountry.countries.get(alpha_3=code)
    return found.alpha_2 if found else None


def _may_change(user, cycle, economy: str) -> bool:
    """Whether the user may write the economy's report for the cycle, as the report page asks;
    a report not started yet is judged as the draft it would be."""
    submission = Submission.objects.filter(cycle=cycle, economy_id=economy).first()
    return user.has_perm(
        "monitoring.change_submission",
        submission or Submission(cycle=cycle, economy_id=economy),
    )


@dataclass
class ExternalImport:
    written: int
    economies: list[str]
    periods: list[int]


def external_import(
    *,
    framework,
    indicator_code: str,
    content: bytes,
    user,
    structure: bytes | None = None,
    select: dict[str, str] | None = None,
    source: str = "",
) -> ExternalImport:
    """Load one indicator's annual values from an SDMX message an office published.

    The economy comes from the message's area dimension (REF_AREA, geo, COUNTRY, …) and the
    year from TIME_PERIOD; ``select`` keeps the series whose key has those codes (for
    example ``{"na_item": "B1GQ"}``). Values go into each economy's report for that year,
    through the same checks as any report, all of them or none.
    """
    select = {k.upper(): v for k, v in (select or {}).items()}
    indicator = framework.indicators.get(code=indicator_code)
    try:
        observations = sdmx.read(content, structure=structure)
    except sdmx.SdmxError as exc:
        raise ValidationError(str(exc)) from exc
    members = set(framework.economies.members.values_list("code", flat=True))
    cycles = {c.period: c for c in framework.cycles.all()}
    errors, by_report = [], {}
    for n, obs in enumerate(observations, start=1):
        key = {k.upper(): v for k, v in obs.key.items()}
        if any(key.get(k) != v for k, v in select.items()):
            continue
        area = next((key[d] for d in AREA_DIMENSIONS if d in key), None)
        economy = _economy_code(area) if area else None
        where = _("Observation %(n)s (%(key)s)") % {
            "n": n,
            "key": ", ".join(f"{k}={v}" for k, v in obs.key.items()),
        }
        if economy is None:
            errors.append(_("%(where)s: no economy found in its key.") % {"where": where})
            continue
        if economy not in members:
            errors.append(
                _("%(where)s: %(economy)s does not report on this plan.")
                % {"where": where, "economy": economy}
            )
            continue
        if not (obs.period.isdigit() and len(obs.period) == 4):
            errors.append(
                _("%(where)s: “%(period)s” is not a year; the plan's indicators are annual.")
                % {"where": where, "period": obs.period}
            )
            continue
        cycle = cycles.get(int(obs.period))
        if cycle is None:
            errors.append(
                _("%(where)s: the plan has no reporting year %(period)s.")
                % {"where": where, "period": obs.period}
            )
            continue
        report = (cycle.period, economy)
        if report in by_report:
            errors.append(
                _("%(where)s: a second value for %(economy)s %(period)s; select one series.")
                % {"where": where, "economy": economy, "period": obs.period}
            )
            continue
        if not _may_change(user, cycle, economy):
            errors.append(
                _("%(where)s: you may not change the report of %(economy)s for %(period)s.")
                % {"where": where, "economy": economy, "period": obs.period}
            )
            continue
        by_report[report] = Entry(
            indicator=indicator,
            value=obs.value,
            flag="" if obs.value is not None else Flag.NOT_AVAILABLE,
            comment=obs.attributes.get("COMMENT", ""),
            source=source,
            row=n,
        )
    if errors:
        raise ValidationError(errors)
    if not by_report:
        raise ValidationError(_("No observation of the message matched the selection."))
    with transaction.atomic():
        for (period, economy), entry in sorted(by_report.items()):
            submission = services.submission_for(
                cycle=cycles[period], economy=economy_get(code=economy)
            )
            services.values_save(submission=submission, user=user, entries=[entry])
    return ExternalImport(
        written=len(by_report),
        economies=sorted({e for _p, e in by_report}),
        periods=sorted({p for p, _e in by_report}),
    )
