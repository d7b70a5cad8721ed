"""KPI frameworks as starting content: every ``content/*.yaml`` plan, loaded idempotently.

``d4sme load-content`` loads the APEC SMEWG Strategic Plan 2021-2024 whole: its priority
areas, objectives, indicators (an indicator may serve several objectives), general
indicators, reporting cycles and planned reviews. A framework that has reported values keeps
its indicators' codes; a revised plan is a new file with a new framework code.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from d4sme.core.content import ContentError, Tally, read_yaml, upsert
from d4sme.registry.selectors import economy_group_get, organisations_by_code, vocabulary_terms

from .models import (
    Aggregation,
    Dimension,
    Direction,
    Framework,
    Indicator,
    Measure,
    Objective,
    PriorityArea,
    ReportingCycle,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
FRAMEWORK_KEYS = {
    "code", "name", "version", "owner", "economies", "start_year", "end_year", "source",
    "vision", "reporting_note", "is_public", "review_schedule", "cycles",
}  # fmt: skip
INDICATOR_KEYS = {
    "code", "name", "definition", "measure", "unit", "direction", "aggregation",
    "disaggregations", "minimum", "maximum", "derived_from", "also_serves", "source",
}  # fmt: skip
DERIVED = {"", "programmes", "smes_supported", "smes_assessed", "digital_adoption"}


def _date(value, where: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(f"{where}: not a date: {value!r}") from exc


def _indicator_values(entry: dict, where: str) -> dict:
    unknown = set(entry) - INDICATOR_KEYS
    if unknown:
        raise ContentError(f"{where}: unknown keys {sorted(unknown)}")
    for key, choices in (
        ("measure", Measure.values),
        ("direction", Direction.values),
        ("aggregation", Aggregation.values),
    ):
        if key in entry and entry[key] not in choices:
            raise ContentError(f"{where}.{key}: {entry[key]!r} is not one of {choices}")
    if "measure" not in entry:
        raise ContentError(f"{where}: measure is required")
    dimensions = entry.get("disaggregations") or []
    bad = [d for d in dimensions if d not in Dimension.values]
    if bad:
        raise ContentError(f"{where}.disaggregations: unknown {bad}; use {Dimension.values}")
    if entry.get("derived_from", "") not in DERIVED:
        raise ContentError(
            f"{where}.derived_from: {entry['derived_from']!r} is not one of {sorted(DERIVED)}"
        )
    return {
        "name": entry["name"],
        "definition": entry.get("definition", ""),
        "measure": entry["measure"],
        "unit": entry.get("unit", ""),
        "direction": entry.get("direction", Direction.HIGHER),
        "aggregation": entry.get("aggregation", Aggregation.SUM),
        "disaggregations": dimensions,
        "minimum": entry.get("minimum"),
        "maximum": entry.get("maximum"),
        "derived_from": entry.get("derived_from", ""),
        "source": entry.get("source", ""),
    }


def framework_load(path: Path, tally: Tally) -> Framework:
    data = read_yaml(path) or {}
    where = path.name
    spec = data.get("framework") or {}
    unknown = set(spec) - FRAMEWORK_KEYS
    if unknown:
        raise ContentError(f"{where}: framework: unknown keys {sorted(unknown)}")
    try:
        group = economy_group_get(code=spec["economies"])
    except KeyError as exc:
        raise ContentError(f"{where}: framework.{exc.args[0]} is required") from exc
    if group is None:
        raise ContentError(f"{where}: no economy grouping {spec['economies']!r}")
    owner = organisations_by_code().get(spec["owner"]) if spec.get("owner") else None
    if spec.get("owner") and owner is None:
        raise ContentError(f"{where}: no organisation {spec['owner']!r}")
    framework = upsert(
        Framework,
        {"code": spec["code"]},
        {
            "name": spec["name"],
            "version": str(spec["version"]),
            "owner": owner,
            "economies": group,
            "start_year": spec["start_year"],
            "end_year": spec["end_year"],
            "source": spec.get("source", ""),
            "vision": spec.get("vision", ""),
            "reporting_note": spec.get("reporting_note", ""),
            "is_public": spec.get("is_public", True),
            "review_schedule": spec.get("review_schedule") or [],
        },
        tally,
        "frameworks",
    )
    for i, cycle in enumerate(spec.get("cycles") or []):
        upsert(
            ReportingCycle,
            {"framework": framework, "period": cycle["period"]},
            {
                "opens_on": _date(cycle["opens_on"], f"{where}: cycles[{i}]"),
                "closes_on": _date(cycle["closes_on"], f"{where}: cycles[{i}]"),
            },
            tally,
            "reporting cycles",
        )
    terms = {t.code: t for t in vocabulary_terms(vocabulary="apec-priority-areas")}
    objectives: dict[str, Objective] = {}
    serves: list[tuple[Indicator, list[str], str]] = []
    seen_codes: set[str] = set()
    position = 0

    def indicator_load(entry: dict, at: str, group: str = "") -> Indicator:
        nonlocal position
        code = str(entry.get("code", ""))
        if not code or code in seen_codes:
            raise ContentError(f"{at}: indicator code {code!r} is missing or repeated")
        seen_codes.add(code)
        position += 1
        values = _indicator_values(entry, at) | {"group": group, "position": position}
        return upsert(
            Indicator, {"framework": framework, "code": code}, values, tally, "indicators"
        )

    for a, area_entry in enumerate(data.get("priority_areas") or []):
        at = f"{where}: priority_areas[{a}]"
        term = None
        if area_entry.get("term"):
            term = terms.get(area_entry["term"])
            if term is None:
                raise ContentError(f"{at}: no term {area_entry['term']!r} in apec-priority-areas")
        area = upsert(
            PriorityArea,
            {"framework": framework, "number": area_entry["number"]},
            {
                "name": area_entry["name"],
                "term": term,
                "success_factors": area_entry.get("success_factors", "").strip(),
            },
            tally,
            "priority areas",
        )
        for o, objective_entry in enumerate(area_entry.get("objectives") or []):
            at_o = f"{at}.objectives[{o}]"
            objective = upsert(
                Objective,
                {"priority_area": area, "code": str(objective_entry["code"])},
                {"name": objective_entry["name"].strip()},
                tally,
                "objectives",
            )
            objectives[objective.code] = objective
            for i, entry in enumerate(objective_entry.get("indicators") or []):
                indicator = indicator_load(entry, f"{at_o}.indicators[{i}]")
                serves.append(
                    (indicator, [objective.code, *map(str, entry.get("also_serves") or [])], at_o)
                )
    for g, group_entry in enumerate(data.get("general_indicators") or []):
        for i, entry in enumerate(group_entry.get("indicators") or []):
            indicator_load(
                entry, f"{where}: general_indicators[{g}].indicators[{i}]", group_entry["group"]
            )
    for indicator, codes, at in serves:
        missing = [c for c in codes if c not in objectives]
        if missing:
            raise ContentError(
                f"{at}: indicator {indicator.code} serves unknown objectives {missing}"
            )
        wanted = {objectives[c].pk for c in codes}
        if set(indicator.objectives.values_list("pk", flat=True)) != wanted:
            indicator.objectives.set(wanted)
            tally["indicator objectives set"] += 1
    return framework


@transaction.atomic
def content_load() -> Tally:
    tally = Tally()
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        framework_load(path, tally)
    return tally
