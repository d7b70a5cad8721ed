"""API authentication: personal tokens for scripts, the session for the browser."""

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from . import services


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = services.api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


# A personal token for scripts, or the browser session (with its CSRF check) for pages.
AUTHENTICATED = [TokenAuth(), django_auth]


def caller(request: HttpRequest):
    """Return the user behind a request: a personal token's, else the session's (may be anonymous)."""
    if getattr(request, "auth", None):
        return request.auth
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and key:
        user = services.api_token_authenticate(key=key.strip())
        if user is not None:
            return user
    return request.user
