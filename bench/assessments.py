"""Benchmark: bulk scoring of assessment responses, and peer percentiles for a national population.

Neither measurement needs a database, so both run in this process (Django settings are
configured for the instruments' translations; no connection is opened). It measures:

(a) bulk scoring, for each instrument (the DMA and the IIoT readiness questionnaire): N
    responses generated as feature matrices (``features_generate``, in chunks of 250,000
    rows so that memory stays bounded) and scored by the vectorised ``Engine.score``, in
    responses per second; against it, the baseline: a plain-Python scorer of one response at
    a time (dicts and lists, no numpy) implementing the same rule, fed the stored answers
    (``answers_of``, converted 50,000 at a time before timing so that only scoring is
    timed), over the same responses (all of them, or a random sample with ``--sample``, whose
    rate is then extrapolated to all); the ratio of the two rates; and that both paths agree
    exactly on every response the loop scored (overall, dimensions, band, question scores
    and level). ``encode_many``
    (stored answers to features, which imports pay) is timed on the same answers, and
    ``score_one`` (the engine on a one-row matrix, the path of one submission) on the first
    20,000; both are reported per response.
(b) peer percentiles: F firms keyed by economy x ISIC section x size class (realistic
    shares: 21 economies, 21 sections, 4 size classes) with an overall score and six
    dimension scores (DMA scores of generated responses, 0-100 with two decimals), and the
    mid-rank percentile of every firm in its group for the seven columns: ``group_codes`` +
    ``percentiles`` (numpy, as ``benchmarks_refresh`` calls them) against pandas
    (``groupby(...).rank(method="average")``) and DuckDB (window functions; skipped when
    duckdb is not installed); the median of several rounds each, the ratio of numpy to the
    faster of the two, and that all three give the same percentiles.

What the benchmark asserts about is the ratios, measured in the same run on the same data.

    python bench/assessments.py                      # 3,000,000 responses, 1,000,000 firms
    python bench/assessments.py --responses 100000 --firms 100000     # a smoke check
    python bench/assessments.py --sample 200000      # the loop on a sample, extrapolated
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
from harness import OUT

INSTRUMENT_DIR = (
    Path(__file__).resolve().parent.parent / "d4sme" / "assessments" / "content" / "instruments"
)
INSTRUMENTS = "dma-sme,iiot-readiness"
CHUNK = 250_000  # rows generated and scored at a time
SAMPLE_CHUNK = 50_000  # sampled responses held as answer dicts at a time
SCORE_ONE_SAMPLE = 20_000  # responses scored one at a time by Engine.score_one

# Peer groups: 21 economies (the largest weights of the registry's synthetic population,
# registry/content/synthetic.yaml), the 21 ISIC sections with that file's shares (O, T and U,
# which it leaves out, get a token share) and the 4 size classes, micro firms dominating.
ECONOMY_WEIGHTS = (14, 12, 9, 8, 7, 6, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2)
SECTION_SHARES = {
    "G": 0.24, "I": 0.1, "C": 0.1, "M": 0.1, "F": 0.09, "S": 0.06, "N": 0.05, "H": 0.05,
    "J": 0.04, "Q": 0.04, "A": 0.03, "L": 0.03, "P": 0.02, "R": 0.02, "K": 0.015, "E": 0.005,
    "D": 0.003, "B": 0.002, "O": 0.001, "T": 0.001, "U": 0.001,
}  # fmt: skip
SIZE_SHARES = (0.86, 0.10, 0.03, 0.01)  # micro, small, medium, large


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d4sme.settings.development")
    os.environ["D4SME_DEBUG"] = "0"
    import django

    django.setup()


def load_engine(code: str):
    import yaml

    from d4sme.assessments.instruments import parse
    from d4sme.assessments.scoring import Engine

    with open(INSTRUMENT_DIR / f"{code}.yaml", encoding="utf-8") as f:
        return Engine(parse(yaml.safe_load(f)))


class LoopScorer:
    """The baseline: one response at a time, from its stored answers, in plain Python.

    The rule is the engine's: a question's raw points are the points of the chosen answers
    (a multiple choice with an exclusive option selected counts only the exclusive options),
    capped to [0, max_points], and its score is 10 x points / max_points; a dimension is the
    weighted mean of its scored questions' scores times 10, an overall score the weighted
    mean of the dimensions, both rounded to 2 decimals; the band is the first whose upper
    bound reaches the overall score, the level the last of the consecutive levels whose
    requirements hold. Weights are normalised once and each mean is a running sum in
    question order, and rounding is ``round(x * 100) / 100`` (numpy's ``np.round``; the
    built-in ``round(x, 2)`` rounds decimal halves differently), so the results are the same
    to the last digit, not merely close.
    """

    def __init__(self, definition):
        dimensions = [d.code for d in definition.dimensions]
        totals: dict[str, float] = {}
        for q in definition.questions:
            if q.scored:
                totals[q.dimension] = totals.get(q.dimension, 0.0) + q.weight
        self.questions = []
        for q in definition.questions:
            if q.type == "number":
                table = tuple(q.thresholds)
            elif q.type == "matrix":
                table = {c.code: c.points for c in q.columns}
            else:
                table = {o.code: o.points for o in q.options}
            exclusive = frozenset(o.code for o in q.options if o.exclusive and q.type == "multiple")
            self.questions.append(
                (
                    q.code,
                    q.type,
                    table,
                    exclusive,
                    q.max_points,
                    q.max_points if q.max_points > 0 else 1.0,
                    dimensions.index(q.dimension) if q.scored else -1,
                    q.weight / totals[q.dimension] if q.scored else 0.0,
                )
            )
        total = sum(d.weight for d in definition.dimensions)
        self.dimension_weights = [d.weight / total for d in definition.dimensions]
        self.bounds = [b.upto for b in definition.bands]
        questions = [q.code for q in definition.questions]
        self.levels = [
            [
                (True, questions.index(need["question"]), float(need["min_points"]) - 1e-9)
                if "question" in need
                else (False, dimensions.index(need["dimension"]), float(need["min_score"]) - 1e-9)
                for need in level.requires
            ]
            for level in definition.levels[1:]
        ]
        self.has_levels = bool(definition.levels)

    def score(self, answers: dict) -> tuple[list[float], list[float], float, int, int]:
        """Return (question scores unrounded, dimensions, overall, band index, level index)."""
        points_of = []
        question_scores = []
        sums = [0.0] * len(self.dimension_weights)
        for code, kind, table, exclusive, maximum, divisor, k, weight in self.questions:
            value = answers.get(code)
            raw = 0.0
            if value is None or value == "":
                pass
            elif kind == "single":
                raw = table.get(value, 0.0)
            elif kind == "multiple":
                if exclusive and not exclusive.isdisjoint(value):
                    raw = sum(table[c] for c in value if c in exclusive)
                else:
                    raw = sum(table.get(c, 0.0) for c in value)
            elif kind == "grid":
                raw = sum(table.get(c, 0.0) for c in value.values())
            elif kind == "matrix":
                raw = sum(table.get(c, 0.0) for ticks in value.values() for c in ticks)
            else:
                number = float(value)
                for start, worth in table:
                    if number < start:
                        break
                    raw = worth
            if raw < 0.0:
                raw = 0.0
            elif raw > maximum:
                raw = maximum
            score = 10.0 * raw / divisor
            points_of.append(raw)
            question_scores.append(score)
            if k >= 0:
                sums[k] += score * weight
        dimensions = [round(s * 10.0 * 100.0) / 100.0 for s in sums]
        overall = 0.0
        for value, weight in zip(dimensions, self.dimension_weights, strict=True):
            overall += value * weight
        overall = round(overall * 100.0) / 100.0
        floor = overall - 1e-9
        band = len(self.bounds) - 1
        for i, upto in enumerate(self.bounds):
            if upto >= floor:
                band = i
                break
        level = -1
        if self.has_levels:
            level = 0
            for requires in self.levels:
                for is_question, index, minimum in requires:
                    if (points_of[index] if is_question else dimensions[index]) < minimum:
                        break
                else:
                    level += 1
                    continue
                break
        return question_scores, dimensions, overall, band, level


def measure_scoring(code: str, args) -> dict:
    """Score every generated response in bulk, then a sample of them in the loop."""
    from d4sme.assessments.generator import answers_of, features_generate, maturities

    engine = load_engine(code)
    definition = engine.definition
    n_q, n_d = len(definition.questions), len(definition.dimensions)
    rng = np.random.default_rng(args.seed)
    if args.sample is None or args.sample >= args.responses:
        sampled = np.arange(args.responses)
    else:
        sampled = np.sort(rng.choice(args.responses, size=args.sample, replace=False))
    sample_size = len(sampled)

    # Bulk: generate a chunk (not timed), score it (timed); keep the sampled rows and their
    # scores for the loop and the comparison.
    sample_features = np.empty((sample_size, engine.width), dtype=np.uint8)
    expected = {
        "questions": np.empty((sample_size, n_q)),
        "dimensions": np.empty((sample_size, n_d)),
        "overall": np.empty(sample_size),
        "band": np.empty(sample_size, dtype=np.int64),
        "level": np.empty(sample_size, dtype=np.int64),
    }
    generate_seconds = bulk_seconds = 0.0
    band_counts = np.zeros(len(definition.bands), dtype=np.int64)
    for start in range(0, args.responses, CHUNK):
        stop = min(start + CHUNK, args.responses)
        t0 = time.perf_counter()
        features = features_generate(engine, maturities(rng, stop - start), rng)
        t1 = time.perf_counter()
        scores = engine.score(features)
        bulk_seconds += time.perf_counter() - t1
        generate_seconds += t1 - t0
        band_counts += np.bincount(scores.band, minlength=len(band_counts))
        lo, hi = np.searchsorted(sampled, [start, stop])
        rows = sampled[lo:hi] - start
        sample_features[lo:hi] = features[rows]
        expected["questions"][lo:hi] = scores.question_scores[rows]
        expected["dimensions"][lo:hi] = scores.dimensions[rows]
        expected["overall"][lo:hi] = scores.overall[rows]
        expected["band"][lo:hi] = scores.band[rows]
        expected["level"][lo:hi] = scores.level[rows]
        del features, scores

    # The loop over the sample, a chunk of answer dicts at a time; encode_many on the same
    # answers, and score_one on the first few thousand.
    scorer = LoopScorer(definition)
    got = {
        "questions": np.empty((sample_size, n_q)),
        "dimensions": np.empty((sample_size, n_d)),
        "overall": np.empty(sample_size),
        "band": np.empty(sample_size, dtype=np.int64),
        "level": np.empty(sample_size, dtype=np.int64),
    }
    convert_seconds = loop_seconds = encode_seconds = 0.0
    score_one_seconds, score_one_count, score_one_agree = 0.0, 0, 0
    round_trip_agree = 0
    for start in range(0, sample_size, SAMPLE_CHUNK):
        stop = min(start + SAMPLE_CHUNK, sample_size)
        t0 = time.perf_counter()
        answer_sets = [answers_of(engine, row) for row in sample_features[start:stop]]
        convert_seconds += time.perf_counter() - t0

        t0 = time.perf_counter()
        results = [scorer.score(answers) for answers in answer_sets]
        loop_seconds += time.perf_counter() - t0

        t0 = time.perf_counter()
        encoded = engine.encode_many(answer_sets)
        encode_seconds += time.perf_counter() - t0
        round_trip = engine.score(encoded)
        round_trip_agree += int(
            (
                (round_trip.overall == expected["overall"][start:stop])
                & (round_trip.dimensions == expected["dimensions"][start:stop]).all(axis=1)
                & (round_trip.band == expected["band"][start:stop])
            ).sum()
        )
        del encoded, round_trip

        if score_one_count < SCORE_ONE_SAMPLE:
            subset = answer_sets[: SCORE_ONE_SAMPLE - score_one_count]
            t0 = time.perf_counter()
            stored = [engine.score_one(answers) for answers in subset]
            score_one_seconds += time.perf_counter() - t0
            for i, result in enumerate(stored):
                score_one_agree += result["overall"] == expected["overall"][start + i]
            score_one_count += len(subset)

        for i, (questions, dimensions, overall, band, level) in enumerate(results, start=start):
            got["questions"][i] = questions
            got["dimensions"][i] = dimensions
            got["overall"][i] = overall
            got["band"][i] = band
            got["level"][i] = level
        del answer_sets, results

    got["questions"] = np.round(got["questions"], 2)  # the engine keeps them rounded
    same = {
        name: (got[name] == expected[name]).reshape(sample_size, -1).all(axis=1)
        for name in expected
    }
    agree = np.logical_and.reduce(list(same.values()))
    disagreements = [
        {
            "response": int(sampled[i]),
            **{
                f"{name}_{path}": np.asarray(values[name][i]).tolist()
                for name in expected
                for path, values in (("loop", got), ("engine", expected))
            },
        }
        for i in np.flatnonzero(~agree)[:3]
    ]
    bulk_rate = args.responses / bulk_seconds
    loop_rate = sample_size / loop_seconds
    return {
        "instrument": code,
        "questions": n_q,
        "dimensions": n_d,
        "features": engine.width,
        "responses": args.responses,
        "chunk": CHUNK,
        "generate_seconds": generate_seconds,
        "bulk_seconds": bulk_seconds,
        "bulk_per_second": bulk_rate,
        "band_shares": (band_counts / band_counts.sum()).round(3).tolist(),
        "bands": [b.code for b in definition.bands],
        "sample": sample_size,
        "convert_seconds": convert_seconds,
        "loop_seconds": loop_seconds,
        "loop_per_second": loop_rate,
        "loop_microseconds": 1e6 * loop_seconds / sample_size,
        "loop_extrapolated_seconds": args.responses / loop_rate,
        "ratio": bulk_rate / loop_rate,
        "encode_seconds": encode_seconds,
        "encode_microseconds": 1e6 * encode_seconds / sample_size,
        "score_one_count": score_one_count,
        "score_one_microseconds": 1e6 * score_one_seconds / max(score_one_count, 1),
        "score_one_agree": int(score_one_agree),
        "round_trip_agree": round_trip_agree,
        "agree": int(agree.sum()),
        "agree_by_part": {name: int(match.sum()) for name, match in same.items()},
        "disagreements": disagreements,
    }


def firms_generate(count: int, seed: int) -> tuple[dict[str, np.ndarray], np.ndarray, list[str]]:
    """Group keys (integer codes) and DMA scores (overall first) of ``count`` firms."""
    from d4sme.assessments.generator import features_generate, maturities

    engine = load_engine("dma-sme")
    rng = np.random.default_rng(seed)

    def draw(weights) -> np.ndarray:
        p = np.asarray(weights, dtype=np.float64)
        return rng.choice(len(p), size=count, p=p / p.sum()).astype(np.int64)

    keys = {
        "economy": draw(ECONOMY_WEIGHTS),
        "sector": draw(list(SECTION_SHARES.values())),
        "size_class": draw(SIZE_SHARES),
    }
    # Firms are more mature in some economies and in larger size classes.
    shift = rng.normal(0.0, 0.08, len(ECONOMY_WEIGHTS))[keys["economy"]]
    shift += np.array([0.0, 0.05, 0.1, 0.15])[keys["size_class"]]
    scores = np.empty((count, 1 + len(engine.definition.dimensions)))
    for start in range(0, count, CHUNK):
        stop = min(start + CHUNK, count)
        features = features_generate(engine, maturities(rng, stop - start, shift[start:stop]), rng)
        result = engine.score(features)
        scores[start:stop, 0] = result.overall
        scores[start:stop, 1:] = result.dimensions
    columns = ["overall", *(d.code for d in engine.definition.dimensions)]
    return keys, scores, columns


def measure_percentiles(args) -> dict:
    """Percentiles of every firm in its economy x sector x size group, seven columns, three ways."""
    import pandas as pd

    from d4sme.assessments.benchmarks import KEYS, group_codes, percentiles

    try:
        import duckdb
    except ImportError:
        duckdb = None

    keys, scores, columns = firms_generate(args.firms, args.seed + 1)
    n, k = scores.shape

    def with_numpy() -> np.ndarray:
        codes = group_codes(keys, KEYS)
        found, _size = percentiles(codes, scores, codes, scores)
        return found

    t0 = time.perf_counter()
    frame = pd.DataFrame({**keys, **{c: scores[:, j] for j, c in enumerate(columns)}})
    frame_seconds = time.perf_counter() - t0

    def with_pandas() -> np.ndarray:
        grouped = frame.groupby(list(KEYS), sort=False)
        ranks = grouped[columns].rank(method="average").to_numpy()
        size = grouped[columns[0]].transform("size").to_numpy()
        return (ranks - 0.5) / size[:, np.newaxis] * 100.0

    paths = {"numpy": with_numpy, "pandas": with_pandas}
    duckdb_info = {"version": None, "threads": None}
    if duckdb is not None:
        connection = duckdb.connect()
        duck_frame = frame.assign(id=np.arange(n))
        connection.register("firms", duck_frame)
        group = "PARTITION BY economy, sector, size_class"
        # below + equal/2 = ((rank - 1) + cume_dist x size) / 2, one sorted window per column.
        selected = ", ".join(
            f"50.0 * ((rank() OVER w{j} - 1) / count(*) OVER g + cume_dist() OVER w{j}) AS p{j}"
            for j in range(k)
        )
        windows = ", ".join(
            [f"g AS ({group})"]
            + [f'w{j} AS ({group} ORDER BY "{c}")' for j, c in enumerate(columns)]
        )
        sql = f"SELECT id, {selected} FROM firms WINDOW {windows}"

        def with_duckdb() -> np.ndarray:
            fetched = connection.execute(sql).fetchnumpy()
            out = np.empty((n, k))
            out[np.asarray(fetched["id"])] = np.column_stack(
                [np.asarray(fetched[f"p{j}"], dtype=np.float64) for j in range(k)]
            )
            return out

        paths["duckdb"] = with_duckdb
        duckdb_info = {
            "version": duckdb.__version__,
            "threads": connection.execute("SELECT current_setting('threads')").fetchone()[0],
        }

    timings: dict[str, list[float]] = {name: [] for name in paths}
    results: dict[str, np.ndarray] = {}
    names = list(paths)
    for round_ in range(args.rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            t0 = time.perf_counter()
            results[name] = paths[name]()
            timings[name].append(time.perf_counter() - t0)
    medians = {name: statistics.median(values) for name, values in timings.items()}
    fastest_other = min((name for name in medians if name != "numpy"), key=medians.get)
    codes = group_codes(keys, KEYS)
    sizes = np.unique(codes, return_counts=True)[1]
    return {
        "firms": n,
        "columns": columns,
        "groups": len(sizes),
        "group_size_median": float(np.median(sizes)),
        "group_size_max": int(sizes.max()),
        "groups_below_5": int((sizes < 5).sum()),
        "distinct_overall": int(len(np.unique(scores[:, 0]))),
        "rounds": args.rounds,
        "seconds": medians,
        "all_seconds": timings,
        "frame_seconds": frame_seconds,
        "duckdb": duckdb_info,
        "fastest_other": fastest_other,
        "ratio": medians["numpy"] / medians[fastest_other],
        "max_abs_difference": {
            name: float(np.abs(results[name] - results["numpy"]).max())
            for name in results
            if name != "numpy"
        },
        "allclose": {
            name: bool(np.allclose(results[name], results["numpy"], rtol=0, atol=1e-9))
            for name in results
            if name != "numpy"
        },
    }


def report(result: dict) -> str:
    first, machine = result["scoring"][0], result["machine"]
    lines = [
        f"### Bulk scoring: {first['responses']:,} generated responses per instrument",
        "",
        f"{machine['cpus']} CPUs, load average {machine['load'][0]:.2f} when it started; "
        f"numpy {machine['numpy']}, pandas {machine['pandas']}. The engine scores the generated "
        f"feature matrices (row-major uint8) {first['chunk']:,} rows at a time; the loop scores "
        + (
            "every response, one at a time."
            if first["sample"] == first["responses"]
            else f"a random sample of {first['sample']:,}, one at a time, and its time for all "
            "is extrapolated from its rate."
        ),
        "",
        "| instrument | path | seconds | responses per second | / loop |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for s in result["scoring"]:
        name = f"{s['instrument']} ({s['questions']} questions, {s['features']} features)"
        loop_seconds = f"{s['loop_seconds']:.2f}"
        if s["sample"] != s["responses"]:
            loop_seconds += (
                f" for {s['sample']:,} (about {s['loop_extrapolated_seconds']:.0f} for all)"
            )
        lines += [
            f"| {name} | engine: `Engine.score`, {s['chunk']:,}-row chunks "
            f"| {s['bulk_seconds']:.2f} | {s['bulk_per_second']:,.0f} | **{s['ratio']:.1f}×** |",
            f"| | loop: plain Python, one response at a time | {loop_seconds} "
            f"| {s['loop_per_second']:,.0f} ({s['loop_microseconds']:.1f} µs each) | 1 |",
            f"| | `encode_many`: stored answers to features | {s['encode_seconds']:.2f} "
            f"| {1e6 / s['encode_microseconds']:,.0f} ({s['encode_microseconds']:.1f} µs each) | |",
            f"| | `score_one`, {s['score_one_count']:,} responses "
            f"| {s['score_one_microseconds'] * s['score_one_count'] / 1e6:.2f} "
            f"| {1e6 / s['score_one_microseconds']:,.0f} ({s['score_one_microseconds']:.0f} µs "
            "each) | |",
        ]
    lines.append("")
    for s in result["scoring"]:
        shares = ", ".join(
            f"{band} {share:.1%}" for band, share in zip(s["bands"], s["band_shares"], strict=True)
        )
        parts = ", ".join(f"{part} {count:,}" for part, count in s["agree_by_part"].items())
        lines.append(
            f"- {s['instrument']}: loop and engine give the same scores for "
            f"{s['agree']:,} / {s['sample']:,} responses ({parts}); the loop's answers encoded and "
            f"scored again for {s['round_trip_agree']:,}; `score_one` (overall) for "
            f"{s['score_one_agree']:,} / {s['score_one_count']:,}. Generated in "
            f"{s['generate_seconds']:.1f} s, turned into answer dicts by `answers_of` in "
            f"{s['convert_seconds']:.1f} s (neither timed above); bands: {shares}."
        )
        if s["disagreements"]:
            lines.append(f"  DISAGREE: {s['disagreements']}")
    p = result["percentiles"]
    duck = p["duckdb"]
    lines += [
        "",
        f"### Peer percentiles: {p['firms']:,} firms, {len(p['columns'])} columns",
        "",
        f"{p['groups']:,} economy x sector x size groups (median {p['group_size_median']:.0f} "
        f"firms, largest {p['group_size_max']:,}, {p['groups_below_5']:,} under 5); "
        f"{p['distinct_overall']:,} distinct overall scores. Median of {p['rounds']} rounds.",
        "",
        "| path | seconds | numpy / this | same percentiles |",
        "| --- | ---: | ---: | --- |",
    ]
    labels = {
        "numpy": "numpy: `group_codes` + `percentiles`, all columns",
        "pandas": "pandas: `groupby(...).rank(method='average')`",
        "duckdb": f"DuckDB {duck['version']} ({duck['threads']} threads): window functions",
    }
    for name, seconds in p["seconds"].items():
        same = (
            "-"
            if name == "numpy"
            else f"{p['allclose'][name]} (max diff {p['max_abs_difference'][name]:.1e})"
        )
        lines.append(
            f"| {labels[name]} | {seconds:.2f} | {p['seconds']['numpy'] / seconds:.2f} | {same} |"
        )
    if duck["version"] is None:
        lines.append("| DuckDB | skipped: not installed | | |")
    lines += [
        "",
        f"numpy / {p['fastest_other']} (the faster other): **{p['ratio']:.2f}×**. "
        f"Building the pandas DataFrame (not timed above): {p['frame_seconds']:.2f} s.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=3_000_000)
    parser.add_argument(
        "--sample", type=int, default=None, help="responses the loop scores (default: all)"
    )
    parser.add_argument("--instruments", default=INSTRUMENTS)
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per percentile path")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    import pandas as pd

    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "load": os.getloadavg(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "scoring": [measure_scoring(code, args) for code in args.instruments.split(",")],
        "percentiles": measure_percentiles(args),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "assessments.json").write_text(json.dumps(result, indent=2))
    print(report(result), flush=True)


if __name__ == "__main__":
    main()
