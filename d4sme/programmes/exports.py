"""Open data of the published programmes in tidy tables, and the import of the same tables.

The tables follow STIP Compass's long format: ``programmes`` has one row per programme and
instrument; ``classifications``, ``co_implementers``, ``eligibility`` and ``translations`` one
row per term, partner, rule and translated name. ``CODEBOOK`` describes every column, and every
export carries it. The JSON export nests the same columns under each programme.

An import upserts programmes by code from those tables and replaces, for each programme it
names, its instruments, classifications, partners, rules and translations. It is all or
nothing: every row is checked first, and one bad row changes nothing.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from d4sme.registry.models import Organisation, Term
from d4sme.registry.selectors import economy_list

from . import eligibility
from .models import (
    BudgetBand,
    CurationStatus,
    GovernmentLevel,
    Instrument,
    Programme,
    ProgrammeStatus,
)
from .selectors import TERM_FACETS, published_programmes
from .services import programme_validate, search_text_of

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
            Prefetch(
                "classifications",
                queryset=Term.objects.order_by("vocabulary_id", "position", "code"),
            ),
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
        # In the stored order, which the search text follows: an import then rebuilds it as it was.
        "translations": [
            {"language": language, "name": name}
            for language, name in programme.translations.items()
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
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_text(row[c]) for c in columns])
    return buffer.getvalue()


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


def _xlsx_value(value: Any) -> Any:
    # Excel refuses control characters; nothing the registry holds should contain them.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def export_xlsx() -> bytes:
    """Return an Excel workbook with one sheet per table and a 'codebook' sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (columns, rows) in _with_codebook(export_tables()).items():
        sheet = workbook.create_sheet(name)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([_xlsx_value(row[c]) for c in columns])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    # Text stays text: a name starting with "=" is not a formula to evaluate.
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


# Import


class ProgrammeImportError(ValueError):
    """The tables have errors; ``errors`` names each one by table and row. Nothing changed."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"Nothing was imported: {len(errors)} error(s).\n" + "\n".join(errors))


@dataclass
class ImportReport:
    """The codes of the programmes an import created and of those it updated."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.created)} programme(s) created, {len(self.updated)} updated."


class _CellError(ValueError):
    pass


def _text(value: Any) -> str:
    """Return a cell as text, whether it came from a CSV file or a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _integer(value: Any, column: str) -> int | None:
    text = _text(value)
    try:
        return int(text) if text else None
    except ValueError:
        raise _CellError(f"{column} '{text}' is not a whole number") from None


def _decimal(value: Any, column: str) -> Decimal | None:
    text = _text(value)
    try:
        amount = Decimal(text) if text else None
    except InvalidOperation:
        amount = Decimal("NaN")
    if amount is not None and not amount.is_finite():
        raise _CellError(f"{column} '{text}' is not a number")
    return amount


def _boolean(value: Any, column: str) -> bool:
    text = _text(value).casefold()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0", ""):
        return False
    raise _CellError(f"{column} '{text}' is not true or false")


CELL_PARSERS = {
    "start_year": _integer,
    "end_year": _integer,
    "budget_year": _integer,
    "budget_amount": _decimal,
    "evaluated": _boolean,
}
# Columns that a hand-made table may leave blank for the model's default.
DEFAULTED_COLUMNS = ("original_language", "government_level", "status", "budget_band")


def _rule_value(rule: str, text: str) -> Any:
    """Return an eligibility value as the rules hold it; rules_validate judges what is left."""
    if rule in eligibility.LIST_RULES:
        return [part.strip() for part in text.split(LIST_SEPARATOR)] if text else []
    if rule in eligibility.FLAGS and text.casefold() == "true":
        return True
    if rule in eligibility.INTEGER_RULES and text.lstrip("-").isdigit():
        return int(text)
    return text


def _row_number(index: int) -> int:
    # Rows are numbered as a spreadsheet shows them: the header is row 1.
    return index + 2


def _rows(tables: dict[str, list[dict]], table: str) -> list[tuple[int, dict]]:
    """Return the non-blank rows of a table with their numbers."""
    return [
        (_row_number(i), row)
        for i, row in enumerate(tables.get(table) or [])
        if any(_text(v) for v in row.values())
    ]


class _Organisations:
    """Organisations named in the tables, found by code or else by exact legal name."""

    def __init__(self, names: set[str]) -> None:
        self.found = dict(Organisation.objects.filter(code__in=names).values_list("code", "pk"))
        self.ambiguous: set[str] = set()
        for legal_name, pk in Organisation.objects.filter(
            legal_name__in=names - self.found.keys()
        ).values_list("legal_name", "pk"):
            if legal_name in self.found:
                self.ambiguous.add(legal_name)
            self.found[legal_name] = pk

    def get(self, name: str, column: str) -> int:
        if name in self.ambiguous:
            raise _CellError(f"{column} '{name}' names several organisations; give its code")
        if name not in self.found:
            raise _CellError(f"{column} '{name}' is no organisation's code or legal name")
        return self.found[name]


@dataclass
class _Draft:
    """One programme as the tables describe it, before it is saved."""

    row: int  # its first row in the programmes table
    columns: dict[str, Any]
    instruments: dict[str, dict[str, Any]] = field(default_factory=dict)
    terms: set[int] = field(default_factory=set)
    partners: set[int] = field(default_factory=set)
    rules: dict[str, Any] = field(default_factory=dict)
    rules_valid: bool = True
    translations: dict[str, str] = field(default_factory=dict)


class _Reader:
    """Checks every row of the tables, collecting one message per problem."""

    def __init__(self, tables: dict[str, list[dict]]) -> None:
        self.tables = tables
        self.errors: list[str] = []
        self.drafts: dict[str, _Draft] = {}
        self.economies = set(economy_list().values_list("code", flat=True))
        self.terms = {
            (vocabulary, code): pk
            for pk, vocabulary, code in Term.objects.values_list("pk", "vocabulary_id", "code")
        }
        names = {_text(r.get("responsible")) for _n, r in _rows(tables, "programmes")}
        names |= {_text(r.get("organisation")) for _n, r in _rows(tables, "co_implementers")}
        self.organisations = _Organisations(names - {""})

    def error(self, table: str, number: int, message: str) -> None:
        self.errors.append(f"{table} row {number}: {message}")

    def read(self) -> dict[str, _Draft]:
        for table, columns in TABLES.items():
            if table not in self.tables:
                self.errors.append(
                    f"There is no {table} table ({table}.csv, or a sheet named {table});"
                    " export a file to see the layout."
                )
            elif self.tables[table]:
                first = self.tables[table][0]
                self.errors += [
                    f"{table}: there is no column '{c}'" for c in columns if c not in first
                ]
        if self.errors:
            return {}
        for number, row in _rows(self.tables, "programmes"):
            self.programme_row(number, row)
        readers = {
            "classifications": self.classification_row,
            "co_implementers": self.co_implementer_row,
            "eligibility": self.eligibility_row,
            "translations": self.translation_row,
        }
        for table, read_row in readers.items():
            for number, row in _rows(self.tables, table):
                code = _text(row.get("programme_code"))
                draft = self.drafts.get(code)
                if draft is None:
                    self.error(table, number, f"programme '{code}' is not in the programmes table")
                    continue
                try:
                    read_row(draft, row)
                except _CellError as exc:
                    self.error(table, number, str(exc))
        for code, draft in self.drafts.items():
            if draft.rules_valid:
                for message in eligibility.rules_validate(draft.rules):
                    self.errors.append(f"eligibility rows of programme '{code}': {message}")
                    draft.rules_valid = False
        return self.drafts

    def programme_columns(self, number: int, row: dict) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for column in PROGRAMME_COLUMNS:
            value = row.get(column)
            try:
                if column in CELL_PARSERS:
                    parsed[column] = CELL_PARSERS[column](value, column)
                elif column == "economy":
                    code = _text(value).upper()
                    if code and code not in self.economies:
                        raise _CellError(f"economy '{_text(value)}' is not an ISO 3166 code")
                    parsed[column] = code or None
                elif column == "responsible":
                    name = _text(value)
                    parsed[column] = self.organisations.get(name, column) if name else None
                elif column in DEFAULTED_COLUMNS:
                    parsed[column] = _text(value) or Programme._meta.get_field(column).default
                else:
                    parsed[column] = _text(value)
            except _CellError as exc:
                self.error("programmes", number, str(exc))
                parsed[column] = False if column == "evaluated" else None
        return parsed

    def programme_row(self, number: int, row: dict) -> None:
        code = _text(row.get("programme_code"))
        if not code:
            self.error("programmes", number, "programme_code is empty")
            return
        columns = self.programme_columns(number, row)
        draft = self.drafts.setdefault(code, _Draft(row=number, columns=columns))
        if draft.row != number:
            for column, value in columns.items():
                if value != draft.columns[column]:
                    self.error(
                        "programmes",
                        number,
                        f"{column} differs from row {draft.row} of the same programme",
                    )
        instrument = {field: _text(row.get(column)) for field, column in INSTRUMENT_FIELDS.items()}
        if not instrument["code"]:
            if any(instrument.values()):
                self.error(
                    "programmes",
                    number,
                    "instrument_code is empty but the instrument has other columns",
                )
            return
        if instrument["code"] in draft.instruments:
            self.error(
                "programmes",
                number,
                f"instrument '{instrument['code']}' appears twice in programme '{code}'",
            )
            return
        instrument["row"] = number
        instrument["type"] = self.terms.get((INSTRUMENT_TYPES, instrument["type"]))
        if instrument["type"] is None:
            self.error(
                "programmes",
                number,
                f"no instrument type '{_text(row.get('instrument_type'))}' in vocabulary {INSTRUMENT_TYPES}",
            )
        try:
            instrument["budget_amount"] = _decimal(
                row.get("instrument_budget_amount"), "instrument_budget_amount"
            )
        except _CellError as exc:
            self.error("programmes", number, str(exc))
            instrument["budget_amount"] = None
        draft.instruments[instrument["code"]] = instrument

    def classification_row(self, draft: _Draft, row: dict) -> None:
        vocabulary, code = _text(row.get("vocabulary")), _text(row.get("term_code"))
        term = self.terms.get((vocabulary, code))
        if term is None:
            raise _CellError(f"no term '{code}' in vocabulary {vocabulary}")
        draft.terms.add(term)

    def co_implementer_row(self, draft: _Draft, row: dict) -> None:
        draft.partners.add(self.organisations.get(_text(row.get("organisation")), "organisation"))

    def eligibility_row(self, draft: _Draft, row: dict) -> None:
        rule = _text(row.get("rule"))
        if rule in draft.rules:
            draft.rules_valid = False
            raise _CellError(f"rule '{rule}' appears twice for the same programme")
        value = _rule_value(rule, _text(row.get("value")))
        problems = eligibility.rules_validate({rule: value})
        if problems:
            draft.rules_valid = False
            raise _CellError(" ".join(problems))
        draft.rules[rule] = value

    def translation_row(self, draft: _Draft, row: dict) -> None:
        language, name = _text(row.get("language")), _text(row.get("name"))
        if not language or not name:
            raise _CellError("give both the language and the name")
        if language in draft.translations:
            raise _CellError(f"language '{language}' appears twice for the same programme")
        draft.translations[language] = name


def _column_of(field_name: str, fields: dict[str, str]) -> str:
    return next((column for column, f in fields.items() if f == field_name), field_name)


def _programme_of(draft: _Draft, existing: Programme | None, errors: list[str]) -> Programme:
    """Return the programme the draft describes, unsaved, after the service's validation."""
    programme = existing or Programme()
    for column, field_name in PROGRAMME_FIELDS.items():
        setattr(programme, field_name, draft.columns[column])
    programme.translations = draft.translations
    programme.curation_status = CurationStatus.PUBLISHED
    # Rules already reported row by row are left out here, so as not to report them twice;
    # a programme with errors is never saved.
    programme.eligibility = draft.rules if draft.rules_valid else {}
    try:
        programme_validate(programme)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            prefix = "" if name == NON_FIELD_ERRORS else f"{_column_of(name, PROGRAMME_FIELDS)}: "
            errors += [f"programmes row {draft.row}: {prefix}{m}" for m in messages]
    programme.eligibility = draft.rules
    for spec in draft.instruments.values():
        instrument = Instrument(
            **{f: spec[f] for f in ("code", "name", "budget_amount")}, type_id=spec["type"]
        )
        try:
            instrument.full_clean(
                exclude=["programme", "type"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = INSTRUMENT_FIELDS.get(name, name)
                errors += [f"programmes row {spec['row']}: {column}: {m}" for m in messages]
    return programme


def _save(programme: Programme, draft: _Draft) -> None:
    programme.search_text = search_text_of(programme)
    programme._change_reason = "imported"
    programme.save()
    kept = {i.code: i for i in programme.instruments.all()}
    for code, spec in draft.instruments.items():
        instrument = kept.pop(code, None) or Instrument(programme=programme, code=code)
        instrument.name, instrument.type_id = spec["name"], spec["type"]
        instrument.budget_amount = spec["budget_amount"]
        instrument.save()
    for gone in kept.values():
        gone.delete()
    programme.classifications.set(draft.terms)
    programme.co_implementers.set(draft.partners)


def import_tables(tables: dict[str, list[dict]]) -> ImportReport:
    """Create or update the programmes the tables describe, all or nothing; return what changed.

    Raise ProgrammeImportError, having changed nothing, if any row is wrong.
    """
    with transaction.atomic():
        reader = _Reader(tables)
        drafts = reader.read()
        errors = reader.errors
        existing = Programme.objects.in_bulk(list(drafts), field_name="code")
        programmes = {
            code: _programme_of(draft, existing.get(code), errors) for code, draft in drafts.items()
        }
        if errors:
            raise ProgrammeImportError(errors)
        report = ImportReport()
        for code, programme in programmes.items():
            (report.updated if code in existing else report.created).append(code)
            _save(programme, drafts[code])
    return report


def _failed(message: str) -> ProgrammeImportError:
    return ProgrammeImportError([message])


def import_csv_zip(data: bytes) -> ImportReport:
    """Import a zip archive of CSV files laid out as export_csv_zip writes them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _failed(
            "The file is not a zip archive; give the .zip that the CSV export makes."
        ) from None
    members = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}
    tables: dict[str, list[dict]] = {}
    for table in TABLES:
        if f"{table}.csv" not in members:
            continue
        try:
            text = archive.read(members[f"{table}.csv"]).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _failed(f"{table}.csv is not UTF-8 text; save it as 'CSV UTF-8'.") from None
        tables[table] = list(csv.DictReader(io.StringIO(text, newline="")))
    return import_tables(tables)


def import_xlsx(data: bytes) -> ImportReport:
    """Import an Excel workbook laid out as export_xlsx writes it (one sheet per table)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError):
        raise _failed("The file is not an Excel workbook (.xlsx).") from None
    tables: dict[str, list[dict]] = {}
    for table in TABLES:
        if table not in workbook.sheetnames:
            continue
        rows = workbook[table].iter_rows(values_only=True)
        header = [_text(cell) for cell in next(rows, ())]
        tables[table] = [
            {column: value for column, value in zip(header, row, strict=False) if column}
            for row in rows
        ]
    workbook.close()
    return import_tables(tables)
