"""Helpers for assessment tests: the shipped instruments and answers built from their data."""

import numpy as np
import pytest

from d4sme.assessments.generator import answers_of, features_generate
from d4sme.assessments.instruments import Definition
from d4sme.assessments.models import Instrument, InstrumentVersion, Response
from d4sme.assessments.scoring import engine
from d4sme.assessments.services import response_save, response_start, response_submit


def extreme_answers(definition: Definition, highest: bool) -> dict:
    """Every question answered at its lowest (or highest) scoring."""
    pick = max if highest else min
    answers: dict = {}
    for q in definition.questions:
        if q.type == "single":
            answers[q.code] = pick(q.options, key=lambda o: o.points).code
        elif q.type == "multiple":
            positive = [o.code for o in q.options if o.points > 0 and not o.exclusive]
            answers[q.code] = positive if highest else []
        elif q.type == "grid":
            best = pick(q.options, key=lambda o: o.points).code
            answers[q.code] = {r.code: best for r in q.rows}
        elif q.type == "matrix":
            columns = [c.code for c in q.columns if c.points > 0]
            answers[q.code] = {r.code: columns for r in q.rows} if highest else {}
        else:
            answers[q.code] = q.maximum if highest else q.minimum
    return answers


def random_answers(definition: Definition, seed: int, maturity: float = 0.5) -> dict:
    scoring = engine(definition)
    rng = np.random.default_rng(seed)
    row = features_generate(scoring, np.array([maturity]), rng)[0]
    return answers_of(scoring, row)


@pytest.fixture
def dma(content) -> InstrumentVersion:
    return Instrument.objects.get(pk="dma-sme").current_version()


@pytest.fixture
def iiot(content) -> InstrumentVersion:
    return Instrument.objects.get(pk="iiot-readiness").current_version()


def take(user, organisation, version: InstrumentVersion, answers: dict, **start) -> Response:
    """Start, answer and submit a response as the given user."""
    response = response_start(
        user=user, organisation=organisation, instrument=version.instrument, **start
    )
    response_save(response=response, user=user, answers=answers)
    return response_submit(response=response, user=user)
