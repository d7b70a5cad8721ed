"""Demonstration reporting on the APEC plan: synthetic values, targets, a review, proposals.

Every value is invented (its source says so). Sixteen of the 21 economies report 2021 to
2023 and have them approved; the demo focal point's economy (Korea) has its 2024 report
open as a draft; two more 2024 reports wait for review. A submitted report gives every
indicator a value or the status "not collected", as the submission rule asks. Baselines (2020) and 2024 targets
exist per economy for most quantitative indicators, and for the region. The mid-term review
is taken after the 2021 reports were approved, so its snapshot shows only them, as it would
have in 2022.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from d4sme.registry.models import Role
from d4sme.registry.selectors import user_with_role

from . import services
from .models import (
    Aggregation,
    Flag,
    Framework,
    Measure,
    Proposal,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    Target,
    Value,
)

FRAMEWORK = "apec-smewg-2021-2024"
SOURCE = "Synthetic demonstration data"
NOT_REPORTING = {"PG", "RU", "BN", "HK", "VN"}
PROPOSALS = [
    (
        "Digital skills bootcamps for women-led micro-enterprises",
        "PH",
        "Train 600 women-led micro-enterprises in e-commerce, digital payments and online marketing.",
        "A regional series of bootcamps and mentoring that helps women entrepreneurs sell online and take part in digital trade.",
        [3],
        140000,
        6,
        True,
    ),
    (
        "SME export matchmaking fair on the sidelines of the trade ministers' meeting",
        "CL",
        "Connect SMEs with buyers in other APEC economies and explain the rules of origin of trade agreements.",
        "Matchmaking sessions between SME exporters and international buyers, with seminars on trade facilitation.",
        [2],
        220000,
        4,
        True,
    ),
    (
        "Guía regional de financiamiento colectivo para pymes",
        "MX",
        "Elaborar una guía sobre plataformas de financiamiento colectivo y préstamos en línea para pymes.",
        "Estudio de las fintech que ofrecen crédito a pequeñas empresas y talleres con reguladores.",
        [4],
        90000,
        3,
        False,
    ),
    (
        "Survey of coastal fish stocks",
        "NZ",
        "Estimate fish stocks along the coast.",
        "Sonar surveys of pelagic species.",
        [1],
        400000,
        1,
        False,
    ),
]


def _series(rng: random.Random, measure: str) -> tuple[float, float]:
    """A plausible 2020 baseline and yearly growth for an indicator in one economy."""
    if measure == Measure.PERCENTAGE:
        return round(rng.uniform(5, 60), 1), rng.gauss(0.05, 0.06)
    if measure == Measure.MONEY:
        return round(10 ** rng.uniform(1, 3.5), 1), rng.gauss(0.05, 0.08)
    return float(round(10 ** rng.uniform(1, 3.3))), rng.gauss(0.05, 0.08)


def _value(measure: str, base: float, growth: float, years: int, rng: random.Random) -> float:
    value = base * (1 + growth) ** years * rng.uniform(0.97, 1.03)
    if measure == Measure.PERCENTAGE:
        return round(min(value, 100.0), 1)
    if measure == Measure.MONEY:
        return round(value, 1)
    return float(round(value))


@transaction.atomic
def reporting_demo(seed: int = 7) -> list[str]:
    framework = Framework.objects.filter(code=FRAMEWORK).first()
    if framework is None or Submission.objects.filter(cycle__framework=framework).exists():
        return []
    rng = random.Random(seed)
    analyst = user_with_role(role=Role.ANALYST)
    focal = user_with_role(role=Role.FOCAL_POINT)
    if analyst is None or focal is None:
        return []
    economies = [e.code for e in framework.economies.members.order_by("code")]
    reporting = [e for e in economies if e not in NOT_REPORTING]
    indicators = list(framework.indicators.exclude(measure=Measure.QUALITATIVE))
    cycles = {c.period: c for c in framework.cycles.all()}
    shape = {(i.pk, e): _series(rng, i.measure) for i in indicators for e in reporting}
    targets = []
    for indicator in indicators:
        economy_targets = []
        for economy in reporting:
            base, growth = shape[(indicator.pk, economy)]
            if rng.random() < 0.8:
                aim = base * (1 + max(growth, 0) + rng.uniform(0.0, 0.05)) ** 4
                aim = min(aim, 100.0) if indicator.measure == Measure.PERCENTAGE else aim
                economy_targets.append((base, aim))
                targets.append(
                    Target(
                        indicator=indicator,
                        economy_id=economy,
                        baseline_year=2020,
                        baseline_value=base,
                        target_year=2024,
                        target_value=round(aim, 1),
                        source=SOURCE,
                    )
                )
        if indicator.aggregation == Aggregation.SUM and economy_targets:
            targets.append(
                Target(
                    indicator=indicator,
                    economy=None,
                    baseline_year=2020,
                    baseline_value=round(sum(b for b, _a in economy_targets), 1),
                    target_year=2024,
                    target_value=round(sum(a for _b, a in economy_targets), 1),
                    source=SOURCE,
                )
            )
    Target.objects.bulk_create(targets)

    qualitative = list(framework.indicators.filter(measure=Measure.QUALITATIVE))

    def missing(submission: Submission, indicator, period: int, economy: str) -> Value:
        return Value(
            submission=submission,
            indicator=indicator,
            economy_id=economy,
            period=period,
            flag=Flag.NOT_COLLECTED,
            source=SOURCE,
            updated_by=focal,
        )

    def report(period: int, economy: str, status: str) -> Submission:
        cycle = cycles[period]
        at = timezone.make_aware(
            datetime.datetime.combine(cycle.closes_on, datetime.time(12))
        ) - datetime.timedelta(days=rng.randint(-10, 40))
        submission = Submission.objects.create(
            cycle=cycle,
            economy_id=economy,
            status=status,
            submitted_at=at if status != SubmissionStatus.DRAFT else None,
            approved_at=at + datetime.timedelta(days=14)
            if status == SubmissionStatus.APPROVED
            else None,
        )
        values = []
        for indicator in indicators:
            if rng.random() < 0.15:  # some indicators go unreported
                if status != SubmissionStatus.DRAFT:
                    # A submitted report says why: these were not collected that year.
                    values.append(missing(submission, indicator, period, economy))
                continue
            base, growth = shape[(indicator.pk, economy)]
            values.append(
                Value(
                    submission=submission,
                    indicator=indicator,
                    economy_id=economy,
                    period=period,
                    value=_value(indicator.measure, base, growth, period - 2020, rng),
                    source=SOURCE,
                    updated_by=focal,
                )
            )
        if status != SubmissionStatus.DRAFT:
            values += [missing(submission, i, period, economy) for i in qualitative]
        bulk_create_with_history(values, Value, default_user=focal)
        if status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
            SubmissionEvent.objects.create(
                submission=submission, from_status="draft", to_status="submitted", by=focal
            )
        if status == SubmissionStatus.APPROVED:
            SubmissionEvent.objects.create(
                submission=submission, from_status="submitted", to_status="approved", by=analyst
            )
        return submission

    lines = []
    for economy in reporting:
        report(2021, economy, SubmissionStatus.APPROVED)
    review = services.review_create(
        framework=framework,
        user=analyst,
        kind="midterm",
        year=2022,
        title="Mid-term review of the APEC SMEWG Strategic Plan 2021-2024 (demonstration)",
    )
    overview = review.sections.get(priority_area=None)
    overview.body = (
        "Demonstration narrative. Sixteen economies reported on 2021. Digital capability "
        "indicators moved fastest; finance indicators have the largest data gaps."
    )
    overview.updated_by = analyst
    overview.save()
    for period in (2022, 2023):
        for economy in reporting:
            report(period, economy, SubmissionStatus.APPROVED)
    for economy in ("AU", "JP"):
        report(2024, economy, SubmissionStatus.SUBMITTED)
    report(2024, "KR", SubmissionStatus.DRAFT)
    lines.append(
        f"Reported synthetic KPI values for {len(reporting)} APEC economies, 2021-2023 approved, "
        f"2024 in progress; {len(targets)} baselines and targets; mid-term review {review.snapshot_id}."
    )
    for (
        title,
        economy,
        objectives,
        description,
        areas,
        budget,
        involved,
        indicators_stated,
    ) in PROPOSALS:
        proposal = Proposal.objects.create(
            framework=framework,
            title=title,
            proponent_id=economy,
            objectives=objectives,
            description=description,
            budget=budget,
            economies_involved=involved,
            has_indicators=indicators_stated,
            created_by=focal,
        )
        proposal.priority_areas.set(framework.priority_areas.filter(number__in=areas))
    lines.append(f"Added {len(PROPOSALS)} synthetic project proposals.")
    return lines


def demo_prepare(*, smes: int, seed: int) -> list[str]:
    return reporting_demo(seed)
