"""What every API router shares: authentication and the mapping of errors to 4xx answers."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from d4sme.core.pagination import InvalidCursor


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        from d4sme.registry import selectors, services

        user = selectors.api_token_user(key_hash=services.api_token_hash(token))
        if user is None:
            return None
        request.user = user
        user.api_tokens.filter(key_hash=services.api_token_hash(token)).update(
            last_used_at=timezone.now()
        )
        return user


# A personal token for scripts, or the browser session (with its CSRF check) for pages.
AUTHENTICATED = [TokenAuth(), django_auth]


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
