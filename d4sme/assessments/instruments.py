"""Questionnaires held as data: reading, validating and compiling an instrument definition.

An instrument file (YAML) declares its dimensions, questions, answer scales, points per answer,
bands, optional levels and the rules that turn answers into barriers and next steps. Loading
validates the whole file and reports every problem by its place in the file, so an author
fixes the file instead of reading a traceback.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils.translation import get_language

# Points are multiples of 1/POINT_UNIT: sums of such numbers are exact in floating point, so a
# response scores the same alone or in a batch, whatever order the additions take.
POINT_UNIT = 64
QUESTION_TYPES = ("single", "multiple", "grid", "matrix", "number")
CONDITIONS = (
    "selected",
    "not_selected",
    "question_below",
    "question_at_least",
    "dimension_below",
    "dimension_at_least",
    "all",
    "any",
)


class InstrumentError(ValueError):
    """A malformed instrument file; the message lists every problem with its location."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def pick(texts: dict[str, str], language: str | None = None) -> str:
    """Return a translated text in the active language, falling back to English."""
    language = (language or get_language() or "en").split("-")[0]
    return texts.get(language) or texts.get("en", "")


@dataclass(frozen=True)
class Choice:
    code: str
    points: float
    text: dict[str, str]
    exclusive: bool = False

    @property
    def label(self) -> str:
        return pick(self.text)


@dataclass(frozen=True)
class Row:
    code: str
    text: dict[str, str]

    @property
    def label(self) -> str:
        return pick(self.text)


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    dimension: str | None
    text: dict[str, str]
    help: dict[str, str]
    options: tuple[Choice, ...] = ()  # single and multiple: the choices; grid: the scale
    rows: tuple[Row, ...] = ()  # grid and matrix
    columns: tuple[Choice, ...] = ()  # matrix
    thresholds: tuple[tuple[float, float], ...] = ()  # number: (from, points), ascending
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    weight: float = 1.0
    max_points: float = 0.0

    @property
    def label(self) -> str:
        return pick(self.text)

    @property
    def help_text(self) -> str:
        return pick(self.help) if self.help else ""

    @property
    def scored(self) -> bool:
        return self.dimension is not None and self.max_points > 0

    def option(self, code: str) -> Choice | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Dimension:
    code: str
    name: dict[str, str]
    weight: float = 1.0

    @property
    def label(self) -> str:
        return pick(self.name)


@dataclass(frozen=True)
class Band:
    code: str
    upto: float
    name: dict[str, str]
    text: dict[str, str]

    @property
    def label(self) -> str:
        return pick(self.name)

    @property
    def description(self) -> str:
        return pick(self.text)


@dataclass(frozen=True)
class Level:
    code: str
    name: dict[str, str]
    text: dict[str, str]
    requires: tuple[dict, ...] = ()

    @property
    def label(self) -> str:
        return pick(self.name)

    @property
    def description(self) -> str:
        return pick(self.text)


@dataclass(frozen=True)
class Rule:
    code: str
    when: dict
    barrier: str
    support: tuple[str, ...]
    action: dict[str, str]

    @property
    def action_text(self) -> str:
        return pick(self.action)


@dataclass(frozen=True)
class Definition:
    """A validated instrument version."""

    code: str
    version: int
    name: dict[str, str]
    description: dict[str, str]
    source: str
    explanation: dict[str, str]
    provisional: bool
    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    bands: tuple[Band, ...]
    levels: tuple[Level, ...]
    rules: tuple[Rule, ...]
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def label(self) -> str:
        return pick(self.name)

    @property
    def explanation_text(self) -> str:
        return pick(self.explanation)

    @cached_property
    def by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    @cached_property
    def pages(self) -> list[tuple[Dimension | None, list[Question]]]:
        """One page per dimension, in order, then a page of context questions if any."""
        pages = [(d, [q for q in self.questions if q.dimension == d.code]) for d in self.dimensions]
        context = [q for q in self.questions if q.dimension is None]
        if context:
            pages.append((None, context))
        return [(d, qs) for d, qs in pages if qs]

    def band_for(self, score: float | None) -> Band | None:
        if score is None:
            return None
        return next((b for b in self.bands if score <= b.upto + 1e-9), self.bands[-1])

    def level(self, code: str) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    @cached_property
    def checksum(self) -> str:
        return checksum(self.raw)


def checksum(raw: dict) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


class _Reader:
    """Collects every problem of a definition instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []
        self.languages = language_codes()

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def texts(self, node, where: str, required: bool = True) -> dict[str, str]:
        if node is None and not required:
            return {}
        if not isinstance(node, dict):
            self.problem(where, "expected texts by language, such as {en: ..., ko: ...}")
            return {}
        missing = [code for code in self.languages if not str(node.get(code) or "").strip()]
        if missing:
            self.problem(where, f"missing translation for {', '.join(missing)}")
        return {str(k): str(v) for k, v in node.items() if v is not None}

    def code(self, node, where: str) -> str:
        value = node.get("code") if isinstance(node, dict) else None
        if not isinstance(value, str) or not value.strip():
            self.problem(where, "every entry needs a code")
            return ""
        return value

    def number(self, node, key: str, where: str, default=None) -> float | None:
        value = node.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, f"{key} must be a number, not {value!r}")
            return default
        return float(value)

    def unique(self, codes: list[str], where: str) -> None:
        seen = set()
        for code in codes:
            if code and code in seen:
                self.problem(where, f"code {code!r} is used twice")
            seen.add(code)

    def choices(self, node, where: str, exclusive_allowed: bool = False) -> tuple[Choice, ...]:
        if not isinstance(node, list) or not node:
            self.problem(where, "needs a non-empty list of options")
            return ()
        found = []
        for i, item in enumerate(node):
            here = f"{where}[{i}]"
            if not isinstance(item, dict):
                self.problem(here, "each option is a mapping with code, points and text")
                continue
            points = self.number(item, "points", here)
            if points is None:
                self.problem(here, "each option needs its points")
                points = 0.0
            elif points * POINT_UNIT != int(points * POINT_UNIT):
                self.problem(
                    here,
                    "points must be multiples of 1/64 (such as 1, 0.5 or 0.25), so totals are exact",
                )
            exclusive = bool(item.get("exclusive", False))
            if exclusive and not exclusive_allowed:
                self.problem(here, "only multiple-choice options can be exclusive")
            found.append(
                Choice(
                    self.code(item, here),
                    points,
                    self.texts(item.get("text"), f"{here}.text"),
                    exclusive,
                )
            )
        self.unique([c.code for c in found], where)
        return tuple(found)

    def rows(self, node, where: str) -> tuple[Row, ...]:
        if not isinstance(node, list) or not node:
            self.problem(where, "needs a non-empty list of rows")
            return ()
        found = [
            Row(
                self.code(item, f"{where}[{i}]"), self.texts(item.get("text"), f"{where}[{i}].text")
            )
            for i, item in enumerate(node)
            if isinstance(item, dict)
        ]
        self.unique([r.code for r in found], where)
        return tuple(found)


def _max_points(question: Question) -> float:
    if question.type == "single":
        return max((o.points for o in question.options), default=0.0)
    if question.type == "multiple":
        return sum(o.points for o in question.options if o.points > 0 and not o.exclusive)
    if question.type == "grid":
        return len(question.rows) * max((o.points for o in question.options), default=0.0)
    if question.type == "matrix":
        return len(question.rows) * sum(c.points for c in question.columns if c.points > 0)
    return max((p for _s, p in question.thresholds), default=0.0)


def parse(raw: dict) -> Definition:
    """Validate an instrument file's content and return its definition, or raise InstrumentError."""
    r = _Reader()
    if not isinstance(raw, dict):
        raise InstrumentError(["the file must be a mapping with code, version and questions"])
    code = r.code(raw, "instrument")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        r.problem("version", "must be a whole number from 1")
        version = 0
    name = r.texts(raw.get("name"), "name")
    description = r.texts(raw.get("description"), "description")
    scoring = raw.get("scoring") or {}
    explanation = r.texts(scoring.get("explanation"), "scoring.explanation")

    scales: dict[str, tuple[Choice, ...]] = {}
    for scale_code, scale in (raw.get("scales") or {}).items():
        scales[scale_code] = r.choices(scale, f"scales.{scale_code}")

    dimensions = []
    for i, item in enumerate(raw.get("dimensions") or []):
        here = f"dimensions[{i}]"
        dimensions.append(
            Dimension(
                r.code(item, here),
                r.texts(item.get("name"), f"{here}.name"),
                r.number(item, "weight", here, 1.0),
            )
        )
    if not dimensions:
        r.problem("dimensions", "an instrument needs at least one dimension")
    r.unique([d.code for d in dimensions], "dimensions")
    dimension_codes = {d.code for d in dimensions}

    questions = []
    for i, item in enumerate(raw.get("questions") or []):
        here = f"questions[{i}]"
        if not isinstance(item, dict):
            r.problem(here, "each question is a mapping")
            continue
        q_code = r.code(item, here)
        here = f"questions[{i}] ({q_code})"
        kind = item.get("type")
        if kind not in QUESTION_TYPES:
            r.problem(here, f"type must be one of {', '.join(QUESTION_TYPES)}, not {kind!r}")
            continue
        dimension = item.get("dimension")
        if dimension is not None and dimension not in dimension_codes:
            r.problem(here, f"dimension {dimension!r} is not declared under dimensions")
        parts: dict = {}
        if kind in ("single", "multiple"):
            parts["options"] = r.choices(
                item.get("options"), f"{here}.options", exclusive_allowed=kind == "multiple"
            )
        if kind == "grid":
            scale = item.get("scale")
            if scale in scales:
                parts["options"] = scales[scale]
            elif "options" in item:
                parts["options"] = r.choices(item["options"], f"{here}.options")
            else:
                r.problem(here, f"scale {scale!r} is not declared under scales")
        if kind in ("grid", "matrix"):
            parts["rows"] = r.rows(item.get("rows"), f"{here}.rows")
        if kind == "matrix":
            parts["columns"] = r.choices(item.get("columns"), f"{here}.columns")
        if kind == "number":
            minimum = r.number(item, "min", here)
            maximum = r.number(item, "max", here)
            if minimum is not None and maximum is not None and minimum > maximum:
                r.problem(here, "min is greater than max")
            steps = []
            for j, step in enumerate(item.get("thresholds") or []):
                start = r.number(step, "from", f"{here}.thresholds[{j}]")
                worth = r.number(step, "points", f"{here}.thresholds[{j}]")
                if start is not None and worth is not None:
                    steps.append((start, worth))
            if [s for s, _p in steps] != sorted(s for s, _p in steps):
                r.problem(f"{here}.thresholds", "must be in ascending order of 'from'")
            if [p for _s, p in steps] != sorted(p for _s, p in steps):
                r.problem(f"{here}.thresholds", "points must not fall as the number rises")
            parts.update(
                thresholds=tuple(steps), minimum=minimum, maximum=maximum, unit=item.get("unit", "")
            )
        question = Question(
            code=q_code,
            type=kind,
            dimension=dimension,
            text=r.texts(item.get("text"), f"{here}.text"),
            help=r.texts(item.get("help"), f"{here}.help", required=False),
            weight=r.number(item, "weight", here, 1.0),
            **parts,
        )
        declared_max = r.number(item, "max_points", here)
        maximum = declared_max if declared_max is not None else _max_points(question)
        if dimension is not None and maximum <= 0:
            r.problem(here, "a scored question needs at least one answer worth points")
        questions.append(_replace(question, max_points=maximum))
    if not questions:
        r.problem("questions", "an instrument needs at least one question")
    r.unique([q.code for q in questions], "questions")
    by_code = {q.code: q for q in questions}
    for d in dimensions:
        if not any(q.dimension == d.code and q.max_points > 0 for q in questions):
            r.problem(f"dimensions ({d.code})", "no scored question belongs to this dimension")

    bands = []
    for i, item in enumerate(raw.get("bands") or []):
        here = f"bands[{i}]"
        bands.append(
            Band(
                r.code(item, here),
                r.number(item, "upto", here, 100.0),
                r.texts(item.get("name"), f"{here}.name"),
                r.texts(item.get("text"), f"{here}.text"),
            )
        )
    if not bands:
        r.problem("bands", "an instrument needs at least one band")
    elif [b.upto for b in bands] != sorted(b.upto for b in bands) or bands[-1].upto != 100:
        r.problem("bands", "upper bounds must rise and the last band must end at 100")

    levels = []
    for i, item in enumerate(raw.get("levels") or []):
        here = f"levels[{i}]"
        requires = tuple(item.get("requires") or ())
        for j, need in enumerate(requires):
            where = f"{here}.requires[{j}]"
            if "question" in need:
                if need["question"] not in by_code:
                    r.problem(where, f"question {need['question']!r} does not exist")
                r.number(need, "min_points", where)
            elif "dimension" in need:
                if need["dimension"] not in dimension_codes:
                    r.problem(where, f"dimension {need['dimension']!r} does not exist")
                r.number(need, "min_score", where)
            else:
                r.problem(where, "a requirement names a question or a dimension")
        levels.append(
            Level(
                r.code(item, here),
                r.texts(item.get("name"), f"{here}.name"),
                r.texts(item.get("text"), f"{here}.text"),
                requires,
            )
        )

    rules = []
    for i, item in enumerate(raw.get("rules") or []):
        here = f"rules[{i}]"
        _check_condition(r, item.get("when"), f"{here}.when", by_code, dimension_codes)
        if not item.get("barrier"):
            r.problem(here, "a rule names the barrier it points to")
        rules.append(
            Rule(
                r.code(item, here),
                item.get("when") or {},
                str(item.get("barrier", "")),
                tuple(item.get("support") or ()),
                r.texts(item.get("action"), f"{here}.action"),
            )
        )
    r.unique([rule.code for rule in rules], "rules")

    if r.problems:
        raise InstrumentError(r.problems)
    return Definition(
        code=code,
        version=version,
        name=name,
        description=description,
        source=str(raw.get("source", "")).strip(),
        explanation=explanation,
        provisional=bool(scoring.get("provisional", False)),
        dimensions=tuple(dimensions),
        questions=tuple(questions),
        bands=tuple(bands),
        levels=tuple(levels),
        rules=tuple(rules),
        raw=raw,
    )


def _replace(question: Question, **changes) -> Question:
    from dataclasses import replace

    return replace(question, **changes)


def _check_condition(r: _Reader, node, where: str, questions: dict, dimensions: set) -> None:
    if not isinstance(node, dict) or len(node) != 1:
        r.problem(where, f"a condition is one of {', '.join(CONDITIONS)}")
        return
    kind, arg = next(iter(node.items()))
    if kind not in CONDITIONS:
        r.problem(where, f"unknown condition {kind!r}; use one of {', '.join(CONDITIONS)}")
        return
    if kind in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            r.problem(where, f"{kind} takes a list of conditions")
            return
        for i, inner in enumerate(arg):
            _check_condition(r, inner, f"{where}.{kind}[{i}]", questions, dimensions)
        return
    if not isinstance(arg, dict):
        r.problem(where, f"{kind} takes a mapping")
        return
    if kind.startswith("dimension"):
        if arg.get("dimension") not in dimensions:
            r.problem(where, f"dimension {arg.get('dimension')!r} does not exist")
        r.number(arg, "score", where)
        return
    question = questions.get(arg.get("question"))
    if question is None:
        r.problem(where, f"question {arg.get('question')!r} does not exist")
        return
    if kind in ("selected", "not_selected"):
        if question.type not in ("single", "multiple") or not question.option(
            str(arg.get("option"))
        ):
            r.problem(where, f"question {question.code} has no option {arg.get('option')!r}")
    else:
        r.number(arg, "score", where)
