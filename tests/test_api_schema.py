"""The API against its own OpenAPI document, fuzzed by schemathesis.

Every operation of the served document gets generated requests, valid ones and invalid ones,
anonymously and with personal tokens; any 5xx, any status the document does not declare and
any response that does not match its declared schema fails the test. Requests go through the
Django application in process (schemathesis' WSGI transport), inside the test's transaction.

Each generated request runs in a savepoint that is rolled back, so every request sees the same
world whatever ran before it: writes (creating a case, applying to a call, saving values)
leave nothing behind, and with Hypothesis derandomised the run is the same each time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from d4sme.registry.services import api_token_create

SCHEMA_PATH = "/api/v1/openapi.json"
# Enough to reach past the happy path of each parameter, few enough for a few minutes in all.
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 4}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# Path parameters naming records of the world, so that generated requests also reach the
# code behind a record that exists; the key is the operation, or its path for every method.
REAL_PATHS: dict[str, Callable] = {
    "/api/v1/economies/{code}": lambda w: {"code": "KR"},
    "/api/v1/organisations/{pk}": lambda w: {"pk": w.org_a.pk},
    "/api/v1/vocabularies/{code}": lambda w: {"code": "technologies"},
    "/api/v1/programmes/{code}/eligibility": lambda w: {"code": w.programme.code},
    "/api/v1/programmes/{code}/calls": lambda w: {"code": w.programme.code},
    "/api/v1/programmes/{code}": lambda w: {"code": w.programme.code},
    "/api/v1/calls/{call_id}/applications": lambda w: {"call_id": w.free_call.pk},
    "/api/v1/applications/{pk}/decision": lambda w: {"pk": w.application.pk},
    "/api/v1/cases/{code}/move": lambda w: {"code": w.submitted_case.code},
    "/api/v1/cases/{code}": lambda w: {"code": w.draft_case.code},
    "/api/v1/assessments/instruments/{code}": lambda w: {"code": "dma-sme"},
    "PATCH /api/v1/assessments/responses/{pk}": lambda w: {"pk": w.open_a.pk},
    "/api/v1/assessments/responses/{pk}/submit": lambda w: {"pk": w.open_a.pk},
    "/api/v1/assessments/responses/{pk}": lambda w: {"pk": w.done_a.pk},
    "/api/v1/monitoring/frameworks/{code}": lambda w: {"code": w.plan.code},
    "/api/v1/monitoring/submissions/{pk}/move": lambda w: {"pk": w.submitted_report.pk},
    "/api/v1/monitoring/submissions/{pk}": lambda w: {"pk": w.kr_report.pk},
}


def real_path_parameters(world, method: str, path: str) -> dict | None:
    """Return path parameters naming a record of the world, or None for a path without any."""
    if "{" not in path:
        return None
    for key, make in REAL_PATHS.items():
        wanted_method, _, prefix = key.rpartition(" ")
        if wanted_method in ("", method) and (path == prefix or path.startswith(prefix + "/")):
            return make(world)
    return None  # a new operation: generated path parameters only


@pytest.fixture
def wsgi_app(access_world) -> Iterator[WSGIHandler]:
    """The Django application, served in process without closing the test's connection.

    At the end of a request Django closes a connection whose autocommit differs from the
    settings', which inside the test's transaction it always does; the test client turns
    that off the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz(strategy, headers: dict, examples: int) -> None:
    """Send ``examples`` generated requests, each rolled back; raise on the first failure."""

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def run(case):
        with transaction.atomic():
            case.call_and_validate(headers=headers, checks=CHECKS)
            transaction.set_rollback(True)

    run()


@pytest.mark.parametrize("actor", ["anonymous", "sme_a", "analyst"])
def test_api_answers_as_documented(access_world, wsgi_app, actor):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
    headers = {}
    if actor != "anonymous":
        _token, key = api_token_create(user=access_world.user(actor), name="fuzz")
        headers["Authorization"] = f"Bearer {key}"
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        method, path = operation.method.upper(), operation.path
        real = real_path_parameters(access_world, method, path)
        runs = [(mode, None, n) for mode, n in EXAMPLES.items()]
        if real:
            runs.append((GenerationMode.POSITIVE, real, EXAMPLES[GenerationMode.POSITIVE]))
        for mode, path_parameters, examples in runs:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            try:
                fuzz(strategy, headers, examples)
            except Unsatisfiable:
                continue  # nothing to make invalid: an operation without parameters
            except (Exception, BaseExceptionGroup) as exc:  # each operation is reported
                failures.append(f"{method} {path} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
