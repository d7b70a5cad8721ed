"""The SME's report as a PDF: the report page's sections and charts, printed by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import charts, selectors
from .models import Response


def report_pdf(response: Response, base_url: str) -> bytes:
    """Render one submitted response's report; charts are the page's Vega-Lite specifications
    rendered to SVG on the server."""
    import weasyprint  # loads pango; only the PDF needs it

    found = selectors.report(response)
    svgs = {name: charts.to_svg(spec) for name, spec in found.charts.items()}
    html = render_to_string("assessments/report_pdf.html", {"report": found, "svgs": svgs})
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
