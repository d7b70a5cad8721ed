"""Sections other apps add to the SME's report, without the assessments app importing them.

An app that sits above assessments registers a function taking the report and returning
HTML (for example the case-study databank's "peers who overcame the same barriers"); the
report page shows each non-empty result after the barriers and next steps.
"""

from collections.abc import Callable

REPORT_PANELS: list[Callable] = []


def register(panel: Callable) -> Callable:
    if panel not in REPORT_PANELS:
        REPORT_PANELS.append(panel)
    return panel


def render_panels(report, request) -> list[str]:
    return [html for panel in REPORT_PANELS if (html := panel(report, request))]
