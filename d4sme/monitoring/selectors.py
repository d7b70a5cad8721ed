"""What the monitoring pages and the API read: series, progress, reporting status, completeness.

Dashboards, progress and reviews use approved values only: a value counts once the analysts
have approved the economy's report. Reporting status (how far an economy's report is) and
progress status (how far the indicator moved towards its target) are kept apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from . import derived, progress, ranking, regional
from .models import (
    Direction,
    Flag,
    Framework,
    Indicator,
    Measure,
    ReportingCycle,
    Submission,
    SubmissionStatus,
    Target,
    Value,
)
from .rules import focal_economies

if TYPE_CHECKING:
    from d4sme.registry.models import Economy

REGION = ""  # the economy key of the region-wide row


def frameworks_visible(user) -> QuerySet[Framework]:
    frameworks = Framework.objects.select_related("economies")
    if user.has_perm("monitoring.view_framework", None):
        return frameworks
    return frameworks.filter(is_public=True)


def indicators_by_area(framework: Framework):
    """Each priority area with the indicators serving its objectives, in plan order; then
    (area None) the general indicators, which serve the plan as a whole."""
    indicators = list(framework.indicators.prefetch_related("objectives"))
    groups = []
    for area in framework.priority_areas.all():
        members = [
            i for i in indicators if any(o.priority_area_id == area.pk for o in i.objectives.all())
        ]
        groups.append((area, members))
    groups.append((None, [i for i in indicators if not i.objectives.all()]))
    return groups


def economies_of(framework: Framework) -> list[Economy]:
    return list(framework.economies.members.order_by("name"))


def submissions_for(user, framework: Framework | None = None) -> QuerySet[Submission]:
    """The reports a user may open: their economies' as a focal point, all as a reviewer."""
    submissions = Submission.objects.select_related("cycle__framework", "economy")
    if framework is not None:
        submissions = submissions.filter(cycle__framework=framework)
    if user.has_perm("monitoring.review_submission"):
        return submissions
    return submissions.filter(economy_id__in=focal_economies(user))


def approved_totals(
    framework: Framework, *, indicators=None, economies=None, until: int | None = None
) -> dict[tuple[int, str], dict[int, float]]:
    """(indicator id, economy) -> {year: value} of approved, numeric totals."""
    values = Value.objects.filter(
        indicator__framework=framework,
        submission__status=SubmissionStatus.APPROVED,
        dimension="",
        value__isnull=False,
    )
    if indicators is not None:
        values = values.filter(indicator__in=indicators)
    if economies is not None:
        values = values.filter(economy_id__in=economies)
    if until is not None:
        values = values.filter(period__lte=until)
    series: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    for indicator_id, economy_id, period, value in values.order_by().values_list(
        "indicator_id", "economy_id", "period", "value"
    ):
        series[(indicator_id, economy_id)][period] = value
    return series


def estimated_values(
    framework: Framework, *, indicators=None, until: int | None = None
) -> dict[int, set[tuple[str, int]]]:
    """Indicator id -> the (economy, year) of approved totals the economies flagged as estimates."""
    values = Value.objects.filter(
        indicator__framework=framework,
        submission__status=SubmissionStatus.APPROVED,
        dimension="",
        value__isnull=False,
        flag=Flag.ESTIMATED,
    )
    if indicators is not None:
        values = values.filter(indicator__in=indicators)
    if until is not None:
        values = values.filter(period__lte=until)
    found: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for indicator_id, economy_id, period in values.order_by().values_list(
        "indicator_id", "economy_id", "period"
    ):
        found[indicator_id].add((economy_id, period))
    return found


def with_baselines(
    series: dict[str, dict[int, float]], targets: dict[str, Target]
) -> dict[str, dict[int, float]]:
    """Each economy's series with its own baseline as its value for the baseline year (a value
    reported for that year comes first); the region's entry, if any, is left out."""
    found = {e: dict(points) for e, points in series.items() if e != REGION}
    for economy, target in targets.items():
        if economy != REGION:
            found.setdefault(economy, {}).setdefault(target.baseline_year, target.baseline_value)
    return found


@dataclass
class Row:
    """An indicator for one economy (or the region): baseline, target, latest, progress."""

    indicator: Indicator
    economy: str  # "" for the region
    series: dict[int, float]
    target: Target | None
    result: progress.Progress
    economies_counted: dict[int, int] = field(default_factory=dict)
    region: regional.Figure | None = None  # the region's method and coverage

    @property
    def method_text(self) -> str:
        """How the region's figure is computed ("" for an economy)."""
        return self.region.method_text if self.region else ""

    @property
    def coverage_text(self) -> str:
        """Which economies the region's figure rests on ("" for an economy)."""
        return self.region.coverage_text if self.region else ""

    @property
    def coverage_short(self) -> str:
        """The region's coverage and rule, "3 of 21 economies · median" ("" for an economy)."""
        if self.region is None:
            return ""
        if self.region.coverage is None:
            return self.region.method.label
        return f"{self.region.coverage.short} · {self.region.method.label}"

    @property
    def latest(self) -> tuple[int, float] | None:
        return max(self.series.items()) if self.series else None

    @property
    def status_label(self) -> str:
        return self.result.status.label


def _measure(indicator: Indicator, series: dict[int, float], target: Target | None):
    points = dict(series)
    base_year = None
    if target is not None:
        points.setdefault(target.baseline_year, target.baseline_value)
        base_year = target.baseline_year
    return progress.measure(
        points,
        higher_is_better=indicator.direction == Direction.HIGHER,
        base_year=base_year,
        target_year=target.target_year if target else None,
        target_value=target.target_value if target else None,
    )


def progress_rows(
    framework: Framework,
    *,
    indicators=None,
    economies=None,
    region: bool = True,
    until: int | None = None,
) -> list[Row]:
    """Progress of each quantitative indicator for each economy with data, and the region's
    figure over a balanced panel (``regional.figure``); with ``until``, as it stood in that
    year."""
    indicators = list(
        (indicators if indicators is not None else framework.indicators.all()).exclude(
            measure=Measure.QUALITATIVE
        )
    )
    series = approved_totals(framework, indicators=indicators, economies=economies, until=until)
    targets = {
        (t.indicator_id, t.economy_id or REGION): t
        for t in Target.objects.filter(indicator__in=indicators)
    }
    # Each indicator's series and targets per economy, and the economies with either.
    series_of: dict[int, dict[str, dict[int, float]]] = defaultdict(dict)
    for (indicator_id, economy), points in series.items():
        series_of[indicator_id][economy] = points
    targets_of: dict[int, dict[str, Target]] = defaultdict(dict)
    for (indicator_id, economy), target in targets.items():
        if economies is None or economy == REGION or economy in economies:
            targets_of[indicator_id][economy] = target
    economies_of_indicator: dict[int, set[str]] = defaultdict(set)
    for indicator_id, economy in [*series, *targets]:
        if economy != REGION and (economies is None or economy in economies):
            economies_of_indicator[indicator_id].add(economy)
    if region:
        members = [e.code for e in economies_of(framework)]
        estimated = estimated_values(framework, indicators=indicators, until=until)
    rows = []
    for indicator in indicators:
        for economy in sorted(economies_of_indicator[indicator.pk]):
            points = series.get((indicator.pk, economy), {})
            target = targets.get((indicator.pk, economy))
            rows.append(
                Row(indicator, economy, points, target, _measure(indicator, points, target))
            )
        if not region:
            continue
        target = targets.get((indicator.pk, REGION))
        figure = regional.figure(
            indicator,
            with_baselines(series_of[indicator.pk], targets_of[indicator.pk]),
            target=target,
            members=members,
            estimated=estimated.get(indicator.pk, ()),
        )
        if figure is not None and (figure.series or target):
            rows.append(
                Row(
                    indicator,
                    REGION,
                    figure.series,
                    target,
                    figure.result,
                    figure.counted,
                    figure,
                )
            )
    return rows


def progress_history(framework: Framework, indicator: Indicator) -> dict[str, dict[int, str]]:
    """Each economy's (and the region's) progress status as it stood in every reported year.

    One call of the vectorised engine over every observation: a series' base is its baseline
    (or first value), and each year is measured from it towards the series' target. The
    region's year is measured over the economies with values in both years (``regional``).
    """
    series = approved_totals(framework, indicators=[indicator])
    targets = {t.economy_id or REGION: t for t in Target.objects.filter(indicator=indicator)}
    keys, ids, years, values, goals, goal_years = [], [], [], [], [], []
    for n, ((_pk, economy), points) in enumerate(sorted(series.items())):
        target = targets.get(economy)
        points = dict(points)
        if target is not None:
            points.setdefault(target.baseline_year, target.baseline_value)
        keys.append(economy)
        for year, value in points.items():
            ids.append(n)
            years.append(year)
            values.append(value)
            goals.append(target.target_value if target and target.target_year else np.nan)
            goal_years.append(target.target_year if target and target.target_year else 0)
    history: dict[str, dict[int, str]] = defaultdict(dict)
    if ids:
        found = progress.progress_by_period(
            np.array(ids),
            np.array(years),
            np.array(values, dtype=float),
            np.full(len(ids), indicator.direction == Direction.HIGHER),
            np.array(goals, dtype=float),
            np.array(goal_years),
        )
        for n, year, code in zip(ids, years, found["status"], strict=True):
            history[keys[n]][year] = progress.CODES[code]
    region = regional.history(
        indicator,
        with_baselines({e: p for (_i, e), p in series.items()}, targets),
        target=targets.get(REGION),
    )
    if region:
        history[REGION] = region
    return history


@dataclass
class Completeness:
    economy: Economy
    submission: Submission | None
    expected: int
    reported: int
    not_applicable: int

    @property
    def rate(self) -> float | None:
        denominator = self.expected - self.not_applicable
        return round(100 * self.reported / denominator, 1) if denominator > 0 else None

    @property
    def on_time(self) -> bool | None:
        if self.submission is None or self.submission.submitted_at is None:
            return None
        return not self.submission.is_late


def completeness(cycle: ReportingCycle) -> list[Completeness]:
    """Per economy: how many of the plan's indicators its report gives, and whether on time."""
    expected = cycle.framework.indicators.count()
    submissions = {
        s.economy_id: s for s in Submission.objects.filter(cycle=cycle).select_related("cycle")
    }
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"reported": 0, "na": 0})
    for economy_id, flag in (
        Value.objects.filter(submission__cycle=cycle, dimension="")
        .order_by()
        .values_list("economy_id", "flag")
    ):
        if flag == Flag.NOT_APPLICABLE:
            counts[economy_id]["na"] += 1
        elif flag not in (Flag.NOT_AVAILABLE, Flag.NOT_COLLECTED):
            counts[economy_id]["reported"] += 1
    return [
        Completeness(
            economy=economy,
            submission=submissions.get(economy.code),
            expected=expected,
            reported=counts[economy.code]["reported"],
            not_applicable=counts[economy.code]["na"],
        )
        for economy in economies_of(cycle.framework)
    ]


def _shown(value):
    """A number as a reader writes it (120, not 120.0); anything else as it is."""
    return f"{value:,.10g}" if isinstance(value, float) else value


AUDITED = ("value", "text", "flag", "comment", "source", "review_note")


def audit_of(submission: Submission) -> list[dict]:
    """Every change to the report's values, newest first: who, when, what, old and new."""
    records = list(
        Value.history.filter(submission_id=submission.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    codes = dict(submission.cycle.framework.indicators.values_list("pk", "code"))
    previous: dict[int, object] = {}
    changes = []
    for record in records:
        before = previous.get(record.id)
        fields = []
        for name in AUDITED:
            old = getattr(before, name) if before is not None else None
            new = getattr(record, name) if record.history_type != "-" else None
            if old in ("", None) and new in ("", None):
                continue
            if old != new:
                fields.append(
                    {
                        "field": Value._meta.get_field(name).verbose_name,
                        "old": _shown(old),
                        "new": _shown(new),
                    }
                )
        previous[record.id] = record
        changes.append(
            {
                "at": record.history_date,
                "by": record.history_user,
                "kind": record.get_history_type_display(),
                "indicator": codes.get(record.indicator_id, "?"),
                "breakdown": f"{record.dimension}: {record.category}" if record.dimension else "",
                "fields": fields,
            }
        )
    return changes[::-1]


@dataclass
class ReviewRow:
    """One indicator as an analyst reviews it: the report's total beside earlier years."""

    indicator: Indicator
    value: Value | None
    earlier: list[tuple[int, str, bool]]  # (year, value as shown, approved), oldest first


def review_rows(submission: Submission) -> list[ReviewRow]:
    """Every indicator of the report's plan in plan order, with the report's total (None for a
    hole) and the economy's totals of earlier years, as reported in its other reports."""
    current = {
        v.indicator_id: v
        for v in submission.values.filter(dimension="").select_related("indicator")
    }
    earlier: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for value in (
        Value.objects.filter(
            economy_id=submission.economy_id,
            indicator__framework_id=submission.cycle.framework_id,
            period__lt=submission.cycle.period,
            dimension="",
        )
        .select_related("submission")
        .order_by("period")
    ):
        earlier[value.indicator_id].append(
            (value.period, value.display, value.submission.status == SubmissionStatus.APPROVED)
        )
    return [
        ReviewRow(indicator, current.get(indicator.pk), earlier.get(indicator.pk, []))
        for indicator in submission.cycle.framework.indicators.all()
    ]


def thread_of(submission: Submission) -> list:
    """The report's questions, open ones first, each with its answers in order."""
    questions = submission.questions.select_related(
        "indicator", "asked_by", "resolved_by"
    ).prefetch_related("answers__by")
    return sorted(questions, key=lambda q: (not q.is_open, q.created_at, q.pk))


# Page reads: what the monitoring pages show, shaped once here so the views only render.


def region_label() -> str:
    """The label of the region-wide row, in the active language."""
    return gettext("Region")


def general_indicators_by_group(framework: Framework) -> dict[str, list[Indicator]]:
    """The plan's general indicators (serving no objective), grouped by their group name."""
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in framework.indicators.filter(objectives__isnull=True):
        groups[indicator.group].append(indicator)
    return dict(groups)


@dataclass
class DashboardGrid:
    """The dashboard's heat-map cells, its table columns and its rows of progress cells."""

    cells: list[dict]
    columns: list[tuple[str, str]]
    table: list[dict]


def dashboard_grid(
    framework: Framework,
    *,
    area: int | None,
    economy: str | None,
    period: int | None,
    economies: list[Economy],
) -> DashboardGrid:
    """Progress of the quantitative indicators (of one priority area, if given) for one economy
    or for the region and every economy, as of a period (the latest if None)."""
    indicators = framework.indicators.exclude(measure=Measure.QUALITATIVE)
    if area is not None:
        indicators = indicators.filter(objectives__priority_area__number=area).distinct()
    rows = progress_rows(
        framework,
        indicators=indicators,
        economies=[economy] if economy else None,
        region=economy is None,
        until=period,
    )
    names = {e.code: e.name for e in economies}
    cells = [
        {
            "indicator": r.indicator.code,
            "indicator_name": r.indicator.name,
            "economy": names.get(r.economy, region_label()) if r.economy else region_label(),
            "is_region": not r.economy,
            "status": r.result.status.value,
            "latest": r.latest[1] if r.latest else None,
        }
        for r in rows
    ]
    grid: dict[int, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        grid[row.indicator.pk][row.economy] = row
    columns = [(REGION, region_label())] if economy is None else []
    columns += [(e.code, e.code) for e in economies if economy in (None, e.code)]
    table = [
        {"indicator": i, "cells": [grid[i.pk].get(c) for c, _label in columns]}
        for i in indicators
        if i.pk in grid
    ]
    return DashboardGrid(cells=cells, columns=columns, table=table)


def cycle_of(framework: Framework, period: int | None) -> ReportingCycle | None:
    """The framework's reporting cycle of a period, or its latest one if period is None."""
    if period:
        return framework.cycles.filter(period=period).first()
    return framework.cycles.order_by("-period").first()


def periods_of(framework: Framework) -> list[int]:
    """The years of the framework's reporting cycles, oldest first."""
    return list(framework.cycles.order_by("period").values_list("period", flat=True))


@dataclass
class IndicatorProgress:
    """One indicator's progress rows (each labelled), and the series and targets to chart."""

    rows: list[Row]
    lines: dict[str, dict[int, float]]
    targets: dict[str, tuple]


def indicator_progress(
    framework: Framework, indicator: Indicator, *, names: dict[str, str], chosen: str
) -> IndicatorProgress:
    """Progress of one indicator in the region and each economy; the chart keeps the region
    and the chosen economy only, when one is chosen."""
    rows = (
        progress_rows(framework, indicators=Indicator.objects.filter(pk=indicator.pk))
        if indicator.measure != Measure.QUALITATIVE
        else []
    )
    for row in rows:
        row.label = names.get(row.economy, row.economy) if row.economy else region_label()
    shown = [r for r in rows if not chosen or r.economy in (REGION, chosen)]
    lines = {r.label: r.series for r in shown if r.series}
    targets = {
        # the region's target as applied to the economies compared
        r.label: (r.result.target_year, r.result.target_value)
        for r in shown
        if r.result.target_year
    }
    return IndicatorProgress(rows=rows, lines=lines, targets=targets)


def indicator_history_rows(
    framework: Framework, indicator: Indicator, *, names: dict[str, str], years: list[int]
) -> list[dict]:
    """Each economy's (the region first) progress status in every year, as table rows."""
    if indicator.measure == Measure.QUALITATIVE:
        return []
    history = progress_history(framework, indicator)
    return [
        {
            "label": names.get(economy, economy) if economy else region_label(),
            "statuses": [history[economy].get(y) for y in years],
        }
        for economy in sorted(history, key=lambda e: (e != REGION, names.get(e, e)))
    ]


def indicator_platform_rows(
    indicator: Indicator, *, economies: list[Economy], years: list[int]
) -> list[dict]:
    """The values the platform derives for an indicator from its own data, per economy and
    year; only economies with some data."""
    if not indicator.derived_from:
        return []
    platform = derived.derived_values(indicator.derived_from, [e.code for e in economies], years)
    return [
        {"economy": e, "values": [platform[(e.code, y)] for y in years]}
        for e in economies
        if platform and any(platform[(e.code, y)].count for y in years)
    ]


def qualitative_texts(indicator: Indicator) -> QuerySet[Value] | list:
    """The approved texts reported for a qualitative indicator, by economy, latest first."""
    if indicator.measure != Measure.QUALITATIVE:
        return []
    return (
        Value.objects.filter(
            indicator=indicator, submission__status=SubmissionStatus.APPROVED, dimension=""
        )
        .exclude(text="")
        .select_related("economy")
        .order_by("economy__name", "-period")
    )


def reporting_overview(
    user, framework: Framework, *, own: set[str] | list[str], reviewer: bool
) -> tuple[list[dict], list[Submission]]:
    """Each cycle (latest first) with a row per economy the user reports for or reviews, and
    the reports waiting for review."""
    submissions = {(s.cycle_id, s.economy_id): s for s in submissions_for(user, framework)}
    economies = [e for e in economies_of(framework) if reviewer or e.code in own]
    today = timezone.localdate()
    cycles = [
        {
            "cycle": cycle,
            "open": cycle.opens_on <= today,
            "rows": [
                {
                    "economy": e,
                    "submission": submissions.get((cycle.pk, e.code)),
                    "can_start": e.code in own,
                }
                for e in economies
            ],
        }
        for cycle in framework.cycles.order_by("-period")
    ]
    waiting = [s for s in submissions.values() if s.status == SubmissionStatus.SUBMITTED]
    return cycles, waiting


def values_returned(submission: Submission) -> list[Value]:
    """The report's values the analysts sent back with a note."""
    return [v for v in submission.values.select_related("indicator") if v.review_note]


def indicators_missing(submission: Submission, indicators: list[Indicator]) -> list[Indicator]:
    """The indicators among those given for which the report holds no total value."""
    given = {v.indicator_id for v in submission.values.all() if not v.dimension}
    return [i for i in indicators if i.pk not in given]


def proposals_ranked(framework: Framework) -> list[tuple]:
    """The framework's proposals, best linked to its priorities first, each as (ranking, proposal)."""
    proposals = {
        p.pk: p
        for p in framework.proposals.select_related("proponent").prefetch_related("priority_areas")
    }
    if not proposals:
        return []
    objectives = [
        ranking.ObjectiveText(
            code=o.code,
            priority_area=area.number,
            text=ranking.objective_text(area.name, o.name, [i.name for i in o.indicators.all()]),
        )
        for area in framework.priority_areas.prefetch_related("objectives__indicators")
        for o in area.objectives.all()
    ]
    texts = [
        ranking.ProposalText(
            key=p.pk,
            title=p.title,
            objectives=p.objectives,
            description=p.description,
            declared_areas=tuple(a.number for a in p.priority_areas.all()),
            budget=float(p.budget),
            economies_involved=p.economies_involved,
            has_indicators=p.has_indicators,
        )
        for p in proposals.values()
    ]
    return [(r, proposals[r.key]) for r in ranking.rank(texts, objectives)]


def targets_stored(framework: Framework, economy: Economy | None) -> dict[int, Target]:
    """indicator id -> the economy's (or, for None, the region's) baseline and target."""
    return {
        t.indicator_id: t
        for t in Target.objects.filter(indicator__framework=framework, economy=economy)
    }


def indicator_find(*, framework: str, code: str) -> Indicator | None:
    """Return the indicator ``code`` of the framework whose code is ``framework``, if any."""
    return (
        Indicator.objects.select_related("framework")
        .filter(framework__code=framework, code=code)
        .first()
    )


def framework_open_values(*, framework: Framework) -> list[dict]:
    """Return the framework's approved values as open-data rows (economy, indicator,
    disaggregation, period, value, flag, unit, comment)."""
    from .exports import approved_rows

    return approved_rows(framework)
