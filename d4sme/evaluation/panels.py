"""What the evaluation app adds to other apps' pages through hooks."""

from django.template.loader import render_to_string

from .selectors import evaluation_latest_approved


def programme_evaluation_panel(programme, request) -> str:
    """A programme page's link to its latest approved evaluation and its evidence rating."""
    evaluation = evaluation_latest_approved(programme=programme)
    if evaluation is None:
        return ""
    return render_to_string(
        "evaluation/_programme_panel.html", {"evaluation": evaluation}, request=request
    )
