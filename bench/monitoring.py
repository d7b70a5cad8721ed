"""Benchmark: KPI progress for every indicator x economy x period, numpy against DuckDB SQL.

No database: it runs in this process (Django settings are configured for the progress
thresholds; no connection is opened). It generates N observations (default 10,000,000):
100 indicators x 100 economies = 10,000 series of N / 10,000 periods each (1,000 by default),
numbered as years from a first year between 2000 and 2009, with a reporting gap (a skipped
year or two) in about 3% of steps. Series grow at their own random rate with yearly noise;
5% are negative throughout (balances), 2% start at exactly 0, 3% wander around zero and
change sign, and 0.1% of all values are exactly 0. 30% of series are lower-is-better. Half
have a target (a year 10 to 1,000 years after the first, a value on a random path from the
first value; 2% of them 0, 1% of the opposite sign). Rows are shuffled (``--sorted`` keeps
them in series and year order). Generation is not timed.

It then times, the median of ``--rounds`` rounds each (order rotating between rounds):

- numpy: ``progress_by_period`` on the rows, with series ids 0..9,999 (dense: a table of
  series x year cells finds each series' first year without sorting);
- numpy, sparse ids: the same with ids spread far apart (indicator x 1,000,003 + economy x 7),
  which takes the path that sorts once on an int64 key;
- DuckDB: the same computation in SQL over the registered DataFrame: ``first_value`` over a
  window partitioned by series and ordered by year for the base, CASE expressions for the
  method, its edge cases, the thresholds (from the settings) and the score; the result is
  fetched as numpy arrays and put back in row order.

and checks that all three agree on every row: the same status, and scores equal within 1e-9
(both or neither missing). It reports seconds, rows per second and numpy / DuckDB; what it
asserts about is that agreement, measured in the same run on the same data, never the time.

    python bench/monitoring.py                           # 10,000,000 observations
    python bench/monitoring.py --observations 200000     # a smoke check
"""

import argparse
import json
import os
import statistics
import subprocess
import time

import numpy as np
from harness import OUT


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    os.environ["D4SME_DEBUG"] = "0"
    import django

    django.setup()


def generate(args) -> dict[str, np.ndarray]:
    """One row per observation (shuffled unless ``--sorted``), and per-series facts."""
    rng = np.random.default_rng(args.seed)
    series = args.indicators * args.economies
    periods = max(2, -(-args.observations // series))
    n = series * periods

    # Years: a first year per series, then steps of 1 (97%), 2 (2%) or 3 (1%).
    steps = rng.choice(
        np.array([1, 2, 3], dtype=np.int64), size=(series, periods), p=[0.97, 0.02, 0.01]
    )
    steps[:, 0] = rng.integers(2000, 2010, size=series)
    years = np.cumsum(steps, axis=1)

    # Values: compound growth at a per-series rate with yearly noise, from a positive level.
    rate = rng.normal(0.005, 0.01, size=(series, 1))
    growth = 1.0 + rate + rng.normal(0.0, 0.02, size=(series, periods))
    level = rng.lognormal(4.0, 1.5, size=(series, 1))
    values = level * np.cumprod(growth, axis=1)
    kind = rng.choice(4, size=series, p=[0.90, 0.05, 0.02, 0.03])
    values[kind == 1] *= -1.0  # negative throughout
    values[kind == 2, 0] = 0.0  # starts at exactly zero
    wander = kind == 3  # a random walk around zero: changes sign
    values[wander] = np.cumsum(rng.normal(0.0, 1.0, size=(int(wander.sum()), periods)), axis=1)
    values[rng.random(size=values.shape) < 0.001] = 0.0

    higher = rng.random(series) >= 0.3
    has_target = rng.random(series) < 0.5
    target_year = np.where(has_target, years[:, 0] + rng.integers(10, 1001, size=series), np.nan)
    pace = rng.normal(0.01, 0.01, size=series) * np.where(higher, 1.0, -1.0)
    start = values[:, 0]
    with np.errstate(over="ignore"):
        target = start * (1.0 + pace) ** (target_year - years[:, 0])
    special = rng.random(series)
    target[special < 0.02] = 0.0
    flip = (special >= 0.02) & (special < 0.03)
    target[flip] = -target[flip]
    target[~has_target] = np.nan

    series_id = np.repeat(np.arange(series, dtype=np.int64), periods)
    rows = {
        "series_id": series_id,
        "sparse_id": (series_id // args.economies) * 1_000_003 + (series_id % args.economies) * 7,
        "year": years.reshape(-1),
        "value": values.reshape(-1),
        "higher_is_better": np.repeat(higher, periods),
        "target_value": np.repeat(target, periods),
        "target_year": np.repeat(target_year, periods),
    }
    if not args.sorted:
        order = rng.permutation(n)
        rows = {key: column[order] for key, column in rows.items()}
    rows["_facts"] = {
        "series": series,
        "periods": periods,
        "kinds": {
            name: int((kind == k).sum())
            for k, name in enumerate(["positive", "negative", "from zero", "changes sign"])
        },
        "with_target": int(has_target.sum()),
        "lower_is_better": int((~higher).sum()),
        "year_range": [int(years.min()), int(years.max())],
    }
    return rows


def duckdb_sql(thresholds: dict) -> str:
    """The progress measure in SQL, the same rule as ``d4sme.monitoring.progress``."""
    o_high, o_med, o_low = (repr(float(x)) for x in thresholds["without_target"])
    w_high, w_med, w_low = (repr(float(x)) for x in thresholds["with_target"])
    return f"""
    WITH based AS (
        SELECT row_id, year, value, hib, target, target_year,
               first_value(value) OVER w AS base_value,
               first_value(year) OVER w AS base_year
        FROM observations
        WINDOW w AS (PARTITION BY series ORDER BY year)
    ), prepared AS (
        SELECT *,
            CASE WHEN target = 0 THEN 0.001::DOUBLE ELSE target END AS t_eff,
            CASE WHEN base_value = 0 THEN 0.001::DOUBLE ELSE base_value END AS b_eff,
            CASE WHEN (base_value < 0) <> hib THEN 1.0::DOUBLE ELSE -1.0::DOUBLE END AS sd
        FROM based
    ), grown AS (
        SELECT *,
            target IS NOT NULL
                AND CASE WHEN hib THEN value >= t_eff ELSE value <= t_eff END AS achieved,
            CASE WHEN year - base_year >= 1
                      AND NOT ((b_eff > 0 AND value < 0) OR (b_eff < 0 AND value > 0))
                 THEN pow(value / b_eff, 1.0::DOUBLE / (year - base_year)) - 1.0::DOUBLE
            END AS cagr_o,
            CASE WHEN target IS NOT NULL AND target_year - base_year > 0
                      AND NOT ((b_eff > 0 AND t_eff < 0) OR (b_eff < 0 AND t_eff > 0))
                 THEN pow(t_eff / b_eff, 1.0::DOUBLE / (target_year - base_year)) - 1.0::DOUBLE
            END AS cagr_r
        FROM prepared
    ), valued AS (
        SELECT row_id, achieved, target IS NOT NULL AS has_target,
            CASE WHEN target IS NULL THEN sd * cagr_o
                 WHEN cagr_r = 0 THEN CASE WHEN cagr_o IS NOT NULL THEN '-inf'::DOUBLE END
                 ELSE sd * cagr_o / abs(cagr_r)
            END AS v
        FROM grown
    )
    SELECT row_id,
        CASE WHEN achieved THEN 0
             WHEN v IS NULL THEN 5
             WHEN NOT has_target THEN
                 CASE WHEN v >= {o_high} THEN 1 WHEN v >= {o_med} THEN 2
                      WHEN v >= {o_low} THEN 3 ELSE 4 END
             ELSE CASE WHEN v >= {w_high} THEN 1 WHEN v >= {w_med} THEN 2
                       WHEN v >= {w_low} THEN 3 ELSE 4 END
        END::TINYINT AS status,
        CASE WHEN achieved THEN 5.0::DOUBLE
             WHEN v IS NULL THEN NULL
             WHEN NOT has_target THEN
                 CASE WHEN v < {o_low} THEN greatest(125.0::DOUBLE * v - 2.5::DOUBLE, -5.0::DOUBLE)
                      WHEN v >= {o_high} THEN least(500.0::DOUBLE * v - 5.0::DOUBLE, 5.0::DOUBLE)
                      WHEN v >= {o_med} THEN 250.0::DOUBLE * v - 1.25::DOUBLE
                      ELSE 500.0::DOUBLE * v - 2.5::DOUBLE END
             WHEN v >= {w_high} OR v >= {w_med}
                 THEN least(7.1429::DOUBLE * v - 4.2857::DOUBLE, 5.0::DOUBLE)
             ELSE greatest(4.1667::DOUBLE * v - 2.5::DOUBLE, -5.0::DOUBLE)
        END AS score
    FROM valued
    """


def other_test_runs() -> list[str]:
    """Command lines of pytest processes running now (they share the machine)."""
    found = subprocess.run(["pgrep", "-af", "pytest"], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if "pgrep" not in line]


def measure(args) -> dict:
    import duckdb
    import pandas as pd
    from django.conf import settings

    from d4sme.monitoring.progress import CODES, progress_by_period

    t0 = time.perf_counter()
    rows = generate(args)
    facts = rows.pop("_facts")
    generate_seconds = time.perf_counter() - t0
    n = len(rows["value"])
    columns = ["year", "value", "higher_is_better", "target_value", "target_year"]

    t0 = time.perf_counter()
    frame = pd.DataFrame(
        {
            "row_id": np.arange(n, dtype=np.int64),
            "series": rows["series_id"],
            "year": rows["year"],
            "value": rows["value"],
            "hib": rows["higher_is_better"],
            "target": rows["target_value"],  # NaN: DuckDB reads it as NULL
            "target_year": rows["target_year"],
        }
    )
    connection = duckdb.connect()
    connection.register("observations", frame)
    frame_seconds = time.perf_counter() - t0
    sql = duckdb_sql(settings.MONITORING_PROGRESS_THRESHOLDS)

    def with_numpy() -> dict:
        return progress_by_period(rows["series_id"], *(rows[c] for c in columns))

    def with_numpy_sparse() -> dict:
        return progress_by_period(rows["sparse_id"], *(rows[c] for c in columns))

    def with_duckdb() -> dict:
        fetched = connection.execute(sql).fetchnumpy()
        at = np.asarray(fetched["row_id"])
        status = np.empty(n, dtype=np.int8)
        score = np.empty(n)
        status[at] = np.asarray(fetched["status"])
        score[at] = np.ma.filled(fetched["score"].astype(np.float64), np.nan)
        return {"status": status, "score": score}

    paths = {"numpy": with_numpy, "numpy_sparse": with_numpy_sparse, "duckdb": with_duckdb}
    timings: dict[str, list[float]] = {name: [] for name in paths}
    results: dict[str, dict] = {}
    names = list(paths)
    for round_ in range(args.rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            results.pop(name, None)
            t0 = time.perf_counter()
            results[name] = paths[name]()
            timings[name].append(time.perf_counter() - t0)
    medians = {name: statistics.median(values) for name, values in timings.items()}

    reference = results["numpy"]
    agreement = {}
    for name in ("numpy_sparse", "duckdb"):
        other = results[name]
        same_status = reference["status"] == other["status"]
        a, b = reference["score"], other["score"]
        both_missing = np.isnan(a) & np.isnan(b)
        with np.errstate(invalid="ignore"):
            close = both_missing | (np.abs(a - b) <= 1e-9)
        difference = np.abs(a - b)[~np.isnan(a) & ~np.isnan(b)]
        agreement[name] = {
            "status_equal": int(same_status.sum()),
            "score_within_1e-9": int(close.sum()),
            "max_score_difference": float(difference.max()) if difference.size else 0.0,
        }
    counts = np.bincount(reference["status"], minlength=len(CODES))
    return {
        "observations": n,
        "facts": facts,
        "sorted": args.sorted,
        "rounds": args.rounds,
        "generate_seconds": generate_seconds,
        "frame_seconds": frame_seconds,
        "seconds": medians,
        "all_seconds": timings,
        "rows_per_second": {name: n / s for name, s in medians.items()},
        "ratio": medians["numpy"] / medians["duckdb"],
        "ratio_sparse": medians["numpy_sparse"] / medians["duckdb"],
        "agreement": agreement,
        "statuses": {str(CODES[k].value): int(c) for k, c in enumerate(counts)},
        "duckdb": {
            "version": duckdb.__version__,
            "threads": connection.execute("SELECT current_setting('threads')").fetchone()[0],
        },
    }


def report(result: dict) -> str:
    machine, facts, n = result["machine"], result["facts"], result["observations"]
    duck = result["duckdb"]
    lines = [
        f"### KPI progress: {n:,} observations ({facts['series']:,} series x "
        f"{facts['periods']:,} periods)",
        "",
        f"{machine['cpus']} CPUs, load average {machine['load'][0]:.2f} when it started; "
        f"numpy {machine['numpy']}, DuckDB {duck['version']} ({duck['threads']} threads). "
        f"pytest processes running at the start: {len(machine['pytest'])}. Rows "
        + ("in series and year order." if result["sorted"] else "shuffled.")
        + f" Median of {result['rounds']} rounds.",
        "",
        "| path | seconds | rows per second | numpy / this | same status | scores within 1e-9 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    labels = {
        "numpy": "numpy: `progress_by_period`, dense series ids (no sort)",
        "numpy_sparse": "numpy: `progress_by_period`, sparse series ids (one argsort)",
        "duckdb": "DuckDB: `first_value` window + CASE, fetched into row order",
    }
    for name, seconds in result["seconds"].items():
        agree = result["agreement"].get(name)
        same = "-" if agree is None else f"{agree['status_equal']:,}"
        close = (
            "-"
            if agree is None
            else f"{agree['score_within_1e-9']:,} (max diff {agree['max_score_difference']:.1e})"
        )
        lines.append(
            f"| {labels[name]} | {seconds:.2f} | {result['rows_per_second'][name]:,.0f} "
            f"| {result['seconds']['numpy'] / seconds:.2f} | {same} | {close} |"
        )
    shares = ", ".join(f"{k} {v / n:.1%}" for k, v in result["statuses"].items())
    lines += [
        "",
        f"numpy / DuckDB: **{result['ratio']:.2f}×** (sparse ids: {result['ratio_sparse']:.2f}×). "
        f"Generated in {result['generate_seconds']:.1f} s, DataFrame built and registered in "
        f"{result['frame_seconds']:.1f} s (neither timed). Statuses: {shares}. Series: "
        + ", ".join(f"{k} {v:,}" for k, v in facts["kinds"].items())
        + f"; {facts['with_target']:,} with a target, {facts['lower_is_better']:,} "
        f"lower-is-better; years {facts['year_range'][0]}-{facts['year_range'][1]}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--observations", type=int, default=10_000_000)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--economies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per path")
    parser.add_argument("--sorted", action="store_true", help="keep rows in series/year order")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    machine = {
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "numpy": np.__version__,
        "pytest": other_test_runs(),
    }
    result = {"machine": machine, **measure(args)}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "monitoring.json").write_text(json.dumps(result, indent=2))
    print(report(result), flush=True)
    agreement = result["agreement"]
    if any(
        a["status_equal"] != result["observations"]
        or a["score_within_1e-9"] != result["observations"]
        for a in agreement.values()
    ):
        raise SystemExit("The paths disagree: see the table.")


if __name__ == "__main__":
    main()
