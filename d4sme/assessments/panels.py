"""Sections other apps add to the SME's report, without the assessments app importing them.

An app registers, through :mod:`d4sme.core.hooks` (``ASSESSMENT_REPORT_PANELS``), a function
taking the report and returning HTML (for example the case-study databank's "peers who
overcame the same barriers"); the report page shows each non-empty result after the barriers
and next steps.
"""

from d4sme.core.hooks import ASSESSMENT_REPORT_PANELS, hook_results


def render_panels(report, request) -> list[str]:
    """Return the HTML of every non-empty section other apps add to ``report``."""
    return hook_results(ASSESSMENT_REPORT_PANELS, report, request)
