"""The estimation core: pure functions on arrays, no database.

Propensity scores (statsmodels logit), nearest-neighbour matching on sorted arrays that
reproduces MatchIt's ``method = "nearest"``, the balance table and its gate, difference in
differences on matched panels with cluster-robust standard errors, and two refutations
(placebo treatment, random common cause). Callaway–Sant'Anna lives in ``staggered.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

# A covariate is balanced when its standardised mean difference after matching is at most this
# (Stuart 2010; MatchIt's and cobalt's usual threshold) and its variance ratio lies in the band.
SMD_THRESHOLD = 0.1
VARIANCE_RATIO_BAND = (0.5, 2.0)


# --- propensity scores ---------------------------------------------------------------------


def design_matrix(columns: dict[str, np.ndarray], categorical: tuple[str, ...] = ()):
    """Numeric matrix and column names from named columns.

    A categorical column becomes one indicator per level except the first (sorted), as R's
    treatment contrasts do, so the fitted scores are those of ``glm(treat ~ ...)``.
    Returns ``(matrix, names, balance_columns)``: the balance table shows every level of a
    categorical covariate (as MatchIt's summary does), the model drops the first.
    """
    model_cols, model_names = [], []
    balance_cols: dict[str, np.ndarray] = {}
    for name, values in columns.items():
        values = np.asarray(values)
        if name in categorical:
            levels = sorted({str(v) for v in values})
            as_text = values.astype(str)
            for i, level in enumerate(levels):
                indicator = (as_text == level).astype(float)
                balance_cols[f"{name}{level}"] = indicator
                if i > 0:
                    model_cols.append(indicator)
                    model_names.append(f"{name}{level}")
        else:
            col = values.astype(float)
            model_cols.append(col)
            model_names.append(name)
            balance_cols[name] = col
    matrix = np.column_stack(model_cols) if model_cols else np.empty((0, 0))
    return matrix, model_names, balance_cols


def independent_columns(matrix: np.ndarray, tolerance: float = 1e-8) -> list[int]:
    """The columns to keep so that, with an intercept, none is a linear combination of the
    others (a constant, a duplicate, or the outcome chosen twice), in order; R's ``glm``
    drops such aliased terms too. Works on the k-by-k correlation matrix only."""
    n = len(matrix)
    mean = matrix.mean(axis=0)
    # The covariance from the Gram matrix: no centred copy of a million-row matrix.
    cov = (matrix.T @ matrix) / n - np.outer(mean, mean)
    scale = np.sqrt(np.clip(np.diag(cov), 0, None))
    usable = scale > 1e-12 * np.maximum(1.0, np.abs(mean))
    safe = np.where(usable, scale, 1.0)
    corr = cov / np.outer(safe, safe)
    kept: list[int] = []
    for j in range(matrix.shape[1]):
        if not usable[j]:
            continue
        if kept:
            g_kk = corr[np.ix_(kept, kept)]
            g_kj = corr[kept, j]
            explained = g_kj @ np.linalg.lstsq(g_kk, g_kj, rcond=None)[0]
            if corr[j, j] - explained <= tolerance:
                continue
        kept.append(j)
    return kept


def propensity_scores(matrix: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """P(treated | covariates) from an unpenalised logit (Newton), with an intercept."""
    import statsmodels.api as sm

    treated = np.asarray(treated, dtype=float)
    if matrix.size:
        matrix = matrix[:, independent_columns(matrix)]
    exog = (
        np.column_stack([np.ones(len(treated)), matrix])
        if matrix.size
        else np.ones((len(treated), 1))
    )
    model = sm.Logit(treated, exog)
    try:
        fitted = model.fit(disp=0, method="newton", maxiter=100)
    except np.linalg.LinAlgError:
        # Perfect separation or a singular design: a lightly regularised fit still ranks firms.
        fitted = model.fit_regularized(disp=0, alpha=1e-6)
    return np.asarray(fitted.predict(exog), dtype=float)


# --- nearest-neighbour matching ------------------------------------------------------------


@dataclass
class Matching:
    """The result of a match: pairs (treated row, control row, subclass) and unit weights.

    Row numbers index the arrays the matcher was given. ``weights`` is 0 for units left out;
    treated units weigh 1, controls weigh the share of each treated unit they stand for,
    normalised to sum to the number of matched controls (MatchIt's ATT weights).
    """

    treated_rows: np.ndarray
    control_rows: np.ndarray
    subclass: np.ndarray
    weights: np.ndarray
    unmatched_treated: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def n_pairs(self) -> int:
        return len(self.treated_rows)

    @property
    def n_treated_matched(self) -> int:
        return len(np.unique(self.treated_rows))

    @property
    def n_controls_matched(self) -> int:
        return len(np.unique(self.control_rows))


def _find(parent: list[int], i: int) -> int:
    """Follow ``parent`` to the first free slot, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _greedy_without_replacement(t_scores, c_sorted, ratio, caliper_width):
    """Greedy matching in the order given; returns (treated_pos, sorted_control_pos, round).

    ``c_sorted`` holds the controls' scores in ascending order. Two union-find structures
    point to the next free control on the right and on the left of any position; a used
    control is skipped by linking it to its neighbour. Each treated unit takes the closer
    of the two free controls around its score (a tie goes to the left, the lower score).
    As in MatchIt, a treated unit gets its first match before any gets its second.
    """
    n_c = len(c_sorted)
    # right[i] == i means control i is free; n_c is a sentinel "no control to the right".
    right = list(range(n_c + 1))
    # left is shifted by one: left[i + 1] tracks control i; slot 0 is the "none" sentinel.
    left = list(range(n_c + 1))
    positions = np.searchsorted(c_sorted, t_scores, side="left").tolist()
    scores = t_scores.tolist()
    cs = c_sorted.tolist()
    out_t, out_c, out_round = [], [], []
    active = list(range(len(scores)))
    for round_no in range(ratio):
        still = []
        for k in active:
            s, pos = scores[k], positions[k]
            r = _find(right, pos)
            ls = _find(left, pos)  # slot ls holds control ls - 1
            lo = ls - 1
            if r == n_c and lo < 0:
                continue
            if lo < 0 or (r < n_c and cs[r] - s < s - cs[lo]):
                chosen, dist = r, cs[r] - s
            else:
                chosen, dist = lo, s - cs[lo]
            if caliper_width is not None and dist > caliper_width:
                continue
            right[chosen] = chosen + 1
            left[chosen + 1] = chosen
            out_t.append(k)
            out_c.append(chosen)
            out_round.append(round_no)
            still.append(k)
        active = still
        if not active:
            break
    return (
        np.asarray(out_t, dtype=np.int64),
        np.asarray(out_c, dtype=np.int64),
        np.asarray(out_round, dtype=np.int64),
    )


def _nearest_with_replacement(t_scores, c_sorted, ratio, caliper_width):
    """The ``ratio`` nearest controls of every treated unit, controls reusable; vectorised."""
    n_c = len(c_sorted)
    n_t = len(t_scores)
    r = np.searchsorted(c_sorted, t_scores, side="left")
    lft = r - 1
    t_idx, c_idx = [], []
    alive = np.ones(n_t, dtype=bool)
    for _ in range(ratio):
        have_r = r < n_c
        have_l = lft >= 0
        d_r = np.where(have_r, c_sorted[np.minimum(r, n_c - 1)] - t_scores, np.inf)
        d_l = np.where(have_l, t_scores - c_sorted[np.maximum(lft, 0)], np.inf)
        take_left = d_l <= d_r
        dist = np.where(take_left, d_l, d_r)
        ok = alive & np.isfinite(dist)
        if caliper_width is not None:
            ok &= dist <= caliper_width
        chosen = np.where(take_left, lft, r)
        t_idx.append(np.flatnonzero(ok))
        c_idx.append(chosen[ok])
        alive = ok
        lft = np.where(ok & take_left, lft - 1, lft)
        r = np.where(ok & ~take_left, r + 1, r)
    t_all = np.concatenate(t_idx) if t_idx else np.empty(0, dtype=np.int64)
    c_all = np.concatenate(c_idx) if c_idx else np.empty(0, dtype=np.int64)
    return t_all.astype(np.int64), c_all.astype(np.int64)


def nearest_neighbour_match(
    scores: np.ndarray,
    treated: np.ndarray,
    *,
    ratio: int = 1,
    replace: bool = False,
    caliper: float | None = None,
    strata: np.ndarray | None = None,
    order: str = "largest",
) -> Matching:
    """Nearest-neighbour matching on a score, as MatchIt's ``method = "nearest"`` does.

    ``caliper`` is in standard deviations of the score over all units (MatchIt's default
    ``std.caliper = TRUE``). ``strata`` asks for exact matching: a treated unit only meets
    controls of its own stratum. ``order`` is MatchIt's ``m.order`` ("largest" first, the
    default for propensity scores, or "smallest"); ties between treated units keep data order.
    """
    scores = np.asarray(scores, dtype=float)
    treated = np.asarray(treated).astype(bool)
    n = len(scores)
    if ratio < 1:
        raise ValueError("ratio must be at least 1")
    caliper_width = None
    if caliper is not None:
        caliper_width = float(caliper) * float(np.std(scores, ddof=1))
    if strata is None:
        groups = [(np.flatnonzero(treated), np.flatnonzero(~treated))]
    else:
        _, stratum_code = np.unique(np.asarray(strata), return_inverse=True)
        groups = []
        for code in np.unique(stratum_code[treated]):
            in_stratum = stratum_code == code
            groups.append(
                (np.flatnonzero(in_stratum & treated), np.flatnonzero(in_stratum & ~treated))
            )

    all_t, all_c = [], []
    for t_rows, c_rows in groups:
        if len(c_rows) == 0:
            continue
        # Controls sorted by score; a stable sort keeps data order among equal scores.
        c_rows = c_rows[np.argsort(scores[c_rows], kind="stable")]
        c_sorted = scores[c_rows]
        # Treated visited by score (largest first by default), data order among ties.
        key = -scores[t_rows] if order == "largest" else scores[t_rows]
        t_rows = t_rows[np.argsort(key, kind="stable")]
        t_scores = scores[t_rows]
        if replace:
            tp, cp = _nearest_with_replacement(t_scores, c_sorted, ratio, caliper_width)
        else:
            tp, cp, _rounds = _greedy_without_replacement(t_scores, c_sorted, ratio, caliper_width)
        all_t.append(t_rows[tp])
        all_c.append(c_rows[cp])

    t_out = np.concatenate(all_t) if all_t else np.empty(0, dtype=np.int64)
    c_out = np.concatenate(all_c) if all_c else np.empty(0, dtype=np.int64)
    # Report pairs grouped by treated unit in data order; the subclass is the treated unit.
    sort = np.lexsort((c_out, t_out))
    t_out, c_out = t_out[sort], c_out[sort]
    _, subclass = np.unique(t_out, return_inverse=True)

    weights = np.zeros(n)
    if len(t_out):
        matched_t, per_t = np.unique(t_out, return_counts=True)
        weights[matched_t] = 1.0
        share = 1.0 / per_t[np.searchsorted(matched_t, t_out)]
        np.add.at(weights, c_out, share)
        controls = np.unique(c_out)
        weights[controls] *= len(controls) / weights[controls].sum()
    left_out = treated.copy()
    left_out[t_out] = False
    unmatched = np.flatnonzero(left_out)
    return Matching(t_out, c_out, subclass.astype(np.int64), weights, unmatched)


# --- balance -------------------------------------------------------------------------------


def _weighted_var(x: np.ndarray, w: np.ndarray) -> float:
    sw = w.sum()
    if sw <= 0:
        return float("nan")
    mean = (w * x).sum() / sw
    denom = sw - (w**2).sum() / sw
    if denom <= 0:
        return float("nan")
    return float((w * (x - mean) ** 2).sum() / denom)


def _is_binary(x: np.ndarray) -> bool:
    return bool(np.isin(np.unique(x), (0.0, 1.0)).all())


@dataclass
class BalanceRow:
    covariate: str
    binary: bool
    mean_treated_before: float
    mean_control_before: float
    smd_before: float
    var_ratio_before: float | None
    mean_treated_after: float
    mean_control_after: float
    smd_after: float
    var_ratio_after: float | None

    @property
    def balanced(self) -> bool:
        if not np.isfinite(self.smd_after) or abs(self.smd_after) > SMD_THRESHOLD:
            return False
        if self.var_ratio_after is None:
            return True
        low, high = VARIANCE_RATIO_BAND
        return low <= self.var_ratio_after <= high


def balance_table(
    columns: dict[str, np.ndarray], treated: np.ndarray, weights: np.ndarray
) -> list[BalanceRow]:
    """Means, standardised mean differences and variance ratios before and after matching.

    As MatchIt's ``summary()`` for the ATT: the difference is divided by the treated group's
    standard deviation in the full sample (``sqrt(p(1-p))`` for an indicator), the same
    divisor before and after, and variance ratios (treated over control) are left out for
    indicators.
    """
    treated = np.asarray(treated).astype(bool)
    weights = np.asarray(weights, dtype=float)
    rows = []
    for name, values in columns.items():
        x = np.asarray(values, dtype=float)
        xt, xc = x[treated], x[~treated]
        binary = _is_binary(x)
        if binary:
            p = xt.mean()
            sd = float(np.sqrt(p * (1 - p)))
        else:
            sd = float(np.std(xt, ddof=1)) if len(xt) > 1 else float("nan")
        wt, wc = weights[treated], weights[~treated]
        mt_b, mc_b = float(xt.mean()), float(xc.mean()) if len(xc) else float("nan")
        mt_a = float((wt * xt).sum() / wt.sum()) if wt.sum() else float("nan")
        mc_a = float((wc * xc).sum() / wc.sum()) if wc.sum() else float("nan")

        def smd(a, b, sd=sd):
            if not sd or not np.isfinite(sd):
                return 0.0 if a == b else float("inf")
            return (a - b) / sd

        vr_b = vr_a = None
        if not binary:
            vc_b = float(np.var(xc, ddof=1)) if len(xc) > 1 else float("nan")
            vr_b = float(np.var(xt, ddof=1) / vc_b) if vc_b else None
            vc_a = _weighted_var(xc, wc)
            vr_a = float(_weighted_var(xt, wt) / vc_a) if vc_a else None
        rows.append(
            BalanceRow(
                name, binary, mt_b, mc_b, smd(mt_b, mc_b), vr_b, mt_a, mc_a, smd(mt_a, mc_a), vr_a
            )
        )
    return rows


def balance_gate(rows: list[BalanceRow]) -> tuple[bool, list[str]]:
    """Whether the match is good enough to report, and the covariates that fail."""
    failing = [row.covariate for row in rows if not row.balanced]
    return (not failing and bool(rows)), failing


# --- difference in differences -------------------------------------------------------------


@dataclass
class Estimate:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n_treated: int
    n_control: int
    method: str

    @property
    def p_value(self) -> float:
        if not self.se or not np.isfinite(self.se):
            return float("nan")
        return float(2 * stats.norm.sf(abs(self.estimate / self.se)))


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def did_matched(
    before: np.ndarray,
    after: np.ndarray,
    treated: np.ndarray,
    weights: np.ndarray,
    clusters: np.ndarray | None = None,
    *,
    alpha: float = 0.05,
) -> Estimate:
    """Two-period difference in differences on a matched sample.

    The weighted regression of each firm's change (after − before) on a participation
    indicator; its coefficient is the ATT. Standard errors are cluster-robust (CR1, as
    statsmodels and Stata compute them) by ``clusters`` — the pair or subclass for matching
    without replacement — or heteroskedasticity-robust (HC1) when no clusters are given.
    """
    before, after = np.asarray(before, float), np.asarray(after, float)
    treated = np.asarray(treated).astype(bool)
    w = np.asarray(weights, float)
    keep = (w > 0) & np.isfinite(before) & np.isfinite(after)
    dy, d, w = (after - before)[keep], treated[keep].astype(float), w[keep]
    n_t, n_c = int((d == 1).sum()), int((d == 0).sum())
    if n_t == 0 or n_c == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), float("nan"), n_t, n_c, "did")
    # Weighted least squares with X = [1, d] solved in closed form.
    mt = np.average(dy[d == 1], weights=w[d == 1])
    mc = np.average(dy[d == 0], weights=w[d == 0])
    att = float(mt - mc)
    resid = dy - np.where(d == 1, mt, mc)
    x = np.column_stack([np.ones_like(d), d])
    xw = x * w[:, None]
    bread = np.linalg.inv(x.T @ xw)
    scores = xw * resid[:, None]
    n, k = len(dy), 2
    if clusters is not None:
        g = np.asarray(clusters)[keep]
        _, gi = np.unique(g, return_inverse=True)
        n_g = gi.max() + 1
        summed = np.zeros((n_g, k))
        np.add.at(summed, gi, scores)
        meat = summed.T @ summed
        factor = (n_g / max(n_g - 1, 1)) * ((n - 1) / max(n - k, 1))
        method = "did_cluster"
    else:
        meat = scores.T @ scores
        factor = n / max(n - k, 1)
        method = "did_hc1"
    cov = factor * bread @ meat @ bread
    se = float(np.sqrt(cov[1, 1]))
    z = _z(alpha)
    return Estimate(att, se, att - z * se, att + z * se, n_t, n_c, method)


def before_after(before: np.ndarray, after: np.ndarray, *, alpha: float = 0.05) -> Estimate:
    """The naive change among participants alone (the "descriptive" design)."""
    dy = np.asarray(after, float) - np.asarray(before, float)
    dy = dy[np.isfinite(dy)]
    n = len(dy)
    if n == 0:
        return Estimate(
            float("nan"), float("nan"), float("nan"), float("nan"), 0, 0, "before_after"
        )
    mean = float(dy.mean())
    se = float(dy.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    z = _z(alpha)
    return Estimate(mean, se, mean - z * se, mean + z * se, n, 0, "before_after")


# --- the matched design end to end, and its refutations -------------------------------------


@dataclass
class MatchedDesign:
    scores: np.ndarray
    matching: Matching
    balance: list[BalanceRow]
    balanced: bool
    failing: list[str]
    estimate: Estimate


def matched_did(
    columns: dict[str, np.ndarray],
    treated: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    *,
    categorical: tuple[str, ...] = (),
    ratio: int = 1,
    replace: bool = False,
    caliper: float | None = None,
    strata: np.ndarray | None = None,
) -> MatchedDesign:
    """Score, match, check balance and estimate the DiD in one call."""
    matrix, _, balance_cols = design_matrix(columns, categorical)
    scores = propensity_scores(matrix, treated)
    matching = nearest_neighbour_match(
        scores, treated, ratio=ratio, replace=replace, caliper=caliper, strata=strata
    )
    rows = balance_table(balance_cols, treated, matching.weights)
    ok, failing = balance_gate(rows)
    clusters = None
    if not replace:
        clusters = np.full(len(treated), -1, dtype=np.int64)
        clusters[matching.treated_rows] = matching.subclass
        clusters[matching.control_rows] = matching.subclass
    estimate = did_matched(before, after, treated, matching.weights, clusters)
    return MatchedDesign(scores, matching, rows, ok, failing, estimate)


@dataclass
class Refutation:
    name: str
    original: float
    new_effect: float
    p_value: float | None
    passed: bool


def refute_placebo_treatment(
    before, after, treated, weights, *, seed: int, alpha: float = 0.05
) -> Refutation:
    """Give the participation label to a random set of the matched firms of the same size.

    A sound design finds no effect of a placebo: the refutation passes when the placebo's
    confidence interval covers zero.
    """
    rng = np.random.default_rng(seed)
    treated = np.asarray(treated).astype(bool)
    w = np.asarray(weights, float)
    in_sample = np.flatnonzero(w > 0)
    placebo = np.zeros(len(treated), dtype=bool)
    chosen = rng.choice(in_sample, size=int(treated[in_sample].sum()), replace=False)
    placebo[chosen] = True
    sample_w = np.where(w > 0, 1.0, 0.0)
    original = did_matched(before, after, treated, w).estimate
    est = did_matched(before, after, placebo, sample_w, alpha=alpha)
    passed = bool(est.ci_low <= 0 <= est.ci_high)
    return Refutation("placebo_treatment", original, est.estimate, est.p_value, passed)


def refute_random_common_cause(
    columns, treated, before, after, *, seed: int, design: MatchedDesign, **match_options
) -> Refutation:
    """Add an independent random covariate and run the whole design again.

    The estimate should barely move: the refutation passes when the new estimate lies within
    the original confidence interval.
    """
    rng = np.random.default_rng(seed)
    extended = dict(columns)
    extended["__random_common_cause"] = rng.standard_normal(len(treated))
    again = matched_did(extended, treated, before, after, **match_options)
    est = design.estimate
    passed = bool(est.ci_low <= again.estimate.estimate <= est.ci_high)
    return Refutation(
        "random_common_cause", est.estimate, again.estimate.estimate, again.estimate.p_value, passed
    )
