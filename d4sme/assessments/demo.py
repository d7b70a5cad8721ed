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

from d4sme.programmes.demo import demo_cohort_enrol
from d4sme.registry.selectors import organisation_synthetic_smes

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
    enrolled = demo_cohort_enrol(size=COHORT_SIZE)
    if not enrolled:
        return 0
    participations = {p.application.organisation_id: p for p in enrolled}
    firms = [p.application.organisation for p in enrolled]
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
        firms = list(organisation_synthetic_smes(section="C" if code == IIOT else None))
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
