"""A programme with two cohorts, a registry of firms that did not take part, and firm-year
outcomes in which participation adds a known number of jobs.

Bigger firms grow faster on their own and are likelier to join, so the naive before/after
change among participants overstates the effect; firms outside the programme's rules
(medium-sized) are not in the comparison pool at all.
"""

from datetime import date

import numpy as np
import pytest
from django.utils import timezone

from d4sme.evaluation.models import FirmOutcome
from d4sme.programmes.models import Application, ApplicationStatus, Cohort, Participation
from d4sme.registry.models import Economy, Organisation, OrganisationKind
from tests.programmes.conftest import make_programme, open_call

EFFECT = 3.0  # jobs added by taking part, from the year of entry on
YEARS = range(2018, 2026)
COHORT_YEARS = (2021, 2022)


def build_programme(code="kr-evaluated", *, firms=400, per_cohort=45, seed=5, cohorts=COHORT_YEARS):
    rng = np.random.default_rng(seed)
    programme = make_programme(code, rules={"size_classes": ["micro", "small"]})
    call = open_call(programme)
    korea = Economy.objects.get(code="KR")
    created = []
    for i in range(firms):
        employees = int(rng.integers(2, 45))
        created.append(
            Organisation.objects.create(
                kind=OrganisationKind.SME,
                legal_name=f"{code} firm {i:04d}",
                economy=korea,
                isic_section="C" if i % 3 else "G",
                isic_division="10" if i % 3 else "47",
                employees=employees,
                founded_year=int(rng.integers(1990, 2016)),
                women_led=bool(rng.random() < 0.3),
            )
        )
    # A medium-sized firm is not eligible: it must never be in the pool.
    outsider = Organisation.objects.create(
        kind=OrganisationKind.SME,
        legal_name=f"{code} medium firm",
        economy=korea,
        isic_section="C",
        isic_division="10",
        employees=120,
    )
    size = np.array([o.employees for o in created], dtype=float)
    z = (size - size.mean()) / size.std()
    join = rng.random(len(created)) < 1 / (1 + np.exp(-(-1.6 + 1.4 * z)))
    joiners = [o for o, j in zip(created, join, strict=True) if j]
    rng.shuffle(joiners)
    entry: dict[int, int] = {}
    for k, year in enumerate(cohorts):
        cohort = Cohort.objects.create(
            programme=programme, name=f"Cohort {year}", starts_on=date(year, 3, 1)
        )
        for firm in joiners[k * per_cohort : (k + 1) * per_cohort]:
            application = Application.objects.create(
                call=call,
                organisation=firm,
                motivation="Grow.",
                status=ApplicationStatus.ACCEPTED,
                decided_at=timezone.now(),
            )
            Participation.objects.create(cohort=cohort, application=application)
            entry[firm.pk] = year
    rows = []
    for firm, s in zip(created, z, strict=True):
        level = firm.employees + rng.normal(0, 1)
        slope = 1.0 + 0.8 * s
        for year in YEARS:
            value = level + slope * (year - YEARS[0]) + rng.normal(0, 0.7)
            if firm.pk in entry and year >= entry[firm.pk]:
                value += EFFECT
            rows.append(
                FirmOutcome(
                    organisation=firm,
                    year=year,
                    employment=max(int(round(value * 10)), 0),
                    sales=round(value * 1000, 2),
                    operating=True,
                )
            )
    for year in YEARS:
        rows.append(FirmOutcome(organisation=outsider, year=year, employment=120))
    FirmOutcome.objects.bulk_create(rows)
    return programme, entry, outsider


@pytest.fixture
def evaluated(world):
    """(programme, {firm id: entry year}, an ineligible firm) on top of the shared world."""
    return build_programme()
