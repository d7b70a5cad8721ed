"""Frameworks created by analysts: parsing what a page or the API gives into the monitoring
app's ``framework_create``, and the groupings that ship with the platform (EU27_2020, the
euro area)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from d4sme.monitoring.services import framework_create
from d4sme.registry.selectors import economy_group_get
from d4sme.registry.services import economy_group_save

CONTENT = Path(__file__).resolve().parent / "content"


@cache
def known_groupings() -> dict[str, dict]:
    """Return the groupings that ship with the platform, by code."""
    data = json.loads((CONTENT / "groupings.json").read_text(encoding="utf-8"))
    return {g["code"]: g for g in data["groupings"]}


def grouping_for(*, user, code: str, name: str = "", members: dict[str, int | None] | None = None):
    """Return the grouping ``code``: an existing one, one that ships with the platform (saved
    now), or a new one with ``members``; raise ValidationError."""
    if members:
        return economy_group_save(user=user, code=code, name=name or code, members=members)
    group = economy_group_get(code=code)
    if group is not None:
        return group
    shipped = known_groupings().get(code)
    if shipped is None:
        raise ValidationError(
            _("There is no grouping “%(code)s”; give its members to create it.") % {"code": code}
        )
    return economy_group_save(
        user=user, code=code, name=shipped["name"], members=shipped["members"]
    )


def parse_members(text: str) -> dict[str, int | None]:
    """Return members written "AT:1995, BE, DE:1958" as {code: year or None}."""
    members: dict[str, int | None] = {}
    for item in text.replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        iso, _sep, year = item.partition(":")
        try:
            members[iso.strip().upper()] = int(year) if year.strip() else None
        except ValueError as exc:
            raise ValidationError(
                _("“%(item)s” is not CODE or CODE:YEAR.") % {"item": item}
            ) from exc
    return members


def parse_indicators(text: str) -> list[dict]:
    """Return indicators written one a line: code | name | unit | measure | breakdowns."""
    indicators = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0]:
            raise ValidationError(
                _("Indicators, line %(line)s: write code | name | unit | measure | breakdowns.")
                % {"line": number}
            )
        parts += [""] * (5 - len(parts))
        indicators.append(
            {
                "code": parts[0],
                "name": parts[1],
                "unit": parts[2],
                "measure": parts[3] or "percentage",
                "breakdowns": [b.strip() for b in parts[4].split(",") if b.strip()],
            }
        )
    return indicators


def parse_breakdowns(text: str) -> list[dict]:
    """Return breakdowns written one a line: code | name | cat=label; cat=label | additive."""
    breakdowns = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            raise ValidationError(
                _("Breakdowns, line %(line)s: write code | name | cat=label; cat=label.")
                % {"line": number}
            )
        categories = {}
        for item in parts[2].split(";"):
            code, _sep, label = item.partition("=")
            if code.strip():
                categories[code.strip()] = label.strip() or code.strip()
        breakdowns.append(
            {
                "code": parts[0],
                "name": parts[1],
                "categories": categories,
                "additive": len(parts) > 3 and parts[3].lower() in ("additive", "yes", "true"),
            }
        )
    return breakdowns


@transaction.atomic
def framework_from(
    *,
    user,
    code: str,
    name: str,
    start_year: int,
    end_year: int,
    grouping: str,
    grouping_name: str = "",
    members: dict[str, int | None] | None = None,
    indicators: list[dict],
    breakdowns: list[dict] | None = None,
    version: str = "1.0",
    source: str = "",
):
    """Create a framework from plain values (see monitoring's ``framework_create``)."""
    group = grouping_for(user=user, code=grouping, name=grouping_name, members=members)
    return framework_create(
        user=user,
        code=code,
        name=name,
        version=version,
        grouping=group,
        start_year=start_year,
        end_year=end_year,
        indicators=indicators,
        breakdowns=breakdowns,
        source=source,
    )
