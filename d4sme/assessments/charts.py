"""The assessment report's and dashboard's charts, as Vega-Lite specifications built with the
shared :mod:`d4sme.reports.charts` (drawn in the browser, rendered to SVG for the PDF)."""

from __future__ import annotations

import math

from d4sme.reports.charts import chart_spec, to_svg, tooltip

__all__ = ["band_shares", "progress", "radar", "to_svg"]

RINGS = (25, 50, 75, 100)
PALETTE = ["#1d4e89", "#d1495b", "#00798c", "#edae49"]
BAND_COLOURS = ["#d1495b", "#edae49", "#66a182", "#1d4e89", "#00798c", "#6d597a"]


def _polar(radius_field: str, count: int) -> list[dict]:
    angle = f"2 * PI * datum.axis / {count}"
    return [
        {"calculate": f"datum.{radius_field} * sin({angle})", "as": "x"},
        {"calculate": f"datum.{radius_field} * cos({angle})", "as": "y"},
    ]


def radar(dimensions: list[tuple[str, str]], series: list[tuple[str, dict]], title: str) -> dict:
    """A radar chart of 0-100 scores per dimension; each series is (name, {code: score})."""
    count = len(dimensions)
    closed = [*range(count), 0]
    points = [
        {
            "series": name,
            "axis": axis,
            "order": position,
            "dimension": dimensions[axis][1],
            "score": scores.get(dimensions[axis][0]),
        }
        for name, scores in series
        for position, axis in enumerate(closed)
        if scores.get(dimensions[axis][0]) is not None
    ]
    rings = [{"ring": r, "axis": a, "order": i} for r in RINGS for i, a in enumerate(closed)]
    labels = [
        {
            "axis": a,
            "dimension": label,
            "reach": 112,
            "align": "center"
            if abs(math.sin(2 * math.pi * a / count)) < 0.1
            else ("left" if math.sin(2 * math.pi * a / count) > 0 else "right"),
        }
        for a, (_code, label) in enumerate(dimensions)
    ]
    scale = {"domain": [-165, 165]}
    position = {
        "x": {"field": "x", "type": "quantitative", "scale": scale, "axis": None},
        "y": {"field": "y", "type": "quantitative", "scale": scale, "axis": None},
    }
    return chart_spec(
        title=title,
        width=440,
        height=400,
        config={"view": {"stroke": None}},
        layer=[
            {
                "data": {"values": rings},
                "transform": _polar("ring", count),
                "mark": {"type": "line", "color": "#c8c8c8", "strokeWidth": 1},
                "encoding": {
                    **position,
                    "detail": {"field": "ring"},
                    "order": {"field": "order"},
                },
            },
            {
                "data": {"values": points},
                "transform": _polar("score", count),
                "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
                "encoding": {
                    **position,
                    "order": {"field": "order"},
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"range": PALETTE},
                        "sort": [name for name, _s in series],
                        "legend": {"orient": "bottom", "title": None},
                    },
                    "tooltip": [
                        tooltip("series", "nominal"),
                        tooltip("dimension", "nominal"),
                        tooltip("score", "quantitative", fmt=".1f"),
                    ],
                },
            },
            {
                "data": {"values": labels},
                "transform": _polar("reach", count),
                "mark": {"type": "text", "fontSize": 11, "limit": 170},
                "encoding": {
                    **position,
                    "text": {"field": "dimension"},
                    "align": {"field": "align", "type": "nominal", "scale": None},
                },
            },
        ],
    )


def progress(dimensions: list[tuple[str, str]], stages: list[tuple[str, dict]], title: str) -> dict:
    """Grouped bars of dimension scores, one bar per stage (before, after, follow-up)."""
    values = [
        {"stage": stage, "dimension": label, "score": scores.get(code)}
        for stage, scores in stages
        for code, label in dimensions
    ]
    return chart_spec(
        title=title,
        width=420,
        height=240,
        data={"values": values},
        mark="bar",
        encoding={
            "y": {"field": "dimension", "type": "nominal", "title": None, "sort": None},
            "x": {
                "field": "score",
                "type": "quantitative",
                "title": None,
                "scale": {"domain": [0, 100]},
            },
            "yOffset": {"field": "stage", "sort": [s for s, _v in stages]},
            "color": {
                "field": "stage",
                "type": "nominal",
                "sort": [s for s, _v in stages],
                "scale": {"range": PALETTE},
                "legend": {"orient": "bottom", "title": None},
            },
            "tooltip": [
                tooltip("stage", "nominal"),
                tooltip("dimension", "nominal"),
                tooltip("score", "quantitative", fmt=".1f"),
            ],
        },
    )


def band_shares(
    groups: list[tuple[str, list[int | None], int]], bands: list[str], title: str, withheld: str
) -> dict:
    """Stacked bars: the share of firms in each band, one bar per group of known size.

    Each group is (label, firms per band with None where withheld, firms in the group); the
    withheld bands show as one segment, which tells no more than the group's total does.
    """
    values = []
    for group, counts, size in groups:
        for i, (band, count) in enumerate(zip(bands, counts, strict=True)):
            if count is not None:
                values.append({"group": group, "band": band, "order": i, "firms": count})
        hidden = size - sum(c for c in counts if c is not None)
        if any(c is None for c in counts):
            values.append({"group": group, "band": withheld, "order": len(bands), "firms": hidden})
    return chart_spec(
        title=title,
        width=480,
        height={"step": 22},
        data={"values": values},
        mark="bar",
        encoding={
            "y": {"field": "group", "type": "nominal", "title": None, "sort": None},
            "x": {
                "aggregate": "sum",
                "field": "firms",
                "type": "quantitative",
                "stack": "normalize",
                "title": None,
                "axis": {"format": "%"},
            },
            "color": {
                "field": "band",
                "type": "nominal",
                "sort": [*bands, withheld],
                "scale": {"range": [*BAND_COLOURS[: len(bands)], "#b0b0b0"]},
                "legend": {"orient": "bottom", "title": None},
            },
            "order": {"field": "order"},
            "tooltip": [
                tooltip("group", "nominal"),
                tooltip("band", "nominal"),
                tooltip("firms", "quantitative"),
            ],
        },
    )
