"""The SDMX vocabulary of a plan: the records read and written, component ids and flags,
the mapping of plan codes to SDMX ids and back, and observations back to rows."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TypedDict

from django.utils.translation import gettext as _


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


# Values


def obs_value(text: object) -> float | None:
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


def not_a_number(where: str, value: str) -> SdmxError:
    """The error for an OBS_VALUE that is not a number, at a place the user can find."""
    return SdmxError(
        _("%(where)s: OBS_VALUE “%(value)s” is not a number.") % {"where": where, "value": value}
    )


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
