"""Pages of the registry: home, sign-up, the directory, an organisation's profile and forms."""

from typing import TypedDict

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.core.hooks import HOME_PANELS, hook_results
from d4sme.core.pagination import InvalidCursor

from . import selectors, services
from .forms import ApiTokenForm, DirectoryFilterForm, OrganisationForm, SignUpForm
from .models import Organisation, OrganisationKind, SizeClass


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/home.html",
        {
            "my_organisations": selectors.organisations_of_user(user=request.user),
            "panels": hook_results(HOME_PANELS, request) if request.user.is_authenticated else [],
        },
    )


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            preferred_language=request.LANGUAGE_CODE,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to d4sme. Register your organisation to begin."))
        return redirect("registry:organisation-register")
    return render(request, "registry/sign_up.html", {"form": form})


def _organisation_fields(form: OrganisationForm) -> dict:
    fields = dict(form.cleaned_data)
    fields.pop("kind", None)
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(
                user=request.user, kind=form.cleaned_data["kind"], **_organisation_fields(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(name)s is registered.") % {"name": organisation.legal_name}
            )
            return redirect("registry:organisation-detail", pk=organisation.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "registering": True})


def _get_organisation(pk: int) -> Organisation:
    try:
        return selectors.organisation_get(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404(_("No organisation has this number.")) from exc


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _get_organisation(pk)
    if not request.user.has_perm("registry.change_organisation", organisation):
        raise PermissionDenied(_("Only members of this organisation can change its profile."))
    form = OrganisationForm(request.POST or None, instance=organisation, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, user=request.user, **_organisation_fields(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("registry:organisation-detail", pk=organisation.pk)
    return render(
        request,
        "registry/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "registering": False,
        },
    )


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _get_organisation(pk)
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": request.user.has_perm("registry.change_organisation", organisation),
            "can_see_ownership": request.user.has_perm(
                "registry.view_organisation_ownership", organisation
            ),
            "sector_title": selectors.isic_section_title(organisation.isic_section),
            "division_title": selectors.isic_division_title(organisation.isic_division),
        },
    )


@require_GET
def organisation_directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        filters = form.filters() if form.is_bound else selectors.DirectoryFilters()
        try:
            page = selectors.organisation_directory(
                filters=filters, cursor=request.GET.get("cursor")
            )
        except InvalidCursor:
            messages.error(request, _("That page link is no longer valid; here is the first page."))
            page = selectors.organisation_directory(filters=filters)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "registry/organisation_directory.html",
        {
            "form": form,
            "page": page,
            "rows": directory_rows(page.items) if page else [],
            "query": query.urlencode(),
        },
        status=status,
    )


class DirectoryRow(TypedDict):
    url: str
    name: str
    synthetic: bool
    kind: str
    economy: str
    section: str
    section_title: str
    size: str


def directory_rows(organisations) -> list[DirectoryRow]:
    """The directory's rows, ready to print: each label is translated once per page, not once
    per row (a page of 25 rows otherwise asks for some 150 translations). Rows are dicts, which
    the template language reads at its first attempt."""
    kinds = {value: str(label) for value, label in OrganisationKind.choices}
    sizes = {value: str(label) for value, label in SizeClass.choices}
    titles: dict[str, str] = {}
    detail = reverse("registry:organisation-detail", args=[0])
    rows = []
    for organisation in organisations:
        section = organisation.isic_section or ""
        if section and section not in titles:
            titles[section] = selectors.isic_section_title(section)
        rows.append(
            DirectoryRow(
                url=detail.replace("/0/", f"/{organisation.pk}/"),
                name=organisation.legal_name,
                synthetic=organisation.is_synthetic,
                kind=kinds.get(organisation.kind, organisation.kind),
                economy=organisation.economy.name if organisation.economy_id else "",
                section=section,
                section_title=titles.get(section, ""),
                size=sizes.get(organisation.size_class, "") if organisation.size_class else "",
            )
        )
    return rows


@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """Return the <option>s of an economy's regions (for the organisation form)."""
    economy = request.GET.get("economy", "")
    regions = selectors.region_list(economy=economy) if economy else []
    return render(request, "registry/_region_options.html", {"regions": regions})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens and create one; a new key is shown once."""
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    return render(
        request,
        "registry/api_tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": selectors.api_token_list(user=request.user),
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=request.user, token_id=pk)
    except PermissionDenied as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, _("The token is revoked."))
    return redirect("registry:api-tokens")
