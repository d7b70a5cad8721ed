"""Template filters about background work."""

from datetime import datetime

from django import template

from d4sme.core.selectors import queued_too_long

register = template.Library()


@register.filter
def waited_too_long(enqueued_at: datetime | None) -> bool:
    """Return whether work queued at ``enqueued_at`` has waited past the warning threshold."""
    return queued_too_long(enqueued_at)
