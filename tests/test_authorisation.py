"""The generated authorisation test.

Every URL pattern and every API operation must have a declared policy below, saying what
each kind of user gets; the test enumerates the URL configuration and the OpenAPI document,
so a new endpoint without a policy fails the suite instead of escaping it.
"""

import importlib
import json
import pkgutil

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from d4sme.api import api
from d4sme.registry.services import api_token_create
from tests.access import (
    ACTORS,
    ANALYSTS,
    DENIED,
    EVERYONE,
    LOGIN,
    MANAGERS,
    MEMBERS_OF_A,
    MODERATE,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    OWN_DRAFT,
    OWN_JOB,
    OWN_REPORT,
    OWN_RESPONSE,
    REFUSED,
    REPORTERS,
    SIGNED_IN,
    SIGNED_IN_API,
    STAFF_ONLY,
    Endpoint,
)

PAGES: dict[str, Endpoint] = {
    "home": Endpoint("GET", lambda w: reverse("home"), EVERYONE),
    "sign-up": Endpoint("GET", lambda w: reverse("sign-up"), EVERYONE),
    "login": Endpoint("GET", lambda w: reverse("login"), EVERYONE),
    "logout": Endpoint("POST", lambda w: reverse("logout"), EVERYONE),
    "password_reset": Endpoint("GET", lambda w: reverse("password_reset"), EVERYONE),
    "password_reset_done": Endpoint("GET", lambda w: reverse("password_reset_done"), EVERYONE),
    "password_reset_confirm": Endpoint(
        "GET", lambda w: reverse("password_reset_confirm", args=["MQ", "bad-token"]), EVERYONE
    ),
    "password_reset_complete": Endpoint(
        "GET", lambda w: reverse("password_reset_complete"), EVERYONE
    ),
    "set_language": Endpoint(
        "POST", lambda w: reverse("set_language"), EVERYONE, lambda w: {"language": "ko"}
    ),
    "registry:organisation-directory": Endpoint(
        "GET", lambda w: reverse("registry:organisation-directory"), EVERYONE
    ),
    "registry:organisation-detail": Endpoint(
        "GET", lambda w: reverse("registry:organisation-detail", args=[w.org_a.pk]), EVERYONE
    ),
    "registry:region-options": Endpoint(
        "GET", lambda w: reverse("registry:region-options") + "?economy=KR", EVERYONE
    ),
    "registry:organisation-register": Endpoint(
        "GET", lambda w: reverse("registry:organisation-register"), SIGNED_IN
    ),
    "registry:organisation-edit": Endpoint(
        "GET", lambda w: reverse("registry:organisation-edit", args=[w.org_a.pk]), MEMBERS_OF_A
    ),
    "registry:api-tokens": Endpoint("GET", lambda w: reverse("registry:api-tokens"), SIGNED_IN),
    # Each user may revoke only their own token; sme_a's token is someone else's to the rest.
    "registry:api-token-revoke": Endpoint(
        "POST",
        lambda w: reverse("registry:api-token-revoke", args=[w.token_a.pk]),
        {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "sme_a": OK},
    ),
    "programmes:programme-list": Endpoint(
        "GET", lambda w: reverse("programmes:programme-list") + "?economy=KR&theme=x", EVERYONE
    ),
    "programmes:compare": Endpoint(
        "GET", lambda w: reverse("programmes:compare") + "?economy=KR", EVERYONE
    ),
    "programmes:open-data": Endpoint("GET", lambda w: reverse("programmes:open-data"), EVERYONE),
    "programmes:open-data-download": Endpoint(
        "GET", lambda w: reverse("programmes:open-data-download", args=["json"]), EVERYONE
    ),
    "programmes:completeness": Endpoint(
        "GET", lambda w: reverse("programmes:completeness"), EVERYONE
    ),
    "programmes:eligible-list": Endpoint(
        "GET", lambda w: reverse("programmes:eligible-list"), SIGNED_IN
    ),
    "programmes:curation-queue": Endpoint(
        "GET", lambda w: reverse("programmes:curation-queue"), SIGNED_IN
    ),
    "programmes:application-list": Endpoint(
        "GET", lambda w: reverse("programmes:application-list"), SIGNED_IN
    ),
    "programmes:application-create": Endpoint(
        "GET", lambda w: reverse("programmes:application-create", args=[w.call.pk]), SIGNED_IN
    ),
    "programmes:overlap-list": Endpoint(
        "GET", lambda w: reverse("programmes:overlap-list") + "?economy=KR", ANALYSTS
    ),
    "programmes:overlap-decide": Endpoint(
        "POST", lambda w: reverse("programmes:overlap-decide"), ANALYSTS
    ),
    "programmes:programme-detail": Endpoint(
        "GET", lambda w: reverse("programmes:programme-detail", args=[w.programme.code]), EVERYONE
    ),
    # A draft exists only for those who may edit it.
    "programmes:programme-move": Endpoint(
        "POST",
        lambda w: reverse("programmes:programme-move", args=[w.draft.code, "submitted"]),
        {
            "anonymous": LOGIN,
            "sme_a": NOT_FOUND,
            "sme_b": NOT_FOUND,
            "manager": OK,
            "focal": OK,
            "analyst": OK,
            "admin": OK,
        },
    ),
    "programmes:programme-new": Endpoint(
        "GET",
        lambda w: reverse("programmes:programme-new"),
        {
            "anonymous": LOGIN,
            "sme_a": DENIED,
            "sme_b": DENIED,
            "manager": OK,
            "focal": OK,
            "analyst": OK,
            "admin": OK,
        },
    ),
    "programmes:programme-edit": Endpoint(
        "GET",
        lambda w: reverse("programmes:programme-edit", args=[w.draft.code]),
        {
            "anonymous": LOGIN,
            "sme_a": NOT_FOUND,
            "sme_b": NOT_FOUND,
            "manager": OK,
            "focal": OK,
            "analyst": OK,
            "admin": OK,
        },
    ),
    "programmes:programme-manage": Endpoint(
        "GET", lambda w: reverse("programmes:programme-manage", args=[w.programme.code]), MANAGERS
    ),
    "programmes:cohort-create": Endpoint(
        "POST",
        lambda w: reverse("programmes:cohort-create", args=[w.programme.code]),
        MANAGERS,
        lambda w: {"cohort-name": "Autumn"},
    ),
    "programmes:application-decide": Endpoint(
        "POST",
        lambda w: reverse("programmes:application-decide", args=[w.application.pk]),
        MANAGERS,
        lambda w: {"status": "accepted", "reason": "Good plan."},
    ),
    "programmes:participation-add": Endpoint(
        "POST",
        lambda w: reverse("programmes:participation-add", args=[w.cohort.pk]),
        MANAGERS,
        lambda w: {"application": w.application.pk},
    ),
    "programmes:participation-edit": Endpoint(
        "GET",
        lambda w: reverse("programmes:participation-edit", args=[w.participation.pk]),
        MANAGERS,
    ),
    "assessments:home": Endpoint("GET", lambda w: reverse("assessments:home"), EVERYONE),
    "assessments:instrument-detail": Endpoint(
        "GET", lambda w: reverse("assessments:instrument-detail", args=["dma-sme"]), EVERYONE
    ),
    # A firm's member assesses it; so does the manager of a programme it applied to.
    "assessments:start": Endpoint(
        "POST",
        lambda w: reverse("assessments:start"),
        {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN, "sme_a": OK, "manager": OK},
        lambda w: {"instrument": "dma-sme", "organisation": w.org_a.pk, "stage": "before"},
    ),
    "assessments:response-resume": Endpoint(
        "GET", lambda w: reverse("assessments:response-resume", args=[w.open_a.pk]), OWN_RESPONSE
    ),
    "assessments:response-page": Endpoint(
        "GET",
        lambda w: reverse("assessments:response-page", args=[w.open_a.pk, 1]),
        OWN_RESPONSE,
    ),
    "assessments:response-review": Endpoint(
        "GET", lambda w: reverse("assessments:response-review", args=[w.open_a.pk]), OWN_RESPONSE
    ),
    "assessments:response-report": Endpoint(
        "GET", lambda w: reverse("assessments:response-report", args=[w.done_a.pk]), OWN_RESPONSE
    ),
    "assessments:response-pdf": Endpoint(
        "POST", lambda w: reverse("assessments:response-pdf", args=[w.done_a.pk]), OWN_RESPONSE
    ),
    "reports:render-detail": Endpoint(
        "GET", lambda w: reverse("reports:render-detail", args=[w.render_job.pk]), OWN_JOB
    ),
    "reports:render-download": Endpoint(
        "GET", lambda w: reverse("reports:render-download", args=[w.render_job.pk]), OWN_JOB
    ),
    "assessments:response-data": Endpoint(
        "GET",
        lambda w: reverse("assessments:response-data", args=[w.done_a.pk, "csv"]),
        OWN_RESPONSE,
    ),
    "assessments:dashboard": Endpoint(
        "GET", lambda w: reverse("assessments:dashboard"), {**ANALYSTS, "manager": OK}
    ),
    "assessments:import-new": Endpoint(
        "GET", lambda w: reverse("assessments:import-new"), {**ANALYSTS, "manager": OK}
    ),
    "assessments:import-template": Endpoint(
        "GET", lambda w: reverse("assessments:import-template", args=[w.dma.pk]), EVERYONE
    ),
    # An import's page belongs to whoever uploaded the file (here the analyst's responses).
    "reports:import-detail": Endpoint(
        "GET",
        lambda w: reverse("reports:import-detail", args=[w.response_import.pk]),
        {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "analyst": OK, "admin": OK},
    ),
    "casestudies:case-list": Endpoint(
        "GET", lambda w: reverse("casestudies:case-list") + "?q=bakery&language=pt", EVERYONE
    ),
    "casestudies:stories": Endpoint("GET", lambda w: reverse("casestudies:stories"), EVERYONE),
    "casestudies:feed": Endpoint("GET", lambda w: reverse("casestudies:feed"), EVERYONE),
    "casestudies:open-data": Endpoint(
        "GET", lambda w: reverse("casestudies:open-data", args=["csv"]), EVERYONE
    ),
    "casestudies:case-new": Endpoint("GET", lambda w: reverse("casestudies:case-new"), SIGNED_IN),
    "casestudies:my-cases": Endpoint("GET", lambda w: reverse("casestudies:my-cases"), SIGNED_IN),
    "casestudies:moderation": Endpoint(
        "GET", lambda w: reverse("casestudies:moderation"), ANALYSTS
    ),
    # A draft exists for its author and the moderators only.
    "casestudies:case-detail": Endpoint(
        "GET", lambda w: reverse("casestudies:case-detail", args=[w.draft_case.code]), OWN_DRAFT
    ),
    "casestudies:case-edit": Endpoint(
        "GET",
        lambda w: reverse("casestudies:case-edit", args=[w.draft_case.code]),
        {**OWN_DRAFT, "anonymous": LOGIN},
    ),
    "casestudies:case-translate": Endpoint(
        "GET",
        lambda w: reverse("casestudies:case-translate", args=[w.draft_case.code]),
        {**OWN_DRAFT, "anonymous": LOGIN},
    ),
    # Returning a submitted case is the moderators' move; its author may not make it.
    "casestudies:case-move": Endpoint(
        "POST",
        lambda w: reverse("casestudies:case-move", args=[w.submitted_case.code]),
        {**MODERATE, "anonymous": LOGIN},
        lambda w: {"to": "returned", "note": "Add figures."},
    ),
    "api:openapi-json": Endpoint("GET", lambda w: reverse("api:openapi-json"), EVERYONE),
    "api:openapi-view": Endpoint("GET", lambda w: reverse("api:openapi-view"), EVERYONE),
    "monitoring:home": Endpoint("GET", lambda w: reverse("monitoring:home"), EVERYONE),
    "monitoring:framework": Endpoint(
        "GET", lambda w: reverse("monitoring:framework", args=[w.plan.code]), EVERYONE
    ),
    "monitoring:dashboard": Endpoint(
        "GET", lambda w: reverse("monitoring:dashboard", args=[w.plan.code]) + "?area=3", EVERYONE
    ),
    "monitoring:indicator": Endpoint(
        "GET", lambda w: reverse("monitoring:indicator", args=[w.plan.code, "3.1.2"]), EVERYONE
    ),
    "monitoring:import-template": Endpoint(
        "GET", lambda w: reverse("monitoring:import-template", args=[w.plan.code]), EVERYONE
    ),
    "monitoring:sdmx-structure": Endpoint(
        "GET", lambda w: reverse("monitoring:sdmx-structure", args=[w.plan.code]), EVERYONE
    ),
    "monitoring:sdmx-data": Endpoint(
        "GET", lambda w: reverse("monitoring:sdmx-data", args=[w.plan.code, "csv"]), EVERYONE
    ),
    "monitoring:reporting": Endpoint(
        "GET", lambda w: reverse("monitoring:reporting", args=[w.plan.code]), REPORTERS
    ),
    # Only an economy's focal point starts its report (administrators may too).
    "monitoring:submission-start": Endpoint(
        "POST",
        lambda w: reverse("monitoring:submission-start", args=[w.plan.code, 2023, "KR"]),
        {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN, "focal": OK, "admin": OK},
    ),
    "monitoring:submission": Endpoint(
        "GET", lambda w: reverse("monitoring:submission", args=[w.kr_report.pk]), OWN_REPORT
    ),
    "monitoring:submission-history": Endpoint(
        "GET",
        lambda w: reverse("monitoring:submission-history", args=[w.kr_report.pk]),
        OWN_REPORT,
    ),
    # Returning a submitted report is the analysts' move; its focal point may not make it.
    "monitoring:submission-move": Endpoint(
        "POST",
        lambda w: reverse("monitoring:submission-move", args=[w.submitted_report.pk]),
        {**OWN_REPORT, "focal": DENIED},
        lambda w: {"to": "returned", "note": "Check 3.1.2."},
    ),
    "monitoring:import-new": Endpoint(
        "POST",
        lambda w: reverse("monitoring:import-new", args=[w.kr_report.pk]),
        {**OWN_REPORT, "analyst": DENIED},
    ),
    # The report's thread: analysts ask and resolve; its focal points answer too.
    "monitoring:question-ask": Endpoint(
        "POST",
        lambda w: reverse("monitoring:question-ask", args=[w.submitted_report.pk]),
        {**OWN_REPORT, "focal": DENIED},
        lambda w: {"text": "Where does 3.1.2 come from?"},
    ),
    "monitoring:question-answer": Endpoint(
        "POST",
        lambda w: reverse("monitoring:question-answer", args=[w.question.pk]),
        OWN_REPORT,
        lambda w: {"text": "From the national survey."},
    ),
    "monitoring:question-resolve": Endpoint(
        "POST",
        lambda w: reverse("monitoring:question-resolve", args=[w.question.pk]),
        {**OWN_REPORT, "focal": DENIED},
    ),
    "monitoring:value-evidence": Endpoint(
        "GET", lambda w: reverse("monitoring:value-evidence", args=[w.evidence.pk]), OWN_REPORT
    ),
    "monitoring:targets": Endpoint(
        "GET", lambda w: reverse("monitoring:targets", args=[w.plan.code]) + "?economy=KR", EVERYONE
    ),
    "monitoring:review-list": Endpoint(
        "GET", lambda w: reverse("monitoring:review-list", args=[w.plan.code]), EVERYONE
    ),
    "monitoring:review-detail": Endpoint(
        "GET", lambda w: reverse("monitoring:review-detail", args=[w.review.pk]), EVERYONE
    ),
    "monitoring:review-pdf": Endpoint(
        "POST", lambda w: reverse("monitoring:review-pdf", args=[w.review.pk]), SIGNED_IN
    ),
    "monitoring:review-section": Endpoint(
        "POST",
        lambda w: reverse(
            "monitoring:review-section", args=[w.review.pk, w.review.sections.first().pk]
        ),
        ANALYSTS,
        lambda w: {"body": "Progress is uneven."},
    ),
    "monitoring:proposal-list": Endpoint(
        "GET", lambda w: reverse("monitoring:proposal-list", args=[w.plan.code]), REPORTERS
    ),
    "monitoring:proposal-new": Endpoint(
        "GET", lambda w: reverse("monitoring:proposal-new", args=[w.plan.code]), REPORTERS
    ),
}

API: dict[str, Endpoint] = {
    "GET /api/v1/economies": Endpoint("GET", lambda w: "/api/v1/economies", EVERYONE),
    "GET /api/v1/economies/{code}": Endpoint("GET", lambda w: "/api/v1/economies/KR", EVERYONE),
    "GET /api/v1/organisations": Endpoint("GET", lambda w: "/api/v1/organisations", EVERYONE),
    "POST /api/v1/organisations": Endpoint(
        "POST",
        lambda w: "/api/v1/organisations",
        {**EVERYONE, "anonymous": LOGIN},
        lambda w: {
            "legal_name": "New Firm",
            "economy": "KR",
            "isic_division": "62",
            "employees": 3,
        },
    ),
    "GET /api/v1/organisations/{pk}": Endpoint(
        "GET", lambda w: f"/api/v1/organisations/{w.org_a.pk}", EVERYONE
    ),
    "PATCH /api/v1/organisations/{pk}": Endpoint(
        "PATCH",
        lambda w: f"/api/v1/organisations/{w.org_a.pk}",
        {**MEMBERS_OF_A},
        lambda w: {"employees": 12},
    ),
    "GET /api/v1/vocabularies": Endpoint("GET", lambda w: "/api/v1/vocabularies", EVERYONE),
    "GET /api/v1/vocabularies/{code}": Endpoint(
        "GET", lambda w: "/api/v1/vocabularies/barriers", EVERYONE
    ),
    "GET /api/v1/me": Endpoint("GET", lambda w: "/api/v1/me", SIGNED_IN_API),
    "GET /api/v1/programmes": Endpoint("GET", lambda w: "/api/v1/programmes?economy=KR", EVERYONE),
    "GET /api/v1/programmes/{code}": Endpoint(
        "GET", lambda w: f"/api/v1/programmes/{w.programme.code}", EVERYONE
    ),
    "GET /api/v1/programmes/{code}/calls": Endpoint(
        "GET", lambda w: f"/api/v1/programmes/{w.programme.code}/calls", EVERYONE
    ),
    # Only a member may check or apply for a firm; to anyone else the firm is not theirs.
    "GET /api/v1/programmes/{code}/eligibility": Endpoint(
        "GET",
        lambda w: f"/api/v1/programmes/{w.programme.code}/eligibility?organisation={w.org_a.pk}",
        {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "sme_a": OK},
    ),
    "POST /api/v1/calls/{call_id}/applications": Endpoint(
        "POST",
        lambda w: f"/api/v1/calls/{w.free_call.pk}/applications",
        {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "sme_a": OK},
        lambda w: {"organisation": w.org_a.pk, "motivation": "Go digital."},
    ),
    "GET /api/v1/applications": Endpoint("GET", lambda w: "/api/v1/applications", SIGNED_IN_API),
    "POST /api/v1/applications/{pk}/decision": Endpoint(
        "POST",
        lambda w: f"/api/v1/applications/{w.application.pk}/decision",
        {
            **dict.fromkeys(ACTORS, NOT_FOUND),
            "anonymous": LOGIN,
            "sme_a": DENIED,
            "manager": OK,
            "admin": OK,
        },
        lambda w: {"status": "waitlisted", "reason": "Full."},
    ),
    "GET /api/v1/cases": Endpoint("GET", lambda w: "/api/v1/cases?q=bakery", EVERYONE),
    "GET /api/v1/cases/open-data": Endpoint("GET", lambda w: "/api/v1/cases/open-data", EVERYONE),
    "GET /api/v1/cases/{code}": Endpoint(
        "GET", lambda w: f"/api/v1/cases/{w.draft_case.code}", OWN_DRAFT
    ),
    # A case is about its author's organisation: the administrator here belongs to none.
    "POST /api/v1/cases": Endpoint(
        "POST",
        lambda w: "/api/v1/cases",
        {**SIGNED_IN_API, "admin": REFUSED},
        lambda w: {
            "title": "Selling bread online",
            "language": "en",
            "economy": "KR",
            "isic_section": "C",
            "size_class": "micro",
            "period": "covid-19",
            "summary": "A bakery took orders online.",
            "challenges": "No website.",
            "solutions": "A shop on a marketplace.",
        },
    ),
    "POST /api/v1/cases/{code}/move": Endpoint(
        "POST",
        lambda w: f"/api/v1/cases/{w.submitted_case.code}/move",
        {**MODERATE, "anonymous": LOGIN},
        lambda w: {"to": "returned", "note": "Add figures."},
    ),
    "GET /api/v1/assessments/instruments": Endpoint(
        "GET", lambda w: "/api/v1/assessments/instruments", EVERYONE
    ),
    "GET /api/v1/assessments/instruments/{code}": Endpoint(
        "GET", lambda w: "/api/v1/assessments/instruments/iiot-readiness", EVERYONE
    ),
    "GET /api/v1/assessments/responses": Endpoint(
        "GET", lambda w: "/api/v1/assessments/responses", SIGNED_IN_API
    ),
    "POST /api/v1/assessments/responses": Endpoint(
        "POST",
        lambda w: "/api/v1/assessments/responses",
        {
            **dict.fromkeys(ACTORS, DENIED),
            "anonymous": LOGIN,
            "sme_a": OK,
            "manager": OK,
            "admin": OK,
        },
        lambda w: {"instrument": "dma-sme", "organisation": w.org_a.pk, "stage": "after"},
    ),
    "GET /api/v1/assessments/responses/{pk}": Endpoint(
        "GET", lambda w: f"/api/v1/assessments/responses/{w.open_a.pk}", OWN_RESPONSE
    ),
    "PATCH /api/v1/assessments/responses/{pk}": Endpoint(
        "PATCH",
        lambda w: f"/api/v1/assessments/responses/{w.open_a.pk}",
        OWN_RESPONSE,
        lambda w: {"answers": {"q2": ["finance"]}},
    ),
    "POST /api/v1/assessments/responses/{pk}/submit": Endpoint(
        "POST", lambda w: f"/api/v1/assessments/responses/{w.open_a.pk}/submit", OWN_RESPONSE
    ),
    "GET /api/v1/assessments/responses/{pk}/scores": Endpoint(
        "GET", lambda w: f"/api/v1/assessments/responses/{w.done_a.pk}/scores", OWN_RESPONSE
    ),
    "GET /api/v1/assessments/responses/{pk}/benchmark": Endpoint(
        "GET", lambda w: f"/api/v1/assessments/responses/{w.done_a.pk}/benchmark", OWN_RESPONSE
    ),
    "GET /api/v1/assessments/responses/{pk}/report.pdf": Endpoint(
        "GET", lambda w: f"/api/v1/assessments/responses/{w.done_a.pk}/report.pdf", OWN_RESPONSE
    ),
    "GET /api/v1/monitoring/frameworks": Endpoint(
        "GET", lambda w: "/api/v1/monitoring/frameworks", EVERYONE
    ),
    "GET /api/v1/monitoring/frameworks/{code}": Endpoint(
        "GET", lambda w: f"/api/v1/monitoring/frameworks/{w.plan.code}", EVERYONE
    ),
    "GET /api/v1/monitoring/frameworks/{code}/indicators": Endpoint(
        "GET", lambda w: f"/api/v1/monitoring/frameworks/{w.plan.code}/indicators", EVERYONE
    ),
    "GET /api/v1/monitoring/frameworks/{code}/values": Endpoint(
        "GET",
        lambda w: f"/api/v1/monitoring/frameworks/{w.plan.code}/values?economy=KR&period_from=2021",
        EVERYONE,
    ),
    "GET /api/v1/monitoring/frameworks/{code}/progress": Endpoint(
        "GET",
        lambda w: f"/api/v1/monitoring/frameworks/{w.plan.code}/progress?indicator=3.1.2",
        EVERYONE,
    ),
    "GET /api/v1/monitoring/frameworks/{code}/targets": Endpoint(
        "GET", lambda w: f"/api/v1/monitoring/frameworks/{w.plan.code}/targets?economy=KR", EVERYONE
    ),
    # Korea's targets: its focal point sets them, and so do the analysts.
    "PUT /api/v1/monitoring/frameworks/{code}/targets": Endpoint(
        "PUT",
        lambda w: f"/api/v1/monitoring/frameworks/{w.plan.code}/targets",
        {**REPORTERS, "anonymous": LOGIN},
        lambda w: {
            "economy": "KR",
            "targets": [
                {
                    "indicator": "3.1.2",
                    "baseline_year": 2020,
                    "baseline_value": 100,
                    "target_year": 2024,
                    "target_value": 140,
                }
            ],
        },
    ),
    "GET /api/v1/monitoring/submissions": Endpoint(
        "GET", lambda w: "/api/v1/monitoring/submissions", SIGNED_IN_API
    ),
    "GET /api/v1/monitoring/submissions/{pk}": Endpoint(
        "GET", lambda w: f"/api/v1/monitoring/submissions/{w.kr_report.pk}", OWN_REPORT
    ),
    # A focal point writes its own economy's report before approval; analysts only review.
    "PUT /api/v1/monitoring/submissions/{pk}/values": Endpoint(
        "PUT",
        lambda w: f"/api/v1/monitoring/submissions/{w.kr_report.pk}/values",
        {**OWN_REPORT, "analyst": DENIED},
        lambda w: {"values": [{"indicator": "1.1.2", "value": 12}]},
    ),
    "POST /api/v1/monitoring/submissions/{pk}/questions": Endpoint(
        "POST",
        lambda w: f"/api/v1/monitoring/submissions/{w.submitted_report.pk}/questions",
        {**OWN_REPORT, "focal": DENIED},
        lambda w: {"text": "Where does 3.1.2 come from?", "indicator": "3.1.2"},
    ),
    "POST /api/v1/monitoring/questions/{pk}/answers": Endpoint(
        "POST",
        lambda w: f"/api/v1/monitoring/questions/{w.question.pk}/answers",
        OWN_REPORT,
        lambda w: {"text": "From the national survey."},
    ),
    "POST /api/v1/monitoring/questions/{pk}/resolve": Endpoint(
        "POST",
        lambda w: f"/api/v1/monitoring/questions/{w.question.pk}/resolve",
        {**OWN_REPORT, "focal": DENIED},
    ),
    "POST /api/v1/monitoring/submissions/{pk}/move": Endpoint(
        "POST",
        lambda w: f"/api/v1/monitoring/submissions/{w.submitted_report.pk}/move",
        {**OWN_REPORT, "focal": DENIED},
        lambda w: {"to": "returned", "note": "Check 3.1.2."},
    ),
}


def app_policies() -> list:
    """Every ``tests/<app>/policies.py``: the endpoints' policies that apps declare themselves."""
    import tests

    found = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                found.append(importlib.import_module(f"tests.{info.name}.policies"))
            except ModuleNotFoundError as missing:
                if missing.name != f"tests.{info.name}.policies":
                    raise
    return found


APP_POLICIES = app_policies()
for _policies in APP_POLICIES:
    _clash = (set(PAGES) & set(getattr(_policies, "PAGES", {}))) | (
        set(API) & set(getattr(_policies, "API", {}))
    )
    assert not _clash, f"{_policies.__name__} declares policies twice: {sorted(_clash)}"
    PAGES.update(getattr(_policies, "PAGES", {}))
    API.update(getattr(_policies, "API", {}))

# Every URL of the admin site: staff only. The test visits the index and, for each
# registered model, its list, add and change pages.
ADMIN_NAMESPACE = "admin"


def url_patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, str]]:
    """Return (namespace, name or route) of every URL pattern in the configuration."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            found.extend(url_patterns(pattern, inner))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            found.append((namespace, name or str(pattern.pattern)))
    return found


def api_operations() -> list[str]:
    """Return 'METHOD /path' of every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
    )


def test_every_endpoint_has_a_declared_policy():
    missing, api_patterns = [], 0
    for namespace, name in url_patterns():
        if namespace == ADMIN_NAMESPACE:
            continue
        if namespace == "api" and name not in PAGES:
            api_patterns += 1  # an operation's URL: covered by API below
            continue
        if name not in PAGES:
            missing.append(name)
    missing += [op for op in api_operations() if op not in API]
    assert not missing, f"Declare who may use these endpoints in {__name__}: {missing}"
    assert api_patterns > 0
    stale = [name for name in PAGES if name not in {n for _, n in url_patterns()}]
    stale += [op for op in API if op not in api_operations()]
    assert not stale, f"Policies for endpoints that no longer exist: {stale}"


def build_access_world(world):
    """The world, plus a token, a programme with calls, applications and a cohort, and a draft."""
    from d4sme.programmes import services as programme_services
    from tests.programmes.conftest import make_programme, open_call

    world.token_a, _key = api_token_create(user=world.users["sme_a"], name="script")
    world.programme = make_programme("kr-access", rules={"size_classes": ["micro", "small"]})
    world.draft = make_programme("kr-access-draft", published=False)
    world.call, second_call, world.free_call = (open_call(world.programme) for _ in range(3))
    sme, manager = world.users["sme_a"], world.users["manager"]
    world.application = programme_services.application_submit(
        call=world.call, organisation=world.org_a, user=sme, motivation="Go digital."
    )
    accepted = programme_services.application_submit(
        call=second_call, organisation=world.org_a, user=sme, motivation="Again."
    )
    programme_services.application_decide(
        application=accepted, user=manager, status="accepted", reason="Yes."
    )
    world.cohort = programme_services.cohort_create(
        programme=world.programme, user=manager, name="First"
    )
    world.participation = programme_services.participation_add(
        cohort=world.cohort, application=accepted, user=manager
    )
    assessments_for(world)
    cases_for(world)
    monitoring_for(world)
    for policies in APP_POLICIES:
        if hasattr(policies, "world"):
            policies.world(world)
    for actor in ACTORS:
        client_for(world, actor)  # sign each actor in once, inside the world's transaction
    return world


def monitoring_for(world) -> None:
    from d4sme.monitoring.models import Framework, SubmissionStatus
    from d4sme.monitoring.services import (
        question_ask,
        review_create,
        submission_move,
        values_save,
    )
    from tests.monitoring.conftest import APEC, entry, focal_point, mark_the_rest, report

    world.plan = Framework.objects.get(code=APEC)
    focal = world.users["focal"] = focal_point("focal@example.org")
    world.kr_report = report(world.plan, 2024)
    from django.core.files.uploadedfile import SimpleUploadedFile

    values_save(
        submission=world.kr_report,
        user=focal,
        entries=[
            entry(
                world.plan,
                "3.1.2",
                40,
                attachment=SimpleUploadedFile("survey.pdf", b"%PDF-1.4 survey"),
            )
        ],
    )
    world.evidence = world.kr_report.values.get()
    world.submitted_report = report(world.plan, 2022)
    values_save(
        submission=world.submitted_report, user=focal, entries=[entry(world.plan, "3.1.2", 30)]
    )
    mark_the_rest(world.submitted_report, focal)
    submission_move(submission=world.submitted_report, user=focal, to=SubmissionStatus.SUBMITTED)
    world.question = question_ask(
        submission=world.submitted_report, user=world.users["analyst"], text="Which survey?"
    )
    world.review = review_create(
        framework=world.plan,
        user=world.users["analyst"],
        kind="midterm",
        year=2022,
        title="Mid-term",
    )


def cases_for(world) -> None:
    """A draft and a submitted case study written by firm A's member."""
    from tests.casestudies.conftest import make_case

    world.draft_case = make_case(world.users["sme_a"], "Draft story")
    world.submitted_case = make_case(world.users["sme_a"], "Submitted story", status="submitted")


def assessments_for(world) -> None:
    """A submitted and a complete but open assessment of firm A, and the analyst's import."""
    from d4sme.assessments.models import Instrument
    from d4sme.assessments.services import response_import_create, response_save, response_start
    from tests.assessments.conftest import random_answers, take

    world.dma = Instrument.objects.get(pk="dma-sme").current_version()
    answers = random_answers(world.dma.parsed, seed=5)
    world.done_a = take(world.users["sme_a"], world.org_a, world.dma, answers)
    world.open_a = response_start(
        user=world.users["sme_a"], organisation=world.org_a, instrument=world.dma.instrument
    )
    response_save(response=world.open_a, user=world.users["sme_a"], answers=answers)
    world.render_job = render_job_done(world.users["sme_a"], world.done_a)
    world.response_import = response_import_create(
        user=world.users["analyst"], version=world.dma, file_name="survey.csv", content=b""
    )


def render_job_done(user, response):
    """A printed PDF of ``response``'s report that ``user`` asked for (its file is a stand-in)."""
    from django.core.files.base import ContentFile

    from d4sme.assessments.reports import PDF_SOURCE
    from d4sme.reports.models import RenderStatus
    from d4sme.reports.pdf import render_job_create

    job = render_job_create(
        user=user, source=PDF_SOURCE, object_id=response.pk, title="Report", file_name="r.pdf"
    )
    job.file.save("r.pdf", ContentFile(b"%PDF-1.4 stand-in"), save=False)
    job.status = RenderStatus.DONE
    job.save()
    return job


def client_for(world, actor: str) -> Client:
    """A fresh client signed in as ``actor``. The world signs each actor in once (its session
    row lives in the world's transaction); each test's client carries that session's cookie, so
    a test that logs out or switches language leaves the next one untouched."""
    client = Client()
    if actor == "anonymous":
        return client
    sessions = world.__dict__.setdefault("sessions", {})
    if actor not in sessions:
        signer = Client()
        signer.force_login(world.user(actor))
        sessions[actor] = signer.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[actor]
    return client


def outcome(response) -> str:
    status = response.status_code
    if status in (401,) or (
        status == 302 and "/accounts/login/" in response.headers.get("Location", "")
    ):
        return LOGIN
    if status == 403:
        return DENIED
    if status == 404:
        return NOT_FOUND
    if status == 422:
        return REFUSED
    if status == 405:
        return NOT_ALLOWED
    assert status < 400, f"unexpected {status}: {response.content[:300]!r}"
    return OK


def request(client: Client, endpoint: Endpoint, world):
    url, data = endpoint.url(world), endpoint.data(world)
    if endpoint.method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.generic(
            endpoint.method, url, data=json.dumps(data), content_type="application/json"
        )
    return client.post(url, data)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(PAGES) + sorted(API))
def test_endpoint_access(access_world, name, actor):
    endpoint = PAGES.get(name) or API[name]
    response = request(client_for(access_world, actor), endpoint, access_world)
    assert outcome(response) == endpoint.expect[actor]


def admin_urls(world) -> list[str]:
    urls = [reverse("admin:index")]
    as_admin = RequestFactory().get("/")
    as_admin.user = world.user("admin")
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if model_admin.has_add_permission(as_admin):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        obj = model._default_manager.first()
        if obj is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    return urls


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_site_is_for_staff_only(access_world, actor):
    client = client_for(access_world, actor)
    for url in admin_urls(access_world):
        response = client.get(url)
        got = (
            OK
            if response.status_code == 200
            else LOGIN
            if response.status_code == 302
            else str(response.status_code)
        )
        assert got == STAFF_ONLY[actor], url
