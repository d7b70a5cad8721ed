"""The evaluation's charts as Vega-Lite specifications (page and PDF): the Love plot of
balance before and after matching, and the event-study chart of a staggered design."""

from django.utils.translation import gettext as _

from d4sme.reports.charts import chart_spec, tooltip

from .estimation import SMD_THRESHOLD


def love_plot(balance) -> dict | None:
    if not balance:
        return None
    before, after = _("Before matching"), _("After matching")
    values = []
    for row in balance:
        values.append({"covariate": row.covariate, "sample": before, "smd": abs(row.smd_before)})
        values.append({"covariate": row.covariate, "sample": after, "smd": abs(row.smd_after)})
    axis_title = _("Absolute standardised mean difference")
    return chart_spec(
        title=_("Balance before and after matching (Love plot)"),
        width=420,
        height={"step": 22},
        layer=[
            {
                "data": {"values": values},
                "mark": {"type": "point", "filled": True, "size": 70},
                "encoding": {
                    "y": {"field": "covariate", "type": "nominal", "sort": None, "title": None},
                    "x": {"field": "smd", "type": "quantitative", "title": axis_title},
                    "color": {"field": "sample", "type": "nominal", "title": None},
                    "shape": {"field": "sample", "type": "nominal", "title": None},
                    "tooltip": [
                        tooltip("covariate", "nominal", title=_("Covariate")),
                        tooltip("sample", "nominal", title=_("Sample")),
                        tooltip("smd", "quantitative", title=axis_title, fmt=".3f"),
                    ],
                },
            },
            {
                "data": {"values": [{"threshold": SMD_THRESHOLD}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#444"},
                "encoding": {"x": {"field": "threshold", "type": "quantitative"}},
            },
        ],
    )


def event_study(estimates) -> dict | None:
    rows = [e for e in estimates if e.aggregation == "dynamic" and e.e is not None]
    if not rows:
        return None
    values = [{"e": e.e, "estimate": e.estimate, "low": e.ci_low, "high": e.ci_high} for e in rows]
    y_title = _("Effect on the outcome")
    x_title = _("Years since entry")
    return chart_spec(
        # xgettext:no-python-format
        title=_("Effect by years since entry, with 95% intervals"),
        width=420,
        height=240,
        data={"values": values},
        layer=[
            {
                "mark": {"type": "rule"},
                "encoding": {
                    "x": {"field": "e", "type": "ordinal", "title": x_title},
                    "y": {"field": "low", "type": "quantitative", "title": y_title},
                    "y2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": {"field": "e", "type": "ordinal", "title": x_title},
                    "y": {"field": "estimate", "type": "quantitative", "title": y_title},
                    "tooltip": [
                        tooltip("e", "ordinal", title=x_title),
                        tooltip("estimate", "quantitative", title=y_title, fmt=".3f"),
                    ],
                },
            },
        ],
    )
