"""Project proposals, ranked by how closely they serve the plan's priorities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors, services
from ..forms import ProposalForm
from ._access import framework_for


@login_required
@require_GET
def proposal_list(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    if not request.user.has_perm("monitoring.view_proposals"):
        raise PermissionDenied(_("Proposals are for focal points and analysts."))
    return render(
        request,
        "monitoring/proposals.html",
        {
            "framework": framework,
            "ranked": selectors.proposals_ranked(framework),
            "can_submit": request.user.has_perm("monitoring.submit_proposal"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest, code: str) -> HttpResponse:
    framework = framework_for(request, code)
    if not request.user.has_perm("monitoring.submit_proposal"):
        raise PermissionDenied(_("Focal points and analysts submit proposals."))
    form = ProposalForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_submit(
                framework=framework, user=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(
                request, "monitoring/proposal_form.html", {"framework": framework, "form": form}
            )
        messages.success(request, _("Proposal added; it is ranked with the others."))
        return redirect("monitoring:proposal-list", code=framework.code)
    return render(request, "monitoring/proposal_form.html", {"framework": framework, "form": form})
