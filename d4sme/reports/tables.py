"""Reading and writing tables (CSV and XLSX): the one place every import and export goes through.

Reading is strict: a CSV file that the csv module would silently repair (an unterminated
quote, a stray quote inside a cell) or a row longer than its header is refused with the
line it is on, so that a mangled file never half-lands.

Writing is safe to open in a spreadsheet: a text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula (CSV injection), so CSV
writers prefix it with a single quote, as OWASP recommends, and XLSX writers type every
text cell as text. Numbers stay numbers, a negative one included.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

# Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The prefix that makes a spreadsheet read the cell as text; readers take it off again.
TEXT_MARK = "'"
# A cell holding only a number (as text) is no formula, even when it starts with + or -.
NUMBER_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
XLSX_ERRORS = (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, TypeError)


class TableError(ValueError):
    """A file that cannot be read as a table; ``messages`` name each problem and its line."""

    def __init__(self, messages: str | list[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


class Row(dict):
    """One row of a table as column name -> text, with ``number``: its row in a spreadsheet.

    The header is row 1, and blank rows count, so that the number is the one a person sees
    when they open the file.
    """

    number: int

    def __init__(self, cells: dict[str, str], number: int) -> None:
        super().__init__(cells)
        self.number = number


# Writing


def cell_safe(value: Any) -> Any:
    """Return the value as a spreadsheet may show it without running it as a formula.

    Text beginning with a formula character gets a leading single quote; numbers, and text
    that is just a number, are returned unchanged.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not NUMBER_RE.fullmatch(value)
    ):
        return TEXT_MARK + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell_safe(value)


class SafeWriter:
    """A csv.writer whose text cells are neutralised (see ``cell_safe``).

    None is written as an empty cell and booleans as true and false.
    """

    def __init__(self, file, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([_csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options: Any) -> SafeWriter:
    """Return a writer like ``csv.writer(file, **options)`` that writes only safe cells."""
    return SafeWriter(file, **options)


def csv_text(rows: Iterable[Iterable[Any]], **options: Any) -> str:
    """Return the rows (the header first) as CSV text with CRLF line ends and safe cells."""
    buffer = io.StringIO(newline="")
    csv_writer(buffer, **options).writerows(rows)
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    # Excel refuses control characters in text.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Return a workbook with one sheet per entry (name -> (header, rows)), text typed as text.

    The header is bold and frozen. A text cell is stored as a string whatever it begins
    with, so a spreadsheet never evaluates it as a formula; numbers and dates keep their type.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    # openpyxl types text beginning with "=" as a formula; make it text.
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reading


def cell_unmark(text: str) -> str:
    """Return a cell with the text mark that ``cell_safe`` added taken off again."""
    if text.startswith(TEXT_MARK) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _header(cells: Sequence[Any], line: int = 1) -> list[str]:
    header = [_text(c) for c in cells]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise TableError(
                _("Line %(line)s: the column “%(column)s” appears twice; keep one.")
                % {"line": line, "column": name}
            )
        seen.add(name)
    return header


def _text(value: Any) -> str:
    """Return a cell as text, whether it came from a CSV file or a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date | datetime):
        return value.isoformat()
    return cell_unmark(str(value).strip())


def _rows(records: Iterable[tuple[int, int, Sequence[Any]]], header: list[str]) -> list[Row]:
    """Return the non-blank records as rows; refuse cells beyond the header's columns."""
    rows, problems = [], []
    for number, line, record in records:
        cells = [_text(v) for v in record]
        if not any(cells):
            continue
        if any(cells[len(header) :]):
            problems.append(
                _(
                    "Line %(line)s has %(cells)s cells but the header has %(columns)s columns;"
                    " check for a stray separator or quote."
                )
                % {"line": line, "cells": len(cells), "columns": len(header)}
            )
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(Row(dict(zip(header, cells, strict=False)), number))
    if problems:
        raise TableError(problems)
    return rows


def read_csv(content: bytes | str, encoding: str | None = None) -> list[Row]:
    """Return the non-blank rows of a CSV file; raise TableError naming the bad line.

    Bytes are read as ``encoding`` when one is named; otherwise as UTF-8 (with or without a
    byte-order mark), or UTF-16 when a byte-order mark says so (Excel's "Unicode text").
    """
    if isinstance(content, bytes):
        if encoding is None:
            encoding = "utf-16" if content[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
        try:
            content = content.decode(encoding)
        except LookupError as exc:
            raise TableError(
                _("“%(encoding)s” is not a known text encoding.") % {"encoding": encoding}
            ) from exc
        except UnicodeDecodeError as exc:
            raise TableError(
                _(
                    "The file is not %(encoding)s text (byte %(position)s); save it as "
                    "“CSV UTF-8” or name its encoding."
                )
                % {"encoding": encoding.removesuffix("-sig").upper(), "position": exc.start + 1}
            ) from exc
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    records, last = [], 0  # ``last``: the line the previous record ended on
    try:
        header = _header(next(reader, []))
        last = reader.line_num
        for number, record in enumerate(reader, start=2):
            records.append((number, last + 1, record))
            last = reader.line_num
    except csv.Error as exc:
        # The record that failed starts on the line after the last one read whole.
        raise TableError(
            _("Line %(line)s cannot be read (%(error)s); check its quotes.")
            % {"line": last + 1, "error": exc}
        ) from exc
    return _rows(records, header)


def _workbook(content: bytes):
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except XLSX_ERRORS as exc:
        raise TableError(_("The file is not a readable XLSX workbook.")) from exc


def _sheet_rows(book, name: str) -> list[Row]:
    try:
        values = book[name].iter_rows(values_only=True)
        header = _header(next(values, ()))
        return _rows(((n, n, row) for n, row in enumerate(values, start=2)), header)
    except XLSX_ERRORS as exc:
        raise TableError(_("The file is not a readable XLSX workbook.")) from exc


def read_xlsx(content: bytes, sheets: Sequence[str] | None = None) -> dict[str, list[Row]]:
    """Return the non-blank rows of a workbook's sheets by name (all, or those named that exist).

    Raise TableError if the file is no workbook.
    """
    book = _workbook(content)
    try:
        names = book.sheetnames if sheets is None else [s for s in sheets if s in book.sheetnames]
        return {name: _sheet_rows(book, name) for name in names}
    finally:
        book.close()


def read_table(
    name: str, content: bytes, *, sheet: str | None = None, encoding: str | None = None
) -> list[Row]:
    """Return the rows of a CSV or XLSX file; raise TableError.

    A CSV is read in ``encoding`` (see :func:`read_csv`). From a workbook, the sheet named
    ``sheet`` is read, or else the first sheet that holds any row: statistical offices often
    put a notes sheet first and the data on the second.
    """
    if not name.lower().endswith(".xlsx"):
        return read_csv(content, encoding=encoding)
    book = _workbook(content)
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise TableError(
                    _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
                    % {"sheet": sheet, "names": ", ".join(book.sheetnames)}
                )
            return _sheet_rows(book, sheet)
        for candidate in book.sheetnames:
            if rows := _sheet_rows(book, candidate):
                return rows
        return []
    finally:
        book.close()
