"""Import of the open-data tables of programmes (see ``exports``): all or nothing.

An import upserts programmes by code from those tables and replaces, for each programme it
names, its instruments, classifications, partners, rules and translations. Every row is
checked first, and one bad row changes nothing.
"""

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from d4sme.registry.selectors import economy_list, organisation_pks_by_name, term_list
from d4sme.reports import tables as table_files

from . import eligibility
from .exports import (
    INSTRUMENT_FIELDS,
    INSTRUMENT_TYPES,
    LIST_SEPARATOR,
    PROGRAMME_COLUMNS,
    PROGRAMME_FIELDS,
    TABLES,
)
from .models import (
    CurationStatus,
    Instrument,
    Programme,
)
from .services import programme_validate, search_text_of


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


def _stated(value: Any, column: str) -> bool:
    """Return eligibility_stated; blank is the model's default (stated), for hand-made tables."""
    return _boolean(value, column) if _text(value) else True


CELL_PARSERS = {
    "start_year": _integer,
    "end_year": _integer,
    "budget_year": _integer,
    "budget_amount": _decimal,
    "evaluated": _boolean,
    "eligibility_stated": _stated,
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
    """Return the non-blank rows of a table with their numbers (a file's rows know theirs)."""
    return [
        (getattr(row, "number", _row_number(i)), row)
        for i, row in enumerate(tables.get(table) or [])
        if any(_text(v) for v in row.values())
    ]


class _Organisations:
    """Organisations named in the tables, found by code or else by exact legal name."""

    def __init__(self, names: set[str]) -> None:
        self.found, self.ambiguous = organisation_pks_by_name(names=names)

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
    descriptions: dict[str, str] = field(default_factory=dict)


class _Reader:
    """Checks every row of the tables, collecting one message per problem."""

    def __init__(self, tables: dict[str, list[dict]]) -> None:
        self.tables = tables
        self.errors: list[str] = []
        self.drafts: dict[str, _Draft] = {}
        self.economies = set(economy_list().values_list("code", flat=True))
        self.terms = {
            (vocabulary, code): pk
            for pk, vocabulary, code in term_list().values_list("pk", "vocabulary_id", "code")
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
        description = _text(row.get("description"))
        if not language or not (name or description):
            raise _CellError("give the language and the name or description in it")
        if language in draft.translations or language in draft.descriptions:
            raise _CellError(f"language '{language}' appears twice for the same programme")
        if name:
            draft.translations[language] = name
        if description:
            draft.descriptions[language] = description


def _column_of(field_name: str, fields: dict[str, str]) -> str:
    return next((column for column, f in fields.items() if f == field_name), field_name)


def _programme_of(draft: _Draft, existing: Programme | None, errors: list[str]) -> Programme:
    """Return the programme the draft describes, unsaved, after the service's validation."""
    programme = existing or Programme()
    for column, field_name in PROGRAMME_FIELDS.items():
        setattr(programme, field_name, draft.columns[column])
    programme.translations = draft.translations
    programme.description_translations = draft.descriptions
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


def _refused(user, drafts: dict[str, _Draft], existing: dict[str, Programme]) -> list[str]:
    """Return a message for each programme the user may not publish, as the curation page would
    refuse it: an import publishes what it writes."""
    return [
        f"programmes row {draft.row}: you may not publish programme '{code}';"
        " only curators import programmes"
        for code, draft in drafts.items()
        if not user.has_perm("programmes.curate_programme", existing.get(code) or Programme())
    ]


def import_tables(tables: dict[str, list[dict]], *, user) -> ImportReport:
    """Create or update the programmes the tables describe, all or nothing; return what changed.

    Raise ProgrammeImportError, having changed nothing, if any row is wrong or names a
    programme the user may not publish.
    """
    with transaction.atomic():
        reader = _Reader(tables)
        drafts = reader.read()
        errors = reader.errors
        existing = Programme.objects.in_bulk(list(drafts), field_name="code")
        errors += _refused(user, drafts, existing)
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


def import_csv_zip(data: bytes, *, user) -> ImportReport:
    """Import a zip archive of CSV files laid out as export_csv_zip writes them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _failed(
            "The file is not a zip archive; give the .zip that the CSV export makes."
        ) from None
    members = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}
    tables: dict[str, list[dict]] = {}
    errors: list[str] = []
    for table in TABLES:
        if f"{table}.csv" not in members:
            continue
        try:
            tables[table] = table_files.read_csv(archive.read(members[f"{table}.csv"]))
        except table_files.TableError as exc:
            errors += [f"{table}.csv: {message}" for message in exc.messages]
    if errors:
        raise ProgrammeImportError(errors)
    return import_tables(tables, user=user)


def import_xlsx(data: bytes, *, user) -> ImportReport:
    """Import an Excel workbook laid out as export_xlsx writes it (one sheet per table)."""
    try:
        tables = table_files.read_xlsx(data, list(TABLES))
    except table_files.TableError as exc:
        raise ProgrammeImportError(exc.messages) from None
    return import_tables(tables, user=user)
