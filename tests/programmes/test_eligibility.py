from datetime import date

import pytest

from d4sme.programmes.eligibility import (
    MET,
    TO_CONFIRM,
    UNMET,
    Firm,
    Population,
    check,
    rules_validate,
)

KOREAN_MICRO_MAKER = Firm(
    economy="KR",
    size_class="micro",
    section="C",
    region="KR-11",
    founded_year=2020,
    women_led=True,
    youth_led=False,
    rural=False,
)
TODAY = date(2026, 11, 25)


def verdict(rules, economy="KR", firm=KOREAN_MICRO_MAKER):
    return check(rules=rules, economy=economy, economy_name="Korea", firm=firm, today=TODAY)


def test_a_firm_that_meets_every_rule_is_eligible_with_a_reason_per_rule():
    result = verdict(
        {
            "size_classes": ["micro", "small"],
            "sections": ["C"],
            "women_led": True,
            "max_firm_age": 10,
        }
    )
    assert result.eligible and not result.to_confirm
    assert [r.criterion for r in result.reasons] == [
        "economy",
        "size_classes",
        "sections",
        "women_led",
        "firm_age",
    ]
    assert all(r.outcome == MET for r in result.reasons)


def test_a_firm_of_another_economy_is_not_eligible_and_told_why():
    result = verdict({}, economy="BR")
    assert not result.eligible
    assert result.reasons[0].outcome == UNMET and "Korea" in result.reasons[0].text


@pytest.mark.parametrize(
    ("rules", "criterion"),
    [
        ({"size_classes": ["medium"]}, "size_classes"),
        ({"sections": ["G"]}, "sections"),
        ({"youth_led": True}, "youth_led"),
        ({"rural": True}, "rural"),
        ({"min_firm_age": 10}, "firm_age"),
        ({"regions": ["KR-26"]}, "regions"),
    ],
)
def test_each_unmet_rule_makes_the_firm_ineligible(rules, criterion):
    result = verdict(rules)
    assert not result.eligible
    assert [r.criterion for r in result.reasons if r.outcome == UNMET] == [criterion]


def test_missing_facts_are_to_confirm_not_refused():
    unknown = Firm(
        economy="KR",
        size_class=None,
        section="",
        region=None,
        founded_year=None,
        women_led=False,
        youth_led=False,
        rural=False,
    )
    result = verdict(
        {"size_classes": ["micro"], "sections": ["C"], "max_firm_age": 5}, firm=unknown
    )
    assert result.eligible and result.to_confirm
    assert {r.outcome for r in result.reasons[1:]} == {TO_CONFIRM}


def test_youth_programme_ages_are_left_to_the_agency():
    result = verdict({"hire_min_age": 15, "hire_max_age": 34})
    assert result.eligible and "15" in result.reasons[-1].text and "34" in result.reasons[-1].text


@pytest.mark.parametrize(
    "rules",
    [
        {"size": ["micro"]},
        {"size_classes": "micro"},
        {"size_classes": ["giant"]},
        {"women_led": False},
        {"min_firm_age": -1},
        {"min_firm_age": 9, "max_firm_age": 3},
        [],
    ],
)
def test_malformed_rules_are_refused_with_a_message(rules):
    assert rules_validate(rules)


def test_bulk_eligibility_agrees_with_the_one_by_one_check():
    import itertools
    import random

    rng = random.Random(3)
    firms = [
        Firm(
            economy=rng.choice(["KR", "BR", "JP"]),
            size_class=rng.choice(["micro", "small", "medium", None]),
            section=rng.choice(["C", "G", "J", ""]),
            region=rng.choice(["KR-11", None]),
            founded_year=rng.choice([1990, 2015, 2024, None]),
            women_led=rng.random() < 0.3,
            youth_led=rng.random() < 0.2,
            rural=rng.random() < 0.2,
        )
        for _ in range(400)
    ]
    population = Population(
        **{
            name: [getattr(f, name) for f in firms]
            for name in (
                "economy",
                "size_class",
                "region",
                "founded_year",
                "women_led",
                "youth_led",
                "rural",
            )
        },
        section=[f.section for f in firms],
    )
    rule_sets = [
        {},
        {"size_classes": ["micro"]},
        {"sections": ["C", "J"], "women_led": True},
        {"max_firm_age": 5},
        {"regions": ["KR-11"], "rural": True},
    ]
    for rules, economy in itertools.product(rule_sets, ["KR", None]):
        bulk = set(population.eligible(rules=rules, economy=economy, today=TODAY).tolist())
        single = {
            i
            for i, firm in enumerate(firms)
            if check(rules=rules, economy=economy, economy_name="", firm=firm, today=TODAY).eligible
        }
        assert bulk == single, rules
