"""Exact assignment and flow solvers behind the matching runs, each a thin layer over OR-Tools or
SciPy so that tests can hold them to known optima and to each other.

- ``flow_assignment``: rows to capacitated columns at least cost, by OR-Tools' min-cost flow
  (arcs added as arrays, never one by one from Python).
- ``lsap_assignment``: the same problem by SciPy's ``linear_sum_assignment`` on the cost matrix
  with each column repeated as often as its capacity.
- ``cp_sat_assignment``: rows to columns at least cost with group limits (OR-Tools' "teams of
  workers"), by CP-SAT.
- ``supplier_plan``: supplier offers to buyers' needs over sparse candidate edges, maximising
  fit × volume under capacities, the largest share any one supplier may take of a need, and a
  ceiling on each supplier's dependence on one buyer; a MIP solved by SCIP through OR-Tools,
  deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model
from scipy.optimize import linear_sum_assignment


class Infeasible(Exception):
    """The solver proved that no plan meets every constraint."""


def flow_assignment(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, np.ndarray]:
    """Return (total cost, column of each row) assigning every row to a column with room.

    Needs ``capacity.sum() >= rows``; integer costs.
    """
    rows, cols = cost.shape
    source, sink = rows + cols, rows + cols + 1
    r, c = np.divmod(np.arange(rows * cols, dtype=np.int64), cols)
    tails = np.concatenate([np.full(rows, source), r, rows + np.arange(cols)])
    heads = np.concatenate([np.arange(rows), rows + c, np.full(cols, sink)])
    capacities = np.concatenate([np.ones(rows), np.ones(rows * cols), capacity]).astype(np.int64)
    costs = np.concatenate([np.zeros(rows), cost.ravel(), np.zeros(cols)]).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, rows)
    flow.set_node_supply(sink, -rows)
    if flow.solve() != flow.OPTIMAL:
        raise Infeasible("min-cost flow found no assignment")
    used = flow.flows(arcs[rows : rows + rows * cols]) > 0
    assignment = np.full(rows, -1, dtype=np.int64)
    assignment[r[used]] = c[used]
    return int(flow.optimal_cost()), assignment


def lsap_assignment(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, np.ndarray]:
    """Return (total cost, column of each row) by SciPy on columns repeated by capacity."""
    columns = np.repeat(np.arange(cost.shape[1]), capacity)
    rows, slots = linear_sum_assignment(cost[:, columns])
    assignment = np.full(cost.shape[0], -1, dtype=np.int64)
    assignment[rows] = columns[slots]
    return int(cost[rows, columns[slots]].sum()), assignment


def cp_sat_assignment(
    cost: np.ndarray,
    *,
    groups: list[list[int]] | None = None,
    group_limit: int | None = None,
    seed: int = 0,
) -> tuple[int, dict[int, int]]:
    """Return (total cost, {row: column}) giving every column one row and each row at most one
    column, at least cost; rows of one group take at most ``group_limit`` columns together."""
    rows, cols = cost.shape
    model = cp_model.CpModel()
    x = {(i, j): model.new_bool_var(f"x{i}_{j}") for i in range(rows) for j in range(cols)}
    for i in range(rows):
        model.add_at_most_one(x[i, j] for j in range(cols))
    for j in range(cols):
        model.add_exactly_one(x[i, j] for i in range(rows))
    for group in groups or []:
        model.add(sum(x[i, j] for i in group for j in range(cols)) <= group_limit)
    model.minimize(sum(int(cost[i, j]) * x[i, j] for i in range(rows) for j in range(cols)))
    solver = _solver(seed)
    if solver.solve(model) != cp_model.OPTIMAL:
        raise Infeasible("CP-SAT found no assignment")
    chosen = {i: j for (i, j), var in x.items() if solver.value(var)}
    return int(round(solver.objective_value)), chosen


def _solver(seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 1  # one worker: the same inputs give the same plan
    solver.parameters.max_time_in_seconds = 120
    return solver


@dataclass(frozen=True)
class SupplierProblem:
    """Sparse candidate edges between offers (suppliers) and needs (buyers), in plain arrays."""

    edge_offer: np.ndarray  # (E,) offer index
    edge_need: np.ndarray  # (E,) need index
    edge_fit: np.ndarray  # (E,) integer points per unit supplied
    offer_capacity: np.ndarray  # (O,) units an offer can supply
    offer_supplier: np.ndarray  # (O,) supplier index
    need_volume: np.ndarray  # (N,) units a need wants
    need_max_share: np.ndarray  # (N,) largest share of the need one supplier may take (0-1)
    need_buyer: np.ndarray  # (N,) buyer index
    existing: np.ndarray  # (S, B) units each supplier already sells to each buyer
    max_buyer_share: float | None  # largest share of a supplier's sales one buyer may take


@dataclass(frozen=True)
class SupplierPlan:
    volume: np.ndarray  # (E,) units on each edge
    objective: int
    bound: float  # the solver's best bound (equal to the objective when proven optimal)
    status: str


SUPPLIER_SOLVER = "OR-Tools SCIP (MIP)"
# The longest a supplier plan may take before the best plan found is kept (with its gap).
SUPPLIER_TIME_LIMIT_MS = 120_000


def supplier_plan(problem: SupplierProblem, *, seed: int = 0, relax: bool = False) -> SupplierPlan:
    """Return the plan of largest total fit × volume that meets every limit.

    A mixed-integer programme solved by SCIP through OR-Tools (one thread, so the same inputs
    and seed give the same plan). CP-SAT proves these linear models slowly: on 2,000 offers and
    200 needs it had not proven optimality in 120 s, where SCIP needs about ten seconds. With
    ``relax``, the same model's linear relaxation (GLOP), whose objective bounds the plan's.
    """
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP" if relax else "SCIP")
    solver.SetNumThreads(1)
    solver.SetTimeLimit(SUPPLIER_TIME_LIMIT_MS)
    if not relax:
        solver.SetSolverSpecificParametersAsString(f"randomization/randomseedshift = {seed}\n")
    integer = solver.NumVar if relax else solver.IntVar
    edges = len(problem.edge_offer)
    per_edge = np.floor(
        problem.need_max_share[problem.edge_need] * problem.need_volume[problem.edge_need]
    ).astype(np.int64)
    per_edge = np.minimum(per_edge, problem.offer_capacity[problem.edge_offer])
    x = [integer(0, int(per_edge[e]), f"x{e}") for e in range(edges)]
    for offer in range(len(problem.offer_capacity)):
        on = np.flatnonzero(problem.edge_offer == offer)
        if len(on):
            solver.Add(sum(x[e] for e in on) <= int(problem.offer_capacity[offer]))
    for need in range(len(problem.need_volume)):
        on = np.flatnonzero(problem.edge_need == need)
        if len(on):
            solver.Add(sum(x[e] for e in on) <= int(problem.need_volume[need]))
            # One supplier may hold at most the need's largest share, over all its offers.
            suppliers = problem.offer_supplier[problem.edge_offer[on]]
            for supplier in np.unique(suppliers):
                mine = on[suppliers == supplier]
                if len(mine) > 1:
                    solver.Add(sum(x[e] for e in mine) <= int(per_edge[mine].max()))
    if problem.max_buyer_share is not None:
        _dependence_limits(solver, problem, x, per_edge, relax=relax)
    solver.Maximize(sum(int(problem.edge_fit[e]) * x[e] for e in range(edges)))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise Infeasible(f"the solver found no plan (status {status})")
    volume = np.array([round(v.solution_value()) for v in x], dtype=np.int64)
    value = solver.Objective().Value()
    return SupplierPlan(
        volume=volume,
        objective=value if relax else int(round(value)),
        bound=float(solver.Objective().BestBound()),
        status="OPTIMAL" if status == pywraplp.Solver.OPTIMAL else "FEASIBLE",
    )


def _dependence_limits(
    solver, problem: SupplierProblem, x, per_edge: np.ndarray, *, relax: bool = False
) -> None:
    """Keep each buyer's share of each supplier's sales at most ``max_buyer_share``.

    With every share at most c, the supplier's HHI (the sum of squared shares) is at most c,
    so the ceiling on HHI holds: Σ s² ≤ max(s) · Σ s = max(s).
    """
    share_per_mille = int(round(problem.max_buyer_share * 1000))
    supplier_of_edge = problem.offer_supplier[problem.edge_offer]
    buyer_of_edge = problem.need_buyer[problem.edge_need]
    for supplier in np.unique(supplier_of_edge):
        mine = np.flatnonzero(supplier_of_edge == supplier)
        total_existing = int(problem.existing[supplier].sum())
        total = total_existing + sum(x[e] for e in mine)
        most = total_existing + int(per_edge[mine].sum())
        over = total_existing and (
            1000 * int(problem.existing[supplier].max()) > share_per_mille * total_existing
        )
        slack = 0
        if over:
            # A supplier already above the ceiling is held to it only if the plan gives it new
            # sales (otherwise no plan would be feasible): a switch with a big-M bound.
            active = solver.NumVar(0, 1, "") if relax else solver.BoolVar(f"active{supplier}")
            solver.Add(sum(x[e] for e in mine) <= int(per_edge[mine].sum()) * active)
            slack = 1000 * most * (1 - active)
        buyers = set(np.unique(buyer_of_edge[mine]).tolist())
        buyers |= set(np.flatnonzero(problem.existing[supplier]).tolist())
        for buyer in sorted(buyers):
            to_buyer = int(problem.existing[supplier, buyer]) + sum(
                x[e] for e in mine[buyer_of_edge[mine] == buyer]
            )
            solver.Add(1000 * to_buyer <= share_per_mille * total + slack)


def hhi(volumes: np.ndarray) -> np.ndarray:
    """Return the Herfindahl-Hirschman index (0-10,000) of each row's shares; 0 for empty rows."""
    totals = volumes.sum(axis=1, keepdims=True)
    shares = np.divide(volumes, totals, out=np.zeros(volumes.shape), where=totals > 0)
    return np.round((100 * shares) ** 2 @ np.ones(volumes.shape[1]), 1)
