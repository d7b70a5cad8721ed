"""Ranking of project proposals against the APEC SMEWG Strategic Plan 2021-2024.

The alignment tests run the real multilingual sentence encoder against the objectives of the
plan as shipped in the monitoring content; the arithmetic tests use a stand-in encoder.
"""

from pathlib import Path

import numpy as np
import pytest
import yaml

from d4sme.monitoring import ranking
from d4sme.monitoring.ranking import ObjectiveText, ProposalText, objective_text, rank

PLAN = Path(ranking.__file__).parent / "content" / "apec-smewg-2021-2024.yaml"


def plan_objectives() -> list[ObjectiveText]:
    plan = yaml.safe_load(PLAN.read_text())
    return [
        ObjectiveText(
            code=objective["code"],
            priority_area=area["number"],
            text=objective_text(
                area["name"],
                objective["name"],
                [indicator["name"] for indicator in objective["indicators"]],
            ),
        )
        for area in plan["priority_areas"]
        for objective in area["objectives"]
    ]


def proposal(key, title, objectives="", description="", **fields) -> ProposalText:
    defaults = {
        "declared_areas": (),
        "budget": 100_000,
        "economies_involved": 3,
        "has_indicators": True,
    }
    defaults.update(fields)
    return ProposalText(
        key=key, title=title, objectives=objectives, description=description, **defaults
    )


ECOMMERCE = proposal(
    1,
    "E-commerce skills for women-led SMEs",
    "Train women entrepreneurs running micro and small businesses to sell online.",
    "A series of workshops on setting up online stores, taking digital payments and marketing "
    "on social media, for women-owned micro and small enterprises, so that they join "
    "e-commerce platforms and digital marketplaces.",
    declared_areas=(3,),
)
EXPORT_FAIRS = proposal(
    2,
    "SME export fairs and business matchmaking",
    "Help small and medium enterprises find buyers abroad.",
    "Organise the participation of SMEs in international trade fairs and business-to-business "
    "matchmaking sessions with importers from other APEC economies, to raise their exports.",
    declared_areas=(2,),
)
SPANISH = proposal(
    3,
    "Habilidades digitales para pymes",
    "Capacitar a los dueños de micro, pequeñas y medianas empresas en competencias digitales.",
    "Talleres sobre herramientas digitales, comercio electrónico y servicios en la nube para "
    "que las pymes transformen digitalmente sus negocios.",
    declared_areas=(3,),
)
FISHERIES = proposal(
    4,
    "Survey of marine fisheries stocks",
    "Estimate the biomass of pelagic fish stocks in coastal waters.",
    "Acoustic surveys from research vessels measure the abundance of sardine and anchovy "
    "stocks, to inform fishing quotas.",
    declared_areas=(2,),
)


@pytest.fixture(scope="module")
def objectives() -> list[ObjectiveText]:
    return plan_objectives()


@pytest.fixture(scope="module")
def ranked(objectives):
    """The four proposals ranked once with the real encoder, by key."""
    results = rank([ECOMMERCE, EXPORT_FAIRS, SPANISH, FISHERIES], objectives)
    return {result.key: result for result in results}


def criterion(result, key):
    return next(c for c in result.criteria if c.key == key)


def area_of(code: str) -> int:
    return int(code.split(".")[0])


# -- alignment with the real encoder ------------------------------------------------------------


def test_the_plan_gives_fourteen_objectives(objectives):
    assert len(objectives) == 14
    assert {o.priority_area for o in objectives} == {1, 2, 3, 4, 5}


def test_ecommerce_for_women_matches_digital_adoption(ranked):
    # 3.2: "Increase digital transformation and adoption by SMEs, especially women, youth-led
    # and other traditionally-disadvantaged communities" (its indicators count SMEs in
    # e-commerce and digital skills-building activities for women).
    assert ranked[1].best_objective == "3.2"


def test_export_fairs_match_internationalisation(ranked):
    assert area_of(ranked[2].best_objective) == 2
    assert ranked[2].best_objective == "2.1"


def test_a_spanish_proposal_on_digital_skills_matches_priority_area_3(ranked):
    assert area_of(ranked[3].best_objective) == 3


def test_an_off_topic_proposal_aligns_less_than_all_others(ranked):
    fish = ranked[4]
    for key in (1, 2, 3):
        assert fish.similarity < ranked[key].similarity
        assert criterion(fish, "alignment").points < criterion(ranked[key], "alignment").points
    assert criterion(fish, "alignment").points == 0  # below the floor of 0.2


def test_alignment_why_gives_the_numbers(ranked):
    result = ranked[1]
    why = criterion(result, "alignment").why
    assert "objective 3.2" in why
    assert f"similarity {result.similarity:.2f}" in why
    assert "0.2 scores nothing" in why and "0.7 scores all" in why


def test_alignment_points_follow_the_similarity_linearly(ranked):
    for result in ranked.values():
        share = min(1, max(0, (result.similarity - 0.2) / 0.5))
        assert criterion(result, "alignment").points == pytest.approx(50 * share)


# -- declared priority areas ---------------------------------------------------------------------


def declared(objectives, areas, base=ECOMMERCE):
    fields = {**base.__dict__, "declared_areas": areas}
    return rank([ProposalText(**fields)], objectives)[0]


def test_declared_area_matching_the_text_scores_all(objectives):
    result = declared(objectives, (1, 3))
    assert criterion(result, "areas").points == pytest.approx(20)
    assert "priority area 3" in criterion(result, "areas").why


def test_declared_areas_the_text_does_not_match_score_half(objectives):
    result = declared(objectives, (4, 5))
    assert criterion(result, "areas").points == pytest.approx(10)
    assert "Declares priority areas 4, 5" in criterion(result, "areas").why


def test_no_declared_area_scores_nothing(objectives):
    result = declared(objectives, ())
    assert criterion(result, "areas").points == 0


def test_declared_area_of_an_off_topic_text_is_not_confirmed(ranked):
    # The fisheries survey declares area 2; its text matches no objective above the floor.
    assert criterion(ranked[4], "areas").points == pytest.approx(10)
    assert "matches no objective" in criterion(ranked[4], "areas").why


# -- totals, order and weights -------------------------------------------------------------------


def test_totals_are_the_sum_of_the_criteria(ranked):
    for result in ranked.values():
        assert result.total == pytest.approx(sum(c.points for c in result.criteria))
        assert sum(c.out_of for c in result.criteria) == pytest.approx(100)
        assert 0 <= result.total <= 100
        assert [c.key for c in result.criteria] == [
            "alignment",
            "areas",
            "breadth",
            "outputs",
            "budget",
        ]


def test_ranking_order_follows_totals(objectives):
    results = rank([FISHERIES, SPANISH, ECOMMERCE, EXPORT_FAIRS], objectives)
    totals = [r.total for r in results]
    assert totals == sorted(totals, reverse=True)
    assert [r.rank for r in results] == [1, 2, 3, 4]
    assert results[-1].key == FISHERIES.key


def test_weights_change_the_order(objectives):
    # Well aligned but narrow, unmeasured and costly, against off topic but broad, measured
    # and cheap.
    aligned = ProposalText(
        **{
            **ECOMMERCE.__dict__,
            "key": 10,
            "economies_involved": 1,
            "has_indicators": False,
            "budget": 400_000,
        }
    )
    broad = ProposalText(
        **{
            **FISHERIES.__dict__,
            "key": 11,
            "declared_areas": (),
            "economies_involved": 12,
            "budget": 90_000,
        }
    )
    by_default = rank([broad, aligned], objectives)
    assert [r.key for r in by_default] == [10, 11]
    reweighted = rank([broad, aligned], objectives, weights={"alignment": 5, "areas": 0})
    assert [r.key for r in reweighted] == [11, 10]
    for result in reweighted:
        assert sum(c.out_of for c in result.criteria) == pytest.approx(100)
        assert criterion(result, "areas").out_of == 0


# -- arithmetic with a stand-in encoder ----------------------------------------------------------

TOY_OBJECTIVES = [
    ObjectiveText("1.1", 1, "start-ups"),
    ObjectiveText("2.1", 2, "exports"),
]


def toy_embed(texts: list[str]) -> np.ndarray:
    """Start-ups along x, exports along y; a proposal's text names its vector."""
    vectors = {
        "start-ups": [1.0, 0.0, 0.0],
        "exports": [0.0, 1.0, 0.0],
        "mostly exports": [0.0, 0.6, 0.8],  # similarity 0.6 with "exports"
        "nothing": [0.0, 0.0, 1.0],
    }
    return np.array([vectors[text] for text in texts])


def toy(key, text="exports", **fields):
    return proposal(key, text, **{"declared_areas": (2,), **fields})


def test_alignment_scales_between_floor_and_ceiling():
    results = {
        r.key: r for r in rank([toy(1), toy(2, "mostly exports")], TOY_OBJECTIVES, embed=toy_embed)
    }
    assert criterion(results[1], "alignment").points == pytest.approx(50)
    assert results[2].similarity == pytest.approx(0.6)
    assert criterion(results[2], "alignment").points == pytest.approx(50 * 0.4 / 0.5)
    assert results[2].best_objective == "2.1"


@pytest.mark.parametrize(
    ("economies", "points", "words"),
    [
        (1, 0, "1 economy involved"),
        (3, 5, "3 economies involved"),
        (5, 10, "5 economies involved"),
        (21, 10, "21 economies involved"),
    ],
)
def test_breadth_of_participation(economies, points, words):
    result = rank([toy(1, economies_involved=economies)], TOY_OBJECTIVES, embed=toy_embed)[0]
    assert criterion(result, "breadth").points == pytest.approx(points)
    assert words in criterion(result, "breadth").why


@pytest.mark.parametrize(
    ("budget", "points", "words"),
    [
        (0, 10, "USD 0"),
        (150_000, 10, "USD 150,000, within the usual USD 150,000"),
        (150_001, 5, "within USD 300,000: half"),
        (300_000, 5, "half the points"),
        (300_001, 0, "above USD 300,000: no points"),
    ],
)
def test_budget_within_the_usual_range(budget, points, words):
    result = rank([toy(1, budget=budget)], TOY_OBJECTIVES, embed=toy_embed)[0]
    assert criterion(result, "budget").points == pytest.approx(points)
    assert words in criterion(result, "budget").why


def test_measurable_outputs():
    stated, missing = rank(
        [toy(1, has_indicators=True), toy(2, has_indicators=False)],
        TOY_OBJECTIVES,
        embed=toy_embed,
    )
    assert criterion(stated, "outputs").points == pytest.approx(10)
    assert criterion(missing, "outputs").points == 0


def test_ties_keep_input_order_and_share_a_rank():
    results = rank(
        [toy(7, economies_involved=1), toy(3), toy(5), toy(9, text="nothing")],
        TOY_OBJECTIVES,
        embed=toy_embed,
    )
    assert [r.key for r in results] == [3, 5, 7, 9]
    assert [r.rank for r in results] == [1, 1, 3, 4]


def test_unknown_or_negative_weights_are_refused():
    with pytest.raises(ValueError):
        rank([toy(1)], TOY_OBJECTIVES, embed=toy_embed, weights={"popularity": 10})
    with pytest.raises(ValueError):
        rank([toy(1)], TOY_OBJECTIVES, embed=toy_embed, weights={"budget": -1})
    with pytest.raises(ValueError):
        rank([toy(1)], TOY_OBJECTIVES, embed=toy_embed, weights=dict.fromkeys(ranking.WEIGHTS, 0))


def test_nothing_to_rank():
    assert rank([], TOY_OBJECTIVES, embed=toy_embed) == []
    with pytest.raises(ValueError):
        rank([toy(1)], [], embed=toy_embed)
