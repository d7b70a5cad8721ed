"""Demonstration assessments: synthetic firms' scores, peer benchmarks and one measured cohort.

Every synthetic SME answers the digital maturity questionnaire once (before support);
synthetic manufacturers also answer the industrial IoT questionnaire. A demonstration cohort
of the demo manager's programme is assessed before and after support, so the dashboard shows
before/after change, and the demo SME has a report to open.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from d4sme.programmes.models import (
    Application,
    ApplicationStatus,
    Call,
    Cohort,
    Participation,
)
from d4sme.programmes.selectors import programme_eligibility
from d4sme.registry.models import Organisation

from .benchmarks import benchmarks_refresh
from .generator import answers_of, features_generate, maturities
from .models import Instrument, Mode, Response, ResponseStatus, Stage
from .scoring import engine
from .services import stored_fields

DMA, IIOT = "dma-sme", "iiot-readiness"
SIZE_SHIFT = {"micro": -0.08, "small": 0.0, "medium": 0.08, "large": 0.12}
COHORT_SIZE = 8


def _responses(version, organisations, stage, rng, shift=0.0, when=None, participations=None):
    scoring = engine(version.parsed)
    sizes = np.array([SIZE_SHIFT.get(o.size_class, 0.0) for o in organisations])
    features = features_generate(scoring, maturities(rng, len(organisations), sizes + shift), rng)
    scores = scoring.score(features)
    when = when or timezone.now()
    return [
        Response(
            version=version,
            organisation=organisation,
            stage=stage,
            mode=Mode.SELF,
            status=ResponseStatus.SUBMITTED,
            answers=answers_of(scoring, features[i]),
            page=len(version.parsed.pages) + 1,
            submitted_at=when,
            participation=(participations or {}).get(organisation.pk),
            is_synthetic=True,
            **stored_fields(scores.result(i)),
        )
        for i, organisation in enumerate(organisations)
    ]


def _cohort(version, rng) -> int:
    """Assess a cohort of the demo manager's programme before and after support.

    Its members are the first synthetic firms that meet the programme's rules, so a
    manufacturing programme's cohort holds manufacturers only.
    """
    call = (
        Call.objects.filter(programme__co_implementers__code="kr-kosmo")
        .select_related("programme__economy")
        .order_by("id")
        .first()
    )
    if call is None or Cohort.objects.filter(name="Demonstration cohort").exists():
        return 0
    programme = call.programme
    candidates = (
        Organisation.objects.filter(is_synthetic=True, kind="sme")
        .select_related("region")
        .order_by("id")
    )
    if programme.economy_id:
        candidates = candidates.filter(economy_id=programme.economy_id)
    members = []
    for firm in candidates.iterator():
        verdict = programme_eligibility(programme=programme, organisation=firm)
        if verdict.eligible:
            members.append((firm, verdict))
            if len(members) == COHORT_SIZE:
                break
    if len(members) < COHORT_SIZE:
        return 0
    cohort = Cohort.objects.create(programme=programme, name="Demonstration cohort")
    participations = {}
    firms = [firm for firm, _verdict in members]
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
        participations[firm.pk] = Participation.objects.create(
            cohort=cohort, application=application
        )
    start = timezone.now() - timedelta(days=180)
    before = _responses(version, firms, Stage.BEFORE, rng, -0.05, start, participations)
    after = _responses(version, firms, Stage.AFTER, rng, 0.12, timezone.now(), participations)
    Response.objects.bulk_create(before + after)
    return len(firms)


@transaction.atomic
def demo_prepare(*, smes: int, seed: int) -> list[str]:
    if Response.objects.filter(is_synthetic=True).exists():
        return []
    rng = np.random.default_rng(seed)
    lines = []
    for code in (DMA, IIOT):
        instrument = Instrument.objects.filter(pk=code).first()
        version = instrument.current_version() if instrument else None
        if version is None:
            continue
        firms = Organisation.objects.filter(is_synthetic=True, kind="sme").order_by("id")
        if code == IIOT:
            firms = firms.filter(isic_section="C")
        firms = list(firms)
        created = Response.objects.bulk_create(
            _responses(
                version, firms, Stage.BEFORE, rng, when=timezone.now() - timedelta(days=200)
            ),
            batch_size=1000,
        )
        if code == DMA:
            cohort = _cohort(version, rng)
            if cohort:
                lines.append(
                    f"Assessed a demonstration cohort of {cohort} firms before and after support."
                )
        benchmarks_refresh(instrument)
        lines.append(f"Created {len(created):,} synthetic {instrument.code} assessments.")
    return lines
