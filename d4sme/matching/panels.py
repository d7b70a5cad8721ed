"""The matching app's sections on other apps' pages: the home page and the assessment report."""

from django.template.loader import render_to_string

from d4sme.registry.selectors import organisations_of_user

from .recommend import programme_recommendations

# Recommendations a panel shows; the full list is one link away.
PANEL_SIZE = 3


def home_recommendations(request) -> str:
    """The best-fitting programmes for each of the signed-in user's firms."""
    firms = organisations_of_user(user=request.user).filter(kind="sme")
    found = [programme_recommendations(organisation=firm) for firm in firms]
    if not found:
        return ""
    return render_to_string(
        "matching/_panel.html",
        {"found": found, "size": PANEL_SIZE, "heading_id": "recommended-home"},
        request=request,
    )


def report_recommendations(report, request) -> str:
    """The best-fitting programmes for the assessed firm, on its assessment report."""
    organisation = report.response.organisation
    if not request.user.has_perm("matching.view_recommendations", organisation):
        return ""
    found = [programme_recommendations(organisation=organisation)]
    return render_to_string(
        "matching/_panel.html",
        {"found": found, "size": PANEL_SIZE, "heading_id": "recommended-report"},
        request=request,
    )


def peer_cases(report, request) -> str:
    """Published cases of firms like the assessed one that overcame the barriers its assessment
    found: most barriers shared first, then the same sector, size class and economy."""
    from d4sme.casestudies.selectors import cases_facing

    firm = report.response.organisation
    codes = sorted({f.rule.barrier for f in report.findings if f.rule.barrier})
    cases = (
        cases_facing(
            codes,
            limit=3,
            sector=firm.isic_section,
            size_class=firm.size_class,
            economy=firm.economy_id,
        )
        if codes
        else []
    )
    if not cases:
        return ""
    return render_to_string("matching/_peer_cases.html", {"cases": cases}, request=request)
