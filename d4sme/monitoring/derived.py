"""Indicators the platform's own data can answer, computed beside the reported values.

An indicator's ``derived_from`` names one of the computations below. Each returns, for a set
of economies and years, the platform's figure and how many organisations it rests on. Every
figure about firms goes through disclosure control (``d4sme.reports.disclosure``): one about
fewer than ``MIN_CELL_SIZE`` firms is withheld (shown as such, never as a number), and a share
is withheld when either side of it (firms counted, firms not counted) is a small cell. Derived figures never replace what an economy reports: they are evidence
beside it, and they count only what the platform holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from d4sme.assessments.selectors import assessed_counts
from d4sme.programmes.selectors import participant_counts, programme_spans
from d4sme.reports.disclosure import figure, minimum_cell_size, protect

ADVANCED_BANDS = ("moderately-advanced", "advanced")


@dataclass(frozen=True)
class Derived:
    value: float | None  # None when suppressed or nothing to count
    count: int  # organisations (or programmes) it rests on
    suppressed: bool

    def display(self) -> str:
        if self.suppressed:
            return str(_("fewer than %(n)s firms") % {"n": minimum_cell_size()})
        if self.value is None:
            return "—"
        return f"{self.value:,.10g}"


LABELS = {
    "programmes": _("Published support programmes active in the year (programme registry)"),
    "smes_supported": _("SMEs taking part in support programmes that started in the year"),
    "smes_assessed": _("SMEs that completed a digital-maturity assessment in the year"),
    "digital_adoption": _(
        "Share of SMEs assessed in the year at a moderately advanced or advanced digital maturity (%)"
    ),
}


def _cell(value: float | None, count: int, about_firms: bool = True) -> Derived:
    if not about_firms:
        return Derived(value, count, False)
    shown = figure(value, contributors=count)
    return Derived(shown.value, count, shown.suppressed)


def _share(part: int, whole: int) -> Derived:
    """The percentage ``part`` of ``whole`` firms, withheld when either side is a small cell."""
    if not whole:
        return Derived(None, 0, False)
    table = protect([[part, whole - part]])
    if table.total.suppressed or any(f.suppressed for f in table.cells[0]):
        return Derived(None, whole, True)
    return Derived(round(100 * part / whole, 1), whole, False)


def _programmes(economies, years) -> dict[tuple[str, int], Derived]:
    rows = programme_spans(economies=economies)
    found = {}
    for economy in economies:
        for year in years:
            n = sum(
                1
                for e, start, end in rows
                if e == economy and (start or 0) <= year and (end is None or end >= year)
            )
            found[(economy, year)] = _cell(float(n), n, about_firms=False)
    return found


def _smes_supported(economies, years) -> dict[tuple[str, int], Derived]:
    got = participant_counts(economies=economies, years=years)
    return {
        (e, y): _cell(float(got.get((e, y), 0)), got.get((e, y), 0))
        for e in economies
        for y in years
    }


def _smes_assessed(economies, years) -> dict[tuple[str, int], Derived]:
    got = {key: n for key, (n, _) in assessed_counts(economies=economies, years=years).items()}
    return {
        (e, y): _cell(float(got.get((e, y), 0)), got.get((e, y), 0))
        for e in economies
        for y in years
    }


def _digital_adoption(economies, years) -> dict[tuple[str, int], Derived]:
    got = assessed_counts(
        economies=economies, years=years, instrument="dma-sme", bands=ADVANCED_BANDS
    )
    found = {}
    for e in economies:
        for y in years:
            n, advanced = got.get((e, y), (0, 0))
            found[(e, y)] = _share(advanced, n)
    return found


COMPUTE = {
    "programmes": _programmes,
    "smes_supported": _smes_supported,
    "smes_assessed": _smes_assessed,
    "digital_adoption": _digital_adoption,
}


def derived_values(
    key: str, economies: list[str], years: list[int]
) -> dict[tuple[str, int], Derived]:
    """The platform's figure for each economy and year, suppressed under the minimum cell."""
    if key not in COMPUTE:
        return {}
    return COMPUTE[key](list(economies), list(years))
