"""Pages of the programme registry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.core.hooks import (
    FIRM_PROGRAMMES_PAGE,
    ORGANISATION_FACTS,
    PROGRAMME_PAGE_PANELS,
    hook_results,
)
from d4sme.registry import selectors as registry_selectors

from . import overlap, selectors, services
from .forms import (
    ApplicationForm,
    CallForm,
    CohortForm,
    CurationForm,
    DecisionForm,
    OverlapDecisionForm,
    ParticipationForm,
    ProgrammeForm,
)
from .models import Application, Call, Cohort, CurationStatus, Participation, Programme

PAGE_SIZE = 20


def filters_from(query: QueryDict) -> selectors.ProgrammeFilters:
    """Read the registry's filters from a query string; unreadable values are ignored."""
    year = query.get("year", "")
    agencies = tuple(int(a) for a in query.getlist("agency") if a.isdigit())
    return selectors.ProgrammeFilters(
        q=query.get("q", "").strip()[:200],
        economy=tuple(query.getlist("economy")),
        agency=agencies,
        status=tuple(query.getlist("status")),
        year=int(year) if year.isdigit() else None,
        terms={
            facet: tuple(query.getlist(facet))
            for facet in selectors.TERM_FACETS
            if query.getlist(facet)
        },
    )


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    results = selectors.programme_search(filters=filters).select_related("economy", "responsible")
    # A query ranks the programmes by relevance; without one they are listed by name.
    ordered = results if filters.q.strip() else results.order_by("name", "pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "facets": selectors.programme_facets(results=results, filters=filters),
        },
    )


def _programme(code: str, user) -> Programme:
    try:
        programme = selectors.programme_get(code=code)
    except Programme.DoesNotExist as exc:
        raise Http404(_("No programme has this identifier.")) from exc
    if not user.has_perm("programmes.view_programme", programme):
        raise Http404(_("No programme has this identifier."))
    return programme


@require_GET
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(code, request.user)
    my_firms = registry_selectors.organisations_of_user(user=request.user).filter(
        kind__in=["sme", "large_firm"]
    )
    checks = [
        (firm, selectors.programme_eligibility(programme=programme, organisation=firm))
        for firm in my_firms
    ]
    can_change = request.user.has_perm("programmes.change_programme", programme)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "terms": selectors.programme_terms(programme=programme),
            "completeness": selectors.programme_completeness(programme=programme),
            "calls": selectors.open_calls(programme=programme),
            "checks": checks,
            "can_change": can_change,
            "can_manage": request.user.has_perm("programmes.manage_programme", programme),
            "can_curate": request.user.has_perm("programmes.curate_programme", programme),
            "history": programme.history.select_related("history_user")[:20] if can_change else [],
            "curation_form": CurationForm(),
            "panels": hook_results(PROGRAMME_PAGE_PANELS, programme, request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(Call.objects.select_related("programme__economy"), pk=call_id)
    if not call.programme.is_published:
        raise Http404
    firms = registry_selectors.organisations_of_user(user=request.user).filter(
        kind__in=["sme", "large_firm"]
    )
    form = ApplicationForm(request.POST or None, organisations=firms)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                call=call,
                organisation=form.cleaned_data["organisation"],
                user=request.user,
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Your application is sent. We will e-mail you the decision.")
            )
            return redirect("programmes:application-list")
    checks = [
        (firm, selectors.programme_eligibility(programme=call.programme, organisation=firm))
        for firm in firms
    ]
    return render(
        request, "programmes/application_form.html", {"call": call, "form": form, "checks": checks}
    )


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/application_list.html",
        {
            "applications": selectors.applications_of_user(user=request.user),
            "managed": selectors.programmes_managed_by(user=request.user),
        },
    )


def _managed(request: HttpRequest, code: str) -> Programme:
    programme = _programme(code, request.user)
    if not request.user.has_perm("programmes.manage_programme", programme):
        raise PermissionDenied(_("Only the programme's managers may do this."))
    return programme


@login_required
@require_http_methods(["GET", "POST"])
def programme_manage(request: HttpRequest, code: str) -> HttpResponse:
    """The manager's desk: calls, applications to decide, cohorts and their participants."""
    programme = _managed(request, code)
    call_form = CallForm(request.POST or None, prefix="call")
    if request.method == "POST" and call_form.is_valid():
        try:
            services.call_open(programme=programme, user=request.user, **call_form.cleaned_data)
        except ValidationError as exc:
            call_form.add_error(None, exc)
        else:
            messages.success(request, _("The call is open."))
            return redirect("programmes:programme-manage", code=code)
    applications: QuerySet[Application] = selectors.applications_to_manage(
        programme=programme
    ).select_related("organisation__economy")
    return render(
        request,
        "programmes/programme_manage.html",
        {
            "programme": programme,
            "call_form": call_form,
            "calls": programme.calls.all(),
            "applications": application_dossiers(programme, applications),
            "decision_form": DecisionForm(),
            "cohorts": selectors.cohorts_of(programme=programme),
            "cohort_form": CohortForm(prefix="cohort"),
            "accepted_waiting": applications.filter(status="accepted", participation__isnull=True),
        },
    )


def application_dossiers(programme, applications) -> list[Application]:
    """What a manager needs to decide on each application: the firm's profile, its eligibility
    today rule by rule, what other apps know of it (its maturity score and barriers) and the
    programmes it took part in before."""
    applications = list(applications)
    firms = [a.organisation for a in applications]
    earlier: dict[int, list] = {}
    for participation in selectors.participation_list(organisations=firms):
        if participation.cohort.programme_id != programme.pk:
            earlier.setdefault(participation.application.organisation_id, []).append(participation)
    for application in applications:
        application.dossier = {
            "verdict": selectors.programme_eligibility(
                programme=programme, organisation=application.organisation
            ),
            "facts": [
                fact
                for facts in hook_results(ORGANISATION_FACTS, application.organisation)
                for fact in facts
            ],
            "earlier": earlier.get(application.organisation_id, []),
        }
    return applications


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("call__programme"), pk=pk)
    form = DecisionForm(request.POST)
    if not request.user.has_perm("programmes.decide_application", application):
        raise PermissionDenied(_("Only the programme's managers may decide on applications."))
    if form.is_valid():
        try:
            services.application_decide(
                application=application, user=request.user, **form.cleaned_data
            )
            messages.success(request, _("The decision is recorded and the applicant informed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a decision and give a reason."))
    return redirect("programmes:programme-manage", code=application.call.programme.code)


@login_required
@require_POST
def cohort_create(request: HttpRequest, code: str) -> HttpResponse:
    programme = _managed(request, code)
    form = CohortForm(request.POST, prefix="cohort")
    if form.is_valid():
        services.cohort_create(programme=programme, user=request.user, **form.cleaned_data)
        messages.success(request, _("The cohort is formed."))
    else:
        messages.error(request, _("Give the cohort a name."))
    return redirect("programmes:programme-manage", code=code)


@login_required
@require_POST
def participation_add(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_id)
    if not request.user.has_perm("programmes.manage_programme", cohort.programme):
        raise PermissionDenied(_("Only the programme's managers may form cohorts."))
    application = get_object_or_404(Application, pk=request.POST.get("application", "0") or 0)
    try:
        services.participation_add(cohort=cohort, application=application, user=request.user)
        messages.success(
            request,
            _("%(firm)s joins %(cohort)s.") % {"firm": application.organisation, "cohort": cohort},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("programmes:programme-manage", code=cohort.programme.code)


@login_required
@require_http_methods(["GET", "POST"])
def participation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_object_or_404(
        Participation.objects.select_related("cohort__programme", "application__organisation"),
        pk=pk,
    )
    programme = participation.cohort.programme
    if not request.user.has_perm("programmes.manage_programme", programme):
        raise PermissionDenied(_("Only the programme's managers may record participation."))
    form = ParticipationForm(request.POST or None, instance=participation)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_record(
                participation=participation, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Participation recorded."))
            return redirect("programmes:programme-manage", code=programme.code)
    return render(
        request,
        "programmes/participation_form.html",
        {"form": form, "participation": participation},
    )


@login_required
@require_POST
def programme_move(request: HttpRequest, code: str, to: str) -> HttpResponse:
    programme = _programme(code, request.user)
    if to not in CurationStatus.values:
        raise Http404
    form = CurationForm(request.POST)
    form.is_valid()
    try:
        services.programme_move(
            programme=programme, user=request.user, to=to, note=form.cleaned_data.get("note", "")
        )
        messages.success(
            request, _("The programme is now %(status)s.") % {"status": CurationStatus(to).label}
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("programmes:programme-detail", code=code)


@login_required
@require_GET
def curation_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/curation_queue.html",
        {
            "programmes": selectors.curation_queue(user=request.user),
            "completeness": selectors.economy_completeness(),
        },
    )


@require_GET
def completeness(request: HttpRequest) -> HttpResponse:
    return render(
        request, "programmes/completeness.html", {"rows": selectors.economy_completeness()}
    )


@login_required
@require_GET
def overlap_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programmes.curate_programme"):
        raise PermissionDenied(_("Overlaps are reviewed by analysts."))
    economy = request.GET.get("economy", "KR").upper()[:2]
    return render(
        request,
        "programmes/overlap_list.html",
        {
            "economy": economy,
            "candidates": overlap.candidates(economy=economy),
            "economies": registry_selectors.economy_list()
            .filter(programmes__isnull=False)
            .distinct(),
            "form": OverlapDecisionForm(),
        },
    )


@login_required
@require_POST
def overlap_decide(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programmes.curate_programme"):
        raise PermissionDenied(_("Overlaps are reviewed by analysts."))
    form = OverlapDecisionForm(request.POST)
    back = reverse("programmes:overlap-list")
    if not form.is_valid():
        messages.error(request, _("Choose a verdict."))
        return redirect(back)
    first = get_object_or_404(Programme, code=form.cleaned_data["first"])
    second = get_object_or_404(Programme, code=form.cleaned_data["second"])
    candidate = overlap.candidate_get(first=first, second=second)
    if candidate is None:
        raise Http404(_("These programmes are not a candidate overlap."))
    services.overlap_decide(
        first=first,
        second=second,
        user=request.user,
        verdict=form.cleaned_data["verdict"],
        score=candidate.score,
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("Your verdict is kept."))
    return redirect(f"{back}?economy={first.economy_id}")


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    chosen = [c.upper()[:2] for c in request.GET.getlist("economy")][:4] or ["KR", "BR"]
    return render(
        request,
        "programmes/compare.html",
        {
            "profiles": selectors.policy_mix(economies=chosen),
            "chosen": chosen,
            "economies": registry_selectors.economy_list()
            .filter(programmes__isnull=False)
            .distinct(),
            "names": dict(
                registry_selectors.economy_list()
                .filter(code__in=chosen)
                .values_list("code", "name")
            ),
        },
    )


@login_required
@require_GET
def eligible_list(request: HttpRequest) -> HttpResponse:
    """The programmes each of the user's firms is eligible for, with the reasons.

    An app that ranks programmes by their fit (matching) answers instead, through a hook.
    """
    for page in hook_results(FIRM_PROGRAMMES_PAGE, request):
        return page
    firms = registry_selectors.organisations_of_user(user=request.user).filter(
        kind__in=["sme", "large_firm"]
    )
    return render(
        request,
        "programmes/eligible_list.html",
        {
            "firms": [
                (firm, selectors.programmes_eligible_for(organisation=firm)) for firm in firms
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Submit a new programme (as a draft) or change a draft or returned one."""
    programme = _programme(code, request.user) if code else None
    if programme is not None and not request.user.has_perm(
        "programmes.change_programme", programme
    ):
        raise PermissionDenied(_("You may not change this programme."))
    if request.user.has_perm("programmes.curate_programme"):
        organisations = registry_selectors.organisation_queryset(
            filters=registry_selectors.DirectoryFilters()
        ).exclude(kind="sme")
    else:
        organisations = registry_selectors.organisations_of_user(user=request.user).exclude(
            kind="sme"
        )
    if programme is None and not organisations.exists():
        raise PermissionDenied(_("Agencies and focal points submit programmes."))
    form = ProgrammeForm(request.POST or None, instance=programme, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in services.PROGRAMME_FIELDS
            if name in form.cleaned_data
        }
        try:
            saved = services.programme_submit_draft(
                user=request.user,
                programme=programme,
                fields=fields,
                terms=form.terms(),
                rules=form.eligibility_rules(),
                instrument_name=form.cleaned_data["instrument_name"],
                instrument_type=form.cleaned_data["instrument_type"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Saved as a draft. Submit it for curation when it is complete.")
            )
            return redirect("programmes:programme-detail", code=saved.code)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """Where the published programmes can be downloaded, with the codebook."""
    from .exports import CODEBOOK

    return render(request, "programmes/open_data.html", {"codebook": CODEBOOK})


@require_GET
def open_data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The published programmes as a zip of CSV tables, an XLSX workbook or JSON."""
    import json

    from . import exports

    if fmt == "csv":
        body, content_type, name = (
            exports.export_csv_zip(),
            "application/zip",
            "d4sme-programmes-csv.zip",
        )
    elif fmt == "xlsx":
        body = exports.export_xlsx()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = "d4sme-programmes.xlsx"
    elif fmt == "json":
        body = json.dumps(exports.export_json(), ensure_ascii=False, default=str).encode()
        content_type, name = "application/json", "d4sme-programmes.json"
    else:
        raise Http404(_("Choose csv, xlsx or json."))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
