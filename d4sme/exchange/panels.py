"""The exchange app's section on a framework indicator's page: official statistics beside
the values economies report."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import selectors


def official_beside_panel(indicator, request) -> str:
    """Return the official series linked to the indicator as HTML ("" when none are)."""
    blocks = selectors.official_beside(indicator_id=indicator.pk)
    if not blocks:
        return ""
    return render_to_string(
        "exchange/_beside.html", {"indicator": indicator, "blocks": blocks}, request=request
    )
