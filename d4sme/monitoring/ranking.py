"""Rank project proposals by their link to the strategic plan, criterion by criterion.

The plan says: "Project proposals that have a direct link to the priorities of the Strategic
Plan will be given a higher score." The ranking below scores that link, and four plain checks
beside it, out of 100; each criterion's points come with a sentence giving the numbers behind
them, so a reviewer sees why a proposal stands where it does and can disagree. It is advice to
the working group's members, who score proposals themselves.

Criteria and default weights (points; ``weights`` changes them, and they are rescaled to add up
to 100):

1. **Alignment with the plan** (50). The proposal's title, objectives and description, as one
   text, are embedded with the multilingual Universal Sentence Encoder
   (:func:`d4sme.reports.embeddings.embed`) and compared, by cosine similarity, with each of
   the plan's objectives (built with :func:`objective_text`: priority area, objective and its
   indicators). The best match counts: a similarity of 0.2 or less scores nothing, 0.7 or more
   scores all, linearly between. Measured on the APEC SMEWG plan 2021-2024 (see
   tests/monitoring/test_ranking.py): a text on an unrelated subject (a survey of fisheries
   stocks) stays near 0.05 with every objective; short proposals plainly about one objective
   reach 0.6 to 0.75, in English or Spanish alike; the plan's own indicator names reach a
   median of 0.56 with their objective. The floor of 0.2 thus gives nothing for the resemblance any two texts
   share, and the ceiling of 0.7 gives all points to a proposal as plainly about an objective
   as those examples.
2. **Declared priority areas** (20). Whether the priority areas the proponent declares agree
   with where the text matches: full points when the priority area of the best-matching
   objective is among them; half when areas are declared but the best match lies elsewhere, or
   the text matches no objective (similarity below the floor) so the declaration cannot be
   confirmed; nothing when no area is declared.
3. **Economies involved** (10). Breadth of participation: one economy scores nothing, five or
   more score all, linearly between.
4. **Measurable outputs** (10). All points when the proposal states measurable outputs or
   indicators, none otherwise.
5. **Budget** (10). Within the usual size of APEC projects: up to USD 150,000 all points, up to
   USD 300,000 half, above that nothing.

Proposals are sorted by total, best first; equal totals keep the order they came in and share a
rank (1, 2, 2, 4). The module takes plain objects and knows nothing of the models.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SIMILARITY_FLOOR = 0.2  # at or below: no alignment points
SIMILARITY_CEILING = 0.7  # at or above: all alignment points
AREAS_PARTIAL = 0.5  # share of the area points when declared areas are not confirmed
FULL_BREADTH_ECONOMIES = 5  # economies involved for all breadth points
BUDGET_FULL = 150_000  # USD; up to this, all budget points
BUDGET_HALF = 300_000  # USD; up to this, half the budget points

WEIGHTS: dict[str, float] = {
    "alignment": 50.0,
    "areas": 20.0,
    "breadth": 10.0,
    "outputs": 10.0,
    "budget": 10.0,
}

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class ObjectiveText:
    """One objective of the plan as text to compare proposals with."""

    code: str
    priority_area: int
    text: str


@dataclass(frozen=True)
class ProposalText:
    key: int
    title: str
    objectives: str
    description: str
    declared_areas: tuple[int, ...]
    budget: float
    economies_involved: int
    has_indicators: bool


@dataclass(frozen=True)
class Criterion:
    """Points on one criterion, out of its weight, with the reason in words."""

    key: str  # "alignment", "areas", "breadth", "outputs" or "budget" (the keys of WEIGHTS)
    name: str
    points: float
    out_of: float
    why: str


@dataclass(frozen=True)
class Ranked:
    key: int
    total: float  # 0-100, the sum of the criteria's points
    rank: int
    criteria: tuple[Criterion, ...]
    best_objective: str  # code of the objective the text is closest to
    similarity: float  # cosine similarity with that objective


def objective_text(area: str, objective: str, indicators: Iterable[str] = ()) -> str:
    """The text an objective is compared by: its priority area, itself and its indicators.

    The indicators say concretely what the objective is about; with them, proposals find
    their objective markedly more reliably than with the objective's name alone.
    """
    parts = [area.strip().rstrip("."), objective.strip().rstrip(".")]
    parts += [name.strip().rstrip(".") for name in indicators if name.strip()]
    return ". ".join(part for part in parts if part) + "."


def proposal_text(proposal: ProposalText) -> str:
    return "\n".join(
        part.strip()
        for part in (proposal.title, proposal.objectives, proposal.description)
        if part and part.strip()
    )


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def _scale(value: float, low: float, high: float) -> float:
    """0 at or below ``low``, 1 at or above ``high``, linear between."""
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Points per criterion: defaults overridden by ``weights``, rescaled to add up to 100."""
    chosen = dict(WEIGHTS)
    if weights:
        unknown = set(weights) - set(WEIGHTS)
        if unknown:
            raise ValueError(f"Unknown ranking criteria: {', '.join(sorted(unknown))}")
        chosen.update({key: float(value) for key, value in weights.items()})
    if any(value < 0 or not math.isfinite(value) for value in chosen.values()):
        raise ValueError("Ranking weights must be finite and not negative.")
    total = sum(chosen.values())
    if total <= 0:
        raise ValueError("At least one ranking weight must be positive.")
    return {key: 100.0 * value / total for key, value in chosen.items()}


def _money(amount: float) -> str:
    return number_format(amount, decimal_pos=0, force_grouping=True)


def _alignment(best: ObjectiveText, similarity: float, out_of: float) -> Criterion:
    share = _scale(similarity, SIMILARITY_FLOOR, SIMILARITY_CEILING)
    why = _(
        "Closest to objective %(code)s (similarity %(similarity).2f; "
        "%(floor).1f scores nothing, %(ceiling).1f scores all)."
    ) % {
        "code": best.code,
        "similarity": similarity,
        "floor": SIMILARITY_FLOOR,
        "ceiling": SIMILARITY_CEILING,
    }
    return Criterion("alignment", _("Alignment with the plan"), share * out_of, out_of, why)


def _areas(
    proposal: ProposalText, best: ObjectiveText, similarity: float, out_of: float
) -> Criterion:
    name = _("Declared priority areas")
    declared = sorted(set(proposal.declared_areas))
    values = {
        "area": best.priority_area,
        "code": best.code,
        "declared": ", ".join(str(number) for number in declared),
        "partial": round(AREAS_PARTIAL * 100),
        "similarity": similarity,
        "floor": SIMILARITY_FLOOR,
    }
    if not declared:
        why = _("No priority area is declared; declaring none scores nothing.")
        return Criterion("areas", name, 0.0, out_of, why)
    count = len(declared)
    if similarity < SIMILARITY_FLOOR:
        why = ngettext(
            "Declares priority area %(declared)s, but the text matches no objective closely "
            "(best similarity %(similarity).2f, below %(floor).1f), so the declaration is not "
            "confirmed; that scores %(partial)d%% of the points.",
            "Declares priority areas %(declared)s, but the text matches no objective closely "
            "(best similarity %(similarity).2f, below %(floor).1f), so the declaration is not "
            "confirmed; that scores %(partial)d%% of the points.",
            count,
        )
        return Criterion("areas", name, AREAS_PARTIAL * out_of, out_of, why % values)
    if best.priority_area in declared:
        why = ngettext(
            "Declares priority area %(declared)s; the text is closest to objective %(code)s, "
            "in priority area %(area)d.",
            "Declares priority areas %(declared)s; the text is closest to objective %(code)s, "
            "in priority area %(area)d, one of them.",
            count,
        )
        return Criterion("areas", name, out_of, out_of, why % values)
    why = ngettext(
        "Declares priority area %(declared)s, but the text is closest to objective %(code)s, "
        "in priority area %(area)d; a declaration the text does not bear out scores "
        "%(partial)d%% of the points.",
        "Declares priority areas %(declared)s, but the text is closest to objective %(code)s, "
        "in priority area %(area)d; a declaration the text does not bear out scores "
        "%(partial)d%% of the points.",
        count,
    )
    return Criterion("areas", name, AREAS_PARTIAL * out_of, out_of, why % values)


def _breadth(proposal: ProposalText, out_of: float) -> Criterion:
    count = int(proposal.economies_involved)
    share = _scale(count, 1, FULL_BREADTH_ECONOMIES)
    why = ngettext(
        "%(count)d economy involved (1 scores nothing, %(full)d or more score all).",
        "%(count)d economies involved (1 scores nothing, %(full)d or more score all).",
        count,
    ) % {"count": count, "full": FULL_BREADTH_ECONOMIES}
    return Criterion("breadth", _("Economies involved"), share * out_of, out_of, why)


def _outputs(proposal: ProposalText, out_of: float) -> Criterion:
    name = _("Measurable outputs")
    if proposal.has_indicators:
        return Criterion("outputs", name, out_of, out_of, _("Measurable outputs are stated."))
    return Criterion(
        "outputs", name, 0.0, out_of, _("No measurable outputs are stated; that scores nothing.")
    )


def _budget(proposal: ProposalText, out_of: float) -> Criterion:
    name = _("Budget")
    budget = max(0.0, float(proposal.budget))
    values = {"budget": _money(budget), "full": _money(BUDGET_FULL), "half": _money(BUDGET_HALF)}
    if budget <= BUDGET_FULL:
        share = 1.0
        why = _(
            "Budget of USD %(budget)s, within the usual USD %(full)s of APEC projects: all points."
        )
    elif budget <= BUDGET_HALF:
        share = 0.5
        why = _(
            "Budget of USD %(budget)s, above the usual USD %(full)s of APEC projects but "
            "within USD %(half)s: half the points."
        )
    else:
        share = 0.0
        why = _("Budget of USD %(budget)s, above USD %(half)s: no points.")
    return Criterion("budget", name, share * out_of, out_of, why % values)


def rank(
    proposals: Iterable[ProposalText],
    objectives: Sequence[ObjectiveText],
    *,
    embed: Embed | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Ranked]:
    """Score and sort proposals, best first; equal totals keep their input order.

    ``embed`` turns a list of texts into one vector per text (by default the multilingual
    shared sentence encoder); ``weights`` overrides points per criterion (keys of
    :data:`WEIGHTS`), rescaled to add up to 100.
    """
    proposals = list(proposals)
    if not proposals:
        return []
    objectives = list(objectives)
    if not objectives:
        raise ValueError("Proposals are ranked against a plan's objectives; none were given.")
    points = _weights(weights)
    if embed is None:
        from d4sme.reports.embeddings import embed

    texts = [proposal_text(proposal) for proposal in proposals]
    vectors = _unit_rows(embed([objective.text for objective in objectives] + texts))
    similarities = vectors[len(objectives) :] @ vectors[: len(objectives)].T

    scored = []
    for proposal, text, row in zip(proposals, texts, similarities, strict=True):
        index = int(np.argmax(row)) if text else 0
        similarity = float(row[index]) if text else 0.0
        best = objectives[index]
        criteria = (
            _alignment(best, similarity, points["alignment"]),
            _areas(proposal, best, similarity, points["areas"]),
            _breadth(proposal, points["breadth"]),
            _outputs(proposal, points["outputs"]),
            _budget(proposal, points["budget"]),
        )
        total = math.fsum(criterion.points for criterion in criteria)
        scored.append((proposal.key, total, criteria, best.code, similarity))

    scored.sort(key=lambda item: -round(item[1], 9))  # stable: ties keep the input order
    ranked: list[Ranked] = []
    for position, (key, total, criteria, code, similarity) in enumerate(scored, start=1):
        tied = ranked and round(ranked[-1].total, 9) == round(total, 9)
        ranked.append(
            Ranked(
                key=key,
                total=total,
                rank=ranked[-1].rank if tied else position,
                criteria=criteria,
                best_objective=code,
                similarity=similarity,
            )
        )
    return ranked
