"""The estimation core against published oracles, a brute-force matcher and a synthetic
programme whose effect is known."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from d4sme.evaluation import estimation as est
from d4sme.evaluation import staggered

DATA = Path(__file__).parent / "data"
LALONDE_COVARIATES = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]


@pytest.fixture(scope="module")
def lalonde():
    frame = pd.read_csv(DATA / "lalonde.csv")
    columns = {c: frame[c].to_numpy() for c in LALONDE_COVARIATES}
    matrix, _, balance_cols = est.design_matrix(columns, ("race",))
    treated = frame["treat"].to_numpy().astype(bool)
    scores = est.propensity_scores(matrix, treated)
    return frame, treated, scores, balance_cols


def test_lalonde_propensity_scores_are_matchits(lalonde):
    _, treated, scores, _ = lalonde
    assert treated.sum() == 185
    assert round(scores[treated].mean(), 4) == 0.5774
    assert round(scores[~treated].mean(), 4) == 0.1822


# MatchIt "Getting Started": summary(m.out1) for 1:1 nearest neighbour without replacement.
# covariate: (means treated, means control, std. mean diff., var. ratio) after matching.
VIGNETTE_MATCHED = {
    "distance": (0.5774, 0.3629, 0.9739, 0.7566),
    "age": (25.8162, 25.3027, 0.0718, 0.4568),
    "educ": (10.3459, 10.6054, -0.1290, 0.5721),
    "raceblack": (0.8432, 0.4703, 1.0259, None),
    "racehispan": (0.0595, 0.2162, -0.6629, None),
    "racewhite": (0.0973, 0.3135, -0.7296, None),
    "married": (0.1892, 0.2108, -0.0552, None),
    "nodegree": (0.7081, 0.6378, 0.1546, None),
    "re74": (2095.5737, 2342.1076, -0.0505, 1.3289),
    "re75": (1532.0553, 1614.7451, -0.0257, 1.4956),
}
# summary(m.out0): standardised mean differences and variance ratios before matching.
VIGNETTE_ALL = {
    "distance": (1.7941, 0.9211),
    "age": (-0.3094, 0.4400),
    "educ": (0.0550, 0.4959),
    "raceblack": (1.7615, None),
    "racehispan": (-0.3498, None),
    "racewhite": (-1.8819, None),
    "married": (-0.8263, None),
    "nodegree": (0.2450, None),
    "re74": (-0.7211, 0.5181),
    "re75": (-0.2903, 0.9563),
}


def test_lalonde_nearest_neighbour_reproduces_the_matchit_vignette(lalonde):
    _, treated, scores, balance_cols = lalonde
    matching = est.nearest_neighbour_match(scores, treated)
    assert matching.n_pairs == 185
    assert matching.n_controls_matched == 185
    assert len(matching.unmatched_treated) == 0
    rows = est.balance_table({"distance": scores, **balance_cols}, treated, matching.weights)
    seen = {row.covariate: row for row in rows}
    assert set(seen) == set(VIGNETTE_MATCHED)
    for name, (mt, mc, smd, vr) in VIGNETTE_MATCHED.items():
        row = seen[name]
        assert round(row.mean_treated_after, 4) == mt, name
        assert round(row.mean_control_after, 4) == mc, name
        assert round(row.smd_after, 4) == smd, name
        assert (None if row.var_ratio_after is None else round(row.var_ratio_after, 4)) == vr
        smd_b, vr_b = VIGNETTE_ALL[name]
        assert round(row.smd_before, 4) == smd_b, name
        assert (None if row.var_ratio_before is None else round(row.var_ratio_before, 4)) == vr_b


def test_the_balance_gate_rejects_the_quite_poor_lalonde_match(lalonde):
    _, treated, scores, balance_cols = lalonde
    matching = est.nearest_neighbour_match(scores, treated)
    ok, failing = est.balance_gate(est.balance_table(balance_cols, treated, matching.weights))
    assert not ok
    assert {"raceblack", "racehispan", "racewhite", "nodegree", "educ"} <= set(failing)
    assert "re74" not in failing


# --- the sorted-array matcher against the obvious quadratic one -----------------------------


def brute_force(scores, treated, *, ratio=1, replace=False, caliper=None, strata=None):
    """MatchIt's greedy loop written plainly: every treated unit, largest score first, takes
    the closest control still available (ties to the smaller score), one round per ratio."""
    sd = np.std(scores, ddof=1)
    width = None if caliper is None else caliper * sd
    strata = np.zeros(len(scores)) if strata is None else strata
    t_rows = sorted(np.flatnonzero(treated), key=lambda i: (-scores[i], i))
    used = set()
    pairs = []
    active = list(t_rows)
    taken = {i: set() for i in t_rows}
    for _ in range(ratio):
        still = []
        for i in active:
            best = None
            for j in np.flatnonzero(~treated):
                if strata[j] != strata[i] or (not replace and j in used) or j in taken[i]:
                    continue
                key = (abs(scores[j] - scores[i]), scores[j], j)
                if best is None or key < best:
                    best = key
            if best is None or (width is not None and best[0] > width):
                continue
            j = best[2]
            used.add(j)
            taken[i].add(j)
            pairs.append((i, j))
            still.append(i)
        active = still
    return sorted(pairs)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ratio": 2},
        {"ratio": 3, "caliper": 0.05},
        {"caliper": 0.01},
        {"replace": True},
        {"replace": True, "ratio": 2, "caliper": 0.1},
        {"strata": True},
        {"strata": True, "ratio": 2, "caliper": 0.2},
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sorted_array_matcher_equals_the_quadratic_loop(options, seed):
    rng = np.random.default_rng(seed)
    n = 400
    scores = rng.beta(2, 5, n)
    treated = rng.random(n) < 0.3
    options = dict(options)
    if options.pop("strata", False):
        options["strata"] = rng.integers(0, 3, n)
    matching = est.nearest_neighbour_match(scores, treated, **options)
    got = sorted(zip(matching.treated_rows.tolist(), matching.control_rows.tolist(), strict=True))
    assert got == brute_force(scores, treated, **options)


def test_matching_with_replacement_reuses_controls_and_weighs_them():
    scores = np.array([0.90, 0.91, 0.10, 0.905, 0.2])
    treated = np.array([True, True, False, False, False])
    matching = est.nearest_neighbour_match(scores, treated, replace=True)
    assert matching.control_rows.tolist() == [3, 3]
    assert matching.weights.tolist() == [1.0, 1.0, 0.0, 1.0, 0.0]
    without = est.nearest_neighbour_match(scores, treated)
    assert sorted(without.control_rows.tolist()) == [3, 4]


def test_a_caliper_leaves_far_treated_units_unmatched():
    scores = np.array([0.9, 0.5, 0.49, 0.1, 0.11, 0.12])
    treated = np.array([True, True, False, False, False, False])
    matching = est.nearest_neighbour_match(scores, treated, caliper=0.1)
    assert matching.treated_rows.tolist() == [1]
    assert matching.unmatched_treated.tolist() == [0]


# --- Callaway–Sant'Anna on mpdta ----------------------------------------------------------


@pytest.fixture(scope="module")
def mpdta():
    frame = pd.read_csv(DATA / "mpdta.csv")
    return staggered.callaway_santanna(
        frame["countyreal"].to_numpy(),
        frame["year"].to_numpy(),
        frame["first.treat"].to_numpy(),
        frame["lemp"].to_numpy(),
    )


# The R did README (est_method "reg", never-treated controls): ATT(g,t) and bootstrap SEs.
DID_README = {
    (2004, 2004): (-0.0105, 0.0241),
    (2004, 2005): (-0.0704, 0.0313),
    (2004, 2006): (-0.1373, 0.0380),
    (2004, 2007): (-0.1008, 0.0337),
    (2006, 2004): (0.0065, 0.0223),
    (2006, 2005): (-0.0028, 0.0196),
    (2006, 2006): (-0.0046, 0.0188),
    (2006, 2007): (-0.0412, 0.0202),
    (2007, 2004): (0.0305, 0.0154),
    (2007, 2005): (-0.0027, 0.0168),
    (2007, 2006): (-0.0311, 0.0190),
    (2007, 2007): (-0.0261, 0.0182),
}


def test_mpdta_att_gt_are_the_did_readmes(mpdta):
    cells = {(c.g, c.t): c for c in mpdta.rows("gt")}
    assert set(cells) == set(DID_README)
    for key, (att, se) in DID_README.items():
        assert round(cells[key].estimate, 4) == att, key
        # Analytic SEs against R's multiplier bootstrap: within its simulation noise.
        assert cells[key].se == pytest.approx(se, rel=0.10), key
        assert cells[key].ci_low < cells[key].estimate < cells[key].ci_high
    assert cells[(2004, 2004)].n_treated == 20
    assert mpdta.pretrend_p == pytest.approx(0.16812, abs=1e-5)
    assert mpdta.n_units == 500


def test_mpdta_aggregations_are_the_published_ones(mpdta):
    assert round(mpdta.overall("simple").estimate, 2) == -0.04
    assert round(mpdta.overall("group").estimate, 3) == -0.031
    assert mpdta.overall("group").se == pytest.approx(0.0123, rel=0.02)
    assert round(mpdta.overall("dynamic").estimate, 4) == -0.0772
    assert mpdta.overall("dynamic").se == pytest.approx(0.0196, rel=0.05)
    assert round(mpdta.overall("calendar").estimate, 4) == -0.0417
    groups = {c.g: round(c.estimate, 4) for c in mpdta.rows("group")}
    assert groups == {2004: -0.0797, 2006: -0.0229, 2007: -0.0261}
    events = [round(c.estimate, 4) for c in sorted(mpdta.rows("dynamic"), key=lambda c: c.e)]
    assert events == [0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008]
    assert [c.e for c in sorted(mpdta.rows("dynamic"), key=lambda c: c.e)] == list(range(-3, 4))
    assert [c.t for c in mpdta.rows("calendar")] == [2004, 2005, 2006, 2007]


def test_the_adapter_records_the_options_that_change_results(mpdta):
    assert mpdta.options["control_group"] == "nevertreated"
    assert mpdta.options["base_period"] == "varying"
    assert mpdta.options["est_method"] == "dr"
    assert set(staggered.library_versions()) >= {"moderndid", "statsmodels"}


# --- a synthetic programme with a known effect ---------------------------------------------

TRUE_EFFECT = 2.0


def synthetic_programme(seed=7, n=6000):
    """Firms with two traits; the larger and more digital ones both grow faster on their own
    and are likelier to join. Everyone also gains 3.0 from a good year."""
    rng = np.random.default_rng(seed)
    size = rng.normal(0, 1, n)
    digital = rng.normal(0, 1, n)
    sector = rng.integers(0, 3, n)
    p = 1 / (1 + np.exp(-(-1.2 + 1.0 * size + 0.8 * digital)))
    treated = rng.random(n) < p
    level = 10 + 2 * size + digital + rng.normal(0, 1, n)
    growth = 3.0 + 1.5 * size + 1.0 * digital + rng.normal(0, 1, n)
    before = level
    after = level + growth + TRUE_EFFECT * treated
    columns = {"size": size, "digital": digital, "sector": sector}
    return columns, treated, before, after


def test_the_matched_design_recovers_a_known_effect_the_naive_change_misses():
    columns, treated, before, after = synthetic_programme()
    naive = est.before_after(before[treated], after[treated])
    assert not (naive.ci_low <= TRUE_EFFECT <= naive.ci_high)
    assert abs(naive.estimate - TRUE_EFFECT) > 1.0

    design = est.matched_did(columns, treated, before, after, categorical=("sector",), caliper=0.05)
    assert design.balanced, design.failing
    assert design.estimate.ci_low <= TRUE_EFFECT <= design.estimate.ci_high
    assert abs(design.estimate.estimate - TRUE_EFFECT) < 0.25
    assert design.estimate.method == "did_cluster"

    # An unmatched comparison with all non-participants is biased too.
    unmatched = est.did_matched(before, after, treated, np.ones(len(treated)))
    assert not (unmatched.ci_low <= TRUE_EFFECT <= unmatched.ci_high)


def test_exact_strata_and_replacement_also_recover_it():
    columns, treated, before, after = synthetic_programme(seed=11)
    design = est.matched_did(
        columns,
        treated,
        before,
        after,
        categorical=("sector",),
        ratio=2,
        replace=True,
        caliper=0.2,
        strata=columns["sector"],
    )
    assert design.estimate.ci_low <= TRUE_EFFECT <= design.estimate.ci_high
    pairs_ok = (
        columns["sector"][design.matching.treated_rows]
        == columns["sector"][design.matching.control_rows]
    )
    assert pairs_ok.all()


def test_refutations_pass_on_a_sound_design_and_are_reproducible():
    columns, treated, before, after = synthetic_programme()
    options = {"categorical": ("sector",), "caliper": 0.05}
    design = est.matched_did(columns, treated, before, after, **options)
    placebo = est.refute_placebo_treatment(before, after, treated, design.matching.weights, seed=42)
    assert placebo.passed
    assert abs(placebo.new_effect) < 0.3
    common = est.refute_random_common_cause(
        columns, treated, before, after, seed=42, design=design, **options
    )
    assert common.passed
    again = est.refute_placebo_treatment(before, after, treated, design.matching.weights, seed=42)
    assert again.new_effect == placebo.new_effect


def test_a_rerun_gives_identical_matches_and_estimates():
    columns, treated, before, after = synthetic_programme()
    first = est.matched_did(columns, treated, before, after, categorical=("sector",), caliper=0.05)
    second = est.matched_did(columns, treated, before, after, categorical=("sector",), caliper=0.05)
    assert np.array_equal(first.matching.control_rows, second.matching.control_rows)
    assert first.estimate == second.estimate


def test_a_covariate_chosen_twice_or_constant_is_dropped_from_the_score_model():
    columns, treated, before, after = synthetic_programme()
    once = est.matched_did(columns, treated, before, after, categorical=("sector",), caliper=0.05)
    twice = est.matched_did(
        {**columns, "size again": columns["size"] * 2.0, "constant": np.ones(len(treated))},
        treated,
        before,
        after,
        categorical=("sector",),
        caliper=0.05,
    )
    assert np.allclose(once.scores, twice.scores)
    assert twice.estimate.estimate == pytest.approx(once.estimate.estimate)
