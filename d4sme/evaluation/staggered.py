"""Callaway–Sant'Anna difference in differences for cohorts that start at different times.

An adapter around moderndid (pinned in pyproject): the rest of the platform passes plain
arrays and gets plain numbers back, so the library can be swapped or cross-checked without
touching the app. Every option that changed results between implementations (control group,
base period, estimation method, balanced panel) is explicit and returned with the result.
Standard errors are the analytic ones from the influence functions, so a re-run gives the
same numbers (the multiplier bootstrap would not without a seed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import version

import numpy as np
from scipy import stats

AGGREGATIONS = ("simple", "group", "dynamic", "calendar")


@dataclass
class Cell:
    """One estimate: an ATT(g, t) cell or one row of an aggregation."""

    aggregation: str  # "gt", "simple", "group", "dynamic", "calendar"
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    g: int | None = None
    t: int | None = None
    e: int | None = None
    n_treated: int | None = None


@dataclass
class StaggeredResult:
    cells: list[Cell]
    pretrend_p: float | None
    n_units: int
    options: dict = field(default_factory=dict)

    def overall(self, aggregation: str) -> Cell:
        return next(
            c
            for c in self.cells
            if c.aggregation == aggregation and c.g is None and c.t is None and c.e is None
        )

    def rows(self, aggregation: str) -> list[Cell]:
        return [
            c
            for c in self.cells
            if c.aggregation == aggregation
            and (aggregation == "gt" or c.g is not None or c.t is not None or c.e is not None)
        ]


def library_versions() -> dict[str, str]:
    return {name: version(name) for name in ("moderndid", "statsmodels", "numpy", "scipy")}


def _num(x) -> float:
    x = float(x)
    return x if np.isfinite(x) else float("nan")


def callaway_santanna(
    unit: np.ndarray,
    time: np.ndarray,
    group: np.ndarray,
    outcome: np.ndarray,
    *,
    control_group: str = "nevertreated",
    base_period: str = "varying",
    est_method: str = "dr",
    alpha: float = 0.05,
) -> StaggeredResult:
    """ATT(g, t) for every cohort g (first period treated; 0 = never) and period t, and the
    simple, group, dynamic and calendar aggregations, with analytic standard errors and
    pointwise confidence intervals.
    """
    import moderndid
    import pandas as pd

    if control_group not in ("nevertreated", "notyettreated"):
        raise ValueError("control_group must be 'nevertreated' or 'notyettreated'")
    frame = pd.DataFrame(
        {
            "unit": np.asarray(unit),
            "time": np.asarray(time).astype(np.int64),
            "group": np.asarray(group).astype(np.int64),
            "y": np.asarray(outcome, dtype=float),
        }
    )
    result = moderndid.att_gt(
        frame,
        "y",
        "time",
        idname="unit",
        gname="group",
        est_method=est_method,
        control_group=control_group,
        base_period=base_period,
        boot=False,
        cband=False,
        alp=alpha,
    )
    z = float(stats.norm.ppf(1 - alpha / 2))
    sizes = frame.drop_duplicates("unit").groupby("group").size().to_dict()
    cells: list[Cell] = []
    for g, t, att, se in zip(result.groups, result.times, result.att_gt, result.se_gt, strict=True):
        att, se = _num(att), _num(se)
        cells.append(
            Cell(
                "gt",
                att,
                se,
                att - z * se,
                att + z * se,
                g=int(g),
                t=int(t),
                n_treated=int(sizes.get(int(g), 0)),
            )
        )
    for kind in AGGREGATIONS:
        agg = moderndid.aggte(result, type=kind, boot=False, cband=False)
        att, se = _num(agg.overall_att), _num(agg.overall_se)
        cells.append(Cell(kind, att, se, att - z * se, att + z * se))
        if kind == "simple" or agg.event_times is None:
            continue
        for key, a, s in zip(agg.event_times, agg.att_by_event, agg.se_by_event, strict=True):
            a, s = _num(a), _num(s)
            cell = Cell(kind, a, s, a - z * s, a + z * s)
            if kind == "group":
                cell.g = int(key)
                cell.n_treated = int(sizes.get(int(key), 0))
            elif kind == "dynamic":
                cell.e = int(key)
            else:
                cell.t = int(key)
            cells.append(cell)
    pretrend = result.wald_pvalue
    pretrend = None if pretrend is None or not np.isfinite(pretrend) else float(pretrend)
    options = {
        "control_group": control_group,
        "base_period": base_period,
        "est_method": est_method,
        "alpha": alpha,
        "standard_errors": "analytic",
        "balanced_panel": True,
    }
    return StaggeredResult(cells, pretrend, int(result.n_units), options)
