"""Benchmark: matching's three engines against their baselines, on generated data, in one run.

No database: the engines work on arrays (Django is set up only for translated reasons).

(a) Programme recommendations for F firms × P programmes: the background refresh's path
    (``Population.eligible`` per programme, then the fit's parts as matrix products over
    chunks of firms and a top-20 per firm) against the per-pair path (``check()`` and the
    fit of one firm and one programme), timed on a random sample of pairs; ratio of pairs per
    second. Also one firm's recommendations (every programme of its economy checked with
    ``check()`` and scored in one row), p50 and p95 over 200 firms.
(b) Deferred acceptance for C candidates × J SMEs with top-L lists: ours alone at full size,
    and against the ``matching`` package (hospital/resident, resident-optimal) on a smaller
    instance of the same shape in the same run, with identical results required.
(c) Supplier plans for O offers × N needs, top-20 candidate offers per need, diversification
    limits on: CP-SAT's time, objective, and its gap to the LP bound of the same model
    (SciPy's HiGHS on the relaxation).

    python bench/matching.py                           # 1,000,000 x 10,000 / 20,000 x 2,000 / 50,000 x 5,000
    python bench/matching.py --firms 100000 --programmes 2000 --oracle-candidates 1000   # quick
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

# This file's own name would hide the `matching` package (the oracle) from the import system.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")

import django  # noqa: E402

django.setup()

from d4sme.matching import fit, solvers, stable  # noqa: E402
from d4sme.programmes import eligibility  # noqa: E402

ECONOMIES = ["KR", "BR", "PE", "JP", "US", "MX", "CL", "AU", "CA", "NZ"]
SECTIONS = list("ACFGHIJMN")
TERMS = [f"t{i}" for i in range(60)]
TOP = 20


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


# -- (a) recommendations ----------------------------------------------------------------------


def population(count: int, rng):
    profiles = {
        "economy": rng.choice(ECONOMIES, count).tolist(),
        "size_class": rng.choice(["micro", "small", "medium"], count, p=[0.8, 0.15, 0.05]),
        "section": rng.choice(SECTIONS, count).tolist(),
        "region": [None] * count,
        "founded_year": rng.integers(1990, 2026, count).tolist(),
        "women_led": rng.random(count) < 0.2,
        "youth_led": rng.random(count) < 0.1,
        "rural": rng.random(count) < 0.15,
    }
    return profiles, eligibility.Population(**profiles)


def programmes(count: int, rng) -> list[dict]:
    found = []
    for i in range(count):
        rules: dict = {}
        if rng.random() < 0.6:
            rules["size_classes"] = ["micro", "small", "medium"][: rng.integers(1, 4)]
        if rng.random() < 0.4:
            rules["sections"] = sorted(rng.choice(SECTIONS, rng.integers(1, 4), replace=False))
        if rng.random() < 0.05:
            rules["women_led"] = True
        if rng.random() < 0.2:
            rules["max_firm_age"] = int(rng.choice([3, 5, 7]))
        found.append(
            {
                "pk": i + 1,
                "economy": None if rng.random() < 0.05 else str(rng.choice(ECONOMIES)),
                "rules": rules,
                "terms": set(rng.choice(TERMS, rng.integers(1, 6), replace=False).tolist()),
            }
        )
    return found


def catalogue_of(found: list[dict], rng, settings) -> fit.Catalogue:
    dims = sorted(settings.dimensions)
    # Programmes address dimensions through the mapping's own terms, drawn at random.
    terms = {}
    for p in found:
        addressed = rng.choice(dims, rng.integers(0, 3), replace=False).tolist()
        terms[p["pk"]] = p["terms"] | {settings.dimensions[d][0] for d in addressed}
    vectors = rng.standard_normal((len(found), 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return fit.catalogue_build(
        programme_ids=[p["pk"] for p in found],
        terms=terms,
        rules={p["pk"]: p["rules"] for p in found},
        calls={p["pk"]: float(rng.choice([0, 0.5, 1], p=[0.6, 0.1, 0.3])) for p in found},
        uptake={},
        vectors={p["pk"]: v for p, v in zip(found, vectors, strict=True)},
        settings=settings,
    )


def firms_of(profiles: dict, rows: np.ndarray, catalogue, settings, rng, needs_text) -> fit.Firms:
    dims = sorted(settings.dimensions)[:6]
    subset = [
        {
            "economy_id": profiles["economy"][r],
            "isic_section": profiles["section"][r],
            "size_class": str(profiles["size_class"][r]),
        }
        for r in rows
    ]
    scores = [dict(zip(dims, (rng.random(6) * 100).tolist(), strict=True)) for _ in rows]
    needs = [set(rng.choice(TERMS, 3, replace=False).tolist()) for _ in rows]
    return fit.firms_build(
        profiles=subset,
        scores=scores,
        needs=needs,
        text=needs_text[rng.integers(0, len(needs_text), len(rows))],
        catalogue=catalogue,
        settings=settings,
    )


def measure_recommendations(args, rng) -> dict:
    settings = fit.fit_settings()
    profiles, pop = population(args.firms, rng)
    found = programmes(args.programmes, rng)
    catalogue = catalogue_of(found, rng, settings)
    needs_text = rng.standard_normal((64, 512)).astype(np.float32)
    needs_text /= np.linalg.norm(needs_text, axis=1, keepdims=True)
    # Batch: eligibility per programme, then chunks of firms scored by matrix products.
    start = time.perf_counter()
    columns = [np.sort(pop.eligible(rules=p["rules"], economy=p["economy"])) for p in found]
    eligibility_seconds = time.perf_counter() - start
    examined = sum(
        pop.size
        if p["economy"] is None
        else len(pop._order[slice(*pop._slices.get(p["economy"], (0, 0)))])
        for p in found
    )
    eligible_pairs = sum(len(c) for c in columns)
    from d4sme.matching.services import eligibility_block

    chunk, scoring_seconds, stored = args.chunk, 0.0, 0
    for lo in range(0, pop.size, chunk):
        hi = min(lo + chunk, pop.size)
        firms = firms_of(profiles, np.arange(lo, hi), catalogue, settings, rng, needs_text)
        t = time.perf_counter()
        total = fit.scores(catalogue, firms, settings)
        allowed = eligibility_block(columns, lo, hi)
        total = np.where(allowed, total, -1.0)
        top = np.argpartition(-total, min(TOP, total.shape[1] - 1), axis=1)[:, :TOP]
        stored += int((np.take_along_axis(total, top, axis=1) >= 0).sum())
        scoring_seconds += time.perf_counter() - t
    batch_seconds = eligibility_seconds + scoring_seconds
    # Per pair: check() and the fit of one firm and one programme, as a page would.
    by_economy: dict = {}
    for j, p in enumerate(found):
        for code in [p["economy"]] if p["economy"] else ECONOMIES:
            by_economy.setdefault(code, []).append(j)
    sample = args.pair_sample
    rows = rng.integers(0, pop.size, sample)
    # Pairs of the kind the batch examines: a programme of the firm's economy or international.
    cols = np.array([rng.choice(by_economy[profiles["economy"][r]]) for r in rows])
    firm_facts = [
        eligibility.Firm(
            economy=profiles["economy"][r],
            size_class=str(profiles["size_class"][r]),
            section=profiles["section"][r],
            region=None,
            founded_year=profiles["founded_year"][r],
            women_led=bool(profiles["women_led"][r]),
            youth_led=bool(profiles["youth_led"][r]),
            rural=bool(profiles["rural"][r]),
        )
        for r in rows
    ]
    one_firm = [
        firms_of(profiles, np.array([r]), catalogue, settings, rng, needs_text)
        for r in rows[:sample]
    ]
    agree = 0
    start = time.perf_counter()
    for k in range(sample):
        p = found[cols[k]]
        verdict = eligibility.check(
            rules=p["rules"], economy=p["economy"], economy_name="", firm=firm_facts[k]
        )
        single = fit.Catalogue(
            programme_ids=catalogue.programme_ids[cols[k] : cols[k] + 1],
            dimensions=catalogue.dimensions,
            addresses=catalogue.addresses[:, cols[k] : cols[k] + 1],
            codes=catalogue.codes,
            need_terms=catalogue.need_terms[:, cols[k] : cols[k] + 1],
            size_fit=catalogue.size_fit[:, cols[k] : cols[k] + 1],
            section_fit=catalogue.section_fit[:, cols[k] : cols[k] + 1],
            call=catalogue.call[cols[k] : cols[k] + 1],
            vectors=catalogue.vectors[cols[k] : cols[k] + 1],
        )
        fit.scores(single, one_firm[k], settings)
        in_bulk = verdict.eligible == (
            np.searchsorted(columns[cols[k]], rows[k]) < len(columns[cols[k]])
            and columns[cols[k]][np.searchsorted(columns[cols[k]], rows[k])] == rows[k]
        )
        agree += bool(in_bulk)
    loop_seconds = time.perf_counter() - start
    # One firm: every programme of its economy (and international ones), checked and scored.
    latencies = []
    for k in range(200):
        r = int(rows[k])
        start = time.perf_counter()
        mine = by_economy[profiles["economy"][r]]
        verdicts = [
            eligibility.check(
                rules=found[j]["rules"],
                economy=found[j]["economy"],
                economy_name="",
                firm=firm_facts[k],
            )
            for j in mine
        ]
        parts = dict(fit.part_matrices(catalogue, one_firm[k], settings))
        total = fit.total_of(parts, settings)[0, mine]
        ranked = sorted(
            (t, j) for t, j, v in zip(total.tolist(), mine, verdicts, strict=True) if v.eligible
        )
        latencies.append(time.perf_counter() - start)
        del ranked
    latencies.sort()
    return {
        "firms": pop.size,
        "programmes": len(found),
        "examined_pairs": examined,
        "eligible_pairs": eligible_pairs,
        "stored": stored,
        "eligibility_seconds": eligibility_seconds,
        "scoring_seconds": scoring_seconds,
        "batch_seconds": batch_seconds,
        "batch_pairs_per_second": examined / batch_seconds,
        "loop_pairs": sample,
        "loop_seconds": loop_seconds,
        "loop_pairs_per_second": sample / loop_seconds,
        "ratio": (examined / batch_seconds) / (sample / loop_seconds),
        "agree": agree,
        "one_firm_p50_ms": 1000 * latencies[len(latencies) // 2],
        "one_firm_p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


# -- (b) deferred acceptance ------------------------------------------------------------------


def stable_instance(candidates: int, jobs: int, length: int, rng):
    """Candidates rank ``length`` random jobs; jobs rank their applicants by a random score;
    places add up to about the number of candidates."""
    lists = np.argsort(rng.random((candidates, jobs)), axis=1)[:, :length] if jobs <= 4000 else None
    candidate_lists = lists.tolist()
    score = rng.random(candidates)
    applicants: list[list[int]] = [[] for _ in range(jobs)]
    for c, lst in enumerate(candidate_lists):
        for j in lst:
            applicants[j].append(c)
    job_lists = [sorted(a, key=lambda c: -score[c]) for a in applicants]
    capacity = np.maximum(1, rng.poisson(candidates / jobs, jobs))
    return candidate_lists, job_lists, capacity


def measure_stable(args, rng) -> dict:
    full = stable_instance(args.candidates, args.jobs, args.list_length, rng)
    preferences, build = timed(stable.Preferences.of, *full)
    match, seconds = timed(stable.deferred_acceptance, preferences)
    blocking, check_seconds = timed(stable.blocking_pairs, preferences, match)
    small = stable_instance(args.oracle_candidates, args.oracle_jobs, args.list_length, rng)
    ours_small, ours_small_seconds = timed(
        lambda: stable.deferred_acceptance(stable.Preferences.of(*small))
    )
    from matching.games import HospitalResident

    sys.setrecursionlimit(100_000)
    candidate_lists, job_lists, capacity = small
    start = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(
        {f"r{c}": [f"h{j}" for j in lst] for c, lst in enumerate(candidate_lists)},
        {f"h{j}": [f"r{c}" for c in lst] for j, lst in enumerate(job_lists)},
        {f"h{j}": int(k) for j, k in enumerate(capacity)},
    )
    build_oracle = time.perf_counter() - start
    solved, solve_oracle = timed(game.solve, optimal="resident")
    theirs = [-1] * len(candidate_lists)
    for hospital, residents in solved.items():
        for resident in residents:
            theirs[int(resident.name[1:])] = int(hospital.name[1:])
    return {
        "candidates": args.candidates,
        "jobs": args.jobs,
        "list_length": args.list_length,
        "places": int(full[2].sum()),
        "build_seconds": build,
        "seconds": seconds,
        "matched": int((match >= 0).sum()),
        "blocking_pairs": len(blocking),
        "check_seconds": check_seconds,
        "oracle_candidates": args.oracle_candidates,
        "oracle_jobs": args.oracle_jobs,
        "ours_small_seconds": ours_small_seconds,
        "oracle_build_seconds": build_oracle,
        "oracle_solve_seconds": solve_oracle,
        "identical": ours_small.tolist() == theirs,
        "ratio_solve": solve_oracle / ours_small_seconds,
        "ratio_total": (build_oracle + solve_oracle) / ours_small_seconds,
    }


# -- (c) supplier plans -----------------------------------------------------------------------


def supplier_problem(offers: int, needs: int, rng, cap: float) -> solvers.SupplierProblem:
    suppliers = max(1, offers // 2)
    buyers = max(1, needs // 5)
    edge_need = np.repeat(np.arange(needs), TOP)
    edge_offer = np.concatenate([rng.choice(offers, TOP, replace=False) for _ in range(needs)])
    existing = np.zeros((suppliers, buyers), dtype=np.int64)
    known = rng.integers(0, suppliers, suppliers // 3)
    existing[known, rng.integers(0, buyers, len(known))] = rng.integers(10, 100, len(known))
    return solvers.SupplierProblem(
        edge_offer=edge_offer,
        edge_need=edge_need,
        edge_fit=rng.integers(1, 100, len(edge_offer)),
        offer_capacity=rng.integers(10, 100, offers),
        offer_supplier=rng.integers(0, suppliers, offers),
        need_volume=rng.integers(20, 200, needs),
        need_max_share=rng.choice([0.25, 0.34, 0.5], needs),
        need_buyer=rng.integers(0, buyers, needs),
        existing=existing,
        max_buyer_share=cap,
    )


def lp_bound(problem: solvers.SupplierProblem) -> float:
    """Return the optimum of the same model's linear relaxation (GLOP): a bound on any plan."""
    return float(solvers.supplier_plan(problem, relax=True).objective)


def measure_suppliers(args, rng) -> dict:
    problem = supplier_problem(args.offers, args.needs, rng, cap=0.5)
    unlimited = solvers.SupplierProblem(**{**problem.__dict__, "max_buyer_share": None})
    free, free_seconds = timed(solvers.supplier_plan, unlimited)
    bound, bound_seconds = timed(lp_bound, problem)
    plan, seconds = timed(solvers.supplier_plan, problem, seed=1)
    supplier_of_edge = problem.offer_supplier[problem.edge_offer]
    sales = problem.existing.copy()
    np.add.at(sales, (supplier_of_edge, problem.need_buyer[problem.edge_need]), plan.volume)
    active = np.unique(supplier_of_edge[plan.volume > 0])
    worst = float(solvers.hhi(sales)[active].max()) if len(active) else 0.0
    return {
        "offers": args.offers,
        "needs": args.needs,
        "edges": len(problem.edge_offer),
        "seconds": seconds,
        "status": plan.status,
        "objective": plan.objective,
        "cp_sat_bound": plan.bound,
        "lp_bound": bound,
        "lp_seconds": bound_seconds,
        "gap_to_lp": (bound - plan.objective) / bound if bound else 0.0,
        "worst_supplier_hhi": worst,
        "without_ceiling_objective": free.objective,
        "without_ceiling_seconds": free_seconds,
    }


def report(result: dict) -> str:
    a, b, c = result["recommendations"], result["stable"], result["suppliers"]
    return "\n".join(
        [
            f"### Recommendations: {a['firms']:,} firms x {a['programmes']:,} programmes",
            "",
            "| path | pairs | seconds | pairs per second |",
            "| --- | ---: | ---: | ---: |",
            f"| batch: `Population.eligible` + chunked fit, top {TOP} | {a['examined_pairs']:,} examined,"
            f" {a['eligible_pairs']:,} eligible | {a['batch_seconds']:.2f} (eligibility"
            f" {a['eligibility_seconds']:.2f}, scoring {a['scoring_seconds']:.2f}) |"
            f" {a['batch_pairs_per_second']:,.0f} |",
            f"| per pair: `check()` + one-pair fit, random sample | {a['loop_pairs']:,} |"
            f" {a['loop_seconds']:.2f} | {a['loop_pairs_per_second']:,.0f} |",
            "",
            f"Batch / per pair: **{a['ratio']:,.0f}x**; sampled pairs on which eligibility agrees:"
            f" {a['agree']:,} / {a['loop_pairs']:,}. One firm's recommendations (every programme"
            f" of its economy checked and scored): p50 {a['one_firm_p50_ms']:.1f} ms, p95"
            f" {a['one_firm_p95_ms']:.1f} ms.",
            "",
            f"### Deferred acceptance: {b['candidates']:,} candidates x {b['jobs']:,} SMEs, top-{b['list_length']} lists, {b['places']:,} places",
            "",
            f"Ours: build {b['build_seconds']:.2f} s, solve {b['seconds']:.2f} s, {b['matched']:,} matched,"
            f" {b['blocking_pairs']} blocking pairs (checked in {b['check_seconds']:.2f} s).",
            "",
            f"Against `matching` 1.4.3 on {b['oracle_candidates']:,} x {b['oracle_jobs']:,}: ours"
            f" {b['ours_small_seconds']:.3f} s (build and solve); theirs build"
            f" {b['oracle_build_seconds']:.2f} s + solve {b['oracle_solve_seconds']:.2f} s."
            f" Solve alone **{b['ratio_solve']:,.0f}x**, build and solve **{b['ratio_total']:,.0f}x**;"
            f" identical matchings: {b['identical']}.",
            "",
            f"### Supplier plans: {c['offers']:,} offers x {c['needs']:,} needs, {c['edges']:,} candidate pairs",
            "",
            f"SCIP (through OR-Tools, one thread) {c['status']} in {c['seconds']:.1f} s:"
            f" objective {c['objective']:,};"
            f" LP bound {c['lp_bound']:,.0f} ({c['lp_seconds']:.1f} s); gap to the LP bound"
            f" {100 * c['gap_to_lp']:.3f} %. Worst supplier HHI after the plan among suppliers it"
            f" gives volume: {c['worst_supplier_hhi']:,.0f} (ceiling 5,000). Without the ceiling:"
            f" objective {c['without_ceiling_objective']:,} in {c['without_ceiling_seconds']:.1f} s,"
            f" so diversification costs"
            f" {100 * (1 - c['objective'] / max(1, c['without_ceiling_objective'])):.2f} % of the fit.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--programmes", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=2048)
    parser.add_argument("--pair-sample", type=int, default=5_000)
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--list-length", type=int, default=50)
    parser.add_argument("--oracle-candidates", type=int, default=2_000)
    parser.add_argument("--oracle-jobs", type=int, default=200)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--needs", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--skip", default="", help="comma-separated: recommendations,stable,suppliers"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    skip = set(args.skip.split(","))
    result = {
        "recommendations": {} if "recommendations" in skip else measure_recommendations(args, rng),
        "stable": {} if "stable" in skip else measure_stable(args, rng),
        "suppliers": {} if "suppliers" in skip else measure_suppliers(args, rng),
    }
    out = Path(__file__).resolve().parent.parent / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "matching.json").write_text(json.dumps(result, indent=2, default=float))
    if not skip - {""}:
        print(report(result))
    else:
        print(json.dumps(result, indent=2, default=float))


if __name__ == "__main__":
    main()
