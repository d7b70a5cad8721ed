"""Open data of the published programmes in tidy tables (``imports`` reads them back).

The tables follow STIP Compass's long format: ``programmes`` has one row per programme and
instrument; ``classifications``, ``co_implementers``, ``eligibility`` and ``translations`` one
row per term, partner, rule and translated name. ``CODEBOOK`` describes every column, and every
export carries it. The JSON export nests the same columns under each programme.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from d4sme.registry.selectors import term_list
from d4sme.reports.tables import csv_text, xlsx_bytes

from . import eligibility
from .models import (
    BudgetBand,
    GovernmentLevel,
    Instrument,
    Programme,
    ProgrammeStatus,
)
from .selectors import TERM_FACETS, published_programmes

if TYPE_CHECKING:
    from d4sme.registry.models import Organisation

INSTRUMENT_TYPES = TERM_FACETS["instrument"]
LIST_SEPARATOR = "|"
# Eligibility rows come out in this order whatever order the stored JSON has, so that the
# same rules read alike from either database (PostgreSQL's jsonb reorders keys).
RULE_ORDER = (*eligibility.LIST_RULES, *eligibility.FLAGS, *eligibility.INTEGER_RULES)
ORGANISATION = "its d4sme organisation code, or its legal name when it has none"


def _codes(choices) -> str:
    return ", ".join(choices.values)


def _column(table: str, column: str, type_: str, description: str) -> dict[str, str]:
    return {"table": table, "column": column, "description": description, "type": type_}


# fmt: off
CODEBOOK: list[dict[str, str]] = [
    _column("programmes", "programme_code", "code", "The programme's stable identifier (lower-case letters, digits and hyphens). It links the rows of every table; a programme has one row per instrument in this table."),
    _column("programmes", "name", "text", "The programme's name in English."),
    _column("programmes", "acronym", "text", "Its acronym or short name, if any."),
    _column("programmes", "original_language", "code", "The language its government names it in (ISO 639-1 code, such as ko or pt)."),
    _column("programmes", "original_name", "text", "Its name in that original language."),
    _column("programmes", "description", "text", "What the programme does, in English."),
    _column("programmes", "economy", "code", "The economy whose government runs it (ISO 3166-1 alpha-2 code, such as KR); empty for an international programme."),
    _column("programmes", "government_level", "code", f"The level of government that runs it: {_codes(GovernmentLevel)}."),
    _column("programmes", "responsible", "text", f"The organisation responsible for it: {ORGANISATION}."),
    _column("programmes", "start_year", "integer", "The year it started; empty when not known."),
    _column("programmes", "end_year", "integer", "The year it ended or is due to end; empty when open-ended or not known."),
    _column("programmes", "status", "code", f"Whether it runs: {_codes(ProgrammeStatus)}."),
    _column("programmes", "budget_amount", "decimal", "Its budget in budget_currency, for budget_year; empty when not known. (A string in the JSON export, so that no digit is lost.)"),
    _column("programmes", "budget_currency", "code", "The currency of the budget (ISO 4217 code, such as KRW)."),
    _column("programmes", "budget_year", "integer", "The year the budget refers to."),
    _column("programmes", "budget_band", "code", f"Its yearly budget as one of STIP Compass's ranges in euros: {_codes(BudgetBand)}."),
    _column("programmes", "website", "text", "The address of its web page."),
    _column("programmes", "evaluated", "boolean", "true if it has been evaluated, false otherwise."),
    _column("programmes", "eligibility_stated", "boolean", "false when the programme's source does not say which firms may take part (it then has no eligibility rows, and no firm is eligible); true otherwise."),
    _column("programmes", "instrument_code", "code", "The identifier of one of its instruments, unique within the programme; empty when it has none recorded."),
    _column("programmes", "instrument_name", "text", "The instrument's name."),
    _column("programmes", "instrument_type", "code", f"How the instrument supports firms: the code of a term of the {INSTRUMENT_TYPES} vocabulary."),
    _column("programmes", "instrument_budget_amount", "decimal", "The instrument's own budget, in the programme's budget currency, when reported separately."),
    _column("classifications", "programme_code", "code", "The programme (see programmes.programme_code)."),
    _column("classifications", "vocabulary", "code", "The controlled vocabulary of the term, such as stip-themes, support-categories, target-groups, technologies or barriers."),
    _column("classifications", "term_code", "code", "The code of a term of that vocabulary that describes the programme (a theme, a target group, a barrier it addresses...)."),
    _column("co_implementers", "programme_code", "code", "The programme (see programmes.programme_code)."),
    _column("co_implementers", "organisation", "text", f"An organisation that implements it alongside the responsible one: {ORGANISATION}."),
    _column("eligibility", "programme_code", "code", "The programme (see programmes.programme_code)."),
    _column("eligibility", "rule", "code", f"A condition a firm must meet to take part: {', '.join(RULE_ORDER)}. A national programme is, in addition, for firms of its economy only."),
    _column("eligibility", "value", "text", f"The condition's value. For size_classes ({', '.join(eligibility.SIZE_CLASSES)}), sections (ISIC Rev.4 section letters) and regions (ISO 3166-2 codes): the codes allowed, separated by '{LIST_SEPARATOR}' (a list in the JSON export). For women_led, youth_led and rural: true. For the age rules: a number of years."),
    _column("translations", "programme_code", "code", "The programme (see programmes.programme_code)."),
    _column("translations", "language", "code", "A language (ISO 639-1 code, such as ko)."),
    _column("translations", "name", "text", "The programme's name in that language."),
    _column("translations", "description", "text", "The programme's description in that language, if translated."),
]
# fmt: on
# Table name -> its columns, in the codebook's order.
TABLES: dict[str, tuple[str, ...]] = {
    table: tuple(c["column"] for c in CODEBOOK if c["table"] == table)
    for table in dict.fromkeys(c["table"] for c in CODEBOOK)
}
# The programme-level columns of the programmes table (those before the instrument's).
PROGRAMME_COLUMNS = TABLES["programmes"][: TABLES["programmes"].index("instrument_code")]
PROGRAMME_FIELDS = {  # programmes column -> Programme field
    **{column: column for column in PROGRAMME_COLUMNS},
    "programme_code": "code",
    "economy": "economy_id",
    "responsible": "responsible_id",
}
INSTRUMENT_FIELDS = {  # Instrument field -> programmes column
    "code": "instrument_code",
    "name": "instrument_name",
    "type": "instrument_type",
    "budget_amount": "instrument_budget_amount",
}


# Export


def _exported_programmes() -> QuerySet[Programme]:
    return (
        published_programmes()
        .select_related("responsible")
        .prefetch_related(
            Prefetch(
                "instruments", queryset=Instrument.objects.select_related("type").order_by("id")
            ),
            Prefetch("classifications", queryset=term_list()),
            "co_implementers",
        )
        .order_by("code")
    )


def _organisation_key(organisation: Organisation | None) -> str | None:
    if organisation is None:
        return None
    return organisation.code or organisation.legal_name


def _programme_columns(programme: Programme) -> dict[str, Any]:
    row = {column: getattr(programme, name) for column, name in PROGRAMME_FIELDS.items()}
    row["responsible"] = _organisation_key(programme.responsible)
    return row


def _instrument_columns(instrument: Instrument | None) -> dict[str, Any]:
    if instrument is None:
        return dict.fromkeys(INSTRUMENT_FIELDS.values())
    return {
        "instrument_code": instrument.code,
        "instrument_name": instrument.name,
        "instrument_type": instrument.type.code,
        "instrument_budget_amount": instrument.budget_amount,
    }


def _rules_in_order(rules: dict) -> list[tuple[str, Any]]:
    known = [(rule, rules[rule]) for rule in RULE_ORDER if rule in rules]
    return known + sorted((k, v) for k, v in rules.items() if k not in RULE_ORDER)


def _rule_text(value: Any) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _details(programme: Programme) -> dict[str, list[dict[str, Any]]]:
    """Return the rows of the secondary tables for one programme, without programme_code."""
    return {
        "classifications": [
            {"vocabulary": t.vocabulary_id, "term_code": t.code}
            for t in programme.classifications.all()
        ],
        "co_implementers": [
            {"organisation": key}
            for key in sorted(_organisation_key(o) for o in programme.co_implementers.all())
        ],
        "eligibility": [
            {"rule": rule, "value": value} for rule, value in _rules_in_order(programme.eligibility)
        ],
        # In the stored order, so that an export of an import reads as the original export.
        "translations": [
            {
                "language": language,
                "name": programme.translations.get(language, ""),
                "description": programme.description_translations.get(language, ""),
            }
            for language in {**programme.translations, **programme.description_translations}
        ],
    }


def export_tables() -> dict[str, list[dict[str, Any]]]:
    """Return the published programmes as tidy tables: table name -> rows (amounts as Decimal)."""
    tables: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    for programme in _exported_programmes():
        columns = _programme_columns(programme)
        for instrument in list(programme.instruments.all()) or [None]:
            tables["programmes"].append({**columns, **_instrument_columns(instrument)})
        for table, rows in _details(programme).items():
            for row in rows:
                if table == "eligibility":
                    row = {**row, "value": _rule_text(row["value"])}
                tables[table].append({"programme_code": programme.code, **row})
    return tables


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    return csv_text([columns, *([row[c] for c in columns] for row in rows)])


def _with_codebook(tables: dict[str, list[dict[str, Any]]]) -> dict[str, tuple[tuple, list]]:
    sheets = {table: (TABLES[table], rows) for table, rows in tables.items()}
    sheets["codebook"] = (("table", "column", "description", "type"), CODEBOOK)
    return sheets


def export_csv_zip() -> bytes:
    """Return a zip archive holding one UTF-8 CSV file per table, and codebook.csv."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (columns, rows) in _with_codebook(export_tables()).items():
            archive.writestr(f"{name}.csv", _csv(columns, rows))
    return buffer.getvalue()


def export_xlsx() -> bytes:
    """Return an Excel workbook with one sheet per table and a 'codebook' sheet."""
    return xlsx_bytes(
        {
            name: (columns, [[row[c] for c in columns] for row in rows])
            for name, (columns, rows) in _with_codebook(export_tables()).items()
        }
    )


def export_json() -> dict[str, Any]:
    """Return the published programmes nested, each with its instruments and other rows."""
    programmes = []
    for programme in _exported_programmes():
        record = _programme_columns(programme)
        record["budget_amount"] = _csv_text(programme.budget_amount) or None
        record["instruments"] = []
        for instrument in programme.instruments.all():
            columns = _instrument_columns(instrument)
            columns["instrument_budget_amount"] = _csv_text(instrument.budget_amount) or None
            record["instruments"].append(columns)
        record.update(_details(programme))
        programmes.append(record)
    return {"programmes": programmes, "codebook": CODEBOOK}
