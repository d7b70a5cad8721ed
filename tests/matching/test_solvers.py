"""The solvers against known optima: OR-Tools' examples, and SciPy against OR-Tools."""

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from d4sme.matching.solvers import (
    SupplierProblem,
    cp_sat_assignment,
    flow_assignment,
    hhi,
    lsap_assignment,
    supplier_plan,
)

M1 = np.array([[90, 76, 75, 70], [35, 85, 55, 65], [125, 95, 90, 105], [45, 110, 95, 115]])


def test_the_or_tools_assignment_example_costs_265():
    cost, assignment = flow_assignment(M1, np.ones(4, dtype=np.int64))
    assert cost == 265 and assignment.tolist() == [3, 2, 1, 0]
    by_scipy, columns = lsap_assignment(M1, np.ones(4, dtype=np.int64))
    assert by_scipy == 265 and columns.tolist() == [3, 2, 1, 0]
    assert cp_sat_assignment(M1)[0] == 265


def test_the_or_tools_teams_example_costs_250():
    cost = np.vstack([M1, [[60, 105, 80, 75], [45, 65, 110, 95]]])
    total, chosen = cp_sat_assignment(cost, groups=[[0, 2, 4], [1, 3, 5]], group_limit=2)
    assert total == 250
    assert chosen == {0: 2, 1: 0, 4: 3, 5: 1}


def test_scipy_and_or_tools_agree_on_the_seeded_2000_by_200_capacity_10_instance():
    cost = np.random.default_rng(42).integers(0, 100, (2000, 200))
    capacity = np.full(200, 10)
    by_flow, flow_columns = flow_assignment(cost, capacity)
    by_scipy, _ = lsap_assignment(cost, capacity)
    assert by_flow == by_scipy
    assert np.bincount(flow_columns, minlength=200).max() <= 10
    assert cost[np.arange(2000), flow_columns].sum() == by_flow


def test_hhi_of_shares_30_30_20_20_is_2600():
    assert hhi(np.array([[30, 30, 20, 20]])).tolist() == [2600.0]


def random_problem(rng, offers, needs, suppliers, buyers, cap):
    edges = [(o, n) for o in range(offers) for n in range(needs) if rng.random() < 0.6]
    if not edges:
        edges = [(0, 0)]
    edge_offer, edge_need = (np.array(v) for v in zip(*edges, strict=True))
    return SupplierProblem(
        edge_offer=edge_offer,
        edge_need=edge_need,
        edge_fit=rng.integers(1, 100, len(edges)),
        offer_capacity=rng.integers(0, 30, offers),
        offer_supplier=rng.integers(0, suppliers, offers),
        need_volume=rng.integers(1, 40, needs),
        need_max_share=rng.choice([0.25, 0.5, 1.0], needs),
        need_buyer=rng.integers(0, buyers, needs),
        existing=rng.integers(0, 20, (suppliers, buyers)) * (rng.random((suppliers, buyers)) < 0.3),
        max_buyer_share=cap,
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), cap=st.sampled_from([None, 0.5, 0.7]))
def test_the_diversification_limits_hold_in_every_plan(seed, cap):
    rng = np.random.default_rng(seed)
    problem = random_problem(rng, offers=8, needs=5, suppliers=4, buyers=3, cap=cap)
    plan = supplier_plan(problem, seed=seed % 1000)
    volume = plan.volume
    supplier = problem.offer_supplier[problem.edge_offer]
    for need in range(len(problem.need_volume)):
        on = problem.edge_need == need
        assert volume[on].sum() <= problem.need_volume[need]
        for s in np.unique(supplier[on]):
            assert volume[on & (supplier == s)].sum() <= (
                problem.need_max_share[need] * problem.need_volume[need]
            )
    for offer in range(len(problem.offer_capacity)):
        assert volume[problem.edge_offer == offer].sum() <= problem.offer_capacity[offer]
    if cap is not None:
        sales = problem.existing.astype(np.int64).copy()
        np.add.at(sales, (supplier, problem.need_buyer[problem.edge_need]), volume)
        new_sellers = np.unique(supplier[volume > 0])
        assert (hhi(sales)[new_sellers] <= cap * 10_000 + 1e-6).all()
    assert plan.objective <= plan.bound + 1e-6


def test_the_same_inputs_and_seed_give_the_same_plan():
    problem = random_problem(np.random.default_rng(7), 12, 6, 5, 3, 0.6)
    first, second = supplier_plan(problem, seed=3), supplier_plan(problem, seed=3)
    assert first.volume.tolist() == second.volume.tolist() and first.objective == second.objective


def test_a_lone_supplier_is_not_made_dependent_on_one_buyer():
    cap = 0.5
    problem = SupplierProblem(
        edge_offer=np.array([0]),
        edge_need=np.array([0]),
        edge_fit=np.array([10]),
        offer_capacity=np.array([10]),
        offer_supplier=np.array([0]),
        need_volume=np.array([10]),
        need_max_share=np.array([1.0]),
        need_buyer=np.array([0]),
        existing=np.zeros((1, 1), dtype=np.int64),
        max_buyer_share=cap,
    )
    assert supplier_plan(problem).volume.tolist() == [0]
    unlimited = dataclasses.replace(problem, max_buyer_share=None)
    assert supplier_plan(unlimited).volume.tolist() == [10]
