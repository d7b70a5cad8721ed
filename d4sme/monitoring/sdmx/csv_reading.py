"""Reading SDMX-CSV 1.0 and 2.0 with the csv module."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from sdmx.model import common, v21

from d4sme.reports.tables import cell_unmark

from .codes import (
    ACTIONS,
    OBS_VALUE,
    TIME_PERIOD,
    Observation,
    SdmxError,
    not_a_number,
    obs_value,
)

HEADER_RE = re.compile(r"(DATAFLOW|STRUCTURE(\[(?P<sub>.)\])?)(?P<delimiter>[,;\t|])")
LABEL_RE = re.compile(r"(?P<id>[^\s:]+): .*", re.DOTALL)
CODE_LABEL_RE = re.compile(r"(?P<id>[A-Za-z0-9_@$\-]+): .*", re.DOTALL)


@dataclass
class _Column:
    index: int
    id: str
    labelled: bool  # header written "ID: Name" (labels=both)
    role: str = "ignore"  # dimension, time, measure, attribute, action, ignore
    coded: bool | None = None  # whether values may carry "CODE: Name"; None: decide from data


def _csv_header(header: list[str]) -> tuple[str, list[_Column]]:
    """The format ("1.0" or "2.0") and the columns of an SDMX-CSV header."""
    if header[0] == "DATAFLOW":
        version, first = "1.0", 1
    elif re.fullmatch(r"STRUCTURE(\[.\])?", header[0]):
        version = "2.0"
        if len(header) < 2 or header[1] != "STRUCTURE_ID":
            raise SdmxError(_("Line 1: the second column must be STRUCTURE_ID."))
        first = 2
    else:
        raise SdmxError(
            _(
                "This is not an SDMX data message: a CSV must start with a DATAFLOW or STRUCTURE column."
            )
        )
    columns: list[_Column] = []
    names = False
    i = first
    if version == "2.0":
        if i < len(header) and header[i] == "STRUCTURE_NAME":
            names, i = True, i + 1
        if i < len(header) and header[i] == "ACTION":
            columns.append(_Column(i, "ACTION", False, role="action"))
            i += 1
        for special in ("SERIES_KEY", "OBS_KEY"):
            if i < len(header) and header[i] == special:
                i += 1
    rest = list(range(i, len(header)))
    if names:
        # labels=name: each component column is followed by a column of its labels
        if len(rest) % 2:
            raise SdmxError(_("Line 1: the columns of codes and of their names do not pair up."))
        rest = rest[::2]
    seen = set()
    for index in rest:
        text = header[index].strip()
        labelled = ": " in text
        column_id = text.split(": ", 1)[0].removesuffix("[]")
        if not column_id:
            raise SdmxError(_("Line 1: column %(number)d has no name.") % {"number": index + 1})
        if column_id in seen:
            raise SdmxError(_("Line 1: column %(column)s appears twice.") % {"column": column_id})
        seen.add(column_id)
        columns.append(_Column(index, column_id, labelled))
    return version, columns


def _classify(columns: list[_Column], dsd: v21.DataStructureDefinition | None) -> None:
    components = [c for c in columns if c.role != "action"]
    if dsd is not None:
        roles = {}
        for dimension in dsd.dimensions:
            is_time = isinstance(dimension, common.TimeDimension)
            roles[dimension.id] = ("time" if is_time else "dimension", not is_time)
        for measure in dsd.measures:
            roles[measure.id] = ("measure", False)
        for attribute in dsd.attributes:
            representation = attribute.local_representation or getattr(
                attribute.concept_identity, "core_representation", None
            )
            roles[attribute.id] = (
                "attribute",
                bool(representation and representation.enumerated is not None),
            )
        present = {c.id for c in components}
        for component_id, (role, _coded) in roles.items():
            if role in ("dimension", "time", "measure") and component_id not in present:
                raise SdmxError(_("The file has no %(column)s column.") % {"column": component_id})
        for column in components:
            column.role, column.coded = roles.get(column.id, ("ignore", False))
        return
    ids = [c.id for c in components]
    if OBS_VALUE not in ids:
        raise SdmxError(
            _(
                "The file has no OBS_VALUE column. Files with several measures, or another "
                "name for the measure, can be read only with their structure."
            )
        )
    before = True
    for column in components:
        if column.id == OBS_VALUE:
            column.role, column.coded, before = "measure", False, False
        elif column.id == TIME_PERIOD:
            column.role, column.coded = "time", True
        elif before:
            column.role, column.coded = "dimension", True
        else:
            column.role = "attribute"  # coded or not: decided from the values


def _strip_label(value: str) -> str:
    match = LABEL_RE.fullmatch(value)
    return match["id"] if match else value


def read_csv(text: str, dsd: v21.DataStructureDefinition | None) -> list[Observation]:
    """Observations of an SDMX-CSV 1.0 or 2.0 file, each with its line."""
    first_line = text.split("\n", 1)[0]
    match = HEADER_RE.match(first_line)
    if not match:
        if first_line.startswith(("DATAFLOW", "STRUCTURE")):
            raise SdmxError(_("Line 1: the columns must be separated by commas or semicolons."))
        raise SdmxError(_("This is not an SDMX data message: it is neither SDMX-ML nor SDMX-CSV."))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=match["delimiter"])
        header = next(reader)
        _version, columns = _csv_header(header)
        _classify(columns, dsd)
        records = []
        last = reader.line_num
        for record in reader:
            start, last = last + 1, reader.line_num
            if not record or record == [""]:
                continue
            records.append((start, record))
    except csv.Error as exc:
        raise SdmxError(
            _("Line %(line)d: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc

    # Without a structure, a labelled attribute column is taken as coded ("CODE: Name") only
    # if all of its values are written so; free text may hold ": " too.
    for column in columns:
        if column.coded is None:
            values = [r[column.index] for _line, r in records if column.index < len(r)]
            values = [v for v in values if v != ""]
            column.coded = (
                column.labelled and bool(values) and all(CODE_LABEL_RE.fullmatch(v) for v in values)
            )

    decimal_comma = match["delimiter"] != ","
    width = len(header)
    observations = []
    for line, record in records:
        if len(record) != width:
            raise SdmxError(
                _("Line %(line)d: %(found)d fields where the header has %(expected)d.")
                % {"line": line, "found": len(record), "expected": width}
            )
        key: dict[str, str] = {}
        attributes: dict[str, str] = {}
        period = None
        value = None
        for column in columns:
            cell = record[column.index]
            if column.role != "attribute":
                cell = cell.strip()
            if column.coded and column.labelled:
                cell = _strip_label(cell)
            role = column.role
            if role == "dimension":
                if not cell:
                    raise SdmxError(
                        _("Line %(line)d: %(column)s is missing.")
                        % {"line": line, "column": column.id}
                    )
                key[column.id] = cell
            elif role == "time":
                if not cell:
                    raise SdmxError(
                        _("Line %(line)d: %(column)s is missing.")
                        % {"line": line, "column": column.id}
                    )
                period = cell
            elif role == "measure":
                if decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", cell):
                    cell = cell.replace(",", ".")
                try:
                    value = obs_value(cell)
                except ValueError:
                    raise not_a_number(_("Line %(line)d") % {"line": line}, cell) from None
            elif role == "attribute":
                if cell:
                    attributes[column.id] = cell_unmark(cell)
            elif role == "action":
                if cell == "D":
                    raise SdmxError(
                        _("Line %(line)d: deletions (ACTION D) cannot be imported.")
                        % {"line": line}
                    )
                if cell and cell not in ACTIONS:
                    raise SdmxError(
                        _("Line %(line)d: ACTION “%(value)s” is not one of A, I, R, M.")
                        % {"line": line, "value": cell}
                    )
        observations.append(
            Observation(
                key=key,
                period=period if period is not None else "",
                value=value,
                attributes=attributes,
                line=line,
            )
        )
    return observations
