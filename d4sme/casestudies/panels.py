"""The case-study databank's section on an SME's assessment report."""

from django.template.loader import render_to_string

from .selectors import cases_facing


def peer_cases(report, request) -> str:
    """Published cases of peers who overcame the barriers the assessment found."""
    codes = sorted({f.rule.barrier for f in report.findings})
    cases = cases_facing(codes, limit=3) if codes else []
    if not cases:
        return ""
    return render_to_string("casestudies/_peer_cases.html", {"cases": cases}, request=request)
