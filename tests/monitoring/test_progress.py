"""The progress measure (Open SDG / Statistics Canada) against hand-computed series.

Every expected number is worked out here from the method's formulas, not taken from the
module: CAGR = (current / base) ** (1 / years) - 1; without a target the status compares
sign x direction x CAGR with (1.5%, 0.5%, 0); with one, sign x direction x CAGR / |required
CAGR| with (0.95, 0.6, 0). Scores use the source's piecewise-linear functions. No database.
"""

import math

import numpy as np
import pytest
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from d4sme.monitoring.progress import (
    CODES,
    Status,
    measure,
    measure_arrays,
    progress_by_period,
)

approx = pytest.approx


def score_without_target(v: float) -> float:
    """The source's score for a progress value without a target (default thresholds)."""
    if v < 0:
        return max(125 * v - 2.5, -5)
    if v >= 0.015:
        return min(500 * v - 5, 5)
    if v >= 0.005:
        return 250 * v - 1.25
    return 500 * v - 2.5


def score_with_target(r: float) -> float:
    if r >= 0.6:
        return min(7.1429 * r - 4.2857, 5)
    return max(4.1667 * r - 2.5, -5)


# -- without a target ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "series, higher, cagr, value, status, score",
    [
        # 100 -> 104 in two years: 1.98% a year >= 1.5%; score 500 x 0.0198 - 5 = 4.90.
        ({2015: 100, 2017: 104}, True, (104 / 100) ** (1 / 2) - 1, None, Status.SUBSTANTIAL, 4.9),
        # 100 -> 102 in two years: 0.995% a year, in [0.5%, 1.5%); 250 x 0.00995 - 1.25.
        ({2015: 100, 2017: 102}, True, (102 / 100) ** (1 / 2) - 1, None, Status.MODERATE, 1.24),
        # 100 -> 100.4 in two years: 0.2% a year, in [0, 0.5%); 500 x 0.002 - 2.5 = -1.5.
        (
            {2015: 100, 2017: 100.4},
            True,
            (100.4 / 100) ** (1 / 2) - 1,
            None,
            Status.LIMITED,
            -1.5,
        ),
        # No change at all is limited progress (0 >= 0), score -2.5.
        ({2015: 100, 2017: 100}, True, 0.0, None, Status.LIMITED, -2.5),
        # 100 -> 98: -1.0% a year; 125 x -0.01005 - 2.5 = -3.76.
        ({2015: 100, 2017: 98}, True, (98 / 100) ** (1 / 2) - 1, None, Status.DETERIORATION, -3.76),
        # 100 -> 50 in a year: -50%, 125 x -0.5 - 2.5 = -65, capped at -5.
        ({2015: 100, 2016: 50}, True, 50 / 100 - 1, None, Status.DETERIORATION, -5),
        # Lower is better: 100 -> 97 in two years is -1.51% a year, counted as +1.51%.
        ({2015: 100, 2017: 97}, False, (97 / 100) ** (1 / 2) - 1, None, Status.SUBSTANTIAL, 2.56),
        # Lower is better: 100 -> 103 is +1.49% a year, counted as -1.49%: 125 x -0.0149 - 2.5.
        (
            {2015: 100, 2017: 103},
            False,
            (103 / 100) ** (1 / 2) - 1,
            None,
            Status.DETERIORATION,
            -4.36,
        ),
        # A negative series (sign -1): -100 -> -90 rises 10 points; the CAGR of the magnitudes
        # is -5.13% a year, counted as +5.13% when higher is better.
        ({2015: -100, 2017: -90}, True, (90 / 100) ** (1 / 2) - 1, None, Status.SUBSTANTIAL, 5),
        # The same fall, -100 -> -110, when lower is better: sign -1 x direction -1 = +1.
        ({2015: -100, 2017: -110}, False, (110 / 100) ** (1 / 2) - 1, None, Status.SUBSTANTIAL, 5),
        # ... and when higher is better it is deterioration: 125 x -0.0488 - 2.5 = -8.6 -> -5.
        (
            {2015: -100, 2017: -110},
            True,
            (110 / 100) ** (1 / 2) - 1,
            None,
            Status.DETERIORATION,
            -5,
        ),
    ],
)
def test_without_target(series, higher, cagr, value, status, score):
    p = measure(series, higher_is_better=higher)
    sign = -1 if series[min(series)] < 0 else 1  # the base value's sign
    direction = 1 if higher else -1
    assert p.status == status
    assert p.method == "without_target"
    assert p.observed_cagr == approx(cagr, abs=1e-15)
    assert p.value == approx(sign * direction * cagr, abs=1e-15)
    assert p.required_cagr is None and p.ratio is None
    assert p.score == approx(score, abs=0.01)
    assert p.score == approx(score_without_target(sign * direction * cagr), abs=1e-12)
    assert p.thresholds == (0.015, 0.005, 0.0)
    assert p.reason == ""


def test_components_and_explanation_without_target():
    p = measure({2014: 90, 2015: 100, 2016: None, 2018: 110, 2019: None}, base_year=2015)
    cagr = (110 / 100) ** (1 / 3) - 1  # 3.23% a year
    assert (p.base_year, p.base_value, p.current_year, p.current_value) == (2015, 100, 2018, 110)
    assert p.observed_cagr == approx(cagr)
    assert p.status == Status.SUBSTANTIAL
    assert p.score == 5  # 500 x 0.0323 - 5 = 11.1, capped
    assert p.explanation == (
        "Observed growth 3.2% a year from 100 in 2015 to 110 in 2018: 3.2% ≥ 1.5%, "
        "Substantial progress."
    )
    lower = measure({2015: 100, 2018: 110}, higher_is_better=False)
    assert lower.status == Status.DETERIORATION
    assert "lower is better, so it counts as -3.2%" in lower.explanation
    assert "< 0.0%" in lower.explanation


# -- with a target ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, target, higher, required, status",
    [
        # 100 (2015) -> 110 (2018) against 130 by 2025: needs 1.3 ** (1/10) - 1 = 2.66% a year;
        # has 3.23%: ratio 1.21 >= 0.95.
        (110, 130, True, (130 / 100) ** (1 / 10) - 1, Status.SUBSTANTIAL),
        # against 150 by 2025: needs 4.14% a year; ratio 0.0323 / 0.0414 = 0.78, in [0.6, 0.95).
        (110, 150, True, (150 / 100) ** (1 / 10) - 1, Status.MODERATE),
        # against 200 by 2025: needs 7.18% a year; ratio 0.45, in [0, 0.6).
        (110, 200, True, (200 / 100) ** (1 / 10) - 1, Status.LIMITED),
        # 100 -> 95 against 150: -1.70% a year; ratio -0.41 < 0.
        (95, 150, True, (150 / 100) ** (1 / 10) - 1, Status.DETERIORATION),
        # Lower is better: 100 -> 90 against 70 by 2025: -3.45% a year against -3.50% needed;
        # ratio -1 x -0.0345 / 0.0350 = 0.985.
        (90, 70, False, (70 / 100) ** (1 / 10) - 1, Status.SUBSTANTIAL),
        # Lower is better: 100 -> 97 against 70: -1.01% against -3.50%; ratio 0.29.
        (97, 70, False, (70 / 100) ** (1 / 10) - 1, Status.LIMITED),
        # Lower is better: 100 -> 104 against 70: +1.32%; ratio -0.38.
        (104, 70, False, (70 / 100) ** (1 / 10) - 1, Status.DETERIORATION),
    ],
)
def test_with_target(current, target, higher, required, status):
    p = measure(
        {2015: 100, 2018: current}, higher_is_better=higher, target_year=2025, target_value=target
    )
    observed = (current / 100) ** (1 / 3) - 1
    ratio = (1 if higher else -1) * observed / abs(required)
    assert p.method == "with_target"
    assert p.status == status
    assert p.observed_cagr == approx(observed, abs=1e-15)
    assert p.required_cagr == approx(required, abs=1e-15)
    assert p.ratio == approx(ratio, abs=1e-12)
    assert p.value == p.ratio
    assert p.score == approx(score_with_target(ratio), abs=1e-12)
    assert p.thresholds == (0.95, 0.6, 0.0)


def test_with_target_by_hand():
    p = measure({2015: 100, 2018: 110}, target_year=2025, target_value=150)
    # 0.03228 / 0.04138 = 0.780; score 7.1429 x 0.780 - 4.2857 = 1.287.
    assert p.ratio == approx(0.780, abs=0.001)
    assert p.score == approx(1.287, abs=0.001)
    assert p.explanation == (
        "Observed growth 3.2% a year against 4.1% required to reach 150 by 2025: "
        "ratio 0.78 ≥ 0.60, Moderate progress."
    )
    p = measure({2015: 100, 2018: 95}, target_year=2025, target_value=150)
    # (0.95 ** (1/3) - 1) / 0.04138 = -0.410; score 4.1667 x -0.410 - 2.5 = -4.21.
    assert p.ratio == approx(-0.410, abs=0.001)
    assert p.score == approx(-4.207, abs=0.001)


@pytest.mark.parametrize(
    "current, target, higher",
    [
        (110, 105, True),  # 110 >= 105
        (105, 105, True),  # meeting it exactly counts
        (69, 70, False),  # 69 <= 70
        (70, 70, False),
    ],
)
def test_target_achieved(current, target, higher):
    p = measure(
        {2015: 100, 2018: current}, higher_is_better=higher, target_year=2025, target_value=target
    )
    assert p.status == Status.TARGET_ACHIEVED
    assert p.score == 5
    # The components are still worked out.
    assert p.observed_cagr == approx((current / 100) ** (1 / 3) - 1)
    assert p.required_cagr == approx((target / 100) ** (1 / 10) - 1)
    assert "meets the target" in p.explanation


def test_target_achieved_comes_first_as_in_the_source():
    # One value only, but it meets the target: the source decides "target achieved" before
    # asking whether growth can be computed.
    p = measure({2018: 110}, target_year=2025, target_value=105)
    assert p.status == Status.TARGET_ACHIEVED and p.score == 5
    assert p.observed_cagr is None
    # The same for base and latest values of opposite signs.
    p = measure({2015: 5, 2018: -3}, higher_is_better=False, target_year=2025, target_value=0)
    assert p.status == Status.TARGET_ACHIEVED


def test_required_growth_of_zero_is_deterioration():
    # Target equal to the base value, and the latest value moved away from it: the source
    # divides by zero; here the ratio is -inf.
    p = measure({2015: 100, 2018: 95}, target_year=2025, target_value=100)
    assert p.required_cagr == 0.0
    assert p.ratio == -math.inf
    assert p.status == Status.DETERIORATION and p.score == -5
    # People read "not defined" and why, never "ratio −∞".
    assert "∞" not in p.explanation and "not defined" in p.explanation
    assert "equals the base value" in p.explanation


# -- edge cases ------------------------------------------------------------------------------


def test_fewer_than_two_values():
    for series in ({2018: 110}, {2018: 110, 2019: None}, [(2018, 110)]):
        p = measure(series)
        assert p.status == Status.NOT_AVAILABLE
        assert p.score is None and p.observed_cagr is None
        assert p.reason == "Fewer than two values"
        assert p.explanation == "Not available: Fewer than two values."
    p = measure({})
    assert p.status == Status.NOT_AVAILABLE and p.reason == "No values"
    assert p.current_year is None


def test_opposite_signs_not_available():
    p = measure({2015: 100, 2018: -5})
    assert p.status == Status.NOT_AVAILABLE
    assert p.reason == "The base and latest values have opposite signs"
    p = measure({2015: -2, 2018: 3}, target_year=2025, target_value=10)
    assert p.status == Status.NOT_AVAILABLE


def test_zero_base_replaced_by_a_thousandth():
    p = measure({2015: 0, 2017: 2})
    assert p.base_value == 0  # as given; the arithmetic uses 0.001
    assert p.observed_cagr == approx((2 / 0.001) ** (1 / 2) - 1)  # 43.7 a year
    assert p.status == Status.SUBSTANTIAL and p.score == 5
    # A zero base counts as positive: a negative latest value has the opposite sign.
    assert measure({2015: 0, 2017: -2}).status == Status.NOT_AVAILABLE
    # From zero down to zero is -100% a year: (0 / 0.001) ** (1/2) - 1.
    p = measure({2015: 0, 2017: 0})
    assert p.observed_cagr == -1.0 and p.status == Status.DETERIORATION and p.score == -5


def test_latest_value_zero():
    p = measure({2015: 100, 2017: 0})
    assert p.observed_cagr == -1.0  # (0 / 100) ** (1/2) - 1
    assert p.status == Status.DETERIORATION and p.score == -5
    p = measure({2015: 100, 2017: 0}, higher_is_better=False)
    assert p.value == 1.0 and p.status == Status.SUBSTANTIAL


def test_zero_target_replaced_by_a_thousandth():
    # Lower is better, 10 (2015) -> 5 (2018), target 0 by 2025, used as 0.001.
    p = measure({2015: 10, 2018: 5}, higher_is_better=False, target_year=2025, target_value=0)
    observed = (5 / 10) ** (1 / 3) - 1  # -20.6% a year
    required = (0.001 / 10) ** (1 / 10) - 1  # -60.2% a year
    assert p.target_value == 0
    assert p.required_cagr == approx(required)
    assert p.ratio == approx(-observed / abs(required))  # 0.343
    assert p.status == Status.LIMITED
    # 0 <= 0.001: achieved.
    p = measure({2015: 10, 2018: 0}, higher_is_better=False, target_year=2025, target_value=0)
    assert p.status == Status.TARGET_ACHIEVED
    # Higher is better, latest value 0 against a target of 0: 0 < 0.001, not achieved.
    p = measure({2015: 10, 2018: 0}, target_year=2025, target_value=0)
    assert p.status != Status.TARGET_ACHIEVED


def test_target_of_opposite_sign_or_year_not_after_base_not_available():
    # -50 towards 0 (0.001): a fractional power of a negative number; the source returns a
    # complex number, here there is no progress.
    p = measure({2015: -50, 2018: -20}, target_year=2025, target_value=0)
    assert p.status == Status.NOT_AVAILABLE
    assert p.reason == "The base and target values have opposite signs"
    p = measure({2015: 100, 2018: 110}, target_year=2015, target_value=150)
    assert p.status == Status.NOT_AVAILABLE
    assert p.reason == "The target year is not after the base year"


def test_base_year():
    series = {2014: 90, 2015: 100, 2017: 104}
    assert measure(series).base_year == 2014
    p = measure(series, base_year=2015)
    assert (p.base_year, p.base_value) == (2015, 100)
    assert p.observed_cagr == approx((104 / 100) ** (1 / 2) - 1)
    # No value in 2016: the next year with one, as in the source.
    p = measure(series, base_year=2016)
    assert p.base_year == 2017 and p.reason == "Fewer than two values"
    p = measure(series, base_year=2018)
    assert p.status == Status.NOT_AVAILABLE
    assert p.reason == "No value in or after the base year"


def test_invalid_input():
    with pytest.raises(ValueError, match="2016"):
        measure([(2015, 1.0), (2016, 2.0), (2016, 3.0)])
    measure([(2015, 1.0), (2016, 2.0), (2016, None)])  # a missing value is not a value
    with pytest.raises(ValueError):
        measure({2015: 1, 2016: 2}, target_value=3)
    with pytest.raises(ValueError):
        measure({2015: 1, 2016: 2}, thresholds={"without_target": (0.0, 0.005, 0.015)})
    for ids in ([1, 1], [10**9, 10**9]):  # dense and sparse ids
        with pytest.raises(ValueError, match="More than one value for series"):
            progress_by_period(ids, [2015, 2015], [1.0, 2.0], [True] * 2, [np.nan] * 2, [0] * 2)


# -- thresholds ------------------------------------------------------------------------------


def test_thresholds_passed_explicitly_change_the_outcome():
    series = {2015: 100, 2017: 102}  # (102/100) ** (1/2) - 1 = 0.995% a year
    assert measure(series).status == Status.MODERATE
    p = measure(series, thresholds={"without_target": (0.009, 0.005, 0.0)})
    assert p.status == Status.SUBSTANTIAL
    assert p.thresholds == (0.009, 0.005, 0.0)
    # The source's score functions are fixed: 500 x 0.00995 - 5 = -0.025 on the upper branch.
    assert p.score == approx(500 * ((102 / 100) ** 0.5 - 1) - 5)
    p = measure(series, thresholds={"without_target": (0.02, 0.01, 0.0)})
    assert p.status == Status.LIMITED

    with_target = {"target_year": 2025, "target_value": 150}  # ratio 0.78
    assert measure({2015: 100, 2018: 110}, **with_target).status == Status.MODERATE
    p = measure({2015: 100, 2018: 110}, **with_target, thresholds={"with_target": (0.75, 0.5, 0.0)})
    assert p.status == Status.SUBSTANTIAL

    found = measure_arrays(
        [100.0], [2015], [102.0], [2017], [True], [np.nan], [np.nan],
        thresholds={"without_target": (0.009, 0.005, 0.0)},
    )  # fmt: skip
    assert CODES[found["status"][0]] == Status.SUBSTANTIAL


def test_default_thresholds_come_from_settings(settings):
    series = {2015: 100, 2017: 102}
    settings.MONITORING_PROGRESS_THRESHOLDS = {
        "without_target": (0.009, 0.005, 0.0),
        "with_target": (0.95, 0.6, 0.0),
    }
    assert measure(series).status == Status.SUBSTANTIAL


# -- labels ----------------------------------------------------------------------------------


def test_status_labels_and_codes():
    assert [s.value for s in CODES] == [
        "target_achieved",
        "substantial",
        "moderate",
        "limited",
        "deterioration",
        "not_available",
    ]
    assert Status.MODERATE.label == "Moderate progress"
    assert all(isinstance(s.label, Promise) for s in Status)  # translatable


def test_labels_in_korean_when_translated():
    with translation.override("ko"):
        label = str(Status.SUBSTANTIAL.label)
        explanation = measure({2015: 100, 2017: 104}).explanation
    assert label != "Substantial progress", "the progress statuses must be translated"
    assert label in explanation


# -- arrays agree with measure ---------------------------------------------------------------

VALUES = st.one_of(
    st.sampled_from([0.0, 1.0, -1.0, 100.0, 0.001]),
    st.integers(-200, 200).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
)
SERIES = st.fixed_dictionaries(
    {
        "points": st.dictionaries(
            st.integers(2000, 2030), st.one_of(st.none(), VALUES), min_size=0, max_size=8
        ),
        "higher": st.booleans(),
        "target": st.one_of(
            st.none(), st.tuples(st.integers(1998, 2040), st.one_of(VALUES, st.just(0.0)))
        ),
    }
)


def by_measure(item: dict, points=None) -> object:
    target_year, target_value = item["target"] or (None, None)
    return measure(
        item["points"] if points is None else points,
        higher_is_better=item["higher"],
        target_year=target_year,
        target_value=target_value,
    )


def assert_same(found: dict, i: int, p) -> None:
    assert CODES[found["status"][i]] == p.status
    for key in ("score", "observed_cagr", "required_cagr", "ratio"):
        expected = getattr(p, key)
        got = float(found[key][i])
        if expected is None:
            assert math.isnan(got), key
        else:
            assert got == expected, key  # exactly, not approximately


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(SERIES, min_size=1, max_size=30))
def test_measure_arrays_agrees_with_measure(items):
    rows = []
    for item in items:
        known = sorted((y, v) for y, v in item["points"].items() if v is not None)
        target_year, target_value = item["target"] or (np.nan, np.nan)
        if len(known) == 0:
            continue
        (base_year, base_value), (current_year, current_value) = known[0], known[-1]
        rows.append(
            (base_value, base_year, current_value, current_year, item["higher"],
             target_value, target_year, by_measure(item))
        )  # fmt: skip
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    found = measure_arrays(*[np.array(c) for c in columns[:7]])
    for i, p in enumerate(columns[7]):
        assert_same(found, i, p)


def long_table(items: list[dict], spread: int = 7) -> list[tuple]:
    """One row per (series, year), missing values (NaN) included; the item's index last."""
    rows = []
    for sid, item in enumerate(items):
        target_year, target_value = item["target"] or (np.nan, np.nan)
        for year, value in item["points"].items():
            rows.append(
                (sid * spread + 3, year, np.nan if value is None else value, item["higher"],
                 target_value, target_year, sid)
            )  # fmt: skip
    return rows


def check_by_period(items, rows, found):
    for i, (_sid, year, value, *_rest, k) in enumerate(rows):
        item = items[k]
        if math.isnan(value):
            assert CODES[found["status"][i]] == Status.NOT_AVAILABLE
            assert math.isnan(found["score"][i])
            continue
        prefix = {y: v for y, v in item["points"].items() if y <= year}
        assert_same(found, i, by_measure(item, prefix))


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(SERIES, min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_progress_by_period_agrees_with_measure(items, random):
    rows = long_table(items)
    random.shuffle(rows)
    if not rows:
        return
    columns = [np.array(c) for c in zip(*rows, strict=True)]
    found = progress_by_period(*columns[:6])
    assert set(found) == {"status", "score", "observed_cagr", "required_cagr", "ratio"}
    check_by_period(items, rows, found)


def random_items(rng: np.random.Generator, count: int) -> list[dict]:
    items = []
    for _ in range(count):
        years = rng.choice(np.arange(2000, 2031), size=rng.integers(0, 12), replace=False)
        base = rng.choice([100.0, -50.0, 0.0, 3.0])
        growth = rng.normal(0.01, 0.03, size=len(years))
        values = base * np.cumprod(1 + growth) + rng.choice([0, 0, 0, 1, -1], size=len(years))
        points = {
            int(y): (None if rng.random() < 0.05 else float(v))
            for y, v in zip(years, values, strict=True)
        }
        target = None
        if rng.random() < 0.5:
            target = (int(rng.integers(2000, 2041)), float(rng.choice([0.0, 120.0, -60.0, 80.0])))
        items.append({"points": points, "higher": bool(rng.random() < 0.6), "target": target})
    return items


@pytest.mark.parametrize(
    "ids, order",
    [
        ("dense", "shuffled"),  # consecutive ids: the table of cells, no sort
        ("dense", "sorted"),
        ("sparse", "shuffled"),  # ids far apart: one sort on an int64 key
        ("sparse", "sorted"),  # ... skipped when the rows are already in order
        ("huge", "shuffled"),  # too far apart for one int64 key: np.lexsort
    ],
)
def test_progress_by_period_on_hundreds_of_series(ids, order):
    rng = np.random.default_rng(7)
    # Enough series for every status and every sorting path; the oracle checks row by row.
    items = random_items(rng, 500)
    rows = long_table(items, spread={"dense": 1, "sparse": 1000, "huge": 1}[ids])
    if order == "shuffled":
        rows = [rows[i] for i in rng.permutation(len(rows))]
    columns = [np.array(c) for c in zip(*rows, strict=True)]
    if ids == "huge":
        columns[0] = columns[0].astype(np.int64) * 2**48
    found = progress_by_period(*columns[:6])
    check_by_period(items, rows, found)
    statuses = {CODES[c] for c in found["status"]}
    assert statuses == set(Status)  # every status occurs


def test_progress_by_period_base_rows():
    # Series 5: 2015 base (not available), 2017 and 2018 against it; series 9 lower is better
    # with a target it reaches in 2019.
    found = progress_by_period(
        series_id=[9, 5, 5, 9, 5, 9],
        year=[2019, 2018, 2015, 2015, 2017, 2017],
        value=[60.0, 110.0, 100.0, 100.0, 104.0, 90.0],
        higher_is_better=[False, True, True, False, True, False],
        target_value=[70.0, np.nan, np.nan, 70.0, np.nan, 70.0],
        target_year=[2025, 0, 0, 2025, 0, 2025],
    )
    assert [CODES[c] for c in found["status"]] == [
        Status.TARGET_ACHIEVED,
        Status.SUBSTANTIAL,  # (110/100) ** (1/3) - 1 = 3.2%
        Status.NOT_AVAILABLE,
        Status.NOT_AVAILABLE,
        Status.SUBSTANTIAL,  # (104/100) ** (1/2) - 1 = 2.0%
        Status.SUBSTANTIAL,  # -(0.9 ** 0.5 - 1) / |0.7 ** 0.1 - 1| = 1.46
    ]
    assert found["observed_cagr"][1] == approx((110 / 100) ** (1 / 3) - 1)
    assert found["ratio"][5] == approx(-((90 / 100) ** (1 / 2) - 1) / abs(0.7 ** (1 / 10) - 1))
