"""Demonstration calls and cohort: the Korean programmes the demo manager runs are open for
applications, and one of them runs a cohort of synthetic firms."""

from datetime import timedelta

from django.utils import timezone

from d4sme.registry.selectors import organisation_synthetic_smes

from .models import Application, ApplicationStatus, Call, Cohort, Participation
from .selectors import programme_eligibility, recommendable_programmes

DEMO_CALL_DAYS = 90
DEMO_COHORT = "Demonstration cohort"


def demo_prepare(*, smes: int, seed: int) -> list[str]:
    """Open a call on each running programme of the demo manager's agency that has none.

    Ended and historical programmes, and those whose source states no eligibility, get none.
    """
    today = timezone.localdate()
    opened = []
    programmes = recommendable_programmes().filter(responsible__code__in=["kr-kosmo", "kr-mss"])
    for programme in programmes:
        if not programme.calls.exists():
            Call.objects.create(
                programme=programme,
                title=f"{programme.name}: demonstration call",
                opens_on=today,
                closes_on=today + timedelta(days=DEMO_CALL_DAYS),
            )
            opened.append(programme.name)
    return [f"Opened demonstration calls for: {', '.join(opened)}."] if opened else []


def demo_cohort_enrol(*, size: int) -> list[Participation]:
    """Enrol the first ``size`` synthetic firms that meet its rules in a cohort of the demo
    manager's programme; return their participations, or [] if the cohort exists or too few
    firms qualify.

    Taking only firms the rules admit keeps a manufacturing programme's cohort manufacturers.
    """
    call = (
        Call.objects.filter(programme__co_implementers__code="kr-kosmo")
        .select_related("programme__economy")
        .order_by("id")
        .first()
    )
    if call is None or Cohort.objects.filter(name=DEMO_COHORT).exists():
        return []
    programme = call.programme
    members = []
    for firm in organisation_synthetic_smes(economy=programme.economy_id).iterator():
        verdict = programme_eligibility(programme=programme, organisation=firm)
        if verdict.eligible:
            members.append((firm, verdict))
            if len(members) == size:
                break
    if len(members) < size:
        return []
    cohort = Cohort.objects.create(programme=programme, name=DEMO_COHORT)
    participations = []
    for firm, verdict in members:
        application = Application.objects.create(
            call=call,
            organisation=firm,
            motivation="Demonstration participant.",
            status=ApplicationStatus.ACCEPTED,
            reason="Demonstration.",
            eligibility=verdict.as_dict(),
            decided_at=timezone.now(),
        )
        participations.append(Participation.objects.create(cohort=cohort, application=application))
    return participations
