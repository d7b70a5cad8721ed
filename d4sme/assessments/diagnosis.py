"""Barriers and next steps: the instrument's rules applied to one response.

Each rule held in the instrument file names a condition on the answers or scores, the barrier
it reveals (registry vocabulary "barriers") and the support that addresses it. A finding
carries the rule's code and a plain description of its condition, so the firm sees why each
recommendation was made. Recommended actions link to published programmes the firm is
eligible for that are classified under the barrier or the support named by the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from d4sme.programmes.selectors import programme_term_codes, programmes_eligible_for
from d4sme.registry.selectors import term_list

from .instruments import Definition, Rule

if TYPE_CHECKING:
    from d4sme.programmes.models import Programme
    from d4sme.registry.models import Organisation, Term


@dataclass
class Finding:
    rule: Rule
    reason: str
    barrier: Term | None
    support: list[Term]
    programmes: list[Programme] = field(default_factory=list)


def holds(when: dict, answers: dict, scores: dict) -> bool:
    kind, arg = next(iter(when.items()))
    if kind == "all":
        return all(holds(inner, answers, scores) for inner in arg)
    if kind == "any":
        return any(holds(inner, answers, scores) for inner in arg)
    if kind in ("selected", "not_selected"):
        given = answers.get(arg["question"])
        chosen = given if isinstance(given, list) else [given]
        return (arg["option"] in chosen) == (kind == "selected")
    if kind.startswith("question"):
        value = scores["questions"].get(arg["question"], 0.0)
    else:
        value = scores["dimensions"].get(arg["dimension"], 0.0)
    return value < arg["score"] if kind.endswith("below") else value >= arg["score"]


def describe(when: dict, definition: Definition) -> str:
    """Say in words what a condition tests."""
    kind, arg = next(iter(when.items()))
    if kind in ("all", "any"):
        joiner = _(" and ") if kind == "all" else _(" or ")
        return joiner.join(describe(inner, definition) for inner in arg)
    if kind in ("selected", "not_selected"):
        question = definition.by_code[arg["question"]]
        option = question.option(arg["option"])
        template = (
            _("you answered “%(option)s”")
            if kind == "selected"
            else _("you did not tick “%(option)s”")
        )
        return template % {"option": option.label}
    if kind.startswith("question"):
        question = definition.by_code[arg["question"]]
        template = (
            _("question “%(question)s” scored below %(score)s of 10")
            if kind.endswith("below")
            else _("question “%(question)s” scored at least %(score)s of 10")
        )
        return template % {"question": question.label, "score": f"{arg['score']:g}"}
    dimension = definition.dimension(arg["dimension"])
    template = (
        _("%(dimension)s scored below %(score)s")
        if kind.endswith("below")
        else _("%(dimension)s scored at least %(score)s")
    )
    return template % {"dimension": dimension.label, "score": f"{arg['score']:g}"}


def diagnose(
    definition: Definition, answers: dict, scores: dict, organisation: Organisation | None = None
) -> list[Finding]:
    """Return the findings of every rule whose condition holds, in the instrument's order."""
    fired = [rule for rule in definition.rules if holds(rule.when, answers, scores)]
    if not fired:
        return []
    codes = {rule.barrier for rule in fired} | {code for rule in fired for code in rule.support}
    terms: dict[str, Term] = {}
    for term in term_list(codes=codes):
        terms.setdefault(term.code, term)
    barriers = {t.code: t for t in term_list(vocabularies=["barriers"], codes=codes)}
    eligible: list[Programme] = []
    classified: dict[int, set[str]] = {}
    if organisation is not None:
        eligible = [p for p, _verdict in programmes_eligible_for(organisation=organisation)]
        classified = programme_term_codes(programmes=eligible, codes=codes)
    findings = []
    for rule in fired:
        wanted = {rule.barrier, *rule.support}
        findings.append(
            Finding(
                rule=rule,
                reason=describe(rule.when, definition),
                barrier=barriers.get(rule.barrier),
                support=[terms[c] for c in rule.support if c in terms],
                programmes=[p for p in eligible if classified.get(p.pk, set()) & wanted][:5],
            )
        )
    return findings
