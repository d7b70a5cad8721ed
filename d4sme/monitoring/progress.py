"""Progress of an indicator towards its target: the Open SDG / Statistics Canada progress measure.

This follows ``sdg/ProgressMeasure.py`` of open-sdg/sdg-build (the ``SeriesProgress`` class),
with the thresholds taken from ``settings.MONITORING_PROGRESS_THRESHOLDS``:

- Growth is the compound annual growth rate between the base and the latest value,
  ``CAGR = (current / base) ** (1 / (current_year - base_year)) - 1``.
- **Without a target** the progress value is ``sign * direction * CAGR``, where direction is
  +1 when higher is better and -1 when lower is better, and sign is -1 when the base value is
  negative (so that a negative series moving up counts as growth); it is compared with
  (1.5%, 0.5%, 0): substantial, moderate, limited progress, below 0 deterioration.
- **With a target** the target is achieved when the latest value meets it (``>=`` when higher
  is better, ``<=`` when lower is better). Otherwise the progress value is the ratio
  ``sign * direction * CAGR / |CAGR required|``, the required rate being the one that takes
  the base value to the target by the target year, compared with (0.95, 0.6, 0).
- A score in [-5, 5] goes with the status, with the source's piecewise-linear functions (which
  it hard-codes for the default thresholds): 5 when the target is achieved.

Edge cases, as the source handles them: a target of 0 is replaced by 0.001, and so is a base
value of 0 (for the growth only; the sign of a zero base is +1); base and latest values of
opposite signs, or fewer than two values (latest year not after the base year), give no
progress. As in the source, "target achieved" is decided on the latest value alone and comes
first: a series whose only value already meets its target has achieved it.

Where the source fails or returns nonsense, this module decides: a target year not after the
base year (the source divides by zero; the models require targets after baselines), or a
target of the opposite sign to the base value (the source takes a fractional power of a
negative number and carries on with a complex number), gives no progress; a required growth of
0 (a target equal to the base value, which the latest value has moved away from; the source
divides by zero) gives the ratio -inf: deterioration, score -5. Duplicate years are an error,
as in the source.

Thresholds are (high, medium, low) for each method, in that order; an explicit ``thresholds``
mapping ({"without_target": (...), "with_target": (...)}, either or both) overrides the
settings. As in the source, the score functions stay those of the default thresholds, so with
other thresholds a score may fall outside its status's usual band.

``measure`` handles one series, ``measure_arrays`` many (one row each, numpy) and
``progress_by_period`` every observation of many series against each series' first
observation. ``measure`` runs the very same array code on one row, so the three agree exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ZERO_REPLACEMENT = 0.001  # the source's stand-in for a zero base or target value
METHODS = ("without_target", "with_target")


class Status(models.TextChoices):
    TARGET_ACHIEVED = "target_achieved", _("Target achieved")
    SUBSTANTIAL = "substantial", _("Substantial progress")
    MODERATE = "moderate", _("Moderate progress")
    LIMITED = "limited", _("Limited progress")
    DETERIORATION = "deterioration", _("Deterioration")
    NOT_AVAILABLE = "not_available", _("Not available")


# The int8 codes of the array functions: index into CODES.
CODES = [
    Status.TARGET_ACHIEVED,
    Status.SUBSTANTIAL,
    Status.MODERATE,
    Status.LIMITED,
    Status.DETERIORATION,
    Status.NOT_AVAILABLE,
]
ACHIEVED, SUBSTANTIAL, MODERATE, LIMITED, DETERIORATION, NOT_AVAILABLE = range(len(CODES))

# Why there is no progress (``Progress.reason``); codes are internal.
REASONS = [
    "",
    _("No values"),
    _("No value in or after the base year"),
    _("A value is not a finite number"),
    _("Fewer than two values"),
    _("The base and latest values have opposite signs"),
    _("The target year is not after the base year"),
    _("The base and target values have opposite signs"),
]
(
    _R_NONE,
    _R_NO_VALUES,
    _R_NO_BASE,
    _R_NOT_FINITE,
    _R_FEWER_THAN_TWO,
    _R_OPPOSITE_SIGNS,
    _R_TARGET_YEAR,
    _R_TARGET_SIGN,
) = range(len(REASONS))

Thresholds = tuple[float, float, float]


def thresholds_for(
    thresholds: Mapping[str, Iterable[float]] | None = None,
) -> dict[str, Thresholds]:
    """The (high, medium, low) thresholds of both methods: ``thresholds`` over the settings'."""
    merged = dict(settings.MONITORING_PROGRESS_THRESHOLDS)
    if thresholds:
        unknown = set(thresholds) - set(METHODS)
        if unknown:
            raise ValueError(f"Unknown progress methods in thresholds: {sorted(unknown)}")
        merged.update(thresholds)
    result = {}
    for method in METHODS:
        high, med, low = (float(x) for x in merged[method])
        if not high >= med >= low:
            raise ValueError(f"Thresholds for {method} must be high >= medium >= low.")
        result[method] = (high, med, low)
    return result


# -- numbers for people ---------------------------------------------------------------------


def format_number(x: float) -> str:
    """About four significant digits, in the active language's format."""
    if math.isinf(x):
        return "−∞" if x < 0 else "∞"
    if x == 0:
        return number_format(0)
    if not 1e-4 <= abs(x) < 1e9:
        return f"{x:.3g}"
    decimals = min(6, max(0, 3 - math.floor(math.log10(abs(x)))))
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), decimal_pos=max(0, len(text.partition(".")[2])))


def _percent(x: float) -> str:
    if math.isinf(x):
        return format_number(x)
    return number_format(round(x * 100, 1), decimal_pos=1) + "%"


def _ratio(x: float) -> str:
    if math.isinf(x):
        return format_number(x)
    return number_format(round(x, 2), decimal_pos=2)


# -- one series ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """The progress of one series and the numbers it was decided on.

    ``observed_cagr`` and ``required_cagr`` are the plain growth rates (not direction-adjusted);
    ``ratio`` is the direction-adjusted ratio compared with the thresholds when there is a
    target, ``value`` whichever number was compared. Values are as given (a zero base or
    target is replaced by 0.001 in the arithmetic only).
    """

    status: Status
    score: float | None
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target_year: int | None
    target_value: float | None
    higher_is_better: bool
    observed_cagr: float | None
    required_cagr: float | None
    ratio: float | None
    thresholds: Thresholds
    method: str
    reason: str = ""

    @property
    def value(self) -> float | None:
        """The number compared with the thresholds (None when there is none)."""
        if self.method == "with_target":
            return self.ratio
        if self.observed_cagr is None or self.base_value is None:
            return None
        sign = -1.0 if self.base_value < 0 else 1.0
        return sign * (1.0 if self.higher_is_better else -1.0) * self.observed_cagr

    def _comparison(self) -> str:
        """``≥ 0.6`` or ``< 0``: the threshold that decided the status, as symbols and numbers."""
        high, med, low = self.thresholds
        fmt = _ratio if self.method == "with_target" else _percent
        if self.status == Status.SUBSTANTIAL:
            return f"≥ {fmt(high)}"
        if self.status == Status.MODERATE:
            return f"≥ {fmt(med)}"
        if self.status == Status.LIMITED:
            return f"≥ {fmt(low)}"
        return f"< {fmt(low)}"

    @property
    def explanation(self) -> str:
        """One sentence, in the active language, showing how the status was reached."""
        status = str(self.status.label)
        if self.status == Status.TARGET_ACHIEVED:
            return gettext(
                "The latest value, %(current_value)s in %(current_year)s, meets the target of "
                "%(target_value)s for %(target_year)s: %(status)s."
            ) % {
                "current_value": format_number(self.current_value),
                "current_year": self.current_year,
                "target_value": format_number(self.target_value),
                "target_year": self.target_year,
                "status": status,
            }
        if self.status == Status.NOT_AVAILABLE:
            return gettext("%(status)s: %(reason)s.") % {"status": status, "reason": self.reason}
        if self.method == "with_target" and self.ratio is not None and math.isinf(self.ratio):
            return gettext(
                "The target of %(target_value)s for %(target_year)s equals the base value, so "
                "no growth was required and the ratio of observed to required growth is not "
                "defined; the latest value, %(current_value)s in %(current_year)s, has moved "
                "away from it: %(status)s."
            ) % {
                "target_value": format_number(self.target_value),
                "target_year": self.target_year,
                "current_value": format_number(self.current_value),
                "current_year": self.current_year,
                "status": status,
            }
        if self.method == "with_target":
            return gettext(
                "Observed growth %(observed)s a year against %(required)s required to reach "
                "%(target_value)s by %(target_year)s: ratio %(ratio)s %(comparison)s, %(status)s."
            ) % {
                "observed": _percent(self.observed_cagr),
                "required": _percent(self.required_cagr),
                "target_value": format_number(self.target_value),
                "target_year": self.target_year,
                "ratio": _ratio(self.ratio),
                "comparison": self._comparison(),
                "status": status,
            }
        values = {
            "observed": _percent(self.observed_cagr),
            "value": _percent(self.value),
            "base_value": format_number(self.base_value),
            "base_year": self.base_year,
            "current_value": format_number(self.current_value),
            "current_year": self.current_year,
            "comparison": self._comparison(),
            "status": status,
        }
        if self.value == self.observed_cagr:
            return (
                gettext(
                    "Observed growth %(observed)s a year from %(base_value)s in %(base_year)s to "
                    "%(current_value)s in %(current_year)s: %(observed)s %(comparison)s, "
                    "%(status)s."
                )
                % values
            )
        if not self.higher_is_better:
            return (
                gettext(
                    "Observed growth %(observed)s a year from %(base_value)s in %(base_year)s to "
                    "%(current_value)s in %(current_year)s; lower is better, so it counts as "
                    "%(value)s: %(value)s %(comparison)s, %(status)s."
                )
                % values
            )
        return (
            gettext(
                "Observed growth %(observed)s a year from %(base_value)s in %(base_year)s to "
                "%(current_value)s in %(current_year)s; the values are negative, so it counts as "
                "%(value)s: %(value)s %(comparison)s, %(status)s."
            )
            % values
        )

    def __str__(self) -> str:
        return str(self.status.label)


def _points(series) -> list[tuple[int, float]]:
    """(year, value) pairs with a value, in year order; duplicate years are an error."""
    items = series.items() if isinstance(series, Mapping) else series
    points = [(int(year), float(value)) for year, value in items if value is not None]
    points.sort()
    for (year, _v), (next_year, _w) in zip(points, points[1:], strict=False):
        if year == next_year:
            raise ValueError(f"More than one value for {year}.")
    return points


def measure(
    series: Mapping[int, float | None] | Iterable[tuple[int, float | None]],
    *,
    higher_is_better: bool = True,
    base_year: int | None = None,
    target_year: int | None = None,
    target_value: float | None = None,
    thresholds: Mapping[str, Iterable[float]] | None = None,
) -> Progress:
    """The progress of one series of ``{year: value}`` (or (year, value) pairs).

    The base is the value of ``base_year`` (or, as in the source, of the first later year with
    a value when that year has none), by default the first year with a value; the current value
    is that of the latest year with a value. None values are ignored; two values for one year
    are a ValueError, and so is a target value without a target year or the other way round.
    """
    if (target_value is None) != (target_year is None):
        raise ValueError("A target needs both a value and a year.")
    method = "without_target" if target_value is None else "with_target"
    applied = thresholds_for(thresholds)
    points = _points(series)
    empty = {
        "status": Status.NOT_AVAILABLE,
        "score": None,
        "base_year": None,
        "base_value": None,
        "current_year": None,
        "current_value": None,
        "target_year": target_year,
        "target_value": None if target_value is None else float(target_value),
        "higher_is_better": bool(higher_is_better),
        "observed_cagr": None,
        "required_cagr": None,
        "ratio": None,
        "thresholds": applied[method],
        "method": method,
    }
    if not points:
        return Progress(**empty, reason=REASONS[_R_NO_VALUES])
    current_year, current_value = points[-1]
    empty.update(current_year=current_year, current_value=current_value)
    base = points[0]
    if base_year is not None:
        later = [p for p in points if p[0] >= base_year]
        if not later:
            return Progress(**empty, reason=REASONS[_R_NO_BASE])
        base = later[0]
    result = _evaluate(
        np.array([base[1]]),
        np.array([base[0]]),
        np.array([current_value]),
        np.array([current_year]),
        np.array([bool(higher_is_better)]),
        np.array([np.nan if target_value is None else float(target_value)]),
        np.array([np.nan if target_year is None else float(target_year)]),
        applied,
        reasons=True,
    )

    def number(key: str) -> float | None:
        x = float(result[key][0])
        return None if math.isnan(x) else x

    return Progress(
        **{
            **empty,
            "status": CODES[int(result["status"][0])],
            "score": number("score"),
            "base_year": base[0],
            "base_value": base[1],
            "observed_cagr": number("observed_cagr"),
            "required_cagr": number("required_cagr"),
            "ratio": number("ratio"),
        },
        reason=REASONS[int(result["reason"][0])],
    )


# -- many series -----------------------------------------------------------------------------


BLOCK = 1 << 15  # rows evaluated at a time, so that temporaries stay in the CPU's caches


def _evaluate(
    base_value,
    base_year,
    current_value,
    current_year,
    higher_is_better,
    target_value,
    target_year,
    thresholds: dict[str, Thresholds],
    *,
    reasons: bool = False,
    series: np.ndarray | None = None,
    series_offset: int = 0,
) -> dict[str, np.ndarray]:
    """The progress measure, element by element; ``measure`` calls it on one row.

    With ``series``, ``base_value`` and ``base_year`` are tables by series and row i's base is
    entry ``series[i] - series_offset`` of them, looked up a block at a time.
    """
    per_row = [
        np.asarray(current_value, dtype=np.float64),
        np.asarray(current_year),
        np.asarray(higher_is_better, dtype=bool),
        np.asarray(target_value, dtype=np.float64),
        np.asarray(target_year),
    ]
    if series is None:
        per_row = [np.asarray(base_value, dtype=np.float64), np.asarray(base_year), *per_row]
    else:
        per_row.append(series)
        base_table = np.asarray(base_value, dtype=np.float64)
        base_year_table = np.asarray(base_year)
    inputs = np.broadcast_arrays(*per_row)
    shape = inputs[0].shape
    inputs = [x.reshape(-1) for x in inputs]
    n = inputs[0].size
    out = {
        "status": np.empty(n, dtype=np.int8),
        "score": np.empty(n),
        "observed_cagr": np.empty(n),
        "required_cagr": np.empty(n),
        "ratio": np.empty(n),
    }
    if reasons:
        out["reason"] = np.empty(n, dtype=np.int8)
    with np.errstate(all="ignore"):
        for start in range(0, n, BLOCK):
            rows = slice(start, min(start + BLOCK, n))
            block = [x[rows] for x in inputs]
            if series is not None:
                *block, at = block
                if series_offset:
                    at = at - series_offset
                block = [base_table[at], base_year_table[at], *block]
            _evaluate_block(*block, thresholds, {k: v[rows] for k, v in out.items()})
    return {key: value.reshape(shape) for key, value in out.items()}


# The score is min(max(slope x value + intercept, floor), ceiling), by status code (plus 6 with
# a target): the source's functions, which it hard-codes for the default thresholds. When the
# target is achieved, 0 x value + 5 may be NaN but fmax(NaN, 5) is 5; not available is NaN.
_SCORE = np.array(
    [
        # slope, intercept, floor, ceiling
        [0.0, 5.0, 5.0, 5.0],  # without a target: (never achieved)
        [500.0, -5.0, -np.inf, 5.0],  # substantial
        [250.0, -1.25, -np.inf, np.inf],  # moderate
        [500.0, -2.5, -np.inf, np.inf],  # limited
        [125.0, -2.5, -5.0, np.inf],  # deterioration
        [np.nan] * 4,  # not available
        [0.0, 5.0, 5.0, 5.0],  # with a target: target achieved
        [7.1429, -4.2857, -np.inf, 5.0],  # substantial
        [7.1429, -4.2857, -np.inf, 5.0],  # moderate
        [4.1667, -2.5, -5.0, np.inf],  # limited
        [4.1667, -2.5, -5.0, np.inf],  # deterioration
        [np.nan] * 4,  # not available
    ]
).T.copy()


def _evaluate_block(b, t0, c, t, higher, target, target_t, thresholds, out) -> None:
    """``_evaluate`` on one block of rows, into ``out``'s views.

    Rows in random order make any choice per row (``np.where``, masked assignment) a
    mispredicted branch, so choices are arithmetic where they can be: x + 0.0 is x and
    x / 1.0 is x exactly, 0.0 / 0.0 is NaN. Masked assignments are kept for rare masks.
    """
    w_high, w_med, w_low = thresholds["with_target"]
    o_high, o_med, o_low = thresholds["without_target"]
    t0 = t0.astype(np.float64, copy=False)
    span = t.astype(np.float64, copy=False) - t0
    target_span = target_t.astype(np.float64, copy=False) - t0

    has_target = ~np.isnan(target)
    no_target = ~has_target
    with_target = has_target.astype(np.float64)  # 1.0 or 0.0
    lower = ~higher
    # The source's stand-in for a zero target or base value.
    target = target + (target == 0.0).astype(np.float64) * ZERO_REPLACEMENT
    b_eff = b + (b == 0.0).astype(np.float64) * ZERO_REPLACEMENT
    achieved = has_target & ((higher & (c >= target)) | (lower & (c <= target)))
    negative_base = b < 0.0
    # sign x direction: -1 when exactly one of "base negative" and "lower is better".
    sign = (negative_base != higher).astype(np.float64)
    sign *= 2.0
    sign -= 1.0

    positive_base = b_eff > 0.0
    opposite = (positive_base & (c < 0.0)) | (negative_base & (c > 0.0))
    finite = np.isfinite(b) & np.isfinite(c)
    observed_ok = finite & (span >= 1.0) & ~opposite
    observed = out["observed_cagr"]
    # Not in place: on one row in place numpy's power takes another code path than on a
    # block, which can differ in the last bit, and ``measure`` is one row.
    np.power(c / b_eff, 1.0 / span, out=observed)
    observed -= 1.0
    observed[~observed_ok] = np.nan

    # Rows without a target take 1 ** 1 rather than NaN ** NaN, which numpy's vectorised power
    # handles slowly: fmax with -1 leaves a valid base and exponent (> 0) as they are.
    neutral = 1.0 - 2.0 * with_target  # -1.0 with a target, 1.0 without
    required = out["required_cagr"]
    np.power(np.fmax(target / b_eff, neutral), np.fmax(1.0 / target_span, neutral), out=required)
    required -= 1.0  # 0.0 without a target
    target_opposite = (positive_base & (target < 0.0)) | (negative_base & (target > 0.0))
    required_ok = has_target & np.isfinite(b) & (target_span > 0.0) & ~target_opposite
    bad_target = has_target & ~required_ok

    # The value compared with the thresholds: with a target the ratio to the required growth,
    # without one the directed growth (divided by |0.0| + 1.0).
    directed = sign * observed
    value = directed / (np.abs(required) + (1.0 - with_target))
    value[has_target & (required == 0.0) & observed_ok] = -np.inf
    value[bad_target] = np.nan
    required[bad_target] = np.nan
    missing = 0.0 / with_target  # 0.0 with a target, NaN without
    required += missing
    np.add(value, missing, out=out["ratio"])

    # The source's chain of comparisons; the thresholds are in order (``thresholds_for``),
    # so the status is 4 (deterioration) less one for each threshold reached; NaN reaches
    # none and is one more (not available); achieved is 0.
    reached_low = (has_target & (value >= w_low)) | (no_target & (value >= o_low))
    reached_med = (has_target & (value >= w_med)) | (no_target & (value >= o_med))
    reached_high = (has_target & (value >= w_high)) | (no_target & (value >= o_high))
    status = out["status"]
    status.fill(DETERIORATION)
    status -= reached_low.view(np.int8)
    status -= reached_med.view(np.int8)
    status -= reached_high.view(np.int8)
    status += np.isnan(value).view(np.int8)
    status *= (~achieved).view(np.int8)

    code = (status + 6 * has_target.view(np.int8)).astype(np.intp)
    slope, intercept, floor, ceiling = (table.take(code) for table in _SCORE)
    score = out["score"]
    np.multiply(slope, value, out=score)
    score += intercept
    np.fmax(score, floor, out=score)
    np.fmin(score, ceiling, out=score)

    if "reason" in out:
        reason = out["reason"]
        reason.fill(_R_NONE)
        problems = [
            (has_target & ~required_ok & ~(target_span > 0.0), _R_TARGET_YEAR),
            (has_target & ~required_ok & target_opposite, _R_TARGET_SIGN),
            (~observed_ok & opposite, _R_OPPOSITE_SIGNS),
            (~observed_ok & ~(span >= 1.0), _R_FEWER_THAN_TWO),
            (~finite, _R_NOT_FINITE),
        ]
        for problem, code in problems:  # the last that applies wins
            reason[problem] = code
        reason[status != NOT_AVAILABLE] = _R_NONE


def measure_arrays(
    base_value,
    base_year,
    current_value,
    current_year,
    higher_is_better,
    target_value,
    target_year,
    thresholds: Mapping[str, Iterable[float]] | None = None,
) -> dict[str, np.ndarray]:
    """``measure`` for equal-length arrays, one series per element, exactly as ``measure``.

    ``target_value`` NaN means no target. Returns int8 ``status`` codes (index into
    ``CODES``), and float64 ``score``, ``observed_cagr``, ``required_cagr`` and ``ratio``
    (NaN where there is none).
    """
    return _evaluate(
        base_value,
        base_year,
        current_value,
        current_year,
        higher_is_better,
        target_value,
        target_year,
        thresholds_for(thresholds),
    )


def progress_by_period(
    series_id,
    year,
    value,
    higher_is_better,
    target_value,
    target_year,
    thresholds: Mapping[str, Iterable[float]] | None = None,
) -> dict[str, np.ndarray]:
    """The progress of every observation since its series' first observation.

    One row per observation, in any order: ``series_id`` (int) names an indicator x economy
    series, ``year`` its period; ``higher_is_better``, ``target_value`` (NaN: none) and
    ``target_year`` are the series' own, repeated on each row. Rows whose value is NaN are not
    observations: they are not available and never a base. Two values for one series and year
    are a ValueError. Returns ``measure_arrays``' arrays, aligned with the input rows; the
    base row itself is not available (fewer than two values) unless it already meets the
    target.
    """
    series_id = np.asarray(series_id)
    year = np.asarray(year)
    value = np.asarray(value, dtype=np.float64)
    n = len(value)
    if not (series_id.shape == year.shape == value.shape == (n,)):
        raise ValueError("All arrays must have the same length.")
    applied = thresholds_for(thresholds)
    present = ~np.isnan(value)
    if not present.all():
        return _with_missing_rows(
            present,
            series_id,
            year,
            value,
            higher_is_better,
            target_value,
            target_year,
            applied,
        )
    series, offset, base_value, base_year = _series_bases(series_id, year, value)
    return _evaluate(
        base_value,
        base_year,
        value,
        year,
        higher_is_better,
        target_value,
        target_year,
        applied,
        series=series,
        series_offset=offset,
    )


def _series_bases(
    series_id: np.ndarray, year: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Each row's series and, by series, the value and year of its earliest observation.

    Returns (series, offset, base values, base years): row i's series is entry
    ``series[i] - offset`` of the two tables. Two rows of one series and year are a ValueError.
    """
    n = len(year)
    series_id = series_id.astype(np.int64, copy=False)
    year = year.astype(np.int64, copy=False)
    if n == 0:
        return series_id, 0, np.empty(0), np.empty(0, dtype=np.int64)
    s_min, s_max = int(series_id.min()), int(series_id.max())
    y_min, y_max = int(year.min()), int(year.max())
    groups, years = s_max - s_min + 1, y_max - y_min + 1

    if groups * years <= 4 * n + 65536:
        # Dense ids: mark the observed cells of a series x year table; a series' base is its
        # first marked year. No sort, and no temporary the size of the rows.
        seen = np.zeros(groups * years, dtype=bool)
        for start in range(0, n, BLOCK):
            rows = slice(start, start + BLOCK)
            cell = series_id[rows] - s_min
            cell *= years
            cell += year[rows]
            cell -= y_min
            seen[cell] = True
        if np.count_nonzero(seen) == n:  # else two rows share a cell: the sort names them
            first = seen.reshape(groups, years).argmax(axis=1)
            base_value = np.full(groups, np.nan)
            for start in range(0, n, BLOCK):
                rows = slice(start, start + BLOCK)
                group = series_id[rows] - s_min
                is_base = (year[rows] - y_min) == first[group]
                base_value[group[is_base]] = value[rows][is_base]
            return series_id, s_min, base_value, first.astype(np.float64) + y_min

    # Otherwise sort once: on one int64 key (series-major) when it fits, else np.lexsort.
    if groups * years < 2**62:
        key = (series_id - s_min) * years
        key += year - y_min
        if np.all(key[1:] > key[:-1]):  # already in order, so no two rows share a year
            order, sorted_key = None, key
        else:
            order = np.argsort(key)
            sorted_key = key[order]
            same_year = sorted_key[1:] == sorted_key[:-1]
        sorted_series = sorted_key // years
    else:
        order = np.lexsort((year, series_id))
        sorted_series, sorted_year = series_id[order], year[order]
        same_year = (sorted_series[1:] == sorted_series[:-1]) & (
            sorted_year[1:] == sorted_year[:-1]
        )
    if order is not None and same_year.any():
        at = order[int(np.flatnonzero(same_year)[0])]
        raise ValueError(f"More than one value for series {series_id[at]} in {year[at]}.")
    is_start = np.empty(n, dtype=bool)
    is_start[0] = True
    np.not_equal(sorted_series[1:], sorted_series[:-1], out=is_start[1:])
    series = np.cumsum(is_start, dtype=np.intp)
    series -= 1
    first_rows = np.flatnonzero(is_start)
    if order is not None:
        first_rows = order[first_rows]
        in_row_order = np.empty(n, dtype=np.intp)
        in_row_order[order] = series
        series = in_row_order
    return series, 0, value[first_rows], year[first_rows]


def _with_missing_rows(
    present, series_id, year, value, higher_is_better, target_value, target_year, applied
) -> dict[str, np.ndarray]:
    """``progress_by_period`` on the rows with a value; the others are not available."""
    n = len(value)
    rows = np.flatnonzero(present)

    def pick(x):
        x = np.asarray(x)
        return x[rows] if x.ndim else x

    found = progress_by_period(
        series_id[rows],
        year[rows],
        value[rows],
        pick(higher_is_better),
        pick(target_value),
        pick(target_year),
        applied,
    )
    result = {
        "status": np.full(n, NOT_AVAILABLE, dtype=np.int8),
        **{key: np.full(n, np.nan) for key in found if key != "status"},
    }
    for key, column in found.items():
        result[key][rows] = column
    return result
