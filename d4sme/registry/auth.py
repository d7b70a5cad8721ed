"""API authentication: personal tokens for scripts, the session for the browser."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from . import services


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = services.api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The browser's signed-in session, with its CSRF check.

    django-ninja checks the CSRF token before it looks at the session, so a request without
    any credentials got "403 CSRF check failed"; it is a 401, since nobody is signed in.
    """

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


# A personal token for scripts, or the browser session (with its CSRF check) for pages.
AUTHENTICATED = [TokenAuth(), SignedInSession()]


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
