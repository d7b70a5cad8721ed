"""Pages of the case-study databank: explore and search, read, write, moderate, feeds."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.core.hooks import ORGANISATION_BARRIERS, hook_results
from d4sme.registry.selectors import (
    membership_first,
    membership_organisation_ids,
    vocabulary_terms,
)

from . import exports, selectors, services
from .forms import CaseForm, MoveForm, OutcomeFormSet, TranslationForm, outcome_rows
from .models import Case, CaseStatus


def filters_from(query) -> selectors.CaseFilters:
    return selectors.CaseFilters(
        q=query.get("q", "").strip()[:200],
        mode=query.get("mode", "combined")
        if query.get("mode") in ("fulltext", "semantic")
        else "combined",
        selected={f: tuple(query.getlist(f)) for f in selectors.FACETS if query.getlist(f)},
    )


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    return render(
        request,
        "casestudies/case_list.html",
        {
            "filters": filters,
            "results": selectors.case_search(filters),
            "facets": selectors.facet_counts(filters),
            "featured": selectors.published().filter(featured=True)[:3],
        },
    )


def _case_for(request: HttpRequest, code: str, perm: str = "view_case") -> Case:
    case = get_object_or_404(Case.objects.select_related("economy", "organisation"), code=code)
    if not request.user.has_perm(f"casestudies.{perm}", case):
        raise Http404
    return case


@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_for(request, code)
    moves = [
        to
        for (frm, to), who in services.MOVES.items()
        if frm == case.status
        and request.user.has_perm(
            "casestudies.moderate_case" if who == "moderator" else "casestudies.change_case", case
        )
    ]
    shown = request.GET.get("lang", "")
    text = case.translations.get(shown) if shown != case.language else None
    return render(
        request,
        "casestudies/case_detail.html",
        {
            "case": case,
            "text": text,
            "shown_language": shown if text else case.language,
            "case_languages": [case.language, *sorted(case.translations)],
            "pathway": case.pathway.select_related("term"),
            "similar": selectors.similar_cases(case) if case.is_published else [],
            "moves": [(to, CaseStatus(to).label) for to in moves],
            "events": case.events.select_related("user"),
            "editable": case.status in services.EDITABLE
            and request.user.has_perm("casestudies.change_case", case),
            "share_url": request.build_absolute_uri(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    case = _case_for(request, code, "change_case") if code else Case(author=request.user)
    if code and case.status not in services.EDITABLE:
        messages.error(
            request, _("A submitted or published case changes only after it is returned.")
        )
        return redirect("casestudies:case-detail", code=case.code)
    form = CaseForm(request.POST or None, instance=case, initial=starting_point(request.user, case))
    outcomes = OutcomeFormSet(request.POST or None, instance=case, prefix="outcomes")
    if request.method == "POST" and form.is_valid() and outcomes.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in services.CONTENT_FIELDS if name in data}
        classification = services.Classification(
            technologies=list(data["technologies"]),
            barriers=list(data["barriers"]),
            programmes=list(data["programmes"]),
        )
        rows = outcome_rows(outcomes)
        try:
            if code:
                case = services.case_update(
                    case=case,
                    user=request.user,
                    fields=fields,
                    classification=classification,
                    outcomes=rows,
                )
            else:
                case = services.case_create(
                    user=request.user, fields=fields, classification=classification, outcomes=rows
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case saved."))
            return redirect("casestudies:case-detail", code=case.code)
    return render(
        request,
        "casestudies/case_form.html",
        {"form": form, "outcomes": outcomes, "case": case},
        status=400 if request.method == "POST" else 200,
    )


def starting_point(user, case: Case) -> dict:
    """A new case starts from the firm's latest assessment and its programme history."""
    if case.pk or not user.is_authenticated:
        return {}
    membership = membership_first(user=user)
    if membership is None or membership.organisation.kind != "sme":
        return {}
    firm = membership.organisation
    initial = {
        "economy": firm.economy_id,
        "isic_section": firm.isic_section,
        "size_class": firm.size_class,
        "programmes": list(
            firm.applications.filter(participation__isnull=False).values_list(
                "call__programme_id", flat=True
            )
        ),
    }
    barriers = set().union(*hook_results(ORGANISATION_BARRIERS, firm))
    if barriers:
        terms = vocabulary_terms(vocabulary="barriers").filter(code__in=barriers)
        initial["barriers"] = list(terms.values_list("pk", flat=True))
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def case_translate(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_for(request, code, "change_case")
    if case.status not in services.EDITABLE and not request.user.has_perm(
        "casestudies.moderate_case", case
    ):
        messages.error(
            request, _("A submitted or published case changes only after it is returned.")
        )
        return redirect("casestudies:case-detail", code=case.code)
    form = TranslationForm(request.POST or None, initial={"language": request.GET.get("language")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        language = data.pop("language")
        try:
            services.case_translate(case=case, user=request.user, language=language, fields=data)
        except ValidationError as exc:
            form.add_error("language" if "language" in exc.message_dict else None, exc)
        else:
            messages.success(request, _("Translation saved."))
            return redirect("casestudies:case-detail", code=case.code)
    return render(
        request,
        "casestudies/case_translate.html",
        {"form": form, "case": case},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def case_move(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_for(request, code)
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.case_move(
            case=case, user=request.user, to=form.cleaned_data["to"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()}
        )
    return redirect("casestudies:case-detail", code=case.code)


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("casestudies.moderate_case"):
        raise PermissionDenied
    return render(
        request,
        "casestudies/moderation.html",
        {"cases": Case.objects.filter(status=CaseStatus.SUBMITTED).order_by("updated_at")},
    )


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    mine = membership_organisation_ids(user=request.user)
    cases = Case.objects.filter(author=request.user) | Case.objects.filter(organisation_id__in=mine)
    return render(
        request, "casestudies/my_cases.html", {"cases": cases.distinct().order_by("-updated_at")}
    )


@require_GET
def stories(request: HttpRequest) -> HttpResponse:
    published = selectors.published()
    return render(
        request,
        "casestudies/stories.html",
        {"featured": published.filter(featured=True)[:6], "latest": published[:12]},
    )


class LatestCasesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("d4sme: SME digitalisation stories")
    subtitle = gettext_lazy("Published experiences of SMEs going digital.")

    def link(self) -> str:
        return reverse("casestudies:case-list")

    def items(self):
        return selectors.published()[:50]

    def item_title(self, item: Case) -> str:
        return item.title

    def item_description(self, item: Case) -> str:
        return item.summary

    def item_link(self, item: Case) -> str:
        return reverse("casestudies:case-detail", args=[item.code])

    def item_pubdate(self, item: Case):
        return item.published_at


@require_GET
def open_data(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = exports.case_rows()
    if fmt == "json":
        return HttpResponse(
            json.dumps({"cases": rows}, ensure_ascii=False, indent=2),
            content_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="cases.json"'},
        )
    if fmt != "csv":
        raise Http404
    return HttpResponse(
        exports.cases_csv(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
    )
