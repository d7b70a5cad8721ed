"""A plan's approved values as open data: SDMX-ML 2.1 and SDMX-CSV with the plan's structure.

The region's figures go with them under the grouping's code ("APEC"), computed as on the
dashboards and in review packs (``regional``): the two years compared, over the same economies.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from . import sdmx, selectors
from .models import CATEGORIES, Dimension, Flag, Framework, SubmissionStatus, Value

AGENCY = "D4SME"


def structure_id(framework: Framework) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", framework.code.upper())


def disaggregation_codes() -> dict[str, str]:
    """Our breakdowns with closed category lists as SDMX codes; "_T" is the total."""
    codes = {"_T": str(_("Total"))}
    for dimension, categories in CATEGORIES.items():
        for category in categories:
            codes[f"{dimension.upper()}_{category.upper()}"] = (
                f"{Dimension(dimension).label}: {category}"
            )
    return codes


def structure_of(framework: Framework) -> sdmx.Structure:
    indicators = list(framework.indicators.all())
    return sdmx.Structure(
        agency=AGENCY,
        id=structure_id(framework),
        version=framework.version,
        name=framework.name,
        economies={
            **{e.code: e.name for e in framework.economies.members.order_by("code")},
            region_code(framework): _("%(group)s (region)") % {"group": framework.economies.name},
        },
        indicators={i.code: i.name for i in indicators},
        disaggregations=disaggregation_codes(),
        units={_unit_code(i.unit): i.unit or str(_("No unit")) for i in indicators},
    )


def region_code(framework: Framework) -> str:
    """The economy code of the region's figures: the reporting grouping's, "APEC"."""
    return re.sub(r"[^A-Za-z0-9_]", "_", framework.economies_id.upper())


def _unit_code(unit: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", unit.upper()).strip("_") or "NONE"


def approved_rows(framework: Framework) -> list[dict]:
    """Approved numeric and missing values (qualitative text is not SDMX data)."""
    values = (
        Value.objects.filter(
            indicator__framework=framework, submission__status=SubmissionStatus.APPROVED
        )
        .exclude(dimension="region")
        .exclude(value__isnull=True, flag="")
        .select_related("indicator")
        .order_by("indicator__position", "economy_id", "period", "dimension", "category")
    )
    return [
        {
            "economy": v.economy_id,
            "indicator": v.indicator.code,
            "disaggregation": f"{v.dimension.upper()}_{v.category.upper()}"
            if v.dimension
            else "_T",
            "period": v.period,
            "value": v.value,
            "flag": v.flag if v.flag in Flag.values else "",
            "unit": _unit_code(v.indicator.unit),
            "comment": v.comment,
        }
        for v in values
    ]


def region_rows(framework: Framework) -> list[dict]:
    """The region's figures: for each aggregable indicator, its value in the two years
    compared, over the same economies (``regional``), with the method and coverage as comment."""
    rows = []
    for row in selectors.progress_rows(framework):
        figure = row.region
        if figure is None or figure.panel is None:
            continue
        for period, value in sorted(figure.series.items()):
            rows.append(
                {
                    "economy": region_code(framework),
                    "indicator": row.indicator.code,
                    "disaggregation": "_T",
                    "period": period,
                    "value": value,
                    "flag": "",
                    "unit": _unit_code(row.indicator.unit),
                    "comment": f"{figure.coverage_text} {figure.method_text}",
                }
            )
    return rows


def structure_xml(framework: Framework) -> bytes:
    return sdmx.structure_message(structure_of(framework))


def data_xml(framework: Framework) -> bytes:
    """Approved values and the region's figures as SDMX-ML 2.1 structure-specific data."""
    return sdmx.data_message(
        structure_of(framework), approved_rows(framework) + region_rows(framework)
    )


def data_csv(framework: Framework) -> str:
    """Approved values and the region's figures as SDMX-CSV 1.0."""
    return sdmx.data_csv(structure_of(framework), approved_rows(framework) + region_rows(framework))
