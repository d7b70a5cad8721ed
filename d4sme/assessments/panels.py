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


def home_steps(request) -> str:
    """The signed-in member's assessments: one to finish, the latest report, or a first one."""
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from d4sme.core.steps import Step, steps_panel
    from d4sme.registry.selectors import organisations_of_user

    from .models import ResponseStatus
    from .selectors import responses_visible_to

    firms = [o for o in organisations_of_user(user=request.user) if o.kind == "sme"]
    if not firms:
        return ""
    responses = responses_visible_to(request.user).filter(organisation__in=firms)
    steps = []
    for firm in firms:
        mine = [r for r in responses if r.organisation_id == firm.pk]
        open_ = next((r for r in mine if r.status == ResponseStatus.IN_PROGRESS), None)
        done = max(
            (r for r in mine if r.status == ResponseStatus.SUBMITTED),
            key=lambda r: r.submitted_at,
            default=None,
        )
        if open_ is not None:
            steps.append(
                Step(
                    _("Finish the assessment of %(firm)s") % {"firm": firm.legal_name},
                    reverse("assessments:response-resume", args=[open_.pk]),
                    _("started on %(date)s") % {"date": date_format(open_.created_at.date())},
                )
            )
        if done is not None:
            steps.append(
                Step(
                    _("Read %(firm)s's assessment report") % {"firm": firm.legal_name},
                    reverse("assessments:response-report", args=[done.pk]),
                    _("assessed on %(date)s, score %(score)s")
                    % {
                        "date": date_format(done.submitted_at.date()),
                        "score": f"{done.overall:.0f}",
                    },
                )
            )
        elif open_ is None:
            steps.append(
                Step(
                    _("Assess how digital %(firm)s is") % {"firm": firm.legal_name},
                    reverse("assessments:start"),
                    _("and see where it stands among its peers"),
                )
            )
    return steps_panel(
        request, heading=_("Your assessments"), heading_id="steps-assessments", steps=steps
    )
