"""From an evaluation's plan to its numbers: collect the firms and their outcomes through the
owning apps' selectors, shape them into arrays, and run the estimation core.

Nothing here writes to the database; :mod:`services` stores what :func:`analyse` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version

import numpy as np

from d4sme.assessments.selectors import overall_scores_by_year
from d4sme.programmes.selectors import programme_eligible_firm_ids, programme_participants
from d4sme.registry.selectors import organisation_profiles

from . import estimation as est
from . import staggered
from .rating import Facts, Rating, rate
from .selectors import outcome_panel

LIBRARIES = ("numpy", "scipy", "statsmodels", "moderndid")

# The questionnaire whose overall score is the "maturity_score" outcome.
MATURITY_INSTRUMENT = "dma-sme"

# Categorical covariates; every other covariate is a number.
CATEGORICAL = ("sector",)


def library_versions() -> dict[str, str]:
    return {name: version(name) for name in LIBRARIES}


@dataclass
class PairRow:
    treated: int
    control: int
    entry_year: int
    subclass: int
    control_weight: float


@dataclass
class EstimateRow:
    aggregation: str
    estimate: float
    se: float | None
    ci_low: float | None
    ci_high: float | None
    method: str
    overall: bool = False
    g: int | None = None
    t: int | None = None
    e: int | None = None
    n_treated: int | None = None
    n_control: int | None = None


@dataclass
class Result:
    pool: dict
    summary: dict
    rating: Rating
    pairs: list[PairRow] = field(default_factory=list)
    balance: list[est.BalanceRow] = field(default_factory=list)
    estimates: list[EstimateRow] = field(default_factory=list)


def _value(record, outcome: str):
    """The outcome from one firm-year record (sales, employment, operating)."""
    if record is None:
        return None
    sales, employment, operating = record[:3]
    if outcome == "maturity_score":
        return None if len(record) < 4 or record[3] is None else float(record[3])
    if outcome == "survival":
        return 1.0 if operating else 0.0
    if outcome == "employment":
        return None if employment is None else float(employment)
    return None if sales is None else float(sales)


def _participation_value(p: dict, outcome: str, when: str):
    if outcome == "maturity_score":
        return None  # measured by assessments, in the firm-year panel only
    if outcome == "survival":
        if when == "before":
            return 1.0
        return None if p["still_operating"] is None else float(bool(p["still_operating"]))
    found = p[f"{outcome}_{when}"]
    return None if found is None else float(found)


@dataclass
class Firms:
    """Who is compared: participants by entry year, the pool, profiles and outcomes."""

    participants: dict[int, dict]  # organisation id -> first participation
    pool: list[int]
    profiles: dict[int, dict]
    panel: dict[tuple[int, int], tuple]
    pool_definition: dict


def collect(evaluation) -> Firms:
    programme = evaluation.programme
    participants: dict[int, dict] = {}
    for p in programme_participants(programme=programme):
        participants.setdefault(p["organisation_id"], p)
    entry_years = sorted({p["entry_year"] for p in participants.values()})
    first_entry = date(entry_years[0], 1, 1) if entry_years else None
    eligible = programme_eligible_firm_ids(programme=programme, on=first_entry)
    pool = [pk for pk in eligible if pk not in participants]
    firms = list(participants) + pool
    profiles = {p["id"]: p for p in organisation_profiles(pks=firms)}
    panel = outcome_panel(organisation_ids=firms)
    if evaluation.outcome == "maturity_score":
        scores = overall_scores_by_year(organisation_ids=firms, instrument=MATURITY_INSTRUMENT)
        for key, score in scores.items():
            panel[key] = (*panel.get(key, (None, None, True)), score)
        # A firm-year with outcomes but no assessment has no score.
        for key, record in panel.items():
            if len(record) == 3:
                panel[key] = (*record, None)
    definition = {
        "rule": "registry SMEs that never took part in the programme and met its eligibility "
        "rules at the first cohort's entry",
        "economy": programme.economy_id,
        "eligibility": programme.eligibility if programme.eligibility_stated else {},
        "eligibility_stated": programme.eligibility_stated,
        "checked_on": first_entry.isoformat() if first_entry else None,
        "eligible_firms": len(eligible),
        "participants": len(participants),
        "pool": len(pool),
        "entry_years": entry_years,
    }
    return Firms(participants, pool, profiles, panel, definition)


def _covariate(name: str, firm: int, g: int, profile: dict, panel, outcome: str):
    if name == "outcome_before":
        return _value(panel.get((firm, g - 1)), outcome)
    if name == "employment_before":
        return _value(panel.get((firm, g - 1)), "employment")
    if name == "sales_before":
        return _value(panel.get((firm, g - 1)), "sales")
    if name == "firm_age":
        founded = profile.get("founded_year")
        return None if founded is None else float(g - founded)
    if name in ("women_led", "youth_led", "rural"):
        return 1.0 if profile.get(name) else 0.0
    if name == "sector":
        return profile.get("isic_section") or None
    raise ValueError(f"unknown covariate {name}")


def _stack(evaluation, firms: Firms):
    """Rows (firm, entry year) for participants and, for every entry year, each pool firm.

    A row needs the outcome the year before entry and ``horizon`` years after, and every
    covariate. A participant missing from the firm-year panel falls back on the outcomes its
    participation recorded before and after support.
    """
    outcome, horizon = evaluation.outcome, evaluation.horizon
    covariates = list(evaluation.covariates)
    rows, dropped = [], 0

    def build(firm, g, is_treated, participation=None):
        before = _value(firms.panel.get((firm, g - 1)), outcome)
        after = _value(firms.panel.get((firm, g + horizon)), outcome)
        if participation is not None:
            before = (
                before
                if before is not None
                else _participation_value(participation, outcome, "before")
            )
            after = (
                after
                if after is not None
                else _participation_value(participation, outcome, "after")
            )
        earlier = _value(firms.panel.get((firm, g - 2)), outcome)
        profile = firms.profiles.get(firm, {})
        values = [_covariate(c, firm, g, profile, firms.panel, outcome) for c in covariates]
        if before is None or after is None or any(v is None for v in values):
            return None
        return (
            firm,
            g,
            is_treated,
            before,
            after,
            earlier,
            values,
            profile.get("isic_section", ""),
        )

    entry_years = sorted({p["entry_year"] for p in firms.participants.values()})
    for firm, p in firms.participants.items():
        row = build(firm, p["entry_year"], True, p)
        if row is None:
            dropped += 1
        else:
            rows.append(row)
    for g in entry_years:
        for firm in firms.pool:
            row = build(firm, g, False)
            if row is not None:
                rows.append(row)
    return rows, dropped, covariates


def _estimate_row(aggregation: str, found: est.Estimate, **extra) -> EstimateRow:
    def clean(x):
        return None if x is None or not np.isfinite(x) else float(x)

    return EstimateRow(
        aggregation=aggregation,
        estimate=float(found.estimate),
        se=clean(found.se),
        ci_low=clean(found.ci_low),
        ci_high=clean(found.ci_high),
        method=found.method,
        n_treated=found.n_treated,
        n_control=found.n_control,
        **extra,
    )


Progress = Callable[[int, str], None]


def analyse(evaluation, progress: Progress = lambda pct, step: None) -> Result:
    progress(5, "Collecting participants and the comparison pool")
    firms = collect(evaluation)
    if evaluation.design == "cs_staggered":
        return _analyse_staggered(evaluation, firms, progress)
    return _analyse_matched(evaluation, firms, progress)


def _analyse_matched(evaluation, firms: Firms, progress: Progress) -> Result:
    rows, dropped, covariates = _stack(evaluation, firms)
    treated = np.array([r[2] for r in rows], dtype=bool)
    before = np.array([r[3] for r in rows], dtype=float)
    after = np.array([r[4] for r in rows], dtype=float)
    summary = {
        "participants": len(firms.participants),
        "participants_with_outcomes": int(treated.sum()),
        "participants_dropped": dropped,
        "comparison_rows": int((~treated).sum()),
        "outcome_years": {"before": "entry - 1", "after": f"entry + {evaluation.horizon}"},
    }
    estimates: list[EstimateRow] = []
    naive = est.before_after(before[treated], after[treated])
    estimates.append(_estimate_row("before_after", naive, overall=True))
    if evaluation.design == "descriptive" or treated.sum() == 0 or (~treated).sum() == 0:
        facts = Facts("descriptive", int(treated.sum()), 0, outcome=evaluation.outcome)
        summary["matched"] = False
        return Result(firms.pool_definition, summary, rate(facts), estimates=estimates)

    progress(25, "Estimating propensity scores")
    columns = {}
    for i, name in enumerate(covariates):
        values = [r[6][i] for r in rows]
        columns[name] = np.array(values, dtype=object if name in CATEGORICAL else float)
    entry = np.array([r[1] for r in rows])
    strata = entry.astype(str)
    if evaluation.exact_sector:
        strata = np.char.add(np.char.add(strata, "|"), np.array([r[7] for r in rows], dtype=str))
    options = {
        "categorical": tuple(c for c in covariates if c in CATEGORICAL),
        "ratio": evaluation.ratio,
        "replace": evaluation.replace,
        "caliper": evaluation.caliper,
        "strata": strata,
    }
    if not columns:
        # No covariates: every participant is compared with its cohort's pool at random order.
        columns = {"entry_year": entry.astype(float)}
    progress(40, "Matching participants with comparison firms")
    design = est.matched_did(columns, treated, before, after, **options)
    matching = design.matching
    subclass_of = {}
    pairs = []
    for t_row, c_row, sub in zip(
        matching.treated_rows, matching.control_rows, matching.subclass, strict=True
    ):
        subclass_of[int(t_row)] = int(sub)
        pairs.append(
            PairRow(
                treated=rows[t_row][0],
                control=rows[c_row][0],
                entry_year=int(rows[t_row][1]),
                subclass=int(sub),
                control_weight=float(matching.weights[c_row]),
            )
        )
    estimates.append(_estimate_row("did", design.estimate, overall=True))

    progress(65, "Testing for earlier differences in trend")
    earlier = np.array([np.nan if r[5] is None else r[5] for r in rows], dtype=float)
    pretrend_p = None
    in_sample = matching.weights > 0
    if (
        np.isfinite(earlier[in_sample & treated]).sum() >= 2
        and np.isfinite(earlier[in_sample & ~treated]).sum() >= 2
    ):
        clusters = None
        if not evaluation.replace:
            clusters = np.full(len(rows), -1, dtype=np.int64)
            clusters[matching.treated_rows] = matching.subclass
            clusters[matching.control_rows] = matching.subclass
        pre = est.did_matched(earlier, before, treated, matching.weights, clusters)
        if np.isfinite(pre.p_value):
            pretrend_p = float(pre.p_value)
            estimates.append(_estimate_row("did", pre, e=-1))

    progress(80, "Refuting: placebo participation and a random common cause")
    placebo = est.refute_placebo_treatment(
        before, after, treated, matching.weights, seed=evaluation.seed
    )
    common = est.refute_random_common_cause(
        columns, treated, before, after, seed=evaluation.seed, design=design, **options
    )
    refutations = [
        {
            "name": r.name,
            "original": r.original,
            "new_effect": r.new_effect,
            "p_value": None if r.p_value is None or not np.isfinite(r.p_value) else r.p_value,
            "passed": r.passed,
        }
        for r in (placebo, common)
    ]
    summary.update(
        {
            "matched": True,
            "participants_matched": matching.n_treated_matched,
            "participants_unmatched": len(matching.unmatched_treated),
            "comparison_matched": len({p.control for p in pairs}),
            "pairs": matching.n_pairs,
            "balanced": design.balanced,
            "unbalanced_covariates": design.failing,
            "pretrend_p": pretrend_p,
            "refutations": refutations,
            "smd_threshold": est.SMD_THRESHOLD,
            "variance_ratio_band": list(est.VARIANCE_RATIO_BAND),
        }
    )
    facts = Facts(
        "psm_did",
        matching.n_treated_matched,
        len({p.control for p in pairs}),
        balance_ok=design.balanced,
        pretrend_p=pretrend_p,
        refutations_passed=all(r["passed"] for r in refutations),
        outcome=evaluation.outcome,
        dropped_participants=dropped,
    )
    return Result(
        firms.pool_definition,
        summary,
        rate(facts),
        pairs=pairs,
        balance=design.balance,
        estimates=estimates,
    )


def _analyse_staggered(evaluation, firms: Firms, progress: Progress) -> Result:
    progress(30, "Building the firm-year panel")
    outcome = evaluation.outcome
    groups = {firm: p["entry_year"] for firm, p in firms.participants.items()}
    groups.update(dict.fromkeys(firms.pool, 0))
    years = sorted({year for (_, year) in firms.panel})
    unit, time, group, y = [], [], [], []
    kept_treated = kept_pool = 0
    for firm, g in groups.items():
        values = [_value(firms.panel.get((firm, year)), outcome) for year in years]
        # Callaway–Sant'Anna here needs a balanced panel: every year observed.
        if not years or any(v is None for v in values):
            continue
        if g and g <= years[0]:
            continue  # entered before the panel starts: no year before entry to compare with
        kept_treated += bool(g)
        kept_pool += not g
        unit.extend([firm] * len(years))
        time.extend(years)
        group.extend([g] * len(years))
        y.extend(values)
    summary = {
        "participants": len(firms.participants),
        "participants_with_outcomes": kept_treated,
        "participants_dropped": len(firms.participants) - kept_treated,
        "comparison_firms": kept_pool,
        "years": years,
        "matched": False,
    }
    estimates: list[EstimateRow] = []
    if kept_treated == 0 or kept_pool == 0:
        facts = Facts("cs_staggered", kept_treated, kept_pool, outcome=outcome)
        return Result(firms.pool_definition, summary, rate(facts), estimates=estimates)
    progress(55, "Estimating ATT(g,t) and its aggregations")
    result = staggered.callaway_santanna(
        np.array(unit),
        np.array(time),
        np.array(group),
        np.array(y, dtype=float),
        control_group=evaluation.control_group,
    )
    for cell in result.cells:
        is_overall = (
            cell.aggregation != "gt" and cell.g is None and cell.t is None and cell.e is None
        )
        if not np.isfinite(cell.estimate):
            continue
        estimates.append(
            EstimateRow(
                aggregation=cell.aggregation,
                estimate=cell.estimate,
                se=cell.se if np.isfinite(cell.se) else None,
                ci_low=cell.ci_low if np.isfinite(cell.ci_low) else None,
                ci_high=cell.ci_high if np.isfinite(cell.ci_high) else None,
                method="callaway_santanna",
                overall=is_overall,
                g=cell.g,
                t=cell.t,
                e=cell.e,
                n_treated=cell.n_treated
                if cell.n_treated is not None
                else (kept_treated if is_overall else None),
                n_control=kept_pool,
            )
        )
    summary.update({"pretrend_p": result.pretrend_p, "options": result.options})
    facts = Facts(
        "cs_staggered",
        kept_treated,
        kept_pool,
        pretrend_p=result.pretrend_p,
        outcome=outcome,
        dropped_participants=summary["participants_dropped"],
    )
    return Result(firms.pool_definition, summary, rate(facts), estimates=estimates)
