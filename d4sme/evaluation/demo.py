"""Demonstration evaluation: two past cohorts of the demo manager's programme, yearly outcomes
for them and for the eligible synthetic firms that did not take part, and one approved
evaluation to read.

The synthetic world has a known answer: taking part adds ``EFFECT_JOBS`` persons employed from
the year of entry on. Bigger firms grow faster anyway and are likelier to join, so the naive
before/after change among participants overstates the effect and the matched comparison does
not.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db import transaction

from d4sme.programmes.demo import demo_cohort_add, demo_evaluated_programme
from d4sme.programmes.selectors import programme_eligible_firm_ids, programme_participants
from d4sme.registry.selectors import organisation_profiles, user_get

from . import services
from .models import Evaluation, EvaluationStatus, FirmOutcome

DEMO_SOURCE = "Demonstration: synthetic outcomes"
DEMO_ANALYST = "analyst@demo.d4sme.org"
YEARS = range(2019, 2026)
COHORTS = ((date(2022, 3, 1), "Cohort 2022"), (date(2023, 3, 1), "Cohort 2023"))
EFFECT_JOBS = 2.0
SIZE_MIDPOINT = {"micro": 5.0, "small": 22.0, "medium": 110.0, "large": 300.0}


def _outcomes(firms: list[dict], entry: dict[int, int], rng) -> list[dict]:
    size = np.array([SIZE_MIDPOINT.get(f["size_class"] or "small", 22.0) for f in firms])
    size = size * rng.lognormal(0, 0.35, len(firms))
    z = (np.log(size) - np.log(size).mean()) / (np.log(size).std() or 1.0)
    rows = []
    for firm, level, s in zip(firms, size, z, strict=True):
        growth = 0.5 + 0.6 * s  # persons a year: bigger firms grow faster anyway
        productivity = 60_000 * rng.lognormal(0, 0.25)
        closed = False
        for k, year in enumerate(YEARS):
            # Closing hazard of about 2% a year, lower for firms in the programme.
            if not closed and k and rng.random() < (0.01 if firm["id"] in entry else 0.02):
                closed = True
            if closed:
                rows.append({"organisation_id": firm["id"], "year": year, "operating": False})
                continue
            jobs = level + growth * k + rng.normal(0, 0.8)
            if firm["id"] in entry and year >= entry[firm["id"]]:
                jobs += EFFECT_JOBS
            jobs = max(1, int(round(jobs)))
            rows.append(
                {
                    "organisation_id": firm["id"],
                    "year": year,
                    "employment": jobs,
                    "sales": round(jobs * productivity * rng.lognormal(0, 0.05), 2),
                    "operating": True,
                }
            )
    return rows


@transaction.atomic
def demo_prepare(*, smes: int, seed: int) -> list[str]:
    if FirmOutcome.objects.filter(source=DEMO_SOURCE).exists():
        return []
    programme = demo_evaluated_programme()
    if programme is None:
        return []
    rng = np.random.default_rng(seed)
    before = {p["organisation_id"] for p in programme_participants(programme=programme)}
    eligible = [
        pk
        for pk in programme_eligible_firm_ids(programme=programme, on=COHORTS[0][0])
        if pk not in before
    ]
    profiles = organisation_profiles(pks=eligible)
    if len(profiles) < 40:
        return []
    size = np.array([SIZE_MIDPOINT.get(p["size_class"] or "small", 22.0) for p in profiles])
    z = (np.log(size) - np.log(size).mean()) / (np.log(size).std() or 1.0)
    joins = rng.random(len(profiles)) < 1 / (1 + np.exp(-(-0.5 + 1.2 * z)))
    joiners = [p["id"] for p, j in zip(profiles, joins, strict=True) if j]
    rng.shuffle(joiners)
    half = len(joiners) // 2
    for (starts_on, name), ids in zip(COHORTS, (joiners[:half], joiners[half:]), strict=True):
        demo_cohort_add(programme=programme, name=name, starts_on=starts_on, organisation_ids=ids)
    entry = {
        p["organisation_id"]: p["entry_year"]
        for p in programme_participants(programme=programme)
        if p["entry_year"] < YEARS[-1]
    }
    firms = organisation_profiles(pks=set(eligible) | set(entry))
    written = services.firm_outcomes_record(rows=_outcomes(firms, entry, rng), source=DEMO_SOURCE)
    lines = [
        f"Recorded {written:,} firm-years of outcomes for {len(firms):,} firms "
        f"({len(entry)} in two past cohorts of {programme.name})."
    ]
    analyst = user_get(email=DEMO_ANALYST)
    if analyst is None:
        return lines
    evaluation = services.evaluation_create(
        user=analyst,
        programme=programme,
        title=f"Jobs a year after entering {programme.name}"[:200],
        question="How many persons employed did taking part add, one year after entry, "
        "compared with eligible firms that did not take part?",
        outcome="employment",
        design="psm_did",
        covariates=["outcome_before", "sales_before"],
        caliper=0.2,
        replace=True,
        seed=seed,
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.QUEUED)
    if services.evaluation_execute(evaluation_id=evaluation.pk) == EvaluationStatus.DONE:
        evaluation.refresh_from_db()
        services.evaluation_approve(user=analyst, evaluation=evaluation)
        lines.append(
            f"Evaluated it: evidence step {evaluation.evidence_step} of 6, brief at "
            f"/evaluation/{evaluation.pk}/brief/."
        )
    return lines
