"""The plan, its dashboard, one indicator's page, and baselines and targets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from d4sme.core.hooks import INDICATOR_PAGE_PANELS, hook_results
from d4sme.reports.disclosure import aggregate

from .. import charts, derived, selectors, services
from ..forms import TargetsForm
from ..models import Indicator, Measure
from ._access import framework_for, int_or_none


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/home.html",
        {"frameworks": selectors.frameworks_visible(request.user)},
    )


@require_GET
def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    return render(
        request,
        "monitoring/framework.html",
        {
            "framework": framework,
            "areas": framework.priority_areas.prefetch_related("objectives__indicators"),
            "general": selectors.general_indicators_by_group(framework),
            "cycles": framework.cycles.order_by("period"),
            "economies": selectors.economies_of(framework),
        },
    )


@require_GET
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    area_number = int_or_none(request.GET.get("area"))
    economy = request.GET.get("economy") or None
    period = int_or_none(request.GET.get("period"))
    economies = selectors.economies_of(framework)
    if economy not in [e.code for e in economies]:
        economy = None
    grid = selectors.dashboard_grid(
        framework, area=area_number, economy=economy, period=period, economies=economies
    )
    cycle = selectors.cycle_of(framework, period)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "framework": framework,
            "areas": framework.priority_areas.all(),
            "economies": economies,
            "periods": selectors.periods_of(framework),
            "selected": {"area": area_number, "economy": economy, "period": period},
            "columns": grid.columns,
            "table": grid.table,
            "chart": charts.heat_map(grid.cells, _("Progress by indicator and economy"))
            if grid.cells
            else None,
            "cycle": cycle,
            "completeness": selectors.completeness(cycle) if cycle else [],
        },
    )


@aggregate
@require_GET
def indicator_detail(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    framework = framework_for(request, code)
    indicator = get_object_or_404(Indicator, framework=framework, code=indicator)
    economies = selectors.economies_of(framework)
    names = {e.code: e.name for e in economies}
    chosen = request.GET.get("economy", "")
    years = selectors.periods_of(framework)
    progress = selectors.indicator_progress(framework, indicator, names=names, chosen=chosen)
    return render(
        request,
        "monitoring/indicator.html",
        {
            "framework": framework,
            "indicator": indicator,
            "objectives": indicator.objectives.select_related("priority_area"),
            "rows": progress.rows,
            "names": names,
            "economies": economies,
            "chosen": chosen,
            "years": years,
            "chart": charts.series(
                progress.lines, progress.targets, indicator.name[:80], indicator.unit
            )
            if progress.lines or progress.targets
            else None,
            "derived_label": derived.LABELS.get(indicator.derived_from),
            "platform_rows": selectors.indicator_platform_rows(
                indicator, economies=economies, years=years
            ),
            "history_rows": selectors.indicator_history_rows(
                framework, indicator, names=names, years=years
            ),
            "texts": selectors.qualitative_texts(indicator),
            "panels": hook_results(INDICATOR_PAGE_PANELS, indicator, request),
        },
    )


@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, code: str) -> HttpResponse:
    """Baselines and targets of one economy, or of the region, for every quantitative indicator."""
    framework = framework_for(request, code)
    economies = selectors.economies_of(framework)
    chosen = request.GET.get("economy", "")
    economy = next((e for e in economies if e.code == chosen), None)
    can_edit = request.user.has_perm("monitoring.set_targets", economy.code if economy else "")
    indicators = list(framework.indicators.exclude(measure=Measure.QUALITATIVE))
    form = TargetsForm(
        request.POST if request.method == "POST" else None,
        indicators=indicators,
        stored=selectors.targets_stored(framework, economy),
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                _("An economy's focal points set its targets; analysts set the region's.")
            )
        if form.is_valid():
            entries = form.entries()
            for item in entries:
                for message in services.target_problems(item) if not item.is_empty else []:
                    form.add_error(f"t{item.indicator.pk}-target_value", message)
            if form.is_valid():
                changed = services.targets_save(
                    framework=framework, economy=economy, user=request.user, entries=entries
                )
                messages.success(
                    request, _("%(count)s baselines and targets saved.") % {"count": changed}
                )
                return redirect(reverse("monitoring:targets", args=[code]) + f"?economy={chosen}")
    return render(
        request,
        "monitoring/targets.html",
        {
            "framework": framework,
            "economies": economies,
            "economy": economy,
            "form": form,
            "can_edit": can_edit,
        },
    )
