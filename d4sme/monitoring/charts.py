"""Vega-Lite specifications of the monitoring pages, built with the shared
:mod:`d4sme.reports.charts`; the review PDF renders the same ones to SVG."""

from __future__ import annotations

from django.utils.translation import gettext as _

from d4sme.reports.charts import chart_spec, to_svg, tooltip

from .progress import Status

# One colour per progress status, from achieved to deterioration; grey for not available.
STATUS_COLOURS = {
    Status.TARGET_ACHIEVED: "#1a7f37",
    Status.SUBSTANTIAL: "#4fa35a",
    Status.MODERATE: "#c9a227",
    Status.LIMITED: "#e07b39",
    Status.DETERIORATION: "#c0362c",
    Status.NOT_AVAILABLE: "#9aa0a6",
}

__all__ = ["heat_map", "series", "status_bars", "to_svg"]


def _status_scale() -> dict:
    return {
        "domain": [str(s.label) for s in STATUS_COLOURS],
        "range": list(STATUS_COLOURS.values()),
    }


def heat_map(cells: list[dict], title: str) -> dict:
    """Indicator by economy, coloured by progress status; cells: indicator, economy, status
    (and optionally indicator_name, latest, is_region). The region comes first, then the
    economies by name; each indicator reads as its code and name."""
    regions = {c["economy"] for c in cells if c.get("is_region")}
    order = sorted(regions) + sorted(
        {c["economy"] for c in cells} - regions, key=lambda name: name.casefold()
    )
    values = [
        {
            "indicator": c["indicator"],
            "label": (
                f"{c['indicator']} {c['indicator_name']}"
                if c.get("indicator_name")
                else c["indicator"]
            ),
            "economy": c["economy"],
            "status": str(Status(c["status"]).label),
            "latest": c.get("latest"),
        }
        for c in cells
    ]
    return chart_spec(
        title=title,
        config={"axis": {"labelLimit": 320}},
        data={"values": values},
        mark={"type": "rect", "stroke": "white"},
        encoding={
            "x": {
                "field": "economy",
                "type": "nominal",
                "title": None,
                "sort": order,
                "axis": {"labelAngle": -45},
            },
            "y": {"field": "label", "type": "nominal", "title": None, "sort": None},
            "color": {
                "field": "status",
                "type": "nominal",
                "scale": _status_scale(),
                "legend": {"orient": "bottom", "title": None, "columns": 3},
            },
            "tooltip": [
                tooltip("label", "nominal", title=_("Indicator")),
                tooltip("economy", "nominal", title=_("Economy")),
                tooltip("status", "nominal", title=_("Progress")),
                tooltip("latest", "quantitative", title=_("Latest value")),
            ],
        },
    )


def series(
    lines: dict[str, dict[int, float]], targets: dict[str, tuple[int, float]], title: str, unit: str
) -> dict:
    """Time series per economy (or the region), with each target as a dashed rule and point."""
    values = [
        {"who": who, "year": str(year), "value": value}
        for who, points in lines.items()
        for year, value in sorted(points.items())
    ]
    target_values = [
        {"who": who, "year": str(year), "value": value} for who, (year, value) in targets.items()
    ]
    layers = [
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": None},
                "y": {"field": "value", "type": "quantitative", "title": unit or None},
                "color": {
                    "field": "who",
                    "type": "nominal",
                    "title": None,
                    "legend": {"orient": "bottom"},
                },
                "tooltip": [
                    tooltip("who", "nominal", title=_("Economy")),
                    tooltip("year", "ordinal", title=_("Year")),
                    tooltip("value", "quantitative", title=_("Value")),
                ],
            },
        }
    ]
    if target_values:
        layers += [
            {
                "data": {"values": target_values},
                "mark": {"type": "rule", "strokeDash": [6, 4]},
                "encoding": {
                    "y": {"field": "value", "type": "quantitative"},
                    "color": {"field": "who", "type": "nominal"},
                },
            },
            {
                "data": {"values": target_values},
                "mark": {"type": "point", "shape": "diamond", "size": 120, "filled": True},
                "encoding": {
                    "x": {"field": "year", "type": "ordinal"},
                    "y": {"field": "value", "type": "quantitative"},
                    "color": {"field": "who", "type": "nominal"},
                    "tooltip": [
                        tooltip("who", "nominal", title=_("Target of")),
                        tooltip("year", "ordinal", title=_("Target year")),
                        tooltip("value", "quantitative", title=_("Target")),
                    ],
                },
            },
        ]
    return chart_spec(title=title, width=560, height=260, layer=layers)


def status_bars(indicators: list[dict]) -> dict:
    """Per indicator of a review's area, how many economies are at each progress status."""
    values = []
    for indicator in indicators:
        for row in indicator["economies"]:
            values.append(
                {"indicator": indicator["code"], "status": str(Status(row["status"]).label)}
            )
    return chart_spec(
        width=420,
        data={"values": values},
        mark="bar",
        encoding={
            "y": {"field": "indicator", "type": "nominal", "title": None, "sort": None},
            "x": {"aggregate": "count", "type": "quantitative", "title": _("Economies")},
            "color": {
                "field": "status",
                "type": "nominal",
                "scale": _status_scale(),
                "legend": {"orient": "bottom", "title": None, "columns": 3},
            },
        },
    )
