"""One chart helper for the page and the PDF: the shared Vega-Lite specifications and bundle."""

from importlib.metadata import version
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

import d4sme
from d4sme.assessments import charts as assessment_charts
from d4sme.monitoring import charts as monitoring_charts
from d4sme.reports.charts import BUNDLE, DRAW, FONT, SCHEMA, chart_spec, to_svg, tooltip


def test_a_chart_spec_draws_on_the_server_with_its_title_and_labels():
    spec = chart_spec(
        title="Firms trained",
        width=300,
        data={"values": [{"who": "Korea", "firms": 12}, {"who": "Japan", "firms": 7}]},
        mark="bar",
        encoding={
            "y": {"field": "who", "type": "nominal"},
            "x": {"field": "firms", "type": "quantitative"},
            "tooltip": [tooltip("firms", "quantitative", title="Firms", fmt="d")],
        },
    )
    assert spec["$schema"] == SCHEMA and spec["config"]["font"] == FONT
    svg = to_svg(spec)
    assert svg.startswith("<svg")
    for text in ("Firms trained", "Korea", "Japan"):
        assert text in svg


def every_app_chart() -> dict[str, dict]:
    dimensions = [("strategy", "Strategy"), ("skills", "Skills"), ("data", "Data use")]
    return {
        "radar": assessment_charts.radar(
            dimensions, [("Your firm", {"strategy": 40, "skills": 70, "data": 55})], "Scores"
        ),
        "progress": assessment_charts.progress(
            dimensions,
            [("Before", {"strategy": 30, "skills": 40}), ("After", {"strategy": 60})],
            "Progress",
        ),
        "band_shares": assessment_charts.band_shares(
            [("Korea", [6, 6], 12), ("Thailand", [None, None], 3)],
            ["Basic", "Advanced"],
            "Bands",
            "Withheld",
        ),
        "heat_map": monitoring_charts.heat_map(
            [{"indicator": "3.1.2", "economy": "Korea", "status": "substantial", "latest": 121}],
            "Progress",
        ),
        "series": monitoring_charts.series(
            {"Korea": {2020: 100, 2024: 121}}, {"Korea": (2024, 140)}, "Series", "firms"
        ),
        "status_bars": monitoring_charts.status_bars(
            [{"code": "3.1.2", "economies": [{"status": "limited"}, {"status": "moderate"}]}]
        ),
    }


@pytest.mark.parametrize("name", sorted(every_app_chart()))
def test_every_assessment_and_monitoring_chart_comes_from_the_shared_helper(name):
    spec = every_app_chart()[name]
    assert spec["$schema"] == SCHEMA
    assert spec["config"]["font"] == FONT
    assert "<svg" in to_svg(spec)  # the PDF can draw what the page draws


def test_the_page_draws_with_the_vega_lite_that_the_pdf_renders_with():
    bundle = finders.find(BUNDLE)
    assert bundle and finders.find(DRAW)
    with open(bundle, encoding="utf-8") as f:
        header = f.readline()
    # vl_convert.javascript_bundle() of the installed vl-convert; regenerate it on an upgrade.
    assert f"vl-convert-python {version('vl-convert-python').split('.post')[0]}" in header
    # No app keeps a copy of its own.
    assert finders.find("assessments/vega-embed.bundle.js") is None
    assert finders.find("assessments/charts.js") is None


def test_every_page_with_a_chart_loads_the_shared_bundle():
    scripts = render_to_string("reports/_chart_scripts.html")
    assert f"/static/{BUNDLE}" in scripts and f"/static/{DRAW}" in scripts
    pages = [
        path
        for path in Path(d4sme.__file__).parent.glob("*/templates/**/*.html")
        if "data-vega-spec" in path.read_text(encoding="utf-8")
    ]
    assert len(pages) >= 5  # the assessment report and dashboard, three monitoring pages
    templates = list(Path(d4sme.__file__).parent.glob("*/templates/**/*.html"))
    loads = '{% include "reports/_chart_scripts.html" %}'
    for path in pages:
        if not path.name.startswith("_"):
            assert loads in path.read_text(), path
            continue
        # A partial (its name starts with "_") is drawn by every page that includes it.
        name = f"{path.parent.name}/{path.name}"
        includers = [t for t in templates if f'include "{name}"' in t.read_text()]
        assert includers, f"{path} is included by no page"
        for includer in includers:
            text = includer.read_text()
            assert loads in text or "_pdf" in includer.name, (path, includer)


def test_the_heat_map_puts_the_region_first_and_names_each_indicator():
    cells = [
        {
            "indicator": "3.1.2",
            "indicator_name": "SMEs using e-commerce",
            "economy": economy,
            "status": "moderate",
            "is_region": economy == "Region",
        }
        for economy in ("Peru", "Region", "Korea", "chile")
    ]
    spec = monitoring_charts.heat_map(cells, "Progress")
    assert spec["encoding"]["x"]["sort"] == ["Region", "chile", "Korea", "Peru"]
    assert {v["label"] for v in spec["data"]["values"]} == {"3.1.2 SMEs using e-commerce"}
    assert spec["encoding"]["y"]["field"] == "label"
