"""Charts as Vega-Lite specifications, one per chart for the page and the PDF.

An app builds a specification with :func:`chart_spec`; the page embeds it as JSON and the
static bundle (``reports/vega-embed.bundle.js`` with ``reports/charts.js``, loaded by the
template ``reports/_chart_scripts.html``) draws it in the browser, while :func:`to_svg` renders
the same specification on the server for the PDF. The bundle is vl-convert's own
(``vl_convert.javascript_bundle()``), so the browser and the PDF draw with one Vega-Lite.
"""

from __future__ import annotations

from typing import Any

import vl_convert

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "Noto Sans, Arial, sans-serif"
# The static files a page with charts loads, in this order.
BUNDLE = "reports/vega-embed.bundle.js"
DRAW = "reports/charts.js"


def chart_spec(
    *,
    title: str | None = None,
    width: int | None = None,
    height: int | dict | None = None,
    config: dict | None = None,
    **body: Any,
) -> dict:
    """Return a Vega-Lite specification of ``body`` (data, mark, encoding or layer) with the
    schema and the platform's font, and the title and size when given."""
    spec: dict[str, Any] = {"$schema": SCHEMA}
    if title is not None:
        spec["title"] = title
    if width is not None:
        spec["width"] = width
    if height is not None:
        spec["height"] = height
    spec["config"] = {"font": FONT, **(config or {})}
    spec.update(body)
    return spec


def tooltip(field: str, kind: str, *, title: str | None = None, fmt: str | None = None) -> dict:
    """Return one tooltip entry: the ``field`` of Vega-Lite type ``kind``, titled and formatted."""
    entry = {"field": field, "type": kind}
    if title is not None:
        entry["title"] = title
    if fmt is not None:
        entry["format"] = fmt
    return entry


def to_svg(spec: dict) -> str:
    """Return the specification drawn as SVG on the server, for a PDF."""
    return vl_convert.vegalite_to_svg(spec)
