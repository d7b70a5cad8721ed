"""The evidence rating: a step on the OECD's six-step reliability scale (Storey's "Six Steps to
Heaven"), derived by rules from what a run did and found, never typed in.

Steps 1-3 are monitoring (take-up; what participants report; the change seen among
participants), steps 4-6 evaluation (a comparison with typical firms; with matched firms; with
matched firms and a check that selection on what cannot be seen does not drive the result).
Each rule that holds a run back is written into the rationale shown with the rating.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Fewer matched participants than this cannot support an evaluation-grade step (above 4).
MIN_PARTICIPANTS = 30
PRETREND_ALPHA = 0.05

STEP_NAMES = {
    1: _("Take-up of the programme"),
    2: _("What participants say about it"),
    3: _("Change among participants, without a comparison"),
    4: _("Comparison with typical firms"),
    5: _("Comparison with matched firms"),
    6: _("Matched comparison that also addresses selection"),
}

# Why a run earns no more than its step; stored as codes, worded in the reader's language.
REASONS = {
    "no_outcomes": _("No participant has the outcome measured before and after."),
    "no_comparison": _("Only participants are measured; there is no comparison group."),
    "not_matched": _(
        "Participants are compared with non-participants that are not matched on their traits."
    ),
    "too_few": _(
        "Only %(n)s participants were compared; at least %(min)s are needed above step 4."
    ),
    "unbalanced": _("The matched groups are not balanced on every covariate."),
    "refuted": _("A refutation test failed: the estimate moved under a placebo or noise."),
    "pretrends": _("Participants' outcomes already moved differently before entry (p = %(p).3f)."),
    "no_pretest": _(
        "No year before entry could test for earlier differences in trend, so selection on "
        "unobserved traits is not ruled out."
    ),
    "all_met": _("Every rule of this step is met."),
}


def step_name(step: int | None) -> str:
    return str(STEP_NAMES[step]) if step else ""


def reason_texts(reasons: list) -> list[str]:
    """The stored reasons ``[[code, params], ...]`` in the active language."""
    return [
        str(REASONS[code]) % params if params else str(REASONS[code]) for code, params in reasons
    ]


@dataclass
class Facts:
    design: str
    participants: int  # participants with outcomes the estimate uses
    comparison: int  # comparison firms the estimate uses
    balance_ok: bool | None = None  # None: no matching was done
    pretrend_p: float | None = None
    refutations_passed: bool | None = None
    outcome: str = ""
    dropped_participants: int = 0


@dataclass
class Rating:
    step: int
    criteria: dict
    reasons: list = field(default_factory=list)


def rate(facts: Facts) -> Rating:
    criteria = {
        "control_group": facts.comparison > 0,
        "matched": facts.design == "psm_did" and facts.comparison > 0,
        "balance_ok": facts.balance_ok,
        "pretrend_p": facts.pretrend_p,
        "pretrends_ok": None if facts.pretrend_p is None else facts.pretrend_p >= PRETREND_ALPHA,
        "refutations_passed": facts.refutations_passed,
        "participants": facts.participants,
        "enough_participants": facts.participants >= MIN_PARTICIPANTS,
        "survival_included": facts.outcome == "survival",
        "dropped_participants": facts.dropped_participants,
    }
    reasons: list = []
    if facts.participants == 0:
        reasons.append(("no_outcomes", {}))
        return Rating(1, criteria, reasons)
    if facts.design == "descriptive" or facts.comparison == 0:
        reasons.append(("no_comparison", {}))
        return Rating(3, criteria, reasons)
    step = 6 if facts.design == "psm_did" else 5
    if facts.design == "cs_staggered":
        reasons.append(("not_matched", {}))
        step = 5 if criteria["pretrends_ok"] else 4
    if not criteria["enough_participants"]:
        reasons.append(("too_few", {"n": facts.participants, "min": MIN_PARTICIPANTS}))
        step = min(step, 4)
    if facts.design == "psm_did" and not facts.balance_ok:
        reasons.append(("unbalanced", {}))
        step = min(step, 4)
    if facts.refutations_passed is False:
        reasons.append(("refuted", {}))
        step = min(step, 4)
    if criteria["pretrends_ok"] is False:
        reasons.append(("pretrends", {"p": facts.pretrend_p}))
        step = min(step, 4)
    elif criteria["pretrends_ok"] is None and step == 6:
        reasons.append(("no_pretest", {}))
        step = 5
    if step >= 5 and not reasons:
        reasons.append(("all_met", {}))
    return Rating(step, criteria, reasons)
