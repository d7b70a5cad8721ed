"""Pages of the exchange app: official statistics, their import, mappings and links."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from d4sme.monitoring.selectors import indicator_find
from d4sme.reports.disclosure import aggregate

from . import catalogue, federation, frameworks, selectors, services
from .forms import FrameworkForm, LinkForm, MappingForm, PeerForm, StatisticsImportForm
from .models import CONF_NAMES, FLAG_NAMES

# The names of the download formats, in catalogue.FORMATS order.
LABELS = ["CSV", "XLSX", "JSON", "SDMX-CSV 2.0"]
# Observations on one page of a dataset.
PAGE_SIZE = 100


def _dataset(pk: int):
    dataset = selectors.dataset_get(pk=pk)
    if dataset is None:
        raise Http404
    return dataset


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/statistics.html",
        {
            "datasets": selectors.dataset_list(),
            "may_import": request.user.has_perm("exchange.import_statistics"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statistics_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("exchange.import_statistics"):
        raise PermissionDenied(_("Analysts import official statistics."))
    form = StatisticsImportForm(request.POST or None, request.FILES or None, initial={"agency": ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        structure = data["structure"].read() if data["structure"] else None
        try:
            job = services.statistics_import_create(
                user=request.user,
                file_name=data["file"].name,
                content=data["file"].read(),
                structure=structure,
                **{k: data[k] or v for k, v in _OPTIONAL.items()},
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("reports:import-detail", pk=job.pk)
    return render(request, "exchange/import.html", {"form": form})


_OPTIONAL = {
    "agency": "",
    "code": "",
    "name": "",
    "source": "",
    "url": "",
    "licence": "",
    "retrieved_on": None,
    "sheet": "",
    "mapping": None,
}


@require_GET
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(pk)
    labels = selectors.dataset_labels(dataset)
    select = {
        dim: request.GET[dim]
        for dim in dataset.dimensions
        if request.GET.get(dim) and request.GET[dim] in labels.get(dim, {})
    }
    page = Paginator(
        selectors.observation_list(dataset=dataset, select=select), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [
        {
            "codes": [obs.series.key.get(d, "") for d in dataset.dimensions],
            "period": obs.period,
            "obs": obs,
        }
        for obs in page
    ]
    query = "&".join(f"{k}={v}" for k, v in select.items())
    return render(
        request,
        "exchange/dataset.html",
        {
            "dataset": dataset,
            "labels": labels,
            "dimensions": [
                (d, [(c, label, select.get(d) == c) for c, label in labels.get(d, {}).items()])
                for d in dataset.dimensions
            ],
            "select": select,
            "query": query,
            "page": page,
            "rows": rows,
            "counts": selectors.dataset_counts(dataset),
            "flags": sorted(
                (flag, n, ", ".join(str(FLAG_NAMES.get(f, f)) for f in flag))
                for flag, n in selectors.dataset_flags(dataset).items()
            ),
            "conf_names": CONF_NAMES,
            "link_form": LinkForm(),
            "may_link": request.user.has_perm("exchange.link_indicator"),
        },
    )


@login_required
@require_POST
def link_new(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(pk)
    if not request.user.has_perm("exchange.link_indicator"):
        raise PermissionDenied(_("Analysts put official statistics beside indicators."))
    form = LinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        indicator = indicator_find(framework=data["framework"], code=data["indicator"])
        if indicator is None:
            messages.error(request, _("There is no such indicator in that framework."))
            return redirect("exchange:dataset", pk=dataset.pk)
        try:
            services.indicator_link_create(
                user=request.user,
                indicator_id=indicator.pk,
                dataset=dataset,
                select=data["select"],
                note=data["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The series now show beside the indicator."))
            return redirect("monitoring:indicator", indicator.framework.code, indicator.code)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("exchange:dataset", pk=dataset.pk)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("exchange.change_mapping"):
        raise PermissionDenied(_("Analysts keep the dimension mappings."))
    chosen = selectors.mapping_get(name=request.GET.get("name", ""))
    initial = (
        {
            "name": chosen.name,
            "description": chosen.description,
            "spec": json.dumps(chosen.spec, ensure_ascii=False, indent=1),
        }
        if chosen
        else {"spec": '{"dimensions": {}, "codes": {}}'}
    )
    form = MappingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mapping_save(
                user=request.user,
                name=data["name"],
                spec=data["spec"],
                description=data["description"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The mapping is saved."))
            return redirect("exchange:mapping-list")
    return render(
        request,
        "exchange/mappings.html",
        {"mappings": selectors.mapping_list(), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("monitoring.create_framework"):
        raise PermissionDenied(_("Analysts create frameworks."))
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            framework = frameworks.framework_from(
                user=request.user,
                code=data["code"],
                name=data["name"],
                version=data["version"],
                start_year=data["start_year"],
                end_year=data["end_year"],
                grouping=data["grouping"],
                grouping_name=data["grouping_name"],
                members=frameworks.parse_members(data["members"]),
                indicators=frameworks.parse_indicators(data["indicators"]),
                breakdowns=frameworks.parse_breakdowns(data["breakdowns"]),
                source=data["source"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The framework is created."))
            return redirect("monitoring:framework", framework.code)
    return render(request, "exchange/framework_form.html", {"form": form})


def download_urls(request: HttpRequest, entry: catalogue.Entry) -> dict[str, str]:
    """Return the dataset's download address in each format."""
    return {
        fmt: request.build_absolute_uri(
            reverse("exchange:catalogue-download", args=[entry.slug, fmt])
        )
        for fmt in catalogue.FORMATS
    }


@require_GET
def catalogue_page(request: HttpRequest) -> HttpResponse:
    entries = catalogue.catalogue_entries()
    return render(
        request,
        "exchange/catalogue.html",
        {
            "entries": [
                (entry, list(zip(LABELS, download_urls(request, entry).values(), strict=True)))
                for entry in entries
            ]
        },
    )


# The registered-SMEs dataset counts organisations; it is written through disclosure control.
@aggregate
@require_GET
def catalogue_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    entry = catalogue.catalogue_entry(slug)
    if entry is None or fmt not in catalogue.FORMATS:
        raise Http404(_("No such dataset or format."))
    media_type, extension = catalogue.FORMATS[fmt]
    response = HttpResponse(catalogue.WRITERS[fmt](entry), content_type=media_type)
    suffix = "-sdmx" if fmt == "sdmx-csv" else ""
    response["Content-Disposition"] = f'attachment; filename="{slug}{suffix}.{extension}"'
    return response


@require_GET
def catalogue_dcat(request: HttpRequest) -> JsonResponse:
    entries = catalogue.catalogue_entries()
    document = catalogue.dcat(
        entries,
        base=request.build_absolute_uri(reverse("exchange:catalogue")),
        download_url=lambda entry, fmt: download_urls(request, entry)[fmt],
    )
    return JsonResponse(
        document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )


# Peers authenticate by signing the body with their shared key, not with a session.
@csrf_exempt
@require_POST
def federation_receive(request: HttpRequest) -> JsonResponse:
    try:
        outcome = federation.submission_receive(
            peer_code=request.headers.get(federation.PEER_HEADER, ""),
            signature=request.headers.get(federation.SIGNATURE_HEADER, ""),
            body=request.body,
        )
    except PermissionDenied as exc:
        return JsonResponse({"status": "refused", "problems": [str(exc)]}, status=403)
    return JsonResponse(outcome.report, status=200 if outcome.accepted else 422)


@login_required
@require_http_methods(["GET", "POST"])
def peer_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("exchange.manage_peers"):
        raise PermissionDenied(_("Administrators register peer instances."))
    form = PeerForm(request.POST or None)
    key = ""
    if request.method == "POST" and form.is_valid():
        try:
            peer, key = federation.peer_register(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("%(name)s is registered; give it the key below.") % {"name": peer.name}
            )
            form = PeerForm()
    return render(
        request,
        "exchange/peers.html",
        {"peers": selectors.peer_list(), "form": form, "key": key},
    )
