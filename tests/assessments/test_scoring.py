"""The scoring engine against hand-computed cases and the properties any scoring must keep."""

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from d4sme.assessments.generator import answers_of, features_generate, maturities
from d4sme.assessments.instruments import parse
from d4sme.assessments.scoring import AnswerError, engine

from .conftest import extreme_answers

INSTRUMENTS = (
    Path(__file__).resolve().parents[2] / "d4sme" / "assessments" / "content" / "instruments"
)


def raw(code: str) -> dict:
    return yaml.safe_load((INSTRUMENTS / f"{code}.yaml").read_text(encoding="utf-8"))


DMA = parse(raw("dma-sme"))
IIOT = parse(raw("iiot-readiness"))


def worked_example(definition) -> dict:
    """The hypothetical SME of the reference file's worked comparison (section 1.8)."""
    q = definition.by_code
    rows = [r.code for r in q["q1"].rows]
    first = lambda code, n: [o.code for o in q[code].options[:n]]  # noqa: E731
    rows_of = lambda code, values: dict(zip([r.code for r in q[code].rows], values, strict=True))  # noqa: E731
    return {
        "q1": {**{r: ["invested"] for r in rows[:4]}, **{r: ["planned"] for r in rows[4:9]}},
        "q2": first("q2", 6),
        "q3": first("q3", 7),
        "q4": rows_of("q4", ["0", "1", "3", "0", "2", "0", "5"]),
        "q5": first("q5", 3),
        "q6": first("q6", 4),
        "q7": ["policy", "stored-digitally", "integrated", "real-time"],
        "q8": first("q8", 3),
        "q9": rows_of("q9", ["2", "0", "0", "1", "4"]),
        "q10": first("q10", 3),
        "q11": rows_of("q11", ["no", "partially", "no", "partially", "yes"]),
    }


def test_dma_structure_matches_the_official_instrument():
    counts = {
        q.code: len(q.options) if q.type == "multiple" else len(q.rows) for q in DMA.questions
    }
    assert counts == {
        "q1": 10, "q2": 10, "q3": 10, "q4": 7, "q5": 7, "q6": 8,
        "q7": 8, "q8": 6, "q9": 5, "q10": 10, "q11": 5,
    }  # fmt: skip
    per_dimension = [sum(q.dimension == d.code for q in DMA.questions) for d in DMA.dimensions]
    assert per_dimension == [2, 2, 2, 2, 1, 2]
    assert [b.upto for b in DMA.bands] == [25, 50, 75, 100]
    assert DMA.bands[0].code == "basic"


def test_worked_example_under_the_adopted_rule():
    """Hand computation: each question 10 x points / maximum, dimension = mean x 10.

    D1 = (9/20 -> 4.5, 6/10 -> 6) -> 52.5; D2 = (7, 11/35 -> 3.143) -> 50.71;
    D3 = (3/7, 4/8) -> 46.43; D4 = (4/7, 3/6) -> 53.57; D5 = 7/25 -> 28.0;
    D6 = (3/10, 4/10) -> 35.0; overall = mean = 44.37, band "Average".
    """
    result = engine(DMA).score_one(worked_example(DMA))
    assert result["dimensions"] == {
        "strategy": 52.5,
        "readiness": 50.71,
        "human": 46.43,
        "data": 53.57,
        "automation": 28.0,
        "green": 35.0,
    }
    assert result["overall"] == 44.37
    assert result["band"] == "average"


def test_the_rule_lives_in_the_data_file_and_reproduces_both_open_implementations():
    """Implementation A (pooled strategy ticks) and B (planned = half a point) from the
    reference file, expressed only by changing points, maxima and weights in the data."""
    a = copy.deepcopy(raw("dma-sme"))
    questions = {q["code"]: q for q in a["questions"]}
    questions["q1"]["weight"] = 2  # 20 cells pooled with 10 ticks of Q2
    questions["q7"]["max_points"] = 8  # "not collected digitally" counted as an item
    rule_a = engine(parse(a)).score_one(worked_example(DMA))
    assert rule_a["dimensions"]["strategy"] == 50.0
    assert rule_a["dimensions"]["data"] == 50.0
    assert round(rule_a["overall"], 1) == 43.4

    b = copy.deepcopy(raw("dma-sme"))
    questions = {q["code"]: q for q in b["questions"]}
    questions["q1"]["columns"][1]["points"] = 0.5
    questions["q7"]["max_points"] = 6
    rule_b = engine(parse(b)).score_one(worked_example(DMA))
    assert rule_b["dimensions"]["strategy"] == 51.67
    assert rule_b["dimensions"]["data"] == 58.33
    assert round(rule_b["overall"], 1) == 45.0


@pytest.mark.parametrize("definition", [DMA, IIOT], ids=["dma", "iiot"])
def test_lowest_answers_score_zero_and_highest_score_one_hundred(definition):
    scoring = engine(definition)
    lowest = scoring.score_one(extreme_answers(definition, highest=False))
    highest = scoring.score_one(extreme_answers(definition, highest=True))
    assert lowest["overall"] == 0 and set(lowest["dimensions"].values()) == {0}
    assert highest["overall"] == 100 and set(highest["dimensions"].values()) == {100}
    assert lowest["band"] == definition.bands[0].code
    assert highest["band"] == definition.bands[-1].code


def test_smart_factory_levels_follow_the_data_collection_answer():
    scoring = engine(IIOT)
    best = extreme_answers(IIOT, highest=True)
    assert scoring.score_one(best)["level"] == "advanced"
    assert scoring.score_one(extreme_answers(IIOT, highest=False))["level"] == "no-ict"
    # Automatic aggregation with lot tracking is "basic", whatever the rest says.
    assert scoring.score_one({**best, "production-data": "aggregated"})["level"] == "basic"
    # Real-time monitoring needs the IT/OT dimension at 40 as well.
    weak = {
        **extreme_answers(IIOT, highest=False),
        "production-data": "monitored",
        "systems": ["erp"],
    }
    assert scoring.score_one(weak)["level"] == "basic"


def test_exclusive_option_cannot_raise_a_score_or_join_others():
    scoring = engine(DMA)
    answers = worked_example(DMA)
    with pytest.raises(AnswerError) as caught:
        scoring.validate({**answers, "q7": ["not-digital", "policy"]})
    assert "q7" in caught.value.errors
    none = scoring.score_one({**answers, "q7": []})
    not_digital = scoring.score_one({**answers, "q7": ["not-digital"]})
    assert not_digital["questions"]["q7"] == none["questions"]["q7"] == 0


def improvements(definition, answers):
    """Every answer set one step better than ``answers`` in one question."""
    for q in definition.questions:
        given = answers.get(q.code)
        if q.type == "single":
            current = q.option(given).points
            for o in q.options:
                if o.points > current:
                    yield q.code, {**answers, q.code: o.code}
        elif q.type == "multiple":
            ticked = [c for c in given if not q.option(c).exclusive]
            for o in q.options:
                if not o.exclusive and o.code not in ticked:
                    yield q.code, {**answers, q.code: [*ticked, o.code]}
        elif q.type == "grid":
            for row in q.rows:
                current = q.option(given[row.code]).points
                for o in q.options:
                    if o.points > current:
                        yield q.code, {**answers, q.code: {**given, row.code: o.code}}
        elif q.type == "matrix":
            for row in q.rows:
                for c in q.columns:
                    if c.code not in given.get(row.code, []):
                        cells = {**given, row.code: [*given.get(row.code, []), c.code]}
                        yield q.code, {**answers, q.code: cells}
        elif q.maximum is not None and given < q.maximum:
            yield q.code, {**answers, q.code: min(q.maximum, given + 10)}


def random_responses(definition, seed: int, n: int):
    scoring = engine(definition)
    rng = np.random.default_rng(seed)
    features = features_generate(scoring, maturities(rng, n), rng)
    return [answers_of(scoring, row) for row in features]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.sampled_from(["dma", "iiot"]))
def test_improving_any_answer_never_lowers_any_score(seed, which):
    definition = DMA if which == "dma" else IIOT
    scoring = engine(definition)
    answers = random_responses(definition, seed, 1)[0]
    before = scoring.score_one(answers)
    for code, better in improvements(definition, answers):
        after = scoring.score_one(better)
        assert after["overall"] >= before["overall"], code
        for dimension, score in before["dimensions"].items():
            assert after["dimensions"][dimension] >= score, (code, dimension)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_scores_stay_in_range_and_bulk_equals_one_by_one(seed):
    for definition in (DMA, IIOT):
        scoring = engine(definition)
        rng = np.random.default_rng(seed)
        features = features_generate(scoring, rng.random(40), rng)
        bulk = scoring.score(features)
        assert bulk.dimensions.min() >= 0 and bulk.dimensions.max() <= 100
        assert (bulk.question_scores <= 10).all()
        for i in range(0, 40, 7):
            assert scoring.score_one(answers_of(scoring, features[i])) == bulk.result(i)


def test_answers_that_do_not_fit_are_refused_with_the_question_named():
    scoring = engine(DMA)
    answers = worked_example(DMA)
    bad = {
        **answers,
        "q3": ["no-such-option"],
        "q4": {**answers["q4"], "iot": "9"},
        "q11": {"strategy": "yes"},
    }
    with pytest.raises(AnswerError) as caught:
        scoring.validate(bad)
    assert set(caught.value.errors) == {"q3", "q4", "q11"}
    assert "every row" in caught.value.errors["q11"]
