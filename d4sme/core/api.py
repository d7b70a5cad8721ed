"""What every API router shares: the mapping of domain errors to 4xx answers."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from d4sme.core.pagination import InvalidCursor


def _message_dict(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer domain errors with a 4xx status and a reason the client can show."""

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": _message_dict(exc)}, status=400)

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
            request, {"detail": "The cursor is not valid; start again without one."}, status=400
        )
