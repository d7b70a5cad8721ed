"""Demonstration calls and cohort: the Korean programmes the demo manager runs are open for
applications, and one of them runs a cohort of synthetic firms."""

from datetime import timedelta

from django.utils import timezone

from d4sme.registry.selectors import organisation_synthetic_smes

from .models import Application, ApplicationStatus, Call, Cohort, Participation, Programme
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


def demo_evaluated_programme():
    """Return the demo agencies' programme with a demonstration call whose rules admit the most
    firms (None before any call opens): the one the demo evaluates."""
    from .selectors import programme_eligible_firm_ids

    candidates = (
        Programme.objects.filter(calls__isnull=False, responsible__code__in=["kr-kosmo", "kr-mss"])
        .distinct()
        .order_by("id")
    )
    best, most = None, -1
    for programme in candidates:
        found = len(programme_eligible_firm_ids(programme=programme))
        if found > most:
            best, most = programme, found
    return best


def demo_cohort_add(*, programme, name: str, starts_on, organisation_ids: list[int]) -> int:
    """Enrol those of the given synthetic firms that meet its rules in a past cohort of
    ``programme``, named ``name`` and starting on ``starts_on``, through its first call; return
    how many were enrolled (0 if the cohort exists or the programme has no call)."""
    call = programme.calls.order_by("id").first()
    if call is None or Cohort.objects.filter(programme=programme, name=name).exists():
        return 0
    cohort = Cohort.objects.create(programme=programme, name=name, starts_on=starts_on)
    firms = organisation_synthetic_smes(economy=programme.economy_id).filter(
        pk__in=list(organisation_ids)
    )
    enrolled = 0
    for firm in firms:
        verdict = programme_eligibility(programme=programme, organisation=firm)
        if not verdict.eligible:
            continue
        application = Application.objects.create(
            call=call,
            organisation=firm,
            motivation="Demonstration participant.",
            status=ApplicationStatus.ACCEPTED,
            reason="Demonstration.",
            eligibility=verdict.as_dict(),
            decided_at=timezone.now(),
        )
        Participation.objects.create(cohort=cohort, application=application, started_on=starts_on)
        enrolled += 1
    return enrolled
