"""Eligibility rules held as data, checked for one firm with reasons, or for many at once.

A programme's ``eligibility`` is a JSON object with any of these keys; a firm must meet every
rule present. A national programme is, in addition, for firms of its economy. A programme
whose source does not say who may take part (``eligibility_stated`` false) makes no firm
eligible: its verdict says so instead of reading an empty set of rules as "open to all".

``hire_min_age`` and ``hire_max_age`` concern the person a firm hires with the programme's
support (a wage subsidy for hiring young people), not the firm or its owner; the agency
checks them when the firm applies.
"""

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

SIZE_CLASSES = ("micro", "small", "medium", "large")
FLAGS = ("women_led", "youth_led", "rural")
INTEGER_RULES = ("min_firm_age", "max_firm_age", "hire_min_age", "hire_max_age")
LIST_RULES = ("size_classes", "sections", "regions")
RULE_KEYS = set(LIST_RULES) | set(FLAGS) | set(INTEGER_RULES)

MET, UNMET, TO_CONFIRM = "met", "unmet", "to-confirm"
# A verdict's outcome when the source of the programme does not say who may take part.
NOT_STATED = "not-stated"


def rules_validate(rules: Any) -> list[str]:
    """Return what is wrong with a set of eligibility rules (an empty list if nothing)."""
    if not isinstance(rules, dict):
        return [_("Eligibility rules must be an object.")]
    errors = []
    for key, value in rules.items():
        if key not in RULE_KEYS:
            errors.append(_("Unknown eligibility rule '%(key)s'.") % {"key": key})
        elif key in LIST_RULES and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            errors.append(_("'%(key)s' must be a list of codes.") % {"key": key})
        elif key in FLAGS and value is not True:
            errors.append(_("'%(key)s' can only be true (leave it out otherwise).") % {"key": key})
        elif key in INTEGER_RULES and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            errors.append(_("'%(key)s' must be a whole number of years.") % {"key": key})
    if isinstance(rules.get("size_classes"), list):
        unknown = set(rules["size_classes"]) - set(SIZE_CLASSES)
        if unknown:
            errors.append(
                _("Unknown size classes: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
            )
    for low, high in (("min_firm_age", "max_firm_age"), ("hire_min_age", "hire_max_age")):
        if (
            isinstance(rules.get(low), int)
            and isinstance(rules.get(high), int)
            and rules[low] > rules[high]
        ):
            errors.append(_("'%(low)s' is above '%(high)s'.") % {"low": low, "high": high})
    return errors


@dataclass(frozen=True)
class Reason:
    criterion: str
    outcome: str  # met, unmet or to-confirm
    text: str


@dataclass(frozen=True)
class Verdict:
    reasons: list[Reason]
    stated: bool = True  # False when the programme's source does not say who may take part

    @property
    def unmet(self) -> bool:
        """True when the firm fails at least one rule."""
        return any(reason.outcome == UNMET for reason in self.reasons)

    @property
    def eligible(self) -> bool:
        """True when the source states who may take part and no rule is unmet.

        Some rules may remain to be confirmed by the agency.
        """
        return self.stated and not self.unmet

    @property
    def to_confirm(self) -> bool:
        return any(reason.outcome == TO_CONFIRM for reason in self.reasons)

    @property
    def outcome(self) -> str:
        """Return one of UNMET, NOT_STATED, TO_CONFIRM and MET, in that order of precedence."""
        if self.unmet:
            return UNMET
        if not self.stated:
            return NOT_STATED
        return TO_CONFIRM if self.to_confirm else MET

    @property
    def label(self) -> str:
        """Return the verdict in words, the same on every page that shows it."""
        return verdict_label(self.outcome)

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "outcome": self.outcome,
            "stated": self.stated,
            "reasons": [asdict(r) for r in self.reasons],
        }


def verdict_label(outcome: str) -> str:
    """Return the words for a verdict's outcome (every page uses these, so none disagrees)."""
    return {
        MET: _("Eligible"),
        TO_CONFIRM: _("Eligible, subject to the conditions the agency checks"),
        UNMET: _("Not eligible"),
        NOT_STATED: _("Eligibility not stated by the source"),
    }[outcome]


@dataclass(frozen=True)
class Firm:
    """The facts about a firm that eligibility looks at."""

    economy: str | None
    size_class: str | None
    section: str
    region: str | None
    founded_year: int | None
    women_led: bool
    youth_led: bool
    rural: bool

    @classmethod
    def of(cls, organisation) -> "Firm":
        return cls(
            economy=organisation.economy_id,
            size_class=organisation.size_class,
            section=organisation.isic_section,
            region=organisation.region.code if organisation.region_id else None,
            founded_year=organisation.founded_year,
            women_led=organisation.women_led,
            youth_led=organisation.youth_led,
            rural=organisation.rural,
        )


def check(
    *,
    rules: dict,
    economy: str | None,
    economy_name: str,
    firm: Firm,
    stated: bool = True,
    today: date | None = None,
) -> Verdict:
    """Return, rule by rule, whether ``firm`` meets a programme's eligibility and why.

    With ``stated`` false (the source does not say who may take part), the verdict is
    "not stated" unless the firm is outside the programme's economy.
    """
    year = (today or date.today()).year
    reasons: list[Reason] = []
    if economy:
        met = firm.economy == economy
        reasons.append(
            Reason(
                "economy",
                MET if met else UNMET,
                (
                    _("The programme is for firms in %(economy)s, and yours is there.")
                    if met
                    else _("The programme is for firms in %(economy)s only.")
                )
                % {"economy": economy_name},
            )
        )
    if rules.get("size_classes"):
        allowed = ", ".join(rules["size_classes"])
        if firm.size_class is None:
            reasons.append(
                Reason(
                    "size_classes",
                    TO_CONFIRM,
                    _("It is for %(sizes)s firms; add your number of employees to check.")
                    % {"sizes": allowed},
                )
            )
        else:
            met = firm.size_class in rules["size_classes"]
            reasons.append(
                Reason(
                    "size_classes",
                    MET if met else UNMET,
                    _("It is for %(sizes)s firms; yours is %(size)s.")
                    % {"sizes": allowed, "size": firm.size_class},
                )
            )
    if rules.get("sections"):
        allowed = ", ".join(rules["sections"])
        if not firm.section:
            reasons.append(
                Reason(
                    "sections",
                    TO_CONFIRM,
                    _("It is for firms in ISIC sections %(sections)s; add your sector to check.")
                    % {"sections": allowed},
                )
            )
        else:
            met = firm.section in rules["sections"]
            reasons.append(
                Reason(
                    "sections",
                    MET if met else UNMET,
                    _("It is for firms in ISIC sections %(sections)s; yours is in %(section)s.")
                    % {"sections": allowed, "section": firm.section},
                )
            )
    if rules.get("regions"):
        if firm.region is None:
            reasons.append(
                Reason(
                    "regions",
                    TO_CONFIRM,
                    _("It is for firms in some regions only; add your region to check."),
                )
            )
        else:
            met = firm.region in rules["regions"]
            reasons.append(
                Reason(
                    "regions",
                    MET if met else UNMET,
                    (
                        _("Your region is one of those it serves.")
                        if met
                        else _("Your region is not one of those it serves.")
                    ),
                )
            )
    flag_texts = {
        "women_led": (
            _("It is for women-led firms, as yours is."),
            _("It is for women-led firms only."),
        ),
        "youth_led": (
            _("It is for youth-led firms, as yours is."),
            _("It is for youth-led firms only."),
        ),
        "rural": (
            _("It is for rural firms, as yours is."),
            _("It is for firms in rural areas only."),
        ),
    }
    for flag in FLAGS:
        if rules.get(flag):
            met = getattr(firm, flag)
            reasons.append(Reason(flag, MET if met else UNMET, flag_texts[flag][0 if met else 1]))
    if "min_firm_age" in rules or "max_firm_age" in rules:
        low, high = rules.get("min_firm_age", 0), rules.get("max_firm_age")
        span = (
            (_("%(low)s to %(high)s years old") % {"low": low, "high": high})
            if high is not None
            else (_("at least %(low)s years old") % {"low": low})
        )
        if firm.founded_year is None:
            reasons.append(
                Reason(
                    "firm_age",
                    TO_CONFIRM,
                    _("It is for firms %(span)s; add your founding year to check.")
                    % {"span": span},
                )
            )
        else:
            age = year - firm.founded_year
            met = age >= low and (high is None or age <= high)
            reasons.append(
                Reason(
                    "firm_age",
                    MET if met else UNMET,
                    _("It is for firms %(span)s; yours is %(age)s.") % {"span": span, "age": age},
                )
            )
    if "hire_min_age" in rules or "hire_max_age" in rules:
        reasons.append(
            Reason(
                "hire_age",
                TO_CONFIRM,
                _(
                    "It supports hiring people aged %(low)s to %(high)s; the agency checks the "
                    "age of the person you hire when you apply."
                )
                % {"low": rules.get("hire_min_age", 0), "high": rules.get("hire_max_age", "…")},
            )
        )
    if not stated:
        reasons.append(
            Reason(
                "not_stated",
                TO_CONFIRM,
                _("The source of this programme does not say which firms may take part."),
            )
        )
    return Verdict(reasons, stated=stated)


class Population:
    """Many firms as columns, for checking eligibility in bulk with numpy."""

    def __init__(
        self, *, economy, size_class, section, region, founded_year, women_led, youth_led, rural
    ) -> None:
        self.economy = np.asarray(economy, dtype=object)
        self.size_class = np.asarray(size_class, dtype=object)
        self.section = np.asarray(section, dtype=object)
        self.region = np.asarray(region, dtype=object)
        self.founded_year = np.asarray(
            [-1 if y is None else y for y in founded_year], dtype=np.int32
        )
        self.women_led = np.asarray(women_led, dtype=bool)
        self.youth_led = np.asarray(youth_led, dtype=bool)
        self.rural = np.asarray(rural, dtype=bool)
        self.size = len(self.economy)
        # Firms sorted by economy, so that a national programme looks only at its own slice.
        self._order = np.argsort(self.economy.astype(str), kind="stable")
        sorted_codes = self.economy[self._order].astype(str)
        codes, starts = np.unique(sorted_codes, return_index=True)
        ends = np.append(starts[1:], len(sorted_codes))
        self._slices = {code: (s, e) for code, s, e in zip(codes, starts, ends, strict=True)}

    def eligible(
        self,
        *,
        rules: dict,
        economy: str | None,
        stated: bool = True,
        today: date | None = None,
    ) -> np.ndarray:
        """Return the indices of the firms that meet every rule (rules to confirm count as met).

        None when the source does not state who may take part (``stated`` false).
        """
        if not stated:
            return np.arange(0)
        year = (today or date.today()).year
        if economy:
            start, end = self._slices.get(economy, (0, 0))
            index = self._order[start:end]
        else:
            index = np.arange(self.size)
        mask = np.ones(len(index), dtype=bool)
        if rules.get("size_classes"):
            values = self.size_class[index]
            mask &= np.isin(values, rules["size_classes"]) | (values == None)  # noqa: E711
        if rules.get("sections"):
            values = self.section[index]
            mask &= np.isin(values, rules["sections"]) | (values == "")
        if rules.get("regions"):
            values = self.region[index]
            mask &= np.isin(values, rules["regions"]) | (values == None)  # noqa: E711
        for flag in FLAGS:
            if rules.get(flag):
                mask &= getattr(self, flag)[index]
        if "min_firm_age" in rules or "max_firm_age" in rules:
            founded = self.founded_year[index]
            age = year - founded
            ok = age >= rules.get("min_firm_age", 0)
            if rules.get("max_firm_age") is not None:
                ok &= age <= rules["max_firm_age"]
            mask &= ok | (founded < 0)
        return index[mask]
