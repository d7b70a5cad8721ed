"""Files to download: the upload template and the framework's data as SDMX."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from d4sme.reports.tables import csv_text

from .. import exports, imports
from ._access import framework_for


@require_GET
def import_template(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    return HttpResponse(
        csv_text(imports.template_rows(framework)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{framework.code}-template.csv"'},
    )


@require_GET
def sdmx_structure(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    return HttpResponse(exports.structure_xml(framework), content_type="application/xml")


@require_GET
def sdmx_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    framework = framework_for(request, code)
    if fmt == "xml":
        body, content_type = exports.data_xml(framework), "application/xml"
    elif fmt == "csv":
        body, content_type = exports.data_csv(framework), "text/csv; charset=utf-8"
    else:
        raise Http404
    return HttpResponse(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{framework.code}-data.{fmt}"'},
    )
