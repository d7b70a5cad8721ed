"""Synthetic responses for demonstrations, tests and benchmarks.

Each synthetic firm has a latent maturity between 0 and 1; every answer is drawn so that a
more mature firm ticks more options and climbs higher on scales. Features are generated
directly as the scoring engine's matrix (for millions of rows), and can be turned back into
stored answers (for the rows that become responses).
"""

from __future__ import annotations

import numpy as np

from .scoring import Engine


def maturities(rng: np.random.Generator, n: int, shift: np.ndarray | float = 0.0) -> np.ndarray:
    """Latent maturity per firm, skewed low as in real SME populations."""
    return np.clip(rng.beta(2.0, 3.0, size=n) + shift, 0.0, 1.0)


def features_generate(
    engine: Engine, maturity: np.ndarray, rng: np.random.Generator, dtype=np.uint8
) -> np.ndarray:
    """Return a (n, width) feature matrix of valid answers for the given maturities."""
    n = len(maturity)
    out = np.zeros((n, engine.width), dtype=dtype)
    m = maturity[:, np.newaxis]
    for q, block in zip(engine.definition.questions, engine.slices, strict=True):
        if q.type == "single":
            steps = rng.binomial(len(q.options) - 1, maturity * 0.95)
            out[np.arange(n), block.start + steps] = 1
        elif q.type == "multiple":
            positive = [i for i, o in enumerate(q.options) if not o.exclusive]
            ticks = rng.random((n, len(positive))) < (0.05 + 0.85 * m)
            for j, i in enumerate(positive):
                out[:, block.start + i] = ticks[:, j]
            for i, option in enumerate(q.options):
                if option.exclusive:
                    none = ~ticks.any(axis=1) & (rng.random(n) < 0.7)
                    out[none, block.start + i] = 1
        elif q.type == "grid":
            width = len(q.options)
            for r in range(len(q.rows)):
                steps = rng.binomial(width - 1, maturity * 0.85)
                out[np.arange(n), block.start + r * width + steps] = 1
        elif q.type == "matrix":
            columns = len(q.columns)
            for r in range(len(q.rows)):
                for c in range(columns):
                    chance = 0.05 + (0.8 if c == 0 else 0.5) * maturity
                    out[:, block.start + r * columns + c] = rng.random(n) < chance
        else:
            low = q.minimum if q.minimum is not None else 0.0
            high = min(q.maximum if q.maximum is not None else 100.0, 100.0)
            values = low + (high - low) * np.clip(maturity + rng.normal(0, 0.1, n), 0, 1)
            out[:, block.start] = np.round(values).astype(dtype)
    return out


def answers_of(engine: Engine, row: np.ndarray) -> dict:
    """Turn one feature row back into stored answers."""
    answers: dict = {}
    for q, block in zip(engine.definition.questions, engine.slices, strict=True):
        cells = row[block]
        if q.type == "single":
            answers[q.code] = q.options[int(np.argmax(cells))].code
        elif q.type == "multiple":
            answers[q.code] = [o.code for o, on in zip(q.options, cells, strict=True) if on]
        elif q.type == "grid":
            width = len(q.options)
            answers[q.code] = {
                r.code: q.options[int(np.argmax(cells[i * width : (i + 1) * width]))].code
                for i, r in enumerate(q.rows)
            }
        elif q.type == "matrix":
            width = len(q.columns)
            found = {
                r.code: [
                    c.code
                    for c, on in zip(q.columns, cells[i * width : (i + 1) * width], strict=True)
                    if on
                ]
                for i, r in enumerate(q.rows)
            }
            answers[q.code] = {k: v for k, v in found.items() if v}
        else:
            answers[q.code] = float(cells[0])
    return answers
