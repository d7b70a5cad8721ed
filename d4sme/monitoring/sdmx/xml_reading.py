"""Reading SDMX-ML 2.1 messages (data and structure) with sdmx1, safely."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from lxml import etree
from sdmx import message
from sdmx.model import common, v21
from sdmx.reader.xml import v21 as sdmx_xml

from .codes import (
    DATA_ROOTS,
    MESSAGE_NS,
    TIME_PERIOD,
    Observation,
    SdmxError,
    not_a_number,
    obs_value,
)


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


def read_structure(data: bytes) -> v21.DataStructureDefinition:
    """The one data structure definition of an SDMX-ML 2.1 structure message."""
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


def read_xml(data: bytes, dsd: v21.DataStructureDefinition | None) -> list[Observation]:
    """Observations of an SDMX-ML 2.1 data message, generic or structure-specific."""
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
                value = obs_value(obs.value)
            except ValueError:
                where = ", ".join(f"{k}={v}" for k, v in {**key, time_id: period}.items())
                raise not_a_number(where, str(obs.value)) from None
            observations.append(
                Observation(
                    key=key,
                    period=period,
                    value=value,
                    attributes={k: v for k, v in attributes.items() if v != ""},
                )
            )
    return observations
