"""Disclosure control: what of an aggregate over organisations may leave the organisation.

Every figure computed over organisations and shown to someone other than the organisation
itself (pages, API, CSV/XLSX/SDMX, PDFs, charts) goes through :func:`protect`, directly or
through :func:`figure` for a single statistic. Views and endpoints that publish such figures
are marked with :func:`aggregate`, so that the generated disclosure test walks every one.

The method, as statistical offices apply it to frequency tables (tau-argus, sdcTable):

1. **Primary suppression.** A cell (a count, including a row, column or grand total) built
   from 1 to ``MIN_CELL_SIZE - 1`` organisations is withheld. A count of 0 is shown: it
   describes no organisation (tau-argus's default, "zero cells are safe").
2. **Secondary (complementary) suppression.** A table is published with its totals, so a
   withheld cell must not be recoverable from them. The table and its margins form a system
   of linear equations (each row and column adds up to its total). Two rules run until
   nothing changes:

   a. *Line rule*: a row or column (totals included) with exactly one withheld cell also
      withholds its smallest other non-zero cell, so that no cell is one subtraction away.
   b. *Audit*: an attacker knows every shown cell, every equation and that a withheld cell
      is a whole number of at least 1 (zeros are always shown). For each withheld cell the
      audit computes, by linear programming, the smallest and largest value it could take;
      when both are equal the cell is recoverable, and the smallest non-zero shown cell that
      shares a row or column with it is withheld too. (This catches what the line rule
      misses: chains of withheld cells linked by a single cell, and pairs such as two
      withheld 1s whose line adds up to 2.)

   The loop ends because withholding every non-zero cell leaves nothing recoverable: the
   equations then only say that the withheld cells scale together. Complements are chosen
   smallest first, which keeps most of the table readable (the information-loss criterion
   of the hypercube method, GHMITER, simplified to one cell at a time).
3. **Statistics** (a median, a mean, a share) are shown only when computed from at least
   ``MIN_CELL_SIZE`` organisations: :func:`figure` is ``protect`` on a one-cell table.

A withheld cell is shown the same way whichever rule withheld it, so the page does not tell
which cells are small. What this does not cover: linking different tables of the same
organisations beyond their shared totals, and group disclosure (a shown cell that holds
every organisation of a group); both are reviewed when a new table is designed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

import numpy as np
from django.conf import settings

F = TypeVar("F", bound=Callable)

# Views and API operations that publish aggregates over organisations, by qualified name;
# the disclosure walk test checks it against the URL configuration and the OpenAPI document.
AGGREGATE_ENDPOINTS: dict[str, Callable] = {}


def aggregate(view: F) -> F:
    """Mark a view or API operation as publishing aggregates over organisations; return it."""
    AGGREGATE_ENDPOINTS[f"{view.__module__}.{view.__qualname__}"] = view
    view.publishes_aggregates = True
    return view


def minimum_cell_size() -> int:
    """The fewest organisations a shown figure may rest on."""
    return settings.MIN_CELL_SIZE


class Status(StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  # built from too few organisations
    SECONDARY = "secondary"  # withheld so that a primary cell cannot be recovered


@dataclass(frozen=True)
class Figure:
    """One published figure: its value, or None when it is withheld."""

    value: float | int | None
    status: Status = Status.SHOWN

    @property
    def suppressed(self) -> bool:
        return self.status != Status.SHOWN


@dataclass(frozen=True)
class Table:
    """A table of organisation counts as it may be shown, with its totals."""

    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    column_totals: tuple[Figure, ...]
    total: Figure

    @property
    def suppressed_count(self) -> int:
        """How many figures of the table (totals included) are withheld."""
        every = [f for row in self.cells for f in row] + [
            *self.row_totals,
            *self.column_totals,
            self.total,
        ]
        return sum(f.suppressed for f in every)


def _layout(rows: int, columns: int) -> tuple[list[list[int]], int]:
    """Lines (lists of cell indices, the total last) of a table with margins, and the cells.

    Interior cell (i, j) is ``i * columns + j``; row totals follow, then column totals, then
    the grand total.
    """
    row_total = rows * columns
    column_total = row_total + rows
    grand = column_total + columns
    lines = [[i * columns + j for j in range(columns)] + [row_total + i] for i in range(rows)]
    lines += [[i * columns + j for i in range(rows)] + [column_total + j] for j in range(columns)]
    lines.append([row_total + i for i in range(rows)] + [grand])
    lines.append([column_total + j for j in range(columns)] + [grand])
    return lines, grand + 1


def _equations(lines: list[list[int]], size: int) -> np.ndarray:
    """Each line as an equation: its cells minus its total equal zero."""
    matrix = np.zeros((len(lines), size))
    for k, line in enumerate(lines):
        matrix[k, line[:-1]] += 1.0
        matrix[k, line[-1]] -= 1.0
    return matrix


def _recoverable(values: np.ndarray, equations: np.ndarray, hidden: set[int]) -> list[int]:
    """Withheld cells whose value an attacker can work out from what is shown, in index order.

    The attacker knows the shown cells, the equations and that every withheld cell is at
    least 1. Without that bound, a cell is recoverable exactly when every solution of the
    homogeneous system leaves it unchanged (its row of the null space is zero). The bound
    only matters when a withheld cell sits on it (is 1); then each cell's range is found by
    linear programming. The constraint matrix of a two-way table is totally unimodular, so the
    programme's bounds are whole numbers, and a range of one value means a recovered cell.
    """
    order = sorted(hidden)
    shown = [i for i in range(len(values)) if i not in hidden]
    a = equations[:, order]
    a = a[np.any(a != 0, axis=1)]
    _u, singular, vt = np.linalg.svd(a)
    rank = int((singular > 1e-9).sum())
    free = np.abs(vt[rank:]).sum(axis=0) > 1e-9
    if not (values[order] == 1).any():
        return [cell for cell, moves in zip(order, free, strict=True) if not moves]

    from scipy.optimize import linprog  # only the audit needs it: load it then

    b = -equations[:, shown] @ values[shown]
    b = b[np.any(equations[:, order] != 0, axis=1)]
    bounds = [(1, None)] * len(order)
    found = []
    for position, cell in enumerate(order):
        if not free[position]:
            found.append(cell)
            continue
        objective = np.zeros(len(order))
        objective[position] = 1.0
        high = linprog(-objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if high.status == 3 or -high.fun > values[cell] + 0.5:
            continue
        low = linprog(objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if low.fun > values[cell] - 0.5:
            found.append(cell)
    return found


def _complement(values: np.ndarray, lines: list[list[int]], hidden: set[int], cell: int) -> int:
    """The shown non-zero cell to withhold so that ``cell`` is protected: the smallest one that
    shares a line with it, else the smallest anywhere."""
    near = {i for line in lines if cell in line for i in line}
    for pool in (near, range(len(values))):
        candidates = [i for i in pool if i not in hidden and values[i] > 0]
        if candidates:
            return min(candidates, key=lambda i: (values[i], i))
    raise AssertionError("every non-zero cell is withheld yet one is recoverable")


def protect(counts: Sequence[Sequence[int]]) -> Table:
    """Return the table of organisation counts (rows x columns) as it may be published with
    its row, column and grand totals: small cells withheld, and enough others withheld that
    no withheld cell can be worked out from the rest (see the module's docstring)."""
    return _protect(tuple(tuple(int(c) for c in row) for row in counts), minimum_cell_size())


@lru_cache(maxsize=256)
def _protect(counts: tuple[tuple[int, ...], ...], minimum: int) -> Table:
    # Cached: the same table is shown again and again until new organisations come in.
    rows, columns = len(counts), len(counts[0]) if counts else 0
    if rows == 0 or columns == 0:
        return Table(((),) * rows, (Figure(0),) * rows, (Figure(0),) * columns, Figure(0))
    if any(len(row) != columns for row in counts):
        raise ValueError("every row of counts must have the same number of cells")
    matrix = np.array(counts, dtype=np.int64)
    if (matrix < 0).any():
        raise ValueError("counts of organisations cannot be negative")
    values = np.concatenate(
        [matrix.ravel(), matrix.sum(axis=1), matrix.sum(axis=0), [matrix.sum()]]
    ).astype(float)
    lines, size = _layout(rows, columns)
    primary = {i for i in range(size) if 0 < values[i] < minimum}
    hidden = set(primary)
    equations = _equations(lines, size)
    while hidden:
        for line in lines:
            withheld = [i for i in line if i in hidden]
            others = [i for i in line if i not in hidden and values[i] > 0]
            if len(withheld) == 1 and others:
                hidden.add(min(others, key=lambda i: (values[i], i)))
                break
        else:
            exposed = _recoverable(values, equations, hidden)
            if not exposed:
                break
            hidden.add(_complement(values, lines, hidden, exposed[0]))

    def shown(i: int) -> Figure:
        if i in primary:
            return Figure(None, Status.PRIMARY)
        if i in hidden:
            return Figure(None, Status.SECONDARY)
        return Figure(int(values[i]))

    return Table(
        cells=tuple(tuple(shown(i * columns + j) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(shown(rows * columns + i) for i in range(rows)),
        column_totals=tuple(shown(rows * columns + rows + j) for j in range(columns)),
        total=shown(size - 1),
    )


def figure(value: float | int | None, *, contributors: int) -> Figure:
    """Return a statistic (median, mean, share) computed from ``contributors`` organisations as
    it may be shown: withheld when they are fewer than the minimum cell size."""
    if contributors == 0:
        return Figure(value)  # about no organisation: a count of 0, or no statistic at all
    if protect([[contributors]]).total.suppressed:
        return Figure(None, Status.PRIMARY)
    return Figure(value)
