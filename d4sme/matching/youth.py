"""Young people and SMEs' digital jobs: eligibility, the budget as a limit, and the two modes.

A pair (candidate, job) may be matched when the candidate applied to the job, is aged 15 to 34
(or the programme's hiring ages) on the day the job was posted, and the firm is of a size the
programme serves. The subsidy budget left this year pays ``budget // per_hire`` subsidised
hires; subsidised places beyond that are closed before matching, jobs in the order they were
posted, so that no run can spend more than the budget. Then:

- ``stable``: candidate-proposing deferred acceptance (``stable.py``): no candidate and job
  would both rather be together; the candidate-optimal such matching.
- ``max-fit``: the assignment of the largest total fit (SciPy's ``linear_sum_assignment`` on
  candidates × places), which may leave blocking pairs; the run shows the trade-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext_lazy
from scipy.optimize import linear_sum_assignment

from .stable import Preferences, blocking_pairs, deferred_acceptance

YOUTH_AGES = (15, 34)
STABLE, MAX_FIT = "stable", "max-fit"
MODES = (STABLE, MAX_FIT)
# Every acceptable pair is worth at least this much, so that the max-fit mode prefers hiring
# someone to leaving a place empty even without shared skills.
BASE_FIT = 0.1

# Why a candidate ended without a job.
NOT_ELIGIBLE = "not-eligible"
BUDGET = "budget"
OUTRANKED = "outranked"
NOT_CHOSEN = "not-chosen"
REASON_LABELS = {
    NOT_ELIGIBLE: gettext_lazy(
        "Not eligible for any job applied to (age on the posting date, or the firm's size)."
    ),
    BUDGET: gettext_lazy(
        "A job applied to lost subsidised places because the budget ran out; the others chose"
        " candidates they ranked higher."
    ),
    OUTRANKED: gettext_lazy(
        "Every job applied to filled its places with candidates it ranked higher."
    ),
    NOT_CHOSEN: gettext_lazy("The largest total fit left this candidate out."),
}


def skills_fit(candidate: list[str], job: list[str]) -> float:
    """Return the fit of a candidate to a job: a base plus the Jaccard overlap of skills."""
    a, b = {s.casefold() for s in candidate}, {s.casefold() for s in job}
    overlap = len(a & b) / len(a | b) if a | b else 0.0
    return round(BASE_FIT + (1 - BASE_FIT) * overlap, 4)


def pair_problems(*, age: int, size_class: str | None, rules: dict) -> list[str]:
    """Return why a candidate of ``age`` may not be hired with the subsidy by a firm of
    ``size_class`` under a programme's ``rules`` (an empty list when they may)."""
    low = rules.get("hire_min_age", YOUTH_AGES[0])
    high = rules.get("hire_max_age", YOUTH_AGES[1])
    problems = []
    if not low <= age <= high:
        problems.append("age")
    if rules.get("size_classes") and size_class not in rules["size_classes"]:
        problems.append("firm_size")
    return problems


def subsidised_places(
    *, slots: list[int], subsidised: list[bool], remaining: Decimal, per_hire: Decimal
) -> tuple[list[int], int]:
    """Return each job's places after the budget, and how many subsidised hires it pays for.

    Jobs come in the order they were posted; a job without the subsidy keeps its places.
    """
    fundable = int(remaining // per_hire) if per_hire > 0 else 0
    left, places = fundable, []
    for count, paid in zip(slots, subsidised, strict=True):
        if paid:
            places.append(min(count, left))
            left -= places[-1]
        else:
            places.append(count)
    return places, fundable


@dataclass
class Instance:
    """Candidates' and jobs' lists over eligible pairs, the fit of each pair, the places."""

    candidate_lists: list[list[int]]
    job_lists: list[list[int]]
    places: list[int]
    fit: dict[tuple[int, int], float]
    subsidised: list[bool]
    excluded: dict[int, list[str]] = field(default_factory=dict)  # candidate -> problems

    def preferences(self) -> Preferences:
        return Preferences.of(self.candidate_lists, self.job_lists, self.places)


@dataclass
class Outcome:
    mode: str
    match: np.ndarray  # job per candidate, -1 when unmatched
    total_fit: float
    matched: int
    blocking: int
    subsidised_hires: int


def max_fit_assignment(instance: Instance) -> np.ndarray:
    """Return the job of each candidate in an assignment of the largest total fit."""
    count = len(instance.candidate_lists)
    columns = np.repeat(np.arange(len(instance.places)), instance.places)
    if not count or not len(columns):
        return np.full(count, -1, dtype=np.int64)
    # One column per place, and one "stay unmatched" column per candidate worth 0.
    weight = np.full((count, len(columns) + count), -1e9)
    weight[np.arange(count), len(columns) + np.arange(count)] = 0.0
    first = np.searchsorted(columns, np.arange(len(instance.places)))
    for (c, j), value in instance.fit.items():
        if instance.places[j]:
            weight[c, first[j] : first[j] + instance.places[j]] = value
    rows, cols = linear_sum_assignment(weight, maximize=True)
    match = np.full(count, -1, dtype=np.int64)
    placed = cols < len(columns)
    match[rows[placed]] = columns[cols[placed]]
    return match


def outcome_of(mode: str, instance: Instance, match: np.ndarray) -> Outcome:
    pairs = [(c, int(j)) for c, j in enumerate(match.tolist()) if j >= 0]
    return Outcome(
        mode=mode,
        match=match,
        total_fit=round(sum(instance.fit[p] for p in pairs), 4),
        matched=len(pairs),
        blocking=len(blocking_pairs(instance.preferences(), match)),
        subsidised_hires=sum(1 for _c, j in pairs if instance.subsidised[j]),
    )


def solve(instance: Instance) -> dict[str, Outcome]:
    """Return both modes' outcomes, so that a run can show what each gives up."""
    return {
        STABLE: outcome_of(STABLE, instance, deferred_acceptance(instance.preferences())),
        MAX_FIT: outcome_of(MAX_FIT, instance, max_fit_assignment(instance)),
    }


def unmatched_reasons(instance: Instance, match: np.ndarray, cut: set[int]) -> dict[int, str]:
    """Return, for each unmatched candidate, why: not eligible for any job they applied to, a
    job closed by the budget, or every job preferred others."""
    reasons = {}
    for c, j in enumerate(match.tolist()):
        if j >= 0:
            continue
        if not instance.candidate_lists[c]:
            reasons[c] = NOT_ELIGIBLE
        elif any(job in cut for job in instance.candidate_lists[c]):
            reasons[c] = BUDGET
        else:
            reasons[c] = OUTRANKED
    return reasons
