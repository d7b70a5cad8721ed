"""SDMX input and output for strategic-plan indicators, on plain data.

Reads data messages published elsewhere or sent back by economies, and writes a plan's
structure and its reported values, without touching the database:

- ``read(data, structure=None)`` reads SDMX-ML 2.1 data (generic or structure-specific, with
  sdmx1) and SDMX-CSV 1.0 / 2.0 (with the csv module: pysdmx's CSV reader needs its ``data``
  extra, pyarrow, and sdmx1 reads only SDMX-CSV 2.x and only with a structure), into
  ``Observation`` records. Anything else raises ``SdmxError`` with a message fit for a user.
- ``structure_message(structure)`` writes the plan's codelists, concepts, data structure and
  dataflow as an SDMX-ML 2.1 structure message, built from sdmx1's model classes.
- ``data_message`` / ``data_csv`` write reported values as SDMX-ML 2.1 structure-specific
  data (sdmx1) or SDMX-CSV 1.0; ``rows_from`` maps observations of such a message back.

Plan codes such as "1.1.1" are not SDMX ids (which allow only ``[A-Za-z0-9_@$-]``):
``sdmx_code`` maps them to ids such as "I1_1_1" and ``plan_code`` maps them back.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypedDict

import sdmx as sdmx1
from django.utils.translation import gettext as _
from lxml import etree
from sdmx import message
from sdmx.model import common, v21
from sdmx.reader.xml import v21 as sdmx_xml
from sdmx.writer.xml import writer as xml_writer

from d4sme.reports.tables import cell_unmark, csv_writer

__all__ = [
    "FLAGS",
    "Observation",
    "Row",
    "SdmxError",
    "Structure",
    "data_csv",
    "data_message",
    "plan_code",
    "read",
    "rows_from",
    "sdmx_code",
    "structure_message",
]


class SdmxError(ValueError):
    """A file or a value that cannot be read or written as SDMX; the message is for users."""


@dataclass(frozen=True)
class Observation:
    """One observation of a data message, with every code as written in it."""

    key: dict[str, str]  # dimension id -> code, without the time dimension
    period: str  # TIME_PERIOD as written ("2012", "1999-01"); "" if the data have no time
    value: float | None  # OBS_VALUE; None when empty or NaN
    attributes: dict[str, str]  # data set, series and observation attributes
    line: int | None = field(default=None, compare=False, repr=False)  # in a CSV file


@dataclass(frozen=True)
class Structure:
    """A plan as SDMX: its codes and their names."""

    agency: str  # "D4SME"
    id: str  # the dataflow id, e.g. "APEC_SMEWG_2021_2024"
    version: str  # "1.0"
    name: str
    economies: dict[str, str]  # ISO alpha-2 code -> name
    indicators: dict[str, str]  # plan code ("1.1.1", "G.1") -> name
    disaggregations: dict[str, str]  # "_T" (total), "SEX_F", ... -> name
    units: dict[str, str]  # unit code -> name


class Row(TypedDict):
    economy: str
    indicator: str  # plan code, "1.1.1"
    disaggregation: str  # "_T" for the total
    period: int
    value: float | None
    flag: str  # "", "E", "P", "M" or "Z"
    unit: str  # a code of Structure.units, or ""
    comment: str


# Observation status: "" (a normal value) is written "A".
FLAGS = {
    "A": "Normal value",
    "E": "Estimated value",
    "P": "Provisional value",
    "M": "Missing value; not available",
    "Z": "Not applicable",
    "L": "Missing value; data exist but were not collected",
}

ECONOMY, INDICATOR, DISAGGREGATION, TIME_PERIOD = (
    "ECONOMY",
    "INDICATOR",
    "DISAGGREGATION",
    "TIME_PERIOD",
)
OBS_VALUE, OBS_STATUS, UNIT_MEASURE, COMMENT = "OBS_VALUE", "OBS_STATUS", "UNIT_MEASURE", "COMMENT"
CSV_COLUMNS = [
    "DATAFLOW",
    ECONOMY,
    INDICATOR,
    DISAGGREGATION,
    TIME_PERIOD,
    OBS_VALUE,
    OBS_STATUS,
    UNIT_MEASURE,
    COMMENT,
]
CONCEPTS = {
    ECONOMY: "Economy",
    INDICATOR: "Indicator",
    DISAGGREGATION: "Disaggregation",
    TIME_PERIOD: "Time period",
    OBS_VALUE: "Observation value",
    OBS_STATUS: "Observation status",
    UNIT_MEASURE: "Unit of measure",
    COMMENT: "Comment",
}

ID_RE = re.compile(r"[A-Za-z0-9_@$\-]+")
NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MISSING = {"", "NaN", "nan", "NAN"}
# Characters XML 1.0 cannot hold, even escaped; dropped from comments
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ACTIONS = {"A", "I", "R", "M"}  # append, information, replace, merge (SDMX-CSV 2.1)
MESSAGE_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
SS_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
DATA_ROOTS = {
    "GenericData",
    "GenericTimeSeriesData",
    "StructureSpecificData",
    "StructureSpecificTimeSeriesData",
}


# Plan codes and SDMX ids


def sdmx_code(code: str) -> str:
    """The SDMX id of an indicator's plan code: "1.1.1" -> "I1_1_1", "G.1" -> "IG_1".

    Letters, digits and "-" are kept, "." becomes "_", and any other character c becomes
    "$" and four hex digits of ord(c) ("@" and six for characters past U+FFFF), so that
    ``plan_code`` gives the code back exactly.
    """
    if not code:
        raise SdmxError(_("An indicator has no code."))
    out = ["I"]
    for char in code:
        if char.isascii() and (char.isalnum() or char == "-"):
            out.append(char)
        elif char == ".":
            out.append("_")
        elif ord(char) <= 0xFFFF:
            out.append(f"${ord(char):04X}")
        else:
            out.append(f"@{ord(char):06X}")
    return "".join(out)


def plan_code(sdmx_id: str) -> str:
    """The plan code of an indicator's SDMX id: "I1_1_1" -> "1.1.1" (see ``sdmx_code``)."""
    bad = SdmxError(_("%(id)s is not the id of an indicator.") % {"id": sdmx_id})
    if not sdmx_id.startswith("I") or len(sdmx_id) < 2:
        raise bad
    out, i = [], 1
    while i < len(sdmx_id):
        char = sdmx_id[i]
        width = {"$": 4, "@": 6}.get(char)
        if width:
            digits = sdmx_id[i + 1 : i + 1 + width]
            if len(digits) != width or not re.fullmatch(r"[0-9A-F]+", digits):
                raise bad
            out.append(chr(int(digits, 16)))
            i += 1 + width
            continue
        if char == "_":
            out.append(".")
        elif char.isascii() and (char.isalnum() or char == "-"):
            out.append(char)
        else:
            raise bad
        i += 1
    return "".join(out)


# Writing


@dataclass
class _Artefacts:
    agency: common.Agency
    codelists: dict[str, common.Codelist]
    concepts: common.ConceptScheme
    dsd: v21.DataStructureDefinition
    dataflow: v21.DataflowDefinition


def _check_id(what: str, code: str) -> None:
    if not isinstance(code, str) or not ID_RE.fullmatch(code):
        raise SdmxError(
            _("%(what)s code “%(code)s” is not an SDMX id (letters, digits, _ @ $ - only).")
            % {"what": what, "code": code}
        )


def _check_dataflow(structure: Structure) -> None:
    _check_id(_("Agency"), structure.agency)
    _check_id(_("Dataflow"), structure.id)
    if not re.fullmatch(r"\d+(\.\d+)*", structure.version or ""):
        raise SdmxError(
            _("Version “%(version)s” is not an SDMX version such as 1.0.")
            % {"version": structure.version}
        )


def _artefacts(structure: Structure) -> _Artefacts:
    """sdmx1 objects for a structure: codelists, concepts, DSD and dataflow."""
    _check_dataflow(structure)
    for what, codes in (
        (_("Economy"), structure.economies),
        (_("Disaggregation"), structure.disaggregations),
        (_("Unit"), structure.units),
    ):
        for code in codes:
            _check_id(what, code)

    agency = common.Agency(id=structure.agency)
    maintained = {
        "maintainer": agency,
        "version": structure.version,
        "is_final": False,
        "is_external_reference": False,
    }

    def codelist(cl_id: str, name: str, codes: Iterable[common.Code]) -> common.Codelist:
        result = common.Codelist(id=cl_id, name=name, **maintained)
        for code in codes:
            result.append(code)
        return result

    indicator_codes = []
    for code, name in structure.indicators.items():
        indicator_codes.append(
            common.Code(
                id=sdmx_code(code), name=f"{code} {name}".strip(), description=f"Plan code {code}"
            )
        )
    codelists = {
        "CL_ECONOMY": codelist(
            "CL_ECONOMY",
            "Economies",
            (common.Code(id=c, name=n or c) for c, n in structure.economies.items()),
        ),
        "CL_INDICATOR": codelist("CL_INDICATOR", "Indicators", indicator_codes),
        "CL_DISAGG": codelist(
            "CL_DISAGG",
            "Disaggregations",
            (common.Code(id=c, name=n or c) for c, n in structure.disaggregations.items()),
        ),
        "CL_OBS_STATUS": codelist(
            "CL_OBS_STATUS",
            "Observation status",
            (common.Code(id=c, name=n) for c, n in FLAGS.items()),
        ),
        "CL_UNIT": codelist(
            "CL_UNIT",
            "Units of measure",
            (common.Code(id=c, name=n or c) for c, n in structure.units.items()),
        ),
    }

    concepts = common.ConceptScheme(id="CS_D4SME", name="Concepts", **maintained)
    for concept_id, name in CONCEPTS.items():
        concepts.append(common.Concept(id=concept_id, name=name))

    def enumerated(cl_id: str) -> common.Representation:
        return common.Representation(enumerated=codelists[cl_id])

    def text(value_type: common.FacetValueType) -> common.Representation:
        return common.Representation(non_enumerated=[common.Facet(value_type=value_type)])

    dsd = v21.DataStructureDefinition(id=f"DSD_{structure.id}", name=structure.name, **maintained)
    dsd.dimensions.id = "DimensionDescriptor"
    dsd.attributes.id = "AttributeDescriptor"
    dsd.measures.id = "MeasureDescriptor"
    for position, (dim_id, cl_id) in enumerate(
        ((ECONOMY, "CL_ECONOMY"), (INDICATOR, "CL_INDICATOR"), (DISAGGREGATION, "CL_DISAGG")),
        start=1,
    ):
        dsd.dimensions.append(
            common.Dimension(
                id=dim_id,
                order=position,
                concept_identity=concepts.get(dim_id),
                local_representation=enumerated(cl_id),
            )
        )
    dsd.dimensions.append(
        common.TimeDimension(
            id=TIME_PERIOD,
            order=4,
            concept_identity=concepts.get(TIME_PERIOD),
            local_representation=text(common.FacetValueType.observationalTimePeriod),
        )
    )
    dsd.measures.append(
        v21.PrimaryMeasure(
            id=OBS_VALUE,
            concept_identity=concepts.get(OBS_VALUE),
            local_representation=text(common.FacetValueType.double),
        )
    )
    for attr_id, representation in (
        (OBS_STATUS, enumerated("CL_OBS_STATUS")),
        (UNIT_MEASURE, enumerated("CL_UNIT")),
        (COMMENT, text(common.FacetValueType.string)),
    ):
        dsd.attributes.append(
            common.DataAttribute(
                id=attr_id,
                concept_identity=concepts.get(attr_id),
                local_representation=representation,
                related_to=v21.PrimaryMeasureRelationship(),
                usage_status=common.UsageStatus.conditional,
            )
        )
    dataflow = v21.DataflowDefinition(
        id=structure.id, name=structure.name, structure=dsd, **maintained
    )
    return _Artefacts(agency, codelists, concepts, dsd, dataflow)


def _header(artefacts: _Artefacts, prefix: str) -> message.Header:
    now = datetime.now(UTC).replace(microsecond=0)
    return message.Header(
        id=f"{prefix}_{artefacts.dataflow.id}_{now:%Y%m%dT%H%M%S}",
        prepared=now,
        sender=artefacts.agency,
        test=False,
    )


def structure_message(structure: Structure) -> bytes:
    """The plan's codelists, concept scheme, DSD and dataflow as an SDMX-ML 2.1 message."""
    artefacts = _artefacts(structure)
    msg = message.StructureMessage(header=_header(artefacts, "STR"))
    for codelist in artefacts.codelists.values():
        msg.add(codelist)
    msg.add(artefacts.concepts)
    msg.add(artefacts.dsd)
    msg.add(artefacts.dataflow)
    try:
        return sdmx1.to_xml(msg, pretty_print=True)
    except ValueError as exc:  # lxml refuses text XML cannot hold
        raise SdmxError(
            _("The structure cannot be written as SDMX-ML: %(error)s") % {"error": exc}
        ) from exc


def _number(value: float) -> str:
    """A number as written in SDMX: 12 rather than 12.0, otherwise Python's shortest form."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


class _Checked(TypedDict):
    series: tuple[str, str, str]
    period: str
    value: str | None
    flag: str
    unit: str
    comment: str


def _checked_rows(structure: Structure, rows: Iterable[Row]) -> Iterable[_Checked]:
    """Rows with SDMX codes, checked against the structure; raise SdmxError on the first bad one."""
    indicator_ids = {code: sdmx_code(code) for code in structure.indicators}
    seen: set[tuple[str, str, str, str]] = set()
    for number, row in enumerate(rows, start=1):

        def bad(field_name: str, value: object, *, number: int = number) -> SdmxError:
            return SdmxError(
                _("Row %(row)d: %(field)s “%(value)s” is not in the structure.")
                % {"row": number, "field": field_name, "value": value}
            )

        economy, disaggregation = row["economy"], row["disaggregation"] or "_T"
        if economy not in structure.economies:
            raise bad("economy", economy)
        indicator = indicator_ids.get(row["indicator"])
        if indicator is None:
            raise bad("indicator", row["indicator"])
        if disaggregation not in structure.disaggregations:
            raise bad("disaggregation", disaggregation)
        flag = row.get("flag") or "A"
        if flag not in FLAGS:
            raise bad("flag", flag)
        unit = row.get("unit") or ""
        if unit and unit not in structure.units:
            raise bad("unit", unit)
        period = str(row["period"])
        if not re.fullmatch(r"\d{4}", period):
            raise SdmxError(
                _("Row %(row)d: period “%(value)s” is not a year.")
                % {"row": number, "value": period}
            )
        value = row.get("value")
        text = None
        if value is not None:
            try:
                value = float(value)
            except (TypeError, ValueError):
                value = math.inf
            if math.isinf(value):
                raise SdmxError(
                    _("Row %(row)d: value “%(value)s” is not a number.")
                    % {"row": number, "value": row.get("value")}
                )
            if not math.isnan(value):
                text = _number(value)
        key = (economy, indicator, disaggregation, period)
        if key in seen:
            raise SdmxError(
                _("Row %(row)d repeats %(economy)s, %(indicator)s, %(disaggregation)s, %(period)s.")
                % {
                    "row": number,
                    "economy": economy,
                    "indicator": row["indicator"],
                    "disaggregation": disaggregation,
                    "period": period,
                }
            )
        seen.add(key)
        yield {
            "series": (economy, indicator, disaggregation),
            "period": period,
            "value": text,
            "flag": flag,
            "unit": unit,
            "comment": NOT_XML.sub("", row.get("comment") or ""),
        }


def data_message(structure: Structure, rows: Iterable[Row]) -> bytes:
    """Rows as SDMX-ML 2.1 structure-specific data, one series per economy, indicator and
    disaggregation, written by sdmx1 from its DataMessage; missing values have no OBS_VALUE."""
    artefacts = _artefacts(structure)
    dsd = artefacts.dsd
    measure = dsd.measures.get(OBS_VALUE)
    time_dimension = dsd.dimensions.get(TIME_PERIOD)
    attribute = {a.id: a for a in dsd.attributes}
    dataset = v21.StructureSpecificDataSet(structured_by=dsd, described_by=artefacts.dataflow)

    # Keys and coded attribute values are shared between observations: they are only read
    # when the message is written, and sharing them saves most of the time for large sets.
    series: dict[tuple[str, str, str], tuple[common.SeriesKey, list]] = {}
    periods: dict[str, common.Key] = {}
    coded: dict[tuple[str, str], common.AttributeValue] = {}

    def attribute_value(attr_id: str, value: str) -> common.AttributeValue:
        found = coded.get((attr_id, value))
        if found is None:
            found = coded[attr_id, value] = common.AttributeValue(
                value=value, value_for=attribute[attr_id]
            )
        return found

    for row in _checked_rows(structure, rows):
        entry = series.get(row["series"])
        if entry is None:
            economy, indicator, disaggregation = row["series"]
            key = dsd.make_key(
                common.SeriesKey,
                {ECONOMY: economy, INDICATOR: indicator, DISAGGREGATION: disaggregation},
            )
            entry = series[row["series"]] = (key, [])
        period = periods.get(row["period"])
        if period is None:
            period = periods[row["period"]] = common.Key(
                [common.KeyValue(id=TIME_PERIOD, value=row["period"], value_for=time_dimension)]
            )
        attached = {OBS_STATUS: attribute_value(OBS_STATUS, row["flag"])}
        if row["unit"]:
            attached[UNIT_MEASURE] = attribute_value(UNIT_MEASURE, row["unit"])
        if row["comment"]:
            attached[COMMENT] = common.AttributeValue(
                value=row["comment"], value_for=attribute[COMMENT]
            )
        entry[1].append(
            v21.Observation(
                series_key=entry[0],
                dimension=period,
                value_for=measure,
                value=row["value"],
                attached_attribute=attached,
            )
        )
    for key, observations in series.values():
        dataset.series[key] = observations

    msg = message.DataMessage(
        header=_header(artefacts, "DATA"),
        data=[dataset],
        dataflow=artefacts.dataflow,
        observation_dimension=time_dimension,
    )
    try:
        root = xml_writer.recurse(msg)  # what sdmx.to_xml() serialises
    except ValueError as exc:  # lxml refuses text XML cannot hold
        raise SdmxError(
            _("The data cannot be written as SDMX-ML: %(error)s") % {"error": exc}
        ) from exc
    root = _complete_structure_specific(root, dsd)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _complete_structure_specific(
    root: etree._Element, dsd: v21.DataStructureDefinition
) -> etree._Element:
    """Add what the SDMX-ML 2.1 schema requires of structure-specific data and sdmx1 omits:
    the namespace in the header, and ss:structureRef, ss:dataScope, xsi:type on data sets."""
    namespace = (
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
        f"{dsd.maintainer.id}:{dsd.id}({dsd.version}):ObsLevelDim:{TIME_PERIOD}"
    )
    for structure in root.iter(f"{{{MESSAGE_NS}}}Structure"):
        structure.set("namespace", namespace)
    for dataset in root.iter(f"{{{MESSAGE_NS}}}DataSet"):
        dataset.set(f"{{{SS_NS}}}structureRef", dataset.attrib.pop("structureRef", dsd.id))
        dataset.set(f"{{{SS_NS}}}dataScope", "DataStructure")
        dataset.set(f"{{{XSI_NS}}}type", "ns1:DataSetType")
    # lxml cannot declare a namespace on an existing element: declare the prefix of the
    # xsi:type value on a new root, and move the header and data sets into it.
    complete = etree.Element(root.tag, nsmap={**root.nsmap, "ns1": namespace})
    complete.extend(list(root))
    return complete


def data_csv(structure: Structure, rows: Iterable[Row]) -> str:
    """Rows as SDMX-CSV 1.0 (comma-separated, CRLF line ends, missing values empty)."""
    _check_dataflow(structure)
    dataflow = f"{structure.agency}:{structure.id}({structure.version})"
    out = io.StringIO()
    # Comments are free text: written so that a spreadsheet never runs one as a formula.
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _checked_rows(structure, rows):
        writer.writerow(
            [
                dataflow,
                *row["series"],
                row["period"],
                row["value"] or "",
                row["flag"],
                row["unit"],
                row["comment"],
            ]
        )
    return out.getvalue()


# Reading


def read(data: bytes, *, structure: bytes | None = None) -> list[Observation]:
    """Observations of an SDMX-ML 2.1 data message or an SDMX-CSV 1.0 / 2.0 file.

    ``structure`` is an SDMX-ML 2.1 structure message holding the data's DSD; structure-
    specific data need it to tell dimensions from attributes (without it, sdmx1 guesses),
    and with it SDMX-CSV columns are classified by the DSD rather than by their position
    (before OBS_VALUE: dimensions; after: attributes). Raises SdmxError, and nothing else.
    """
    if isinstance(data, str):
        data = data.encode()
    try:
        dsd = _read_structure(structure) if structure else None
        start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start.startswith(b"<"):
            return _read_xml(data, dsd)
        if start.startswith((b"{", b"[")):
            raise SdmxError(_("SDMX-JSON is not supported; send SDMX-ML or SDMX-CSV."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SdmxError(
                _("This is not an SDMX data message: it is neither XML nor UTF-8 text.")
            ) from exc
        return _read_csv(text, dsd)
    except SdmxError:
        raise
    except Exception as exc:  # the libraries raise anything on bad input
        raise SdmxError(_("The SDMX message cannot be read: %(error)s") % {"error": exc}) from exc


def _xml_guard(data: bytes) -> None:
    # SDMX-ML has no DTD; refusing any keeps entity expansion out of the parser.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SdmxError(_("This is not an SDMX message: it declares a DTD."))


def _root(data: bytes) -> etree.QName:
    try:
        for _event, element in etree.iterparse(io.BytesIO(data), events=("start",)):
            return etree.QName(element)
    except etree.XMLSyntaxError as exc:
        raise SdmxError(_("The XML is malformed or cut short: %(error)s") % {"error": exc}) from exc
    raise SdmxError(_("The XML is empty."))


def _read_structure(data: bytes) -> v21.DataStructureDefinition:
    if isinstance(data, str):
        data = data.encode()
    _xml_guard(data)
    root = _root(data)
    if root.localname != "Structure" or root.namespace != MESSAGE_NS:
        raise SdmxError(
            _("The structure is not an SDMX-ML 2.1 structure message: its root is <%(root)s>.")
            % {"root": root.localname}
        )
    msg = _parse_xml(data)
    structures = list(getattr(msg, "structure", {}).values())
    if not structures:
        raise SdmxError(_("The structure message has no data structure definition."))
    if len(structures) > 1:
        # Prefer the DSD a dataflow points to, if there is exactly one dataflow
        flows = list(getattr(msg, "dataflow", {}).values())
        if len(flows) == 1 and flows[0].structure in structures:
            return flows[0].structure
        raise SdmxError(
            _("The structure message has several data structure definitions: %(ids)s.")
            % {"ids": ", ".join(s.id for s in structures)}
        )
    return structures[0]


def _parse_xml(data: bytes, **kwargs) -> message.Message:
    reader = sdmx_xml.Reader()
    # When a message fails, sdmx1 prints everything read so far to standard output, for
    # debugging: megabytes for a large message. Not here.
    reader._dump = lambda: None
    try:
        return reader.convert(io.BytesIO(data), **kwargs)
    except Exception as exc:
        # sdmx1 stops at the first element it cannot place, which for a file cut short may
        # be a truncated tag: check the XML itself to say what is wrong.
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        try:
            etree.fromstring(data, parser)
        except etree.XMLSyntaxError as syntax:
            raise SdmxError(
                _("The XML is malformed or cut short: %(error)s") % {"error": syntax}
            ) from exc
        raise SdmxError(_("The SDMX message cannot be read: %(error)s") % {"error": exc}) from exc


def _text(value: object) -> str:
    """A code or value of sdmx1 as text (codes may come as Code objects)."""
    if isinstance(value, common.Item):
        return value.id
    if isinstance(value, common.InternationalString):
        return value.localized_default() or ""
    return "" if value is None else str(value)


def _value(text: object) -> float | None:
    """OBS_VALUE as a number, None when missing; raise ValueError if it is not a number."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return None if math.isnan(text) else float(text)
    text = str(text).strip()
    if text in MISSING:
        return None
    if not NUMBER_RE.fullmatch(text):
        raise ValueError(text)
    return float(text)


def _not_a_number(where: str, value: str) -> SdmxError:
    return SdmxError(
        _("%(where)s: OBS_VALUE “%(value)s” is not a number.") % {"where": where, "value": value}
    )


def _read_xml(data: bytes, dsd: v21.DataStructureDefinition | None) -> list[Observation]:
    _xml_guard(data)
    root = _root(data)
    if root.namespace == MESSAGE_NS and root.localname == "Structure":
        raise SdmxError(_("This is an SDMX structure message, not a data message."))
    if root.namespace == MESSAGE_NS and root.localname == "Error":
        raise SdmxError(_("This is an SDMX error message, not a data message."))
    if root.namespace != MESSAGE_NS and "sdmx.org" in (root.namespace or ""):
        raise SdmxError(
            _("Only SDMX-ML 2.1 is supported; this message uses %(namespace)s.")
            % {"namespace": root.namespace}
        )
    if root.namespace != MESSAGE_NS or root.localname not in DATA_ROOTS:
        raise SdmxError(
            _("This is not an SDMX data message: its root element is <%(root)s>.")
            % {"root": root.localname}
        )
    msg = _parse_xml(data, **({"structure": dsd} if dsd is not None else {}))
    if not isinstance(msg, message.DataMessage):
        raise SdmxError(_("This is not an SDMX data message."))

    observations = []
    for dataset in msg.data:
        structured_by = dataset.structured_by or dsd
        time_id = TIME_PERIOD
        if structured_by is not None:
            for dimension in structured_by.dimensions:
                if isinstance(dimension, common.TimeDimension):
                    time_id = dimension.id
        dataset_attributes = {k: _text(v.value) for k, v in dataset.attrib.items()}
        series_cache: dict[int, tuple[dict[str, str], dict[str, str]]] = {}
        for obs in dataset.obs:
            series_key = obs.series_key
            cached = series_cache.get(id(series_key))
            if cached is None:
                key: dict[str, str] = {}
                attributes = dict(dataset_attributes)
                if series_key is not None:
                    key = {k: _text(kv.value) for k, kv in series_key.values.items()}
                    for group_key in getattr(obs, "group_keys", ()) or ():
                        attributes.update({k: _text(v.value) for k, v in group_key.attrib.items()})
                    attributes.update({k: _text(v.value) for k, v in series_key.attrib.items()})
                cached = series_cache[id(series_key)] = (key, attributes)
            key = dict(cached[0])
            if obs.dimension is not None:
                key.update({k: _text(kv.value) for k, kv in obs.dimension.values.items()})
            period = key.pop(time_id, "")
            attributes = dict(cached[1])
            attributes.update({k: _text(v.value) for k, v in obs.attached_attribute.items()})
            try:
                value = _value(obs.value)
            except ValueError:
                where = ", ".join(f"{k}={v}" for k, v in {**key, time_id: period}.items())
                raise _not_a_number(where, str(obs.value)) from None
            observations.append(
                Observation(
                    key=key,
                    period=period,
                    value=value,
                    attributes={k: v for k, v in attributes.items() if v != ""},
                )
            )
    return observations


# SDMX-CSV

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


def _read_csv(text: str, dsd: v21.DataStructureDefinition | None) -> list[Observation]:
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
                    value = _value(cell)
                except ValueError:
                    raise _not_a_number(_("Line %(line)d") % {"line": line}, cell) from None
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


# Back to rows


def _where(obs: Observation) -> str:
    if obs.line:
        return _("Line %(line)d") % {"line": obs.line}
    return ", ".join([*(f"{k}={v}" for k, v in obs.key.items()), obs.period])


def rows_from(structure: Structure, observations: list[Observation]) -> list[Row]:
    """Rows of observations in the structure's codes (as read from our own messages).

    The indicator's SDMX id becomes its plan code again, status "A" becomes the flag "", and
    a missing DISAGGREGATION dimension means the total "_T". Attributes that sdmx1 took for
    dimensions (structure-specific data read without its structure) are found in the key.
    Raises SdmxError naming the observation for a code not in the structure or a period
    that is not a year.
    """
    indicators = {sdmx_code(code): code for code in structure.indicators}
    rows: list[Row] = []
    for obs in observations:

        def get(component: str, obs: Observation = obs) -> str:
            return obs.key.get(component) or obs.attributes.get(component) or ""

        def bad(component: str, value: str, obs: Observation = obs) -> SdmxError:
            where = _where(obs)
            if not value:
                return SdmxError(
                    _("%(where)s: %(component)s is missing.")
                    % {"where": where, "component": component}
                )
            return SdmxError(
                _("%(where)s: %(component)s “%(value)s” is not in the structure.")
                % {"where": where, "component": component, "value": value}
            )

        economy = get(ECONOMY)
        if economy not in structure.economies:
            raise bad(ECONOMY, economy)
        indicator_id = get(INDICATOR)
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise bad(INDICATOR, indicator_id)
        disaggregation = get(DISAGGREGATION) or "_T"
        if disaggregation not in structure.disaggregations:
            raise bad(DISAGGREGATION, disaggregation)
        status = get(OBS_STATUS) or "A"
        if status not in FLAGS:
            raise bad(OBS_STATUS, status)
        unit = get(UNIT_MEASURE)
        if unit and unit not in structure.units:
            raise bad(UNIT_MEASURE, unit)
        period = re.fullmatch(r"(\d{4})(-A1)?", obs.period)
        if not period:
            raise SdmxError(
                _("%(where)s: period “%(value)s” is not a year.")
                % {"where": _where(obs), "value": obs.period}
            )
        rows.append(
            {
                "economy": economy,
                "indicator": indicator,
                "disaggregation": disaggregation,
                "period": int(period[1]),
                "value": obs.value,
                "flag": "" if status == "A" else status,
                "unit": unit,
                "comment": get(COMMENT),
            }
        )
    return rows
