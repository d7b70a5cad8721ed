"""Template context every page gets."""

from django.http import HttpRequest

from .menu import menu_for
from .selectors import task_backlog_get


def task_backlog(request: HttpRequest) -> dict:
    """Return, for administrators only, the background work that has waited too long."""
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return {}
    backlog = task_backlog_get()
    return {"task_backlog": backlog} if backlog.waiting else {}


def main_menu(request: HttpRequest) -> dict:
    """Return the main menu's entries for the visitor of ``request``."""
    return {"main_menu": menu_for(getattr(request, "user", None))}
