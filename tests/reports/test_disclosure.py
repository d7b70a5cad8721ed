"""Disclosure control: small cells withheld, and nothing withheld recoverable from the rest."""

import numpy as np
import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from d4sme.reports.disclosure import Status, figure, protect

X = "x"


def shown(table) -> tuple[list[list], list, list, object]:
    """The table as a reader sees it: numbers, with X for a withheld figure."""

    def one(f):
        return X if f.suppressed else f.value

    return (
        [[one(f) for f in row] for row in table.cells],
        [one(f) for f in table.row_totals],
        [one(f) for f in table.column_totals],
        one(table.total),
    )


def attacker_ranges(counts: list[list[int]], table) -> dict[tuple, tuple[float, float]]:
    """The smallest and largest value each withheld figure can take, given everything shown.

    Written independently of the module: the attacker knows the shown figures, that rows and
    columns add up to their totals, and that a withheld figure is a whole count of at least 1
    (zeros are always shown). Keys: ("cell", i, j), ("row", i), ("column", j), ("total",).
    """
    rows, columns = len(counts), len(counts[0])
    figures = {("cell", i, j): table.cells[i][j] for i in range(rows) for j in range(columns)}
    figures |= {("row", i): table.row_totals[i] for i in range(rows)}
    figures |= {("column", j): table.column_totals[j] for j in range(columns)}
    figures[("total",)] = table.total
    unknown = [key for key, f in figures.items() if f.suppressed]
    index = {key: k for k, key in enumerate(unknown)}
    equations, right = [], []

    def equation(parts, whole):
        row, constant = np.zeros(len(unknown)), 0.0
        for key, sign in [*((p, 1.0) for p in parts), (whole, -1.0)]:
            if key in index:
                row[index[key]] += sign
            else:
                constant -= sign * figures[key].value
        equations.append(row)
        right.append(constant)

    for i in range(rows):
        equation([("cell", i, j) for j in range(columns)], ("row", i))
    for j in range(columns):
        equation([("cell", i, j) for i in range(rows)], ("column", j))
    equation([("row", i) for i in range(rows)], ("total",))
    equation([("column", j) for j in range(columns)], ("total",))
    ranges = {}
    for key in unknown:
        objective = np.zeros(len(unknown))
        objective[index[key]] = 1.0
        bounds = [(1, None)] * len(unknown)
        low = linprog(objective, A_eq=equations, b_eq=right, bounds=bounds)
        high = linprog(-objective, A_eq=equations, b_eq=right, bounds=bounds)
        assert low.status == 0, "the true table must be a solution"
        ranges[key] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return ranges


def test_cells_under_five_are_withheld_and_zeros_shown():
    cells, row_totals, column_totals, total = shown(protect([[12, 0, 3], [9, 8, 7]]))
    assert cells[0][1] == 0
    assert cells[0][2] == X
    assert total == 39


def test_a_group_under_five_is_withheld_whole():
    table = protect([[6, 5, 7], [2, 1, 0]])
    cells, row_totals, _columns, _total = shown(table)
    assert row_totals[1] == X
    assert cells[1][:2] == [X, X] and cells[1][2] == 0
    assert table.row_totals[1].status == Status.PRIMARY


def test_the_only_small_cell_of_a_row_takes_the_next_smallest_with_it():
    # Row total 21 is shown: 21 - 9 - 10 would give the 2 back.
    table = protect([[2, 9, 10], [20, 30, 40], [25, 35, 45]])
    cells, row_totals, _columns, _total = shown(table)
    assert row_totals[0] == 21
    assert cells[0] == [X, X, 10]
    assert table.cells[0][1].status == Status.SECONDARY


def test_the_only_small_cell_of_a_column_takes_the_next_smallest_with_it():
    table = protect([[3, 50, 60], [9, 40, 45], [30, 20, 25]])
    cells, _rows, column_totals, _total = shown(table)
    assert column_totals[0] == 42
    assert [cells[0][0], cells[1][0], cells[2][0]] == [X, X, 30]


def test_a_small_total_is_withheld_and_cannot_be_rebuilt_from_the_other_totals():
    table = protect([[20, 15], [2, 1], [30, 25]])
    _cells, row_totals, column_totals, total = shown(table)
    assert row_totals[1] == X
    assert total == 93 and column_totals == [52, 41]
    # 93 - the other row totals would give 3 back; one of them must go too.
    assert sum(t == X for t in row_totals) >= 2


def test_two_ones_that_add_up_to_their_shown_total_are_not_left_alone():
    # Withheld a + b = 2 with a, b >= 1 would give a = b = 1.
    cells, row_totals, _columns, _total = shown(protect([[1, 1, 5, 5]]))
    assert row_totals == [12]
    assert sum(c == X for c in cells[0]) >= 3


def test_a_statistic_from_fewer_than_five_organisations_is_withheld():
    assert figure(61.5, contributors=4).value is None
    assert figure(61.5, contributors=4).suppressed
    assert figure(61.5, contributors=5).value == 61.5
    assert not figure(None, contributors=0).suppressed


@override_settings(MIN_CELL_SIZE=10)
def test_the_minimum_comes_from_the_setting():
    assert shown(protect([[7, 12]]))[0][0] == [X, X]
    assert figure(1.0, contributors=9).suppressed


def test_ragged_or_negative_counts_are_refused():
    with pytest.raises(ValueError):
        protect([[1, 2], [3]])
    with pytest.raises(ValueError):
        protect([[-1, 5]])


counts_tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(
                st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 30)),
                min_size=columns,
                max_size=columns,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_tables)
def test_no_withheld_figure_can_be_worked_out_from_what_is_shown(counts):
    table = protect(counts)
    cells, row_totals, column_totals, total = shown(table)
    truth = np.array(counts)
    every_shown = [
        *(v for row in cells for v in row),
        *row_totals,
        *column_totals,
        total,
    ]
    # Primary rule: nothing shown rests on 1 to 4 organisations.
    assert not any(v != X and 0 < v < 5 for v in every_shown)
    # What is shown is true.
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            assert v in (X, truth[i, j])
    assert total in (X, truth.sum())
    # Secondary rule: every withheld figure could take more than one value.
    for key, (low, high) in attacker_ranges(counts, table).items():
        assert high - low >= 1 - 1e-6, f"{key} is recoverable: {low}..{high} in {counts}"
