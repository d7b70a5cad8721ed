"""Next steps that apps offer a signed-in user on the home page (through ``HOME_PANELS``).

Each app knows what its part of a user's work looks like (an assessment to finish, applications
to decide, a report returned with notes); it lists them as steps and ``steps_panel`` prints them
the same way for every app, so the home page tells each role what to do next.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Step:
    text: str
    url: str
    detail: str = ""


def steps_panel(request, *, heading: str, heading_id: str, steps: list[Step]) -> str:
    """Return the HTML of a panel of ``steps`` under ``heading``, or "" when there are none."""
    if not steps:
        return ""
    return render_to_string(
        "core/_next_steps.html",
        {"heading": heading, "heading_id": heading_id, "steps": steps},
        request=request,
    )
