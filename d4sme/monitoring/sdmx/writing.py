"""Writing a plan's structure and its reported values as SDMX-ML 2.1 and SDMX-CSV 1.0."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

import sdmx as sdmx1
from django.utils.translation import gettext as _
from lxml import etree
from sdmx import message
from sdmx.model import common, v21
from sdmx.writer.xml import writer as xml_writer

from d4sme.reports.tables import csv_writer

from .codes import (
    COMMENT,
    CONCEPTS,
    CSV_COLUMNS,
    DISAGGREGATION,
    ECONOMY,
    FLAGS,
    ID_RE,
    INDICATOR,
    MESSAGE_NS,
    NOT_XML,
    OBS_STATUS,
    OBS_VALUE,
    SS_NS,
    TIME_PERIOD,
    UNIT_MEASURE,
    XSI_NS,
    Row,
    SdmxError,
    Structure,
    sdmx_code,
)


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
