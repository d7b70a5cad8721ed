"""The region's figure for an indicator: one computation for dashboards, reviews, API and SDMX.

A regional figure compares two years, so it is computed over a **balanced panel**: only the
economies with a value in both years. Summing 15 economies' baselines and setting one economy's
latest value against them measures who reported, not progress. Each figure carries its method
and its coverage in words, so that a reader sees what it rests on.

- **The years.** The base year is the region's baseline year when the region has a target,
  else the first year any economy has a value; an economy's own baseline counts as its value
  for that year, as it does for the economy's own progress. The compared year is the latest
  year in which at least one economy with a base value also has a value.
- **The rule** is the indicator's aggregation: a sum, or a mean that weights each economy
  equally. Percentages never add up across economies, so a percentage marked "sum" takes the
  median; "weighted" takes the median too, since the plan states no weight for it. "Not
  aggregable" gives no regional figure.
- **The target.** A regional target is a level for the whole region. For a sum it is applied
  as growth: the panel must grow by the factor the region's target asks of its stated baseline
  (the required growth rate is unchanged). For a mean or median the target is a level already
  comparable with the panel's.

``figure`` gives the latest comparison and its progress; ``history`` gives the status as it
stood in every year, each year over its own balanced panel, in one call of the vectorised
engine.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np
from django.utils.translation import gettext, ngettext

from . import progress
from .models import Aggregation, Direction, Indicator, Measure, Target

SUM, MEAN, MEDIAN = "sum", "mean", "median"


@dataclass(frozen=True)
class Method:
    """How economies' values combine into the region's: ``rule`` is sum, mean or median."""

    rule: str
    reason: str  # "" when the plan's own rule is used; else why the median replaces it

    @property
    def label(self) -> str:
        """The rule in a word or two, in the active language."""
        return {
            SUM: gettext("sum"),
            MEAN: gettext("mean"),
            MEDIAN: gettext("median"),
        }[self.rule]

    @property
    def text(self) -> str:
        """The method in one sentence, in the active language."""
        if self.rule == SUM:
            return gettext(
                "Sum of the economies' values, over the same economies in both years compared."
            )
        if self.rule == MEAN:
            return gettext(
                "Mean of the economies' values, each economy weighted equally, over the same "
                "economies in both years compared."
            )
        if self.reason == "weighted":
            return gettext(
                "Median of the economies' values, over the same economies in both years "
                "compared: the plan asks for a weighted mean but states no weight, so the "
                "median is used."
            )
        return gettext(
            "Median of the economies' values, over the same economies in both years compared: "
            "percentages do not add up across economies, so the median is used rather than a "
            "sum."
        )


def method_of(indicator: Indicator) -> Method | None:
    """The rule the region's figure follows, or None when the indicator is not aggregable."""
    if indicator.aggregation == Aggregation.NONE or indicator.measure == Measure.QUALITATIVE:
        return None
    if indicator.aggregation == Aggregation.WEIGHTED:
        return Method(MEDIAN, "weighted")
    if indicator.measure == Measure.PERCENTAGE and indicator.aggregation == Aggregation.SUM:
        return Method(MEDIAN, "not_additive")
    return Method(SUM if indicator.aggregation == Aggregation.SUM else MEAN, "")


def combine(rule: str, values: list[float]) -> float:
    """The region's value from its economies' values by ``rule``."""
    if rule == SUM:
        return math.fsum(values)
    if rule == MEAN:
        return statistics.fmean(values)
    return float(statistics.median(values))


@dataclass(frozen=True)
class Panel:
    """One comparison: the region's value in ``base_year`` and in ``year``, over ``economies``."""

    base_year: int
    year: int
    economies: tuple[str, ...]
    base_value: float
    value: float


def panels(
    by_economy: Mapping[str, Mapping[int, float]], rule: str, base_year: int | None = None
) -> list[Panel]:
    """Every comparison from the base year, one per year with at least one economy in both.

    ``by_economy`` is {economy: {year: value}}; the base year is ``base_year`` or, by default,
    the first year any economy has a value. The first panel compares the base year with itself.
    """
    years = sorted({year for points in by_economy.values() for year in points})
    if base_year is None:
        if not years:
            return []
        base_year = years[0]
    based = {e: points for e, points in by_economy.items() if base_year in points}
    found = []
    for year in [base_year, *(y for y in years if y > base_year)]:
        economies = tuple(sorted(e for e, points in based.items() if year in points))
        if economies:
            found.append(
                Panel(
                    base_year,
                    year,
                    economies,
                    combine(rule, [based[e][base_year] for e in economies]),
                    combine(rule, [based[e][year] for e in economies]),
                )
            )
    return found


@dataclass(frozen=True)
class Coverage:
    """Which economies a comparison rests on, out of the plan's economies."""

    base_year: int
    year: int
    economies: tuple[str, ...]  # in the panel: a value in both years
    one_year_only: tuple[str, ...]  # a value in one of the two years: left out
    members: int  # the economies that report on the plan
    estimated: int  # of the panel's values, those the economies flagged as estimates

    @property
    def neither(self) -> int:
        """How many economies have a value in neither of the two years."""
        return max(0, self.members - len(self.economies) - len(self.one_year_only))

    @property
    def short(self) -> str:
        """The panel as a count of the plan's economies ("3 of 21 economies"), translated."""
        return ngettext(
            "%(count)s of %(members)s economy", "%(count)s of %(members)s economies", self.members
        ) % {"count": len(self.economies), "members": self.members}

    @property
    def text(self) -> str:
        """Coverage in one sentence: who is in the panel, who is left out and why."""
        parts = [
            ngettext(
                "%(short)s, with values for both %(base_year)s and %(year)s",
                "%(short)s, with values for both %(base_year)s and %(year)s",
                len(self.economies),
            )
            % {"short": self.short, "base_year": self.base_year, "year": self.year}
        ]
        left_out = []
        if self.one_year_only:
            left_out.append(
                ngettext(
                    "%(count)s reported only one of the two years (%(codes)s)",
                    "%(count)s reported only one of the two years (%(codes)s)",
                    len(self.one_year_only),
                )
                % {"count": len(self.one_year_only), "codes": ", ".join(self.one_year_only)}
            )
        if self.neither:
            left_out.append(
                ngettext(
                    "%(count)s reported neither year",
                    "%(count)s reported neither year",
                    self.neither,
                )
                % {"count": self.neither}
            )
        if left_out:
            parts.append(gettext("left out: %(list)s") % {"list": ", ".join(left_out)})
        if self.estimated:
            parts.append(
                ngettext(
                    "%(count)s value is an estimate",
                    "%(count)s values are estimates",
                    self.estimated,
                )
                % {"count": self.estimated}
            )
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class Figure:
    """The region's figure for one indicator: method, comparison, coverage and progress."""

    method: Method
    panel: Panel | None
    coverage: Coverage | None
    result: progress.Progress
    target_note: str = ""

    @property
    def series(self) -> dict[int, float]:
        """The two values compared, by year (empty without a comparison)."""
        if self.panel is None or self.panel.year == self.panel.base_year:
            return {}
        return {self.panel.base_year: self.panel.base_value, self.panel.year: self.panel.value}

    @property
    def counted(self) -> dict[int, int]:
        """How many economies each of the two values rests on (the same number)."""
        return {year: len(self.panel.economies) for year in self.series}

    @property
    def method_text(self) -> str:
        """The method, and how the region's target was applied, in the active language."""
        return " ".join(t for t in (self.method.text, self.target_note) if t)

    @property
    def coverage_text(self) -> str:
        return self.coverage.text if self.coverage else ""


def _applied_target(method: Method, target: Target | None, base_value: float):
    """(target year, target value as applied to a panel whose base is ``base_value``)."""
    if target is None or target.target_year is None:
        return None, None
    if (
        method.rule == SUM
        and target.baseline_value != 0
        and (target.baseline_value > 0) == (base_value > 0)
    ):
        return target.target_year, base_value * target.target_value / target.baseline_value
    return target.target_year, target.target_value


def _target_note(method: Method, target: Target | None, panel: Panel | None, applied) -> str:
    if panel is None or applied is None or target is None or target.target_year is None:
        return ""
    if applied == target.target_value:
        return gettext(
            "The region's target, %(target)s for %(target_year)s, is compared with this figure."
        ) % {
            "target": progress.format_number(target.target_value),
            "target_year": target.target_year,
        }
    return gettext(
        "The region's target, %(target)s for %(target_year)s from %(baseline)s in "
        "%(baseline_year)s, is applied as the same growth to these economies' %(base_year)s "
        "total of %(base)s: %(applied)s."
    ) % {
        "target": progress.format_number(target.target_value),
        "target_year": target.target_year,
        "baseline": progress.format_number(target.baseline_value),
        "baseline_year": target.baseline_year,
        "base_year": panel.base_year,
        "base": progress.format_number(panel.base_value),
        "applied": progress.format_number(applied),
    }


def _coverage(panel: Panel, by_economy, members: Collection[str], estimated) -> Coverage:
    one_year_only = tuple(
        sorted(
            e
            for e, points in by_economy.items()
            if (panel.base_year in points) != (panel.year in points)
        )
    )
    return Coverage(
        base_year=panel.base_year,
        year=panel.year,
        economies=panel.economies,
        one_year_only=one_year_only,
        members=len(set(members) | set(by_economy)),
        estimated=sum(
            (e, y) in estimated for e in panel.economies for y in {panel.base_year, panel.year}
        ),
    )


def figure(
    indicator: Indicator,
    by_economy: Mapping[str, Mapping[int, float]],
    *,
    target: Target | None,
    members: Collection[str],
    estimated: Collection[tuple[str, int]] = (),
) -> Figure | None:
    """The region's latest comparison and its progress, or None when it is not aggregable.

    ``by_economy`` holds each economy's values by year, its own baseline included; ``target``
    is the region's; ``members`` the economies that report on the plan; ``estimated`` the
    (economy, year) values flagged as estimates.
    """
    method = method_of(indicator)
    if method is None:
        return None
    base_year = target.baseline_year if target is not None else None
    found = panels(by_economy, method.rule, base_year)
    higher = indicator.direction == Direction.HIGHER
    panel = found[-1] if len(found) > 1 else None
    if panel is None:
        target_year, target_value = _applied_target(method, target, 0.0)
        result = progress.measure(
            {}, higher_is_better=higher, target_year=target_year, target_value=target_value
        )
        if base_year is not None or by_economy:
            first = base_year if base_year is not None else min(min(p) for p in by_economy.values())
            result = replace(
                result,
                reason=gettext("No economy has values for both %(base_year)s and a later year")
                % {"base_year": first},
            )
        return Figure(method, None, None, result)
    target_year, target_value = _applied_target(method, target, panel.base_value)
    result = progress.measure(
        {panel.base_year: panel.base_value, panel.year: panel.value},
        higher_is_better=higher,
        base_year=panel.base_year,
        target_year=target_year,
        target_value=target_value,
    )
    return Figure(
        method,
        panel,
        _coverage(panel, by_economy, members, set(estimated)),
        result,
        _target_note(method, target, panel, target_value),
    )


def history(
    indicator: Indicator,
    by_economy: Mapping[str, Mapping[int, float]],
    *,
    target: Target | None,
) -> dict[int, progress.Status]:
    """The region's status as it stood in each year, each over its own balanced panel.

    The base year itself is not available (fewer than two values) unless it meets the target,
    as for an economy.
    """
    method = method_of(indicator)
    if method is None:
        return {}
    found = panels(by_economy, method.rule, target.baseline_year if target else None)
    if not found:
        return {}
    applied = [_applied_target(method, target, p.base_value) for p in found]
    result = progress.measure_arrays(
        np.array([p.base_value for p in found]),
        np.array([p.base_year for p in found]),
        np.array([p.value for p in found]),
        np.array([p.year for p in found]),
        indicator.direction == Direction.HIGHER,
        np.array([np.nan if v is None else v for _y, v in applied], dtype=float),
        np.array([0 if y is None else y for y, _v in applied]),
    )
    return {p.year: progress.CODES[code] for p, code in zip(found, result["status"], strict=True)}
