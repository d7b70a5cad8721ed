"""Review packs: a frozen snapshot of the plan's data, with the analysts' narrative.

A review's snapshot is taken once, when the review is created: per priority area, each
indicator's baseline, target, latest approved value and progress status (with the
computation's components), for the region and each economy; and the data gaps. Its
identifier is a hash of its content, printed on the page and the PDF, so two packs with the
same identifier show the same figures. Later reports do not change a review; a new review
takes a new snapshot.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from d4sme.reports.charts import to_svg
from d4sme.reports.pdf import PdfSource

from . import charts, selectors
from .models import Framework, Measure, Review
from .progress import Status

# 2: the region's row compares the same economies in both years, with its method and coverage.
SNAPSHOT_FORMAT = 2


def _number(value):
    """A JSON number, or None for a missing or not-a-number component."""
    return None if value is None or not math.isfinite(value) else float(value)


def _row(row: selectors.Row) -> dict:
    result = row.result
    target = row.target
    latest = row.latest
    if row.region is not None:
        # The region's base and target as compared: over the panel's economies.
        baseline = [result.base_year, result.base_value] if result.base_year else None
        goal = [result.target_year, result.target_value] if result.target_year else None
    else:
        baseline = [target.baseline_year, target.baseline_value] if target else None
        goal = [target.target_year, target.target_value] if target and target.target_year else None
    return {
        "economy": row.economy,
        "series": {str(year): value for year, value in sorted(row.series.items())},
        "baseline": baseline,
        "target": goal,
        "latest": list(latest) if latest else None,
        "status": result.status.value,
        "score": _number(result.score),
        "observed_cagr": _number(result.observed_cagr),
        "required_cagr": _number(result.required_cagr),
        "ratio": _number(result.ratio),
        "explanation": str(result.explanation),
        "economies_counted": {str(k): v for k, v in row.economies_counted.items()},
        "method": row.method_text,
        "coverage": row.coverage_text,
        "coverage_short": row.coverage_short,
    }


def snapshot_take(framework: Framework) -> dict:
    """Everything a review pack shows, as plain data."""
    economies = {e.code: e.name for e in selectors.economies_of(framework)}
    rows = selectors.progress_rows(framework)
    by_indicator: dict[int, list[dict]] = {}
    for row in rows:
        by_indicator.setdefault(row.indicator.pk, []).append(_row(row))
    reported = selectors.approved_totals(framework)
    areas = [
        {
            "number": area.number if area else None,
            "name": area.name if area else "",
            "indicators": [_indicator(i, by_indicator, reported, economies) for i in members],
        }
        for area, members in selectors.indicators_by_area(framework)
    ]
    return {
        "format": SNAPSHOT_FORMAT,
        "framework": {"code": framework.code, "name": framework.name, "version": framework.version},
        "taken_at": timezone.now().isoformat(timespec="seconds"),
        "economies": economies,
        "areas": areas,
    }


def _indicator(indicator, by_indicator, reported, economies) -> dict:
    rows = by_indicator.get(indicator.pk, [])
    reporting = sorted({e for (i, e) in reported if i == indicator.pk})
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "qualitative": indicator.measure == Measure.QUALITATIVE,
        "region": next((r for r in rows if r["economy"] == ""), None),
        "economies": [r for r in rows if r["economy"] != ""],
        "reporting": len(reporting),
        # A data gap: fewer than half of the economies have an approved value.
        "gap": len(reporting) < len(economies) / 2,
    }


def snapshot_id(snapshot: dict) -> str:
    """A short, stable identifier of the snapshot's content (not of when it was taken)."""
    content = {k: v for k, v in snapshot.items() if k != "taken_at"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f"{snapshot['framework']['code'][:6]}-{digest[:12]}"


def _labelled(indicator: dict) -> dict:
    """An indicator of the snapshot with its statuses in words, in the reader's language."""
    counts = Counter(row["status"] for row in indicator["economies"])
    region = indicator["region"]
    return {
        **indicator,
        "region": {**region, "status_label": Status(region["status"]).label} if region else None,
        "by_status": [(s.label, counts[s.value]) for s in Status if counts[s.value]],
    }


def pack(review: Review) -> dict:
    """The review page's context: the snapshot's areas with their narratives and charts."""
    sections = {
        s.priority_area.number if s.priority_area else None: s
        for s in review.sections.select_related("priority_area")
    }
    areas = []
    for area in review.snapshot["areas"]:
        chart = charts.status_bars(area["indicators"]) if area["indicators"] else None
        areas.append(
            {
                **area,
                "indicators": [_labelled(i) for i in area["indicators"]],
                "section": sections.get(area["number"]) if area["number"] else None,
                "chart": chart,
            }
        )
    gaps = [i for area in review.snapshot["areas"] for i in area["indicators"] if i["gap"]]
    return {
        "review": review,
        "snapshot": review.snapshot,
        "overview": sections.get(None),
        "areas": areas,
        "gaps": gaps,
    }


def review_html(review: Review) -> str:
    """Return the review pack as the PDF's HTML, its charts rendered to SVG on the server."""
    context = pack(review)
    for area in context["areas"]:
        area["svg"] = to_svg(area["chart"]) if area["chart"] else ""
    return render_to_string("monitoring/review_pdf.html", context)


# The name the review pack's render jobs carry.
PDF_SOURCE = "monitoring.review"


def _can_view(user, object_id: str) -> bool:
    review = Review.objects.select_related("framework").filter(pk=object_id).first()
    return review is not None and user.has_perm("monitoring.view_framework", review.framework)


REVIEW_PDF = PdfSource(
    html=lambda object_id: review_html(Review.objects.get(pk=object_id)),
    can_view=_can_view,
    back=lambda object_id: (
        reverse("monitoring:review-detail", args=[object_id]),
        _("Back to the review"),
    ),
)
