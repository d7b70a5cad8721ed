"""Pages of the assessments app: taking a questionnaire, the report, dashboards and imports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.reports.disclosure import aggregate
from d4sme.reports.pdf import render_job_create
from d4sme.reports.selectors import import_job_list

from . import charts, exports, imports, selectors, services
from .forms import ImportForm, QuestionPageForm, StartForm
from .models import Instrument, InstrumentVersion, Response
from .panels import render_panels
from .reports import PDF_SOURCE
from .scoring import engine


def _response_for(request: HttpRequest, pk: int, perm: str = "view_response") -> Response:
    response = get_object_or_404(
        Response.objects.select_related("version__instrument", "organisation"), pk=pk
    )
    if not request.user.has_perm(f"assessments.{perm}", response):
        raise Http404
    return response


def _start_form(request: HttpRequest, data=None) -> StartForm | None:
    organisations = selectors.organisations_to_assess(request.user)
    if not organisations:
        return None
    return StartForm(
        data,
        organisations=organisations,
        participations=selectors.participations_of(organisations),
        initial={"instrument": request.GET.get("instrument")},
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "assessments/home.html",
        {
            "instruments": Instrument.objects.prefetch_related("versions"),
            "responses": selectors.responses_visible_to(user)[:50],
            "start_form": _start_form(request),
            "can_dashboard": user.has_perm("assessments.view_dashboard"),
            "can_import": user.has_perm("assessments.import_responses"),
        },
    )


@require_GET
def instrument_detail(request: HttpRequest, code: str) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=code)
    version = instrument.current_version()
    if version is None:
        raise Http404
    return render(
        request,
        "assessments/instrument_detail.html",
        {"instrument": instrument, "version": version, "definition": version.parsed},
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = _start_form(request, request.POST)
    if form is None or request.POST.get("organisation") not in form.organisations:
        raise PermissionDenied
    if form.is_valid():
        try:
            response = services.response_start(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                instrument=form.cleaned_data["instrument"],
                stage=form.cleaned_data["stage"],
                participation=form.cleaned_data["participation"],
            )
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            return redirect("assessments:response-page", pk=response.pk, number=1)
    return render(
        request,
        "assessments/home.html",
        {
            "instruments": Instrument.objects.all(),
            "responses": selectors.responses_visible_to(request.user)[:50],
            "start_form": form,
        },
        status=400,
    )


@login_required
@require_GET
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response_for(request, pk)
    if response.is_submitted:
        return redirect("assessments:response-report", pk=pk)
    pages = len(response.version.parsed.pages)
    if response.page > pages:
        return redirect("assessments:response-review", pk=pk)
    return redirect("assessments:response-page", pk=pk, number=response.page)


@login_required
@require_http_methods(["GET", "POST"])
def response_page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    response = _response_for(request, pk, "change_response")
    definition = response.version.parsed
    pages = definition.pages
    if not 1 <= number <= len(pages):
        raise Http404
    dimension, questions = pages[number - 1]
    first_number = 1 + sum(len(qs) for _d, qs in pages[: number - 1])
    form = QuestionPageForm(
        request.POST or None,
        questions=questions,
        first_number=first_number,
        answers=response.answers,
    )
    scoring = engine(definition)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "continue")
        if action == "leave":
            services.response_save(
                response=response, user=request.user, answers=form.valid_answers(scoring)
            )
            messages.success(
                request,
                _("Your answers are saved. Come back at any time to finish the assessment."),
            )
            return redirect("assessments:home")
        if action == "back" and number > 1:
            services.response_save(
                response=response, user=request.user, answers=form.valid_answers(scoring)
            )
            return redirect("assessments:response-page", pk=pk, number=number - 1)
        if form.check_complete(scoring):
            services.response_save(
                response=response, user=request.user, answers=form.answers(), page=number
            )
            if number < len(pages):
                return redirect("assessments:response-page", pk=pk, number=number + 1)
            return redirect("assessments:response-review", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "assessments/response_page.html",
        {
            "response": response,
            "definition": definition,
            "dimension": dimension,
            "form": form,
            "questions": form.bound_questions(),
            "number": number,
            "pages": [(i, d) for i, (d, _qs) in enumerate(pages, start=1)],
            "page_count": len(pages),
            "has_errors": bool(form.question_errors) or bool(form.errors),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_review(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response_for(request, pk)
    if response.is_submitted:
        return redirect("assessments:response-report", pk=pk)
    if not request.user.has_perm("assessments.change_response", response):
        raise Http404
    missing = services.unanswered(response)
    definition = response.version.parsed
    if request.method == "POST" and not missing:
        services.response_submit(response=response, user=request.user)
        messages.success(request, _("Assessment submitted. Here is your report."))
        return redirect("assessments:response-report", pk=pk)
    page_of = {q.code: i for i, (_d, qs) in enumerate(definition.pages, start=1) for q in qs}
    return render(
        request,
        "assessments/response_review.html",
        {
            "response": response,
            "definition": definition,
            "missing": [
                (definition.by_code[code], message, page_of[code])
                for code, message in missing.items()
            ],
            "page_count": len(definition.pages),
        },
        status=400 if request.method == "POST" else 200,
    )


def _submitted(request: HttpRequest, pk: int) -> Response:
    response = _response_for(request, pk)
    if not response.is_submitted:
        raise Http404
    return response


@aggregate
@login_required
@require_GET
def response_report(request: HttpRequest, pk: int) -> HttpResponse:
    response = _submitted(request, pk)
    found = selectors.report(response)
    return render(
        request,
        "assessments/report.html",
        {"report": found, "panels": render_panels(found, request)},
    )


@login_required
@require_POST
def response_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    response = _submitted(request, pk)
    job = render_job_create(
        user=request.user,
        source=PDF_SOURCE,
        object_id=response.pk,
        title=_("Assessment report: %(firm)s") % {"firm": response.organisation},
        file_name=f"assessment-{response.pk}.pdf",
    )
    return redirect("reports:render-detail", pk=job.pk)


@aggregate
@login_required
@require_GET
def response_data(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    response = _submitted(request, pk)
    name = f"assessment-{response.pk}"
    if fmt == "json":
        return JsonResponse(
            exports.result_document(response),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    if fmt != "csv":
        raise Http404
    return HttpResponse(
        exports.result_csv(response),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@aggregate
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("assessments.view_dashboard"):
        raise PermissionDenied
    instruments = list(Instrument.objects.all())
    chosen = next(
        (i for i in instruments if i.code == request.GET.get("instrument")),
        instruments[0] if instruments else None,
    )
    breakdown = request.GET.get("by", "economy")
    if breakdown not in selectors.BREAKDOWNS:
        breakdown = "economy"
    programmes = selectors.programmes_for_dashboard(request.user)
    programme = programmes.filter(code=request.GET.get("programme", "")).first()
    definition = chosen.current_version().parsed if chosen else None
    found = selectors.distribution(chosen, breakdown) if chosen else None
    # A group whose size is withheld has no bar: its shares would give its counts away.
    shown = [
        (cell.label, [f.value for f in cell.bands], cell.size.value)
        for cell in (found.groups if found else [])
        if not cell.size.suppressed and cell.size.value
    ]
    chart = (
        charts.band_shares(
            shown, [b.label for b in definition.bands], _("Firms by band"), _("Withheld")
        )
        if shown
        else None
    )
    return render(
        request,
        "assessments/dashboard.html",
        {
            "instruments": instruments,
            "instrument": chosen,
            "definition": definition,
            "breakdowns": [(k, label) for k, (_f, label) in selectors.BREAKDOWNS.items()],
            "breakdown": breakdown,
            "distribution": found,
            "chart": chart,
            "programmes": programmes,
            "programme": programme,
            "change": selectors.cohort_change(programme, chosen) if programme and chosen else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("assessments.import_responses"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.response_import_create(
            user=request.user,
            version=form.cleaned_data["version"],
            file_name=upload.name,
            content=upload.read(),
        )
        return redirect("reports:import-detail", pk=job.pk)
    return render(
        request,
        "assessments/import_new.html",
        {
            "form": form,
            "versions": InstrumentVersion.objects.select_related("instrument"),
            "recent": import_job_list(user=request.user, kind=imports.KIND),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(InstrumentVersion, pk=pk)
    return HttpResponse(
        exports.template_csv(imports.columns(version.parsed)),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{version.instrument_id}-v{version.number}-template.csv"'
            )
        },
    )
