"""What monitoring asks of a signed-in user next, on the home page (``HOME_PANELS``): a focal
point's reports to write or correct, an analyst's reports to review."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from d4sme.core.steps import Step, steps_panel

from .models import ReportingCycle, Submission, SubmissionStatus
from .rules import focal_economies


def home_steps(request) -> str:
    user = request.user
    own = focal_economies(user)
    reviewer = user.has_perm("monitoring.review_submission")
    if not own and not reviewer:
        return ""
    steps = []
    today = timezone.localdate()
    if own:
        open_cycles = ReportingCycle.objects.filter(opens_on__lte=today).select_related("framework")
        reports = {
            (s.cycle_id, s.economy_id): s
            for s in Submission.objects.filter(cycle__in=open_cycles, economy_id__in=own)
        }
        for cycle in open_cycles.order_by("-period"):
            members = set(cycle.framework.economies.members.values_list("code", flat=True))
            for economy in sorted(own & members):
                report = reports.get((cycle.pk, economy))
                if report is None and cycle.closes_on >= today:
                    steps.append(
                        Step(
                            _("Start %(economy)s's %(period)s report for %(plan)s")
                            % {"economy": economy, "period": cycle.period, "plan": cycle.framework},
                            reverse("monitoring:reporting", args=[cycle.framework.code]),
                            _("due by %(date)s") % {"date": date_format(cycle.closes_on)},
                        )
                    )
                elif report is not None and report.status in (
                    SubmissionStatus.DRAFT,
                    SubmissionStatus.RETURNED,
                ):
                    steps.append(
                        Step(
                            (
                                _("Correct %(economy)s's %(period)s report")
                                if report.status == SubmissionStatus.RETURNED
                                else _("Finish %(economy)s's %(period)s report")
                            )
                            % {"economy": economy, "period": cycle.period},
                            reverse("monitoring:submission", args=[report.pk]),
                            report.get_status_display()
                            if report.status == SubmissionStatus.RETURNED
                            else _("due by %(date)s") % {"date": date_format(cycle.closes_on)},
                        )
                    )
    if reviewer:
        waiting = (
            Submission.objects.filter(status=SubmissionStatus.SUBMITTED)
            .values("cycle__framework__code", "cycle__framework__name")
            .annotate(n=Count("pk"))
            .order_by("cycle__framework__code")
        )
        for row in waiting:
            steps.append(
                Step(
                    ngettext(
                        "Review %(count)d submitted report for %(plan)s",
                        "Review %(count)d submitted reports for %(plan)s",
                        row["n"],
                    )
                    % {"count": row["n"], "plan": row["cycle__framework__name"]},
                    reverse("monitoring:reporting", args=[row["cycle__framework__code"]]),
                )
            )
    return steps_panel(request, heading=_("Reporting"), heading_id="steps-monitoring", steps=steps)
