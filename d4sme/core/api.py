"""What every API router shares: one error shape, its status codes, and bounded parameters.

Status codes say what is wrong: 401 without credentials, 403 when the caller may not, 404 for
what does not exist (or must not be known to exist), 422 for input that is not valid, with
the reason in ``detail``.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema

from d4sme.core.pagination import InvalidCursor

# The largest value a database row id holds (a 64-bit signed integer on SQLite and PostgreSQL).
MAX_ID = 2**63 - 1
# Codes and slugs in paths: the longest stored is a case's code (80 characters).
MAX_CODE_LENGTH = 100
# A search box's text, a note or a reason; longer text is not a query but a mistake or an attack.
MAX_QUERY_LENGTH = 200
MAX_NOTE_LENGTH = 4_000
# A case's long fields (summary, challenges, solutions, ...).
MAX_TEXT_LENGTH = 20_000
# How many values a repeated filter (``?economy=KR&economy=BR``) may take.
MAX_CHOICES = 50
# Years the platform's records can be about.
MIN_YEAR, MAX_YEAR = 1900, 2100

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Code = Annotated[str, Field(min_length=1, max_length=MAX_CODE_LENGTH)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
SearchText = Annotated[str, Field(max_length=MAX_QUERY_LENGTH)]
Choice = Annotated[str, Field(max_length=MAX_CODE_LENGTH)]
Choices = Annotated[list[Choice], Field(max_length=MAX_CHOICES)]
Note = Annotated[str, Field(max_length=MAX_NOTE_LENGTH)]
Text = Annotated[str, Field(max_length=MAX_TEXT_LENGTH)]


class Error(Schema):
    """Why a request failed: a sentence, the fields' messages, or the validator's list."""

    detail: str | dict | list


def _message_dict(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def _error_ref(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "Error", Error.model_json_schema()
    )
    return {
        "description": "The reason, in `detail`.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


class API(NinjaAPI):
    """django-ninja's API whose document states the error answers every operation may give."""

    def get_openapi_schema(self, **kwargs: Any):
        schema = super().get_openapi_schema(**kwargs)
        error = _error_ref(schema)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault(422, error)
                if operation.get("requestBody"):
                    responses.setdefault(400, error)  # a body that is not JSON at all
                if operation.get("security"):
                    responses.setdefault(401, error)
                if any(p["in"] == "path" for p in operation.get("parameters", [])):
                    responses.setdefault(404, error)
        return schema


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer domain errors with a 4xx status and a reason the client can show."""

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": _message_dict(exc)}, status=422)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc) or "You may not do this."}, status=403
        )

    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)

    @api.exception_handler(InvalidCursor)
    def invalid_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
        return api.create_response(
            request, {"detail": "The cursor is not valid; start again without one."}, status=422
        )
