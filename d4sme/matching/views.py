"""Pages of the matching app: a firm's recommended programmes, and refresh runs with progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.registry.selectors import organisations_of_user

from . import selectors, services, youth
from .forms import CandidateForm, JobForm, RunForm
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
    return render(request, template, {"run": run, "matches": matches, "unmatched": unmatched})


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
