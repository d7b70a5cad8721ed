"""The OpenAPI document describes every response body, so that clients can be generated from it
and schemathesis can check each answer field by field."""

from __future__ import annotations

import pytest

SCHEMA_PATH = "/api/v1/openapi.json"


def _resolve(document: dict, schema: dict) -> dict:
    """The schema itself, following a $ref into the document's components."""
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def _undescribed(document: dict, schema: dict) -> str | None:
    """Why a response body's schema leaves its shape open, or None when it describes it."""
    schema = _resolve(document, schema)
    if schema.get("type") == "array":
        return _undescribed(document, schema.get("items", {}))
    if schema.get("type") == "object" and not schema.get("properties"):
        return "an object without properties"
    if not schema:
        return "no schema"
    return None


@pytest.fixture(scope="module")
def document() -> dict:
    from d4sme.api import api

    return api.get_openapi_schema(path_prefix="/api/v1/")


def test_every_success_response_has_a_described_body(document):
    # A body typed as a bare dict is documented as {"type": "object"}: any JSON object passes,
    # so neither a client nor the schema check learns what the fields are.
    open_bodies = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not str(status).startswith("2"):
                    continue
                content = response.get("content", {})
                if not content and str(status) != "204":
                    open_bodies.append(f"{method.upper()} {path} {status}: no body described")
                for media_type, body in content.items():
                    if media_type != "application/json":
                        continue  # a file: its media type is its description
                    why = _undescribed(document, body.get("schema", {}))
                    if why:
                        open_bodies.append(f"{method.upper()} {path} {status}: {why}")
    assert open_bodies == []
