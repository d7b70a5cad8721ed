"""Pages of the matching app: a firm's recommended programmes, and refresh runs with progress."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from d4sme.registry.selectors import organisations_of_user

from . import selectors, services
from .recommend import programme_recommendations


def recommendations_page(request: HttpRequest) -> HttpResponse:
    """The page behind "Programmes for your firm" (also reached from the programme registry)."""
    if not request.user.is_authenticated:
        return None
    return recommendations(request)


@login_required
@require_GET
def recommendations(request: HttpRequest) -> HttpResponse:
    """Every running programme for each of the user's firms: ranked, classed and explained."""
    firms = organisations_of_user(user=request.user).filter(kind__in=["sme", "large_firm"])
    chosen = request.GET.get("firm", "")
    if chosen.isdigit():
        firms = firms.filter(pk=int(chosen))
    found = [programme_recommendations(organisation=firm) for firm in firms]
    return render(
        request,
        "matching/recommendations.html",
        {
            "found": found,
            "can_refresh": request.user.has_perm("matching.refresh_recommendations"),
            "last_run": selectors.run_latest_programmes(),
        },
    )


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Queue the refresh of every firm's stored recommendations (analysts, administrators)."""
    run = services.recommendations_refresh_request(user=request.user)
    return redirect("matching:run-detail", pk=run.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress and outcome; polled by htmx while it runs."""
    run = selectors.run_get(pk=pk)
    if run is None or not request.user.has_perm("matching.view_run", run):
        raise Http404(_("No such run."))
    template = "matching/_run_progress.html" if request.htmx else "matching/run_detail.html"
    return render(request, template, {"run": run})
