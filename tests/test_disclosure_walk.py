"""The generated disclosure walk.

Every endpoint (URL pattern or API operation) is either marked in the code as publishing
aggregates over organisations (``d4sme.reports.disclosure.aggregate``) or declared below as
publishing none, so a new endpoint cannot escape; each marked one has a walk below. The walk
seeds groups of 1 to 4 firms beside larger ones and fails on any count or value shown that
rests on fewer than 5 organisations, or that would give a withheld count back by subtraction.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from scipy.optimize import linprog

from d4sme.api import api
from d4sme.reports.disclosure import AGGREGATE_ENDPOINTS
from tests.test_authorisation import (
    client_for,
    url_patterns,
)

# Endpoints that publish no aggregate over organisations to anyone but the organisation itself:
# forms and workflows, one's own records, public registries of programmes, cases and reported
# indicator values (economies, not firms), and accounts.
NOT_AGGREGATES = {
    *("home", "sign-up", "login", "logout", "set_language", "password_reset"),
    # Evaluations: the list names them; planning, running and approving are workflows.
    *("evaluation:evaluation-list", "evaluation:evaluation-create", "evaluation:evaluation-run"),
    *("evaluation:evaluation-approve", "GET /api/v1/evaluations", "POST /api/v1/evaluations"),
    *("POST /api/v1/evaluations/{pk}/run", "POST /api/v1/evaluations/{pk}/approve"),
    "POST /api/v1/evaluations/outcomes",
    *("password_reset_done", "password_reset_confirm", "password_reset_complete"),
    *("registry:organisation-directory", "registry:organisation-register"),
    *("registry:region-options", "registry:organisation-detail", "registry:organisation-edit"),
    *("registry:api-tokens", "registry:api-token-revoke"),
    *("programmes:programme-list", "programmes:eligible-list", "programmes:programme-new"),
    *("programmes:compare", "programmes:completeness", "programmes:open-data"),
    *("programmes:open-data-download", "programmes:curation-queue", "programmes:overlap-list"),
    *("programmes:overlap-decide", "programmes:application-list"),
    *("programmes:application-decide", "programmes:application-create"),
    *("programmes:participation-add", "programmes:participation-edit"),
    *("programmes:programme-detail", "programmes:programme-edit", "programmes:programme-manage"),
    *("programmes:cohort-create", "programmes:programme-move"),
    *("assessments:home", "assessments:start", "assessments:import-new"),
    *("reports:import-detail", "assessments:import-template"),
    *("assessments:instrument-detail", "assessments:response-resume"),
    *("assessments:response-page", "assessments:response-review"),
    # Asking for a PDF and its progress page show no figure; the download is walked below.
    *("assessments:response-pdf", "reports:render-detail"),
    *("casestudies:case-list", "casestudies:stories", "casestudies:feed"),
    *("casestudies:open-data", "casestudies:case-new", "casestudies:my-cases"),
    *("casestudies:moderation", "casestudies:case-detail", "casestudies:case-edit"),
    *("casestudies:case-move", "casestudies:case-translate"),
    *("monitoring:home", "monitoring:submission", "monitoring:submission-move"),
    *("monitoring:submission-history", "monitoring:import-new", "monitoring:question-ask"),
    *("monitoring:question-answer", "monitoring:question-resolve", "monitoring:value-evidence"),
    *("monitoring:review-detail", "monitoring:review-pdf"),
    *("monitoring:review-section", "monitoring:framework", "monitoring:dashboard"),
    *("monitoring:reporting", "monitoring:submission-start", "monitoring:import-template"),
    *("monitoring:sdmx-structure", "monitoring:sdmx-data", "monitoring:targets"),
    *("monitoring:review-list", "monitoring:proposal-list", "monitoring:proposal-new"),
    *("GET /api/v1/applications", "GET /api/v1/assessments/instruments"),
    *("GET /api/v1/assessments/instruments/{code}", "GET /api/v1/assessments/responses"),
    *("GET /api/v1/assessments/responses/{pk}", "GET /api/v1/assessments/responses/{pk}/scores"),
    *("GET /api/v1/cases", "GET /api/v1/cases/open-data", "GET /api/v1/cases/{code}"),
    *("GET /api/v1/economies", "GET /api/v1/economies/{code}", "GET /api/v1/me"),
    *("GET /api/v1/monitoring/frameworks", "GET /api/v1/monitoring/frameworks/{code}"),
    "GET /api/v1/monitoring/frameworks/{code}/indicators",
    "GET /api/v1/monitoring/frameworks/{code}/progress",
    "GET /api/v1/monitoring/frameworks/{code}/targets",
    "GET /api/v1/monitoring/frameworks/{code}/values",
    *("GET /api/v1/monitoring/submissions", "GET /api/v1/monitoring/submissions/{pk}"),
    *("GET /api/v1/organisations", "GET /api/v1/organisations/{pk}"),
    *("GET /api/v1/programmes", "GET /api/v1/programmes/{code}"),
    *("GET /api/v1/programmes/{code}/calls", "GET /api/v1/programmes/{code}/eligibility"),
    *("GET /api/v1/vocabularies", "GET /api/v1/vocabularies/{code}"),
    *("PATCH /api/v1/assessments/responses/{pk}", "PATCH /api/v1/organisations/{pk}"),
    *("POST /api/v1/applications/{pk}/decision", "POST /api/v1/assessments/responses"),
    *("POST /api/v1/assessments/responses/{pk}/submit", "POST /api/v1/cases"),
    *("POST /api/v1/calls/{call_id}/applications", "POST /api/v1/cases/{code}/move"),
    *("POST /api/v1/monitoring/questions/{pk}/answers", "POST /api/v1/organisations"),
    *(
        "POST /api/v1/monitoring/questions/{pk}/resolve",
        "PUT /api/v1/monitoring/frameworks/{code}/targets",
    ),
    *(
        "POST /api/v1/monitoring/submissions/{pk}/move",
        "PUT /api/v1/monitoring/submissions/{pk}/values",
    ),
    "POST /api/v1/monitoring/submissions/{pk}/questions",
    # Exchange: official statistics (about economies), their import, mappings, frameworks, and
    # the catalogue's lists; the one download that counts firms is walked below.
    *("exchange:statistics", "exchange:statistics-import", "exchange:mapping-list"),
    *("exchange:dataset", "exchange:link-new", "exchange:framework-new"),
    *("exchange:catalogue", "exchange:catalogue-dcat", "GET /api/v1/exchange/catalogue"),
    *("GET /api/v1/exchange/datasets", "GET /api/v1/exchange/datasets/{pk}"),
    *("GET /api/v1/exchange/datasets/{pk}/observations", "POST /api/v1/exchange/imports"),
    *("GET /api/v1/exchange/mappings", "PUT /api/v1/exchange/mappings"),
    *("POST /api/v1/exchange/links", "POST /api/v1/exchange/frameworks"),
    *("exchange:peer-list", "exchange:federation-receive"),
    *("GET /api/v1/exchange/peers", "POST /api/v1/exchange/peers"),
    # Asking for an evaluation's PDF brief shows no figure (the job's download is the PDF).
    "evaluation:evaluation-brief-pdf",
    # Matching: forms, runs and their results about named parties to those parties; a firm's
    # recommendations (which count similar firms' uptake) are walked below.
    *("matching:refresh", "matching:run-detail", "matching:youth", "matching:youth-run"),
    *("matching:candidate-profile", "matching:candidate-detail", "matching:job-new"),
    *("matching:job-detail", "matching:job-apply", "matching:job-match-decide"),
    *("matching:suppliers", "matching:suppliers-run", "matching:need-new", "matching:offer-new"),
    "matching:supplier-pair-decide",
    *("GET /api/v1/matching/candidates/{pk}", "GET /api/v1/matching/jobs"),
    *("GET /api/v1/matching/runs/{pk}", "GET /api/v1/matching/runs/{pk}/job-matches"),
    *("GET /api/v1/matching/supplier-pairs", "POST /api/v1/matching/jobs"),
    *("POST /api/v1/matching/jobs/{pk}/applications", "POST /api/v1/matching/runs/programmes"),
    *("POST /api/v1/matching/supplier-needs", "POST /api/v1/matching/supplier-offers"),
    *("POST /api/v1/matching/supplier-pairs/{pk}/decision", "POST /api/v1/matching/supplier-runs"),
    "POST /api/v1/matching/youth-runs",
}

SMALL = {"TH": 1, "VN": 2, "PH": 3, "MY": 4}  # economies with groups of 1 to 4 firms
LARGE = {"KR": (6, 6, 0, 0), "JP": (7, 0, 5, 0)}  # firms per band
YEAR = 2023
STALE_MEDIAN = 42.42  # a peer median of a group with only 4 firms besides one's own


def endpoints() -> dict[str, Callable]:
    """Every page and API operation, by the names the authorisation test uses, with its view."""
    found = {}
    for namespace, name in url_patterns():
        if namespace in ("admin", "api"):
            continue
        found[name] = None
    for name in found:
        from django.urls import get_resolver

        for pattern_name, view in _views(get_resolver()):
            if pattern_name == name:
                found[name] = view
    by_operation = {f"{v.__module__}.{v.__qualname__}".replace(".", "_"): v for v in _api_views()}
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found[f"{method.upper()} {path}"] = by_operation.get(operation["operationId"])
    return found


def _views(resolver, namespace=""):
    from django.urls import URLPattern, URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _views(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def _api_views():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                yield operation.view_func


def marked(view) -> bool:
    return bool(view and getattr(view, "publishes_aggregates", False))


# -- the seeded world --------------------------------------------------------------------------


@pytest.fixture
def small_world(access_world):
    """Firms by band in two large economies and four small ones; a cohort of 3 measured twice;
    the plan's indicator 3.1.2 derived from assessed firms; a stale peer group of 5."""
    from d4sme.assessments.models import BenchmarkPosition, Instrument, PeerGroup, Response
    from d4sme.monitoring.models import Indicator
    from d4sme.programmes import services as programme_services
    from d4sme.programmes.models import Application
    from d4sme.registry.models import Economy, Organisation, OrganisationKind
    from tests.assessments.conftest import random_answers, take

    w = access_world
    admin, manager = w.user("admin"), w.user("manager")
    version = Instrument.objects.get(pk="dma-sme").current_version()
    bands = [b.code for b in version.parsed.bands]

    def firm(economy, i, sector="C"):
        return Organisation.objects.create(
            kind=OrganisationKind.SME,
            legal_name=f"Walk {economy} {i}",
            economy=Economy.objects.get(code=economy),
            isic_section=sector,
            isic_division="01" if sector == "A" else "10",
            employees=5,
        )

    def assess(organisation, band, seed, **start):
        response = take(admin, organisation, version, random_answers(version.parsed, seed), **start)
        Response.objects.filter(pk=response.pk).update(
            band=band, submitted_at=timezone.make_aware(datetime(YEAR, 6, 1))
        )
        return response

    seed = 0
    for economy, per_band in LARGE.items():
        for band, count in zip(bands, per_band, strict=False):
            for _ in range(count):
                seed += 1
                assess(firm(economy, seed), band, seed)
    for economy, count in SMALL.items():
        for i in range(count):
            seed += 1
            assess(firm(economy, seed, sector="A"), bands[i % len(bands)], seed)
    Response.objects.filter(pk=w.done_a.pk).update(
        submitted_at=timezone.make_aware(datetime(YEAR, 6, 1))
    )
    # A cohort of 3 participants measured before and after support.
    cohort = programme_services.cohort_create(programme=w.programme, user=manager, name="Walk")
    for _ in range(3):
        seed += 1
        organisation = firm("KR", seed)
        application = Application.objects.create(
            call=w.call, organisation=organisation, motivation="-", status="accepted"
        )
        participation = programme_services.participation_add(
            cohort=cohort, application=application, user=manager
        )
        assess(organisation, bands[0], seed, participation=participation)
        assess(organisation, bands[1], seed + 100, participation=participation, stage="after")
    Indicator.objects.filter(framework=w.plan, code="3.1.2").update(derived_from="smes_assessed")
    # A peer group computed when the rule was 5 firms in all, the firm's own included.
    group = PeerGroup.objects.create(
        instrument=version.instrument,
        scope="economy",
        economy="KR",
        size=5,
        median_overall=STALE_MEDIAN,
        medians={d.code: STALE_MEDIAN for d in version.parsed.dimensions},
        computed_at=timezone.now(),
    )
    BenchmarkPosition.objects.create(
        response=w.done_a,
        group=group,
        percentile=50,
        percentiles={d.code: 50 for d in version.parsed.dimensions},
        computed_at=timezone.now(),
    )
    return w


# -- reading what an endpoint shows ------------------------------------------------------------


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts (header cells included)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join(self._cell.split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def tables(html: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def small_counts(text_cells) -> list[str]:
    """Cells that show a whole number from 1 to 4: a count of fewer than 5 organisations."""
    return [c for c in text_cells if re.fullmatch(r"[1-4]", c)]


def recoverable(rows: list[list[str]]) -> list[tuple[int, int]]:
    """Withheld counts of a groups x bands table with a size column and a totals last row
    that an attacker can work out from what is shown, by linear programming."""
    grid = [[None if c == "withheld" else int(c) for c in row] for row in rows]
    unknown = [(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v is None]
    index = {cell: k for k, cell in enumerate(unknown)}
    equations, right = [], []

    def equation(parts, whole):
        row, constant = np.zeros(len(unknown)), 0.0
        for cell, sign in [*((p, 1.0) for p in parts), (whole, -1.0)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant -= sign * grid[cell[0]][cell[1]]
        equations.append(row)
        right.append(constant)

    last, width = len(grid) - 1, len(grid[0])
    for i in range(len(grid)):  # each row: bands add up to the group's size (column 0)
        equation([(i, j) for j in range(1, width)], (i, 0))
    for j in range(width):  # each column: the groups add up to the totals row
        equation([(i, j) for i in range(last)], (last, j))
    found = []
    for cell in unknown:
        objective = np.zeros(len(unknown))
        objective[index[cell]] = 1.0
        bounds = [(1, None)] * len(unknown)
        low = linprog(objective, A_eq=equations, b_eq=right, bounds=bounds)
        high = linprog(-objective, A_eq=equations, b_eq=right, bounds=bounds)
        if high.status != 3 and round(low.fun) == round(-high.fun):
            found.append(cell)
    return found


def check_distribution(html: str, world) -> None:
    table = next(t for t in tables(html) if t and "Median overall score" in t[0])
    body = table[1:]
    for row in body:
        assert not small_counts(row[1:]), f"a count under 5 is shown: {row}"
        if row[0] in SMALL:
            assert all(c in ("withheld", "0", "—") for c in row[1:]), row
    counts = [[row[1], *row[3:]] for row in body]
    assert not recoverable(counts), "a withheld count can be worked out from the totals"
    chart = re.search(r'id="chart-bands"[^>]*>(.*?)</script>', html, re.S)
    if chart:
        firms = [int(n) for n in re.findall(r'"firms": (\d+)', chart.group(1))]
        assert not [n for n in firms if 0 < n < 5], f"the chart shows a count under 5: {firms}"


def check_cohort(html: str, world) -> None:
    start = html.index("Before and after support")
    section = html[start : start + 2000]
    assert "Mean scores of" not in section
    assert not re.search(r"\b3 participants", section)


def check_no_stale_median(content: str, world) -> None:
    assert "42.4" not in content, "a peer median of 4 other firms is shown"


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def check_derived(html: str, world) -> None:
    section = html[html.index("own data</h2>") :]
    table = tables(section)[0]
    for row in table[1:]:
        assert not small_counts(row[1:]), f"a derived count under 5 is shown: {row}"


def check_open_data_counts(text: str, world) -> None:
    import csv

    for row in csv.DictReader(io.StringIO(text)):
        value = row.get("value", row.get("OBS_VALUE"))
        if value:
            assert float(value) == 0 or float(value) >= 5, row
        else:
            assert row.get("conf_status", row.get("CONF_STATUS")) == "C", row


@dataclass(frozen=True)
class Walk:
    actor: str
    urls: Callable  # (world) -> list of URLs
    check: Callable  # (text, world) -> None; raises on a disclosure
    pdf: bool = False


def printed(user, response) -> int:
    """Return the render job of ``response``'s report PDF, asked by ``user`` and printed."""
    from d4sme.assessments.reports import PDF_SOURCE
    from d4sme.reports.pdf import pdf_render, render_job_create

    job = render_job_create(
        user=user, source=PDF_SOURCE, object_id=response.pk, title="Report", file_name="r.pdf"
    )
    pdf_render.call(job_id=job.pk)
    return job.pk


def _dashboard(w):
    base = reverse("assessments:dashboard") + "?instrument=dma-sme"
    return [f"{base}&by={by}" for by in ("economy", "sector", "size_class")]


def _dashboard_check(html, world):
    check_distribution(html, world)
    if "Before and after support" in html:
        check_cohort(html, world)


def check_no_small_uptake(content: str, world) -> None:
    for count in re.findall(r"(\d+) firms of your economy, sector and size applied", content):
        assert int(count) >= 5, f"the uptake of {count} similar firms is shown"
    for count in re.findall(r'"uptake"[^}]*?"count":\s*(\d+)', content):
        assert int(count) == 0 or int(count) >= 5, f"the uptake of {count} firms is shown"


def check_evaluation_counts(content: str, world) -> None:
    for table in tables(content):
        for row in table:
            assert not small_counts(row[1:]), f"a count of fewer than 5 firms is shown: {row}"
    for count in re.findall(r'"(?:participants|n_treated|n_control)\w*":\s*(\d+)', content):
        assert int(count) == 0 or int(count) >= 5, f"a count of {count} firms is shown"


WALKS: dict[str, Walk] = {
    "evaluation:evaluation-detail": Walk(
        "anonymous",
        lambda w: [reverse("evaluation:evaluation-detail", args=[w.evaluation_public.pk])],
        check_evaluation_counts,
    ),
    "evaluation:evaluation-brief": Walk(
        "anonymous",
        lambda w: [reverse("evaluation:evaluation-brief", args=[w.evaluation_public.pk])],
        check_evaluation_counts,
    ),
    "GET /api/v1/evaluations/{pk}": Walk(
        "anonymous",
        lambda w: [f"/api/v1/evaluations/{w.evaluation_public.pk}"],
        check_evaluation_counts,
    ),
    "matching:recommendations": Walk(
        "sme_a", lambda w: [reverse("matching:recommendations")], check_no_small_uptake
    ),
    "GET /api/v1/matching/organisations/{pk}/programmes": Walk(
        "sme_a",
        lambda w: [f"/api/v1/matching/organisations/{w.org_a.pk}/programmes"],
        check_no_small_uptake,
    ),
    "assessments:dashboard": Walk(
        "admin",
        lambda w: [*_dashboard(w), _dashboard(w)[0] + f"&programme={w.programme.code}"],
        _dashboard_check,
    ),
    "assessments:response-report": Walk(
        "sme_a",
        lambda w: [reverse("assessments:response-report", args=[w.done_a.pk])],
        check_no_stale_median,
    ),
    "reports:render-download": Walk(
        "sme_a",
        lambda w: [reverse("reports:render-download", args=[printed(w.users["sme_a"], w.done_a)])],
        check_no_stale_median,
        pdf=True,
    ),
    "assessments:response-data": Walk(
        "sme_a",
        lambda w: [reverse("assessments:response-data", args=[w.done_a.pk, "json"])],
        check_no_stale_median,
    ),
    "GET /api/v1/assessments/responses/{pk}/benchmark": Walk(
        "sme_a",
        lambda w: [f"/api/v1/assessments/responses/{w.done_a.pk}/benchmark"],
        check_no_stale_median,
    ),
    "GET /api/v1/assessments/responses/{pk}/report.pdf": Walk(
        "sme_a",
        lambda w: [f"/api/v1/assessments/responses/{w.done_a.pk}/report.pdf"],
        check_no_stale_median,
        pdf=True,
    ),
    "exchange:catalogue-download": Walk(
        "anonymous",
        lambda w: [
            reverse("exchange:catalogue-download", args=["registered-smes", fmt])
            for fmt in ("csv", "sdmx-csv")
        ],
        check_open_data_counts,
    ),
    "monitoring:indicator": Walk(
        "analyst",
        lambda w: [reverse("monitoring:indicator", args=[w.plan.code, "3.1.2"])],
        check_derived,
    ),
}


def test_every_endpoint_is_marked_as_an_aggregate_or_declared_as_none():
    found = endpoints()
    aggregates = {name for name, view in found.items() if marked(view)}
    undeclared = sorted(set(found) - aggregates - NOT_AGGREGATES)
    assert not undeclared, (
        "Mark these views with d4sme.reports.disclosure.aggregate if they publish figures over "
        f"organisations, or declare them in NOT_AGGREGATES: {undeclared}"
    )
    assert not aggregates & NOT_AGGREGATES, "an endpoint is both marked and declared none"
    assert aggregates == set(WALKS), f"walks missing or stale: {aggregates ^ set(WALKS)}"
    assert len(aggregates) == len(AGGREGATE_ENDPOINTS)
    assert not set(NOT_AGGREGATES) - set(found), "declared endpoints that no longer exist"


@pytest.mark.parametrize("name", sorted(WALKS))
def test_no_figure_rests_on_fewer_than_five_organisations(small_world, name):
    walk = WALKS[name]
    client = client_for(small_world, walk.actor)
    if walk.actor == "sme_a" and name.startswith("GET /api/"):
        client.defaults["HTTP_AUTHORIZATION"] = ""  # the session is enough for the API
    for url in walk.urls(small_world):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
        text = pdf_text(body) if walk.pdf else body.decode()
        walk.check(text, small_world)
