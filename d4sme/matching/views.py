"""Pages of the matching app: a firm's recommended programmes, and refresh runs with progress."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.registry.selectors import organisation_list, organisations_of_user
from d4sme.reports.disclosure import aggregate

from . import selectors, services, youth
from .forms import CandidateForm, JobForm, NeedForm, OfferForm, RunForm
from .recommend import programme_recommendations


def recommendations_page(request: HttpRequest) -> HttpResponse:
    """The page behind "Programmes for your firm" (also reached from the programme registry)."""
    if not request.user.is_authenticated:
        return None
    return recommendations(request)


@aggregate  # the uptake by similar firms, withheld under the minimum cell size
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
    matches = [
        (m, request.user.has_perm("matching.view_candidate", m.candidate))
        for m in selectors.job_matches_of_run(run=run)
    ]
    unmatched = []
    if run.kind == "youth-jobs":
        for pk, reason in run.summary.get("unmatched", {}).items():
            candidate = selectors.candidate_get(pk=int(pk))
            visible = candidate and request.user.has_perm("matching.view_candidate", candidate)
            unmatched.append(
                (candidate if visible else None, youth.REASON_LABELS.get(reason, reason))
            )
    hhi = []
    if run.kind == "suppliers":
        everyone = request.user.has_perm("matching.refresh_recommendations")
        mine = {o.pk for o in organisations_of_user(user=request.user)}
        keys = [int(k) for side in ("hhi_supplier", "hhi_buyer") for k in run.summary.get(side, {})]
        names = {o.pk: o.legal_name for o in organisation_list(pks=keys)}
        for side, label in (("hhi_supplier", _("Supplier")), ("hhi_buyer", _("Buyer"))):
            for pk, (before, after) in run.summary.get(side, {}).items():
                if everyone or int(pk) in mine:
                    hhi.append((label, names.get(int(pk), pk), before, after))
    pairs = (
        run.supplier_pairs.select_related("need__buyer", "offer__supplier")
        if run.kind == "suppliers"
        else []
    )
    return render(
        request,
        template,
        {"run": run, "matches": matches, "unmatched": unmatched, "hhi": hhi, "pairs": pairs},
    )


# -- young people and digital jobs ------------------------------------------------------------


@login_required
@require_GET
def youth_home(request: HttpRequest) -> HttpResponse:
    """Digital jobs with a wage subsidy: a candidate's list and matches, a firm's posts, a
    manager's runs."""
    candidate = selectors.candidate_of(user=request.user)
    firms = organisations_of_user(user=request.user).filter(kind="sme")
    managed = [
        p
        for p in selectors.youth_programmes()
        if request.user.has_perm("programmes.manage_programme", p)
    ]
    return render(
        request,
        "matching/youth_home.html",
        {
            "candidate": candidate,
            "applications": candidate.applications.select_related("job__organisation")
            if candidate
            else [],
            "matches": selectors.job_matches_of_candidate(candidate=candidate) if candidate else [],
            "jobs": selectors.jobs_open()[:100],
            "applied": set(candidate.applications.values_list("job_id", flat=True))
            if candidate
            else set(),
            "firms": firms,
            "my_jobs": selectors.jobs_of_firms(organisation_ids=[f.pk for f in firms]),
            "managed": managed,
            "runs": selectors.youth_runs(programme_codes=[p.code for p in managed])[:10],
            "run_form": RunForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_profile(request: HttpRequest) -> HttpResponse:
    """Register, or change, the signed-in user's candidate profile."""
    candidate = selectors.candidate_of(user=request.user)
    initial = (
        {
            "display_name": candidate.display_name,
            "birth_date": candidate.birth_date,
            "skills": ", ".join(candidate.skills),
            "wishes": candidate.wishes,
        }
        if candidate
        else {"display_name": request.user.get_full_name()}
    )
    form = CandidateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.candidate_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("matching:youth")
    return render(request, "matching/candidate_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def job_new(request: HttpRequest) -> HttpResponse:
    """Post a digital job for one of the user's SMEs."""
    firms = organisations_of_user(user=request.user).filter(kind="sme")
    if not firms.exists():
        raise PermissionDenied(_("SMEs post digital jobs; register your firm first."))
    form = JobForm(
        request.POST or None, organisations=firms, programmes=selectors.youth_programmes()
    )
    if request.method == "POST" and form.is_valid():
        job = services.job_post_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your job is posted."))
        return redirect("matching:job-detail", pk=job.pk)
    return render(request, "matching/job_form.html", {"form": form})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(pk=pk)
    if job is None:
        raise Http404(_("No such job."))
    candidate = selectors.candidate_of(user=request.user)
    can_see = request.user.has_perm("matching.view_job_applicants", job)
    return render(
        request,
        "matching/job_detail.html",
        {
            "job": job,
            "candidate": candidate,
            "applied": candidate is not None
            and job.applications.filter(candidate=candidate).exists(),
            "applicants": selectors.job_applicants(job=job) if can_see else None,
        },
    )


@login_required
@require_POST
def job_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(pk=pk)
    if job is None:
        raise Http404(_("No such job."))
    services.job_apply(user=request.user, job=job)
    messages.success(request, _("Your application is on your list."))
    return redirect("matching:youth")


@login_required
@require_GET
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidate's profile: only for the person, the SMEs they applied to and the managers."""
    candidate = selectors.candidate_get(pk=pk)
    if candidate is None or not request.user.has_perm("matching.view_candidate", candidate):
        raise Http404(_("No such candidate."))
    return render(request, "matching/candidate_detail.html", {"candidate": candidate})


@login_required
@require_POST
def youth_run(request: HttpRequest, code: str) -> HttpResponse:
    """Run the matching of a wage-subsidy programme (its managers)."""
    programme = selectors.youth_programmes().filter(code=code).first()
    if programme is None:
        raise Http404(_("No such programme."))
    form = RunForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else "stable"
    run = services.youth_match_run(user=request.user, programme=programme, mode=mode)
    return redirect("matching:run-detail", pk=run.pk)


@login_required
@require_POST
def job_match_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    match = selectors.job_match_get(pk=pk)
    if match is None or decision not in ("accept", "decline"):
        raise Http404(_("No such proposal."))
    services.job_match_decide(user=request.user, match=match, accept=decision == "accept")
    return redirect("matching:job-detail", pk=match.job_id)


# -- suppliers and buyers ---------------------------------------------------------------------


@login_required
@require_GET
def suppliers_home(request: HttpRequest) -> HttpResponse:
    """A large firm's needs, an SME's offers, and the pairs proposed to either, to answer."""
    mine = organisations_of_user(user=request.user)
    ids = [o.pk for o in mine]
    return render(
        request,
        "matching/suppliers_home.html",
        {
            "buyers": [o for o in mine if o.kind == "large_firm"],
            "smes": [o for o in mine if o.kind == "sme"],
            "needs": selectors.supplier_needs_of(organisation_ids=ids),
            "offers": selectors.supplier_offers_of(organisation_ids=ids),
            "pairs": [
                (pair, pair.need.buyer_id in ids, pair.offer.supplier_id in ids)
                for pair in selectors.supplier_pairs_of(organisation_ids=ids)[:200]
            ],
            "may_run": request.user.has_perm("matching.refresh_recommendations")
            or any(o.kind == "large_firm" for o in mine),
            "runs": selectors.supplier_runs(user=request.user)[:10],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest) -> HttpResponse:
    firms = organisations_of_user(user=request.user).filter(kind="large_firm")
    if not firms.exists():
        raise PermissionDenied(_("Large firms publish supplier needs."))
    form = NeedForm(request.POST or None, organisations=firms)
    if request.method == "POST" and form.is_valid():
        services.supplier_need_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your supplier need is published."))
        return redirect("matching:suppliers")
    return render(request, "matching/need_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def offer_new(request: HttpRequest) -> HttpResponse:
    firms = organisations_of_user(user=request.user).filter(kind="sme")
    if not firms.exists():
        raise PermissionDenied(_("SMEs publish supplier offers."))
    form = OfferForm(request.POST or None, organisations=firms)
    if request.method == "POST" and form.is_valid():
        services.supplier_offer_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your offer is published."))
        return redirect("matching:suppliers")
    return render(request, "matching/offer_form.html", {"form": form})


@login_required
@require_POST
def suppliers_run(request: HttpRequest) -> HttpResponse:
    run = services.supplier_match_run(user=request.user)
    return redirect("matching:run-detail", pk=run.pk)


@login_required
@require_POST
def supplier_pair_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    pair = selectors.supplier_pair_get(pk=pk)
    allowed = pair is not None and rules.has_perm("matching.answer_pair", request.user, pair)
    if not allowed or decision not in ("accept", "decline"):
        raise Http404(_("No such proposal."))
    services.supplier_pair_decide(user=request.user, pair=pair, accept=decision == "accept")
    messages.success(request, _("Your answer is recorded."))
    return redirect("matching:suppliers")
