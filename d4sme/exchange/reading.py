"""Reading the files statistical offices publish into one shape: a table of cells.

Four formats, as offices really write them:

- SDMX-ML 2.1 data, generic or structure-specific (read by ``d4sme.monitoring.sdmx`` with
  sdmx1), with its structure (DSD) from the file or given;
- SDMX-CSV 1.0 and 2.0 with codes, labels, or both (codes beside a label column, or
  ``CODE: Label`` in one cell);
- Eurostat's bulk TSV, gzipped or not: the key's dimensions joined by commas in the first
  column, one column per period with a trailing space in its header, and every cell
  ``<value> <flags>`` (``:`` when missing, ``@C`` when confidential), with CRLF line ends;
- XLSX: Eurostat's spreadsheet export (fixed dimensions above, periods across, areas down,
  one sheet per combination) or a plain table laid out like SDMX-CSV, from a chosen sheet.

Nothing here touches the database. Every reader returns a :class:`Table` whose cells keep
their flags and confidentiality status exactly as the file wrote them, and a missing value
as None. Values that are labels rather than codes are marked so, for the mapping step.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from d4sme.reports.tables import TableError, read_table

ID_RE = re.compile(r"[A-Za-z0-9_@$\-]+")
CODE_LABEL_RE = re.compile(r"(?P<code>[A-Za-z0-9_@$\-]+): (?P<label>.*)", re.DOTALL)
NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MISSING_VALUES = {"", ":", "NaN", "nan", "NAN", "..", "-"}
# Columns of SDMX-CSV that are about the message, not the observation.
MESSAGE_COLUMNS = {"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION"}
TIME = "TIME_PERIOD"
VALUE = "OBS_VALUE"
FLAG_COLUMNS = ("OBS_FLAG", "OBS_STATUS")
CONF_COLUMNS = ("CONF_STATUS", "CONF_STATUS_OBS", "OBS_CONF")
# A flag letter in Eurostat's files that means "confidential" rather than a property.
CONFIDENTIAL_MARKS = ("@C", "c")
# Flags a file may use; anything else is refused, so that a typo is not kept as a flag.
KNOWN_FLAGS = set("bcdefnprsuz") | set("ABEFILMPSUZ")


class ReadError(ValueError):
    """A file that cannot be read at all; ``messages`` say why, for the user."""

    def __init__(self, messages: str | list[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


@dataclass(slots=True)
class Cell:
    """One observation as the file wrote it."""

    key: tuple[str, ...]  # one value per dimension of the table, code or label
    period: str
    value: float | None
    obs_flag: str
    conf_status: str
    where: Any  # a line number, or text such as "Sheet 1, row 13"


@dataclass
class Table:
    format: str
    dimensions: list[str]  # ids (or, from a spreadsheet, labels) of the key's dimensions
    cells: list[Cell] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # dim -> code -> label
    as_labels: set[str] = field(default_factory=set)  # dimensions whose values are labels
    dimension_labels: dict[str, str] = field(default_factory=dict)  # dim -> its name
    structure_id: str = ""
    name: str = ""
    published_update: str = ""
    problems: list[str] = field(default_factory=list)  # row by row


def where_text(where: Any) -> str:
    """Return where a cell is, as a user finds it in the file."""
    if isinstance(where, int):
        return _("Line %(line)s") % {"line": where}
    return str(where)


def detect_format(name: str, content: bytes) -> str:
    """Return the format of a file from its first bytes (and its name): one of
    ``sdmx-ml``, ``sdmx-csv``, ``eurostat-tsv``, ``xlsx``; raise ReadError."""
    if content[:2] == b"\x1f\x8b":
        return "eurostat-tsv"
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return "xlsx"
    head = content[:2000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "sdmx-ml"
    first = head.split(b"\n", 1)[0]
    if b"\t" in first and b"\\" in first:
        return "eurostat-tsv"
    if first.startswith((b"DATAFLOW", b"STRUCTURE")):
        return "sdmx-csv"
    if head.startswith((b"{", b"[")):
        raise ReadError(_("SDMX-JSON is not supported; download the data as SDMX-CSV."))
    raise ReadError(
        _(
            "The file is none of SDMX-ML 2.1, SDMX-CSV (its first column is DATAFLOW or "
            "STRUCTURE), Eurostat's bulk TSV or an XLSX workbook."
        )
    )


def read_file(
    name: str,
    content: bytes,
    *,
    structure: bytes | None = None,
    sheet: str = "",
    values: str = "auto",
    time: str = "",
) -> Table:
    """Return the cells of a file in any of the four formats; raise ReadError if it cannot
    be read at all. Problems of single rows are listed in ``Table.problems``. ``time`` names
    the time column of an SDMX-CSV file that does not call it TIME_PERIOD."""
    kind = detect_format(name, content)
    if kind == "eurostat-tsv":
        return read_tsv(content)
    if kind == "xlsx":
        return read_xlsx(content, sheet=sheet, values=values, time=time)
    if kind == "sdmx-ml":
        return read_sdmx_ml(content, structure=structure)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            _("The file is not UTF-8 text (byte %(position)s).") % {"position": exc.start + 1}
        ) from exc
    return read_sdmx_csv(text, values=values, time=time)


# Values and flags


def parse_value(text: str) -> float | None:
    """Return a value as a number, None when missing; raise ValueError if not a number."""
    text = text.strip()
    if text in MISSING_VALUES:
        return None
    if not NUMBER_RE.fullmatch(text):
        raise ValueError(text)
    return float(text)


def parse_flags(text: str, conf: str = "") -> tuple[str, str, list[str]]:
    """Return (OBS_FLAG, CONF_STATUS, unknown flags) of a flag cell; Eurostat's ``@C`` and a
    spreadsheet's ``c`` mean confidential."""
    if not text:
        return "", conf, []
    text = text.strip()
    for mark in CONFIDENTIAL_MARKS:
        if mark in text:
            text = text.replace(mark, "")
            conf = conf or "C"
    text = text.strip()
    unknown = [] if text in KNOWN_FLAGS else [ch for ch in text if ch not in KNOWN_FLAGS]
    return text, conf, unknown


def _cell(table: Table, key, period, raw_value, raw_flags, conf, where) -> None:
    try:
        value = parse_value(raw_value) if isinstance(raw_value, str) else raw_value
    except ValueError:
        table.problems.append(
            _("%(where)s: the value “%(value)s” is not a number.")
            % {"where": where_text(where), "value": raw_value}
        )
        return
    flag, conf, unknown = parse_flags(raw_flags, conf)
    if unknown:
        table.problems.append(
            _("%(where)s: “%(flag)s” is not an observation flag.")
            % {"where": where_text(where), "flag": "".join(unknown)}
        )
        return
    table.cells.append(Cell(key, period, value, flag, conf, where))


# Eurostat bulk TSV


def read_tsv(content: bytes) -> Table:
    """Return the cells of a Eurostat bulk TSV file (gzip or plain)."""
    if content[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(content)
        except (OSError, EOFError) as exc:
            raise ReadError(_("The gzip file is damaged or cut short.")) from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            _("The file is not UTF-8 text (byte %(position)s).") % {"position": exc.start + 1}
        ) from exc
    lines = text.splitlines()
    if not lines:
        raise ReadError(_("The file is empty."))
    header = lines[0].split("\t")
    first, _sep, time_name = header[0].partition("\\")
    if not _sep:
        raise ReadError(
            _(
                "Line 1: the first header cell must name the key's dimensions and the time, "
                "as in “freq,unit,geo\\TIME_PERIOD”."
            )
        )
    dimensions = [d.strip() for d in first.split(",")]
    periods = [p.strip() for p in header[1:]]
    table = Table(format="eurostat-tsv", dimensions=dimensions)
    width = len(dimensions)
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        key = tuple(code.strip() for code in parts[0].split(","))
        if len(key) != width:
            table.problems.append(
                _("Line %(line)s: the key has %(found)s codes where the header names %(count)s.")
                % {"line": number, "found": len(key), "count": width}
            )
            continue
        if len(parts) - 1 > len(periods):
            table.problems.append(
                _("Line %(line)s has more cells than the header has periods.") % {"line": number}
            )
            continue
        for period, raw in zip(periods, parts[1:], strict=False):
            raw_value, _space, raw_flags = raw.strip().partition(" ")
            _cell(table, key, period, raw_value, raw_flags, "", number)
    return table


# SDMX-CSV


def _header_columns(header: list[str]) -> tuple[str, list[tuple[int, str, int | None]]]:
    """Return the version and the (index, id, index of its label column) of each column."""
    if header[0] == "DATAFLOW":
        version, start = "1.0", 1
    elif re.fullmatch(r"STRUCTURE(\[.\])?", header[0]):
        version, start = "2.0", 1
    else:
        raise ReadError(_("Line 1: an SDMX-CSV file starts with a DATAFLOW or STRUCTURE column."))
    with_names = "STRUCTURE_NAME" in header
    columns, i = [], start
    while i < len(header):
        name = header[i].strip()
        if name in MESSAGE_COLUMNS:
            i += 1
            continue
        label_index = None
        if with_names and version == "2.0":
            label_index, step = i + 1, 2
        else:
            step = 1
        columns.append((i, name.split(": ", 1)[0].removesuffix("[]"), label_index))
        i += step
    return version, columns


def read_sdmx_csv(text: str, *, values: str = "auto", time: str = "") -> Table:
    """Return the cells of an SDMX-CSV 1.0 or 2.0 file with codes, labels, or both."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        records, last = [], reader.line_num
        for record in reader:
            records.append((last + 1, record))
            last = reader.line_num
    except csv.Error as exc:
        raise ReadError(
            _("Line %(line)s cannot be read (%(error)s); check its quotes.")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    _version, columns = _header_columns(header)
    ids = [c[1] for c in columns]
    if VALUE not in ids:
        raise ReadError(
            _("The file has no OBS_VALUE column; files with several measures cannot be read.")
        )
    time = time or TIME
    if time not in ids:
        raise ReadError(
            _(
                "The file has no %(column)s column; if its time dimension has another name, "
                "give it as “time” in the mapping."
            )
            % {"column": time}
        )
    value_at = ids.index(VALUE)
    dims = [c for c in columns[:value_at] if c[1] != time and c[1] != "LAST UPDATE"]
    time_column = columns[ids.index(time)][0]
    value_column = columns[value_at][0]
    flag_column = next((columns[ids.index(c)][0] for c in FLAG_COLUMNS if c in ids), None)
    conf_column = next((columns[ids.index(c)][0] for c in CONF_COLUMNS if c in ids), None)
    update_column = header.index("LAST UPDATE") if "LAST UPDATE" in header else None
    table = Table(format="sdmx-csv", dimensions=[d[1] for d in dims])
    for _index, dim_id, label_index in dims:
        if label_index is not None and label_index < len(header):
            table.dimension_labels[dim_id] = header[label_index]
    if "STRUCTURE_ID" in header:
        table.structure_id = records[0][1][header.index("STRUCTURE_ID")] if records else ""
    elif header[0] == "DATAFLOW" and records:
        table.structure_id = records[0][1][0]
    if "STRUCTURE_NAME" in header and records:
        table.name = records[0][1][header.index("STRUCTURE_NAME")]
    if update_column is not None and records:
        table.published_update = records[0][1][update_column]

    width = len(header)
    rows = []
    for line, record in records:
        if not record or record == [""]:
            continue
        if len(record) != width:
            table.problems.append(
                _("Line %(line)s: %(found)s fields where the header has %(expected)s.")
                % {"line": line, "found": len(record), "expected": width}
            )
            continue
        rows.append((line, record))

    # Labels only: a dimension cell that is no code (a space, an accent) makes the file's
    # dimensions labels, unless each is written "CODE: Label".
    both = {i for i, _d, label in dims if label is None} and all(
        CODE_LABEL_RE.fullmatch(r[i])
        for i, _d, label in dims
        if label is None
        for _l, r in rows[:50]
    )
    if values == "labels" or (
        values == "auto"
        and not both
        and any(not ID_RE.fullmatch(r[i]) for _l, r in rows for i, _d, label in dims if r[i])
    ):
        table.as_labels = {d[1] for d in dims if d[2] is None}

    for line, record in rows:
        key = []
        for index, dim_id, label_index in dims:
            cell = record[index].strip()
            if both and (match := CODE_LABEL_RE.fullmatch(cell)):
                cell = match["code"]
                table.labels.setdefault(dim_id, {}).setdefault(cell, match["label"])
            elif label_index is not None and record[label_index]:
                table.labels.setdefault(dim_id, {}).setdefault(cell, record[label_index])
            if not cell:
                table.problems.append(
                    _("Line %(line)s: %(column)s is empty.") % {"line": line, "column": dim_id}
                )
                break
            key.append(cell)
        else:
            period = record[time_column].strip()
            if not period:
                table.problems.append(_("Line %(line)s: TIME_PERIOD is empty.") % {"line": line})
                continue
            _cell(
                table,
                tuple(key),
                period,
                record[value_column],
                record[flag_column] if flag_column is not None else "",
                record[conf_column].strip() if conf_column is not None else "",
                line,
            )
    return table


# SDMX-ML


def read_sdmx_ml(content: bytes, *, structure: bytes | None = None) -> Table:
    """Return the cells of an SDMX-ML 2.1 data message (with its DSD, if given)."""
    from d4sme.monitoring import sdmx

    try:
        observations = sdmx.read(content, structure=structure)
    except sdmx.SdmxError as exc:
        if "No DSD" in str(exc) or "no structure=" in str(exc):
            raise ReadError(
                _(
                    "This SDMX-ML message does not carry its data structure (DSD), which is "
                    "needed to read it. Give the structure message as well: the “Structure” "
                    "file on the import page, “structure” in the API, or --structure with "
                    "the import-statistics command."
                )
            ) from exc
        raise ReadError(str(exc)) from exc
    dimensions: list[str] = []
    for obs in observations:
        for dim in obs.key:
            if dim not in dimensions:
                dimensions.append(dim)
    table = Table(format="sdmx-ml", dimensions=dimensions)
    for number, obs in enumerate(observations, start=1):
        attributes = obs.attributes
        flag = next((attributes[c] for c in FLAG_COLUMNS if attributes.get(c)), "")
        conf = next((attributes[c] for c in CONF_COLUMNS if attributes.get(c)), "")
        where = _("Observation %(number)s") % {"number": number}
        key = tuple(obs.key.get(d, "") for d in dimensions)
        if not obs.period:
            table.problems.append(_("%(where)s has no time period.") % {"where": where})
            continue
        _cell(table, key, obs.period, obs.value, flag, conf, where)
    return table


# XLSX


def _workbook(content: bytes):
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # Eurostat's workbooks have no default style; openpyxl warns and applies its own.
            warnings.simplefilter("ignore", UserWarning)
            return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is no workbook
        raise ReadError(_("The file is not a readable XLSX workbook.")) from exc


def _sheet_values(book, name: str) -> list[tuple]:
    sheet = book[name]
    # Eurostat's workbooks declare a size of A1; without this, openpyxl reads one cell.
    sheet.reset_dimensions()
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _eurostat_sheet(rows: list[tuple]) -> int | None:
    """Return the index of the TIME row of a sheet in Eurostat's spreadsheet layout."""
    for i, row in enumerate(rows[:40]):
        if row and _text(row[0]) == "TIME" and i + 1 < len(rows):
            following = rows[i + 1]
            if following and _text(following[0]).startswith("GEO"):
                return i
    return None


def read_xlsx(content: bytes, *, sheet: str = "", values: str = "auto", time: str = "") -> Table:
    """Return the cells of a workbook: every sheet in Eurostat's spreadsheet layout (or the
    chosen one), or else the chosen (or first non-empty) sheet read as an SDMX-CSV table."""
    book = _workbook(content)
    try:
        names = book.sheetnames
        if sheet and sheet not in names:
            raise ReadError(
                _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
                % {"sheet": sheet, "names": ", ".join(names)}
            )
        chosen = [sheet] if sheet else names
        sheets = {name: _sheet_values(book, name) for name in chosen}
    finally:
        book.close()
    layout = {name: _eurostat_sheet(rows) for name, rows in sheets.items()}
    eurostat = [name for name in chosen if layout[name] is not None]
    if eurostat:
        return _read_eurostat_sheets({n: sheets[n] for n in eurostat}, layout)
    # A plain table: read it as SDMX-CSV through the shared table reader.
    for name in chosen:
        try:
            rows = read_table(name + ".xlsx", content, sheet=name)
        except TableError as exc:
            raise ReadError(exc.messages) from exc
        if rows:
            header = list(rows[0].keys())
            if "DATAFLOW" not in header and "STRUCTURE" not in header:
                header = ["DATAFLOW", *header]
                rows = [{"DATAFLOW": "", **r} for r in rows]
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer)
            writer.writerow(header)
            writer.writerows([[r.get(h, "") for h in header] for r in rows])
            table = read_sdmx_csv(buffer.getvalue(), values=values, time=time)
            table.format = "xlsx"
            return table
    raise ReadError(
        _(
            "No sheet of the workbook holds data: neither Eurostat's layout (a TIME row, then "
            "GEO) nor a table with TIME_PERIOD and OBS_VALUE columns. Choose the sheet."
        )
    )


def _read_eurostat_sheets(sheets: dict[str, list[tuple]], layout: dict[str, int | None]) -> Table:
    table = Table(format="xlsx", dimensions=[])
    fixed_dims: list[str] = []
    for name, rows in sheets.items():
        time_row = layout[name]
        fixed: dict[str, str] = {}
        for row in rows[:time_row]:
            cells = [_text(c) for c in row]
            if len(cells) >= 3 and cells[0] and cells[2] and not cells[1]:
                fixed[cells[0]] = cells[2]
            elif cells and cells[0] == "Dataset:" and len(cells) > 1:
                table.name = re.sub(r"\s*\[[^\]]*\]\s*$", "", cells[1])
            elif cells and cells[0] == "Last updated:" and len(cells) > 1:
                table.published_update = cells[1]
        geo_name = _text(rows[time_row + 1][0])  # "GEO (Labels)" or "GEO (Codes)"
        area = re.sub(r"\s*\(.*\)$", "", geo_name).lower() or "geo"
        if not table.dimensions:
            fixed_dims = list(fixed)
            table.dimensions = [*fixed_dims, area]
            table.as_labels = set(fixed_dims) | ({area} if "Labels" in geo_name else set())
        elif list(fixed) != fixed_dims:
            table.problems.append(
                _("%(sheet)s: its fixed dimensions differ from the first sheet's.")
                % {"sheet": name}
            )
            continue
        years = [(i, _text(v)) for i, v in enumerate(rows[time_row]) if i > 0 and _text(v)]
        for number in range(time_row + 2, len(rows)):
            row = rows[number]
            label = _text(row[0]) if row else ""
            if not label:
                break
            key = (*(fixed[d] for d in fixed_dims), label)
            for column, year in years:
                raw = row[column] if column < len(row) else None
                flags = _text(row[column + 1]) if column + 1 < len(row) else ""
                where = _("%(sheet)s, row %(row)s, %(period)s") % {
                    "sheet": name,
                    "row": number + 1,
                    "period": year,
                }
                value = raw if isinstance(raw, int | float) else _text(raw)
                _cell(table, key, year, value, flags, "", where)
    return table
