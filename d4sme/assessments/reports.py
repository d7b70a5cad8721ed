"""The SME's report as a PDF: the report page's sections and charts, printed by the shared
:mod:`d4sme.reports.pdf` helper, in a background task for the pages."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from d4sme.reports.charts import to_svg
from d4sme.reports.pdf import PdfSource, html_to_pdf

from . import selectors
from .models import Response

# The name the report's render jobs carry.
PDF_SOURCE = "assessments.report"


def report_html(response: Response) -> str:
    """Return one submitted response's report as the PDF's HTML; charts are the page's
    Vega-Lite specifications rendered to SVG on the server."""
    found = selectors.report(response)
    svgs = {name: to_svg(spec) for name, spec in found.charts.items()}
    return render_to_string("assessments/report_pdf.html", {"report": found, "svgs": svgs})


def report_pdf(response: Response) -> bytes:
    """Return one submitted response's report as a PDF, printed now (for the API)."""
    return html_to_pdf(report_html(response))


def _submitted(object_id: str) -> Response | None:
    response = Response.objects.filter(pk=object_id).first()
    return response if response is not None and response.is_submitted else None


def _can_view(user, object_id: str) -> bool:
    response = _submitted(object_id)
    return response is not None and user.has_perm("assessments.view_response", response)


REPORT_PDF = PdfSource(
    html=lambda object_id: report_html(Response.objects.get(pk=object_id)),
    can_view=_can_view,
    back=lambda object_id: (
        reverse("assessments:response-report", args=[object_id]),
        _("Back to the report"),
    ),
)
