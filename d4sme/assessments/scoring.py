"""One scoring engine for one response and for a million.

A definition is compiled once into a layout of numeric features: one column per option of a
single or multiple choice, per row and scale step of a grid, per row and column of a matrix,
and one per number. Answers become rows of a matrix, and every score is computed for all rows
at once with numpy: question points (0-10), dimension scores (0-100), the overall score, the
band and the level. Scoring a single response is the same computation on a one-row matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .instruments import Definition, Question

DECIMALS = 2  # stored and shown scores; bands are read from the rounded overall score
BLOCK_ROWS = 25_000  # rows scored together: large enough for numpy, small enough for cache


class AnswerError(ValidationError):
    """Answers that do not fit the questionnaire; ``errors`` maps question codes to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__({code: [message] for code, message in errors.items()})


@dataclass
class Scores:
    """Scores of n responses; row i of every array belongs to response i."""

    definition: Definition
    question_points: np.ndarray  # (n, Q) raw points, capped to each question's maximum
    question_scores: np.ndarray  # (n, Q) 0-10
    dimensions: np.ndarray  # (n, D) 0-100
    overall: np.ndarray  # (n,) 0-100
    band: np.ndarray  # (n,) index into definition.bands
    level: np.ndarray  # (n,) index into definition.levels, -1 when it has none

    def result(self, i: int = 0) -> dict:
        """The stored form of response i's scores."""
        d = self.definition
        level = int(self.level[i])
        return {
            "overall": float(self.overall[i]),
            "dimensions": {
                dim.code: float(self.dimensions[i, j]) for j, dim in enumerate(d.dimensions)
            },
            "questions": {
                q.code: float(self.question_scores[i, j])
                for j, q in enumerate(d.questions)
                if q.scored
            },
            "band": d.bands[int(self.band[i])].code,
            "level": d.levels[level].code if level >= 0 else "",
        }


class Engine:
    """The compiled form of one instrument version."""

    def __init__(self, definition: Definition):
        self.definition = definition
        self.slices: list[slice] = []
        self.points: list[np.ndarray] = []
        self.exclusive: list[np.ndarray | None] = []
        self.columns: dict[tuple, int] = {}  # (question, row, option) -> feature index
        width = 0
        for q in definition.questions:
            start = width
            if q.type in ("single", "multiple"):
                for o in q.options:
                    self.columns[(q.code, None, o.code)] = width
                    width += 1
                points = [o.points for o in q.options]
            elif q.type == "grid":
                points = []
                for row in q.rows:
                    for o in q.options:
                        self.columns[(q.code, row.code, o.code)] = width
                        width += 1
                        points.append(o.points)
            elif q.type == "matrix":
                points = []
                for row in q.rows:
                    for c in q.columns:
                        self.columns[(q.code, row.code, c.code)] = width
                        width += 1
                        points.append(c.points)
            else:  # number
                self.columns[(q.code, None, None)] = width
                width += 1
                points = [0.0]
            self.slices.append(slice(start, width))
            self.points.append(np.asarray(points, dtype=np.float32))
            excl = (
                [i for i, o in enumerate(q.options) if o.exclusive] if q.type == "multiple" else []
            )
            self.exclusive.append(np.asarray(excl, dtype=np.intp) if excl else None)
        self.width = width
        self.maxima = np.array([q.max_points for q in definition.questions], dtype=np.float64)
        dims = [d.code for d in definition.dimensions]
        weights = np.zeros((len(definition.questions), len(dims)))
        for j, q in enumerate(definition.questions):
            if q.scored:
                weights[j, dims.index(q.dimension)] = q.weight
        self.question_weights = weights / weights.sum(axis=0, keepdims=True)
        dim_weights = np.array([d.weight for d in definition.dimensions], dtype=np.float64)
        self.dimension_weights = dim_weights / dim_weights.sum()
        self.band_bounds = np.array([b.upto for b in definition.bands])

    # -- answers to features ------------------------------------------------------------

    def validate(self, answers: dict, questions: list[Question] | None = None) -> None:
        """Raise AnswerError unless every given question is answered in a way it allows."""
        errors: dict[str, str] = {}
        for q in questions if questions is not None else self.definition.questions:
            problem = _problem(q, answers.get(q.code))
            if problem:
                errors[q.code] = problem
        if errors:
            raise AnswerError(errors)

    def encode(self, answers: dict, out: np.ndarray | None = None) -> np.ndarray:
        """Return the feature vector of one response's answers (unanswered counts nothing)."""
        row = np.zeros(self.width) if out is None else out
        columns = self.columns
        for q in self.definition.questions:
            value = answers.get(q.code)
            if value is None or value == "" or value == [] or value == {}:
                continue
            if q.type == "single":
                index = columns.get((q.code, None, value))
                if index is not None:
                    row[index] = 1
            elif q.type == "multiple":
                for code in value:
                    index = columns.get((q.code, None, code))
                    if index is not None:
                        row[index] = 1
            elif q.type == "grid":
                for row_code, code in value.items():
                    index = columns.get((q.code, row_code, code))
                    if index is not None:
                        row[index] = 1
            elif q.type == "matrix":
                for row_code, codes in value.items():
                    for code in codes:
                        index = columns.get((q.code, row_code, code))
                        if index is not None:
                            row[index] = 1
            else:
                row[columns[(q.code, None, None)]] = float(value)
        return row

    def encode_many(self, answer_sets) -> np.ndarray:
        answer_sets = list(answer_sets)
        matrix = np.zeros((len(answer_sets), self.width))
        for i, answers in enumerate(answer_sets):
            self.encode(answers, out=matrix[i])
        return matrix

    # -- features to scores ---------------------------------------------------------------

    def score(self, features: np.ndarray) -> Scores:
        """Score every row of a feature matrix (any numeric dtype, any memory order).

        Rows are scored in blocks of BLOCK_ROWS, each copied column-major, so that every
        feature column the computation walks is contiguous and the block stays in cache.
        """
        n = features.shape[0]
        blocks = [
            self._score_block(np.asfortranarray(features[i : i + BLOCK_ROWS], dtype=np.float32))
            for i in range(0, max(n, 1), BLOCK_ROWS)
        ]
        if len(blocks) == 1:
            return blocks[0]
        return Scores(
            self.definition,
            *(
                np.concatenate([getattr(b, name) for b in blocks])
                for name in (
                    "question_points",
                    "question_scores",
                    "dimensions",
                    "overall",
                    "band",
                    "level",
                )
            ),
        )

    def _score_block(self, features: np.ndarray) -> Scores:
        d = self.definition
        n = features.shape[0]
        points = np.zeros((n, len(d.questions)))
        for j, q in enumerate(d.questions):
            block = features[:, self.slices[j]]
            if q.type == "number":
                points[:, j] = _threshold_points(q, block[:, 0])
                continue
            # Features are 0/1 and points are multiples of 1/64 (checked on load), so these
            # sums are exact whatever order BLAS adds them in.
            raw = block @ self.points[j]
            excl = self.exclusive[j]
            if excl is not None:
                chosen = block[:, excl]
                raw = np.where(chosen.any(axis=1), chosen @ self.points[j][excl], raw)
            points[:, j] = raw
        maxima = np.where(self.maxima > 0, self.maxima, 1.0)
        points = np.clip(points, 0.0, self.maxima)
        question_scores = 10.0 * points / maxima
        # Weighted sums as running sums, one column at a time: every row then goes through
        # the same operations in the same order whether one response is scored or a million,
        # so a stored score is reproduced to the last digit (a matrix product is not).
        dimensions = np.zeros((n, len(d.dimensions)))
        for k in range(len(d.dimensions)):
            for j in np.flatnonzero(self.question_weights[:, k]):
                dimensions[:, k] += question_scores[:, j] * self.question_weights[j, k]
        dimensions = np.round(dimensions * 10.0, DECIMALS)
        overall = np.zeros(n)
        for k, weight in enumerate(self.dimension_weights):
            overall += dimensions[:, k] * weight
        overall = np.round(overall, DECIMALS)
        band = np.searchsorted(self.band_bounds, overall - 1e-9, side="left")
        band = np.minimum(band, len(self.band_bounds) - 1)
        return Scores(
            d,
            points,
            np.round(question_scores, DECIMALS),
            dimensions,
            overall,
            band,
            self._levels(points, dimensions),
        )

    def _levels(self, points: np.ndarray, dimensions: np.ndarray) -> np.ndarray:
        d = self.definition
        n = points.shape[0]
        if not d.levels:
            return np.full(n, -1)
        questions = [q.code for q in d.questions]
        dims = [dim.code for dim in d.dimensions]
        reached = np.ones(n, dtype=bool)
        level = np.zeros(n, dtype=np.intp)
        for lv in d.levels[1:]:
            for need in lv.requires:
                if "question" in need:
                    column = points[:, questions.index(need["question"])]
                    reached &= column >= float(need["min_points"]) - 1e-9
                else:
                    column = dimensions[:, dims.index(need["dimension"])]
                    reached &= column >= float(need["min_score"]) - 1e-9
            level += reached
        return level

    def score_one(self, answers: dict) -> dict:
        return self.score(self.encode(answers)[np.newaxis, :]).result(0)


def _threshold_points(q: Question, values: np.ndarray) -> np.ndarray:
    if not q.thresholds:
        return np.zeros_like(values)
    starts = np.array([s for s, _p in q.thresholds])
    worth = np.concatenate([[0.0], [p for _s, p in q.thresholds]])
    return worth[np.searchsorted(starts, values, side="right")]


def _problem(q: Question, value) -> str | None:
    """Return why an answer does not fit its question, or None when it does."""
    if q.type == "single":
        if value in (None, ""):
            return _("Choose one answer.")
        if q.option(str(value)) is None:
            return _("Choose one of the answers offered.")
    elif q.type == "multiple":
        value = value or []
        if not isinstance(value, list) or any(q.option(str(c)) is None for c in value):
            return _("Choose among the answers offered.")
        exclusive = [c for c in value if q.option(c).exclusive]
        if exclusive and len(value) > 1:
            return _("“%(answer)s” cannot be combined with other answers.") % {
                "answer": q.option(exclusive[0]).label
            }
    elif q.type == "grid":
        value = value or {}
        if not isinstance(value, dict):
            return _("Answer every row.")
        codes = {o.code for o in q.options}
        if any(value.get(r.code) not in codes for r in q.rows):
            return _("Answer every row.")
    elif q.type == "matrix":
        value = value or {}
        columns = {c.code for c in q.columns}
        rows = {r.code for r in q.rows}
        if not isinstance(value, dict) or any(
            row not in rows or not isinstance(ticks, list) or not set(ticks) <= columns
            for row, ticks in value.items()
        ):
            return _("Tick among the cells offered.")
    else:
        if value in (None, ""):
            return _("Enter a number.") if q.scored else None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return _("Enter a number.")
        if (q.minimum is not None and number < q.minimum) or (
            q.maximum is not None and number > q.maximum
        ):
            return _("Enter a number from %(min)s to %(max)s.") % {
                "min": f"{q.minimum:g}",
                "max": f"{q.maximum:g}",
            }
    return None


_ENGINES: dict[str, Engine] = {}


def engine(definition: Definition) -> Engine:
    """Return the engine of a definition, compiled once per distinct definition."""
    found = _ENGINES.get(definition.checksum)
    if found is None:
        found = _ENGINES[definition.checksum] = Engine(definition)
    return found
