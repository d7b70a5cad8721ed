"""Fixtures of the monitoring tests: the APEC plan (starting content) and its focal points."""

import pytest

from d4sme.monitoring.models import Framework, ReportingCycle
from d4sme.monitoring.services import Entry, submission_for
from d4sme.registry.models import Economy, Organisation, Role
from d4sme.registry.services import membership_grant
from tests.conftest import make_user

APEC = "apec-smewg-2021-2024"


@pytest.fixture
def plan(content) -> Framework:
    return Framework.objects.get(code=APEC)


def focal_point(email: str, agency: str = "kr-mss"):
    user = make_user(email)
    membership_grant(
        user=user, organisation=Organisation.objects.get(code=agency), role=Role.FOCAL_POINT
    )
    return user


@pytest.fixture
def focal(content):
    return focal_point("focal-kr@example.org")


@pytest.fixture
def analyst(content):
    user = make_user("kpi-analyst@example.org")
    membership_grant(
        user=user, organisation=Organisation.objects.get(code="oecd"), role=Role.ANALYST
    )
    return user


def report(plan: Framework, period: int = 2022, economy: str = "KR"):
    cycle = ReportingCycle.objects.get(framework=plan, period=period)
    return submission_for(cycle=cycle, economy=Economy.objects.get(code=economy))


def entry(plan: Framework, code: str, value=None, **fields) -> Entry:
    return Entry(indicator=plan.indicators.get(code=code), value=value, **fields)


def mark_the_rest(submission, user, flag: str = "L") -> None:
    """Give every indicator the report leaves empty an explicit status (by default "not
    collected"), as a focal point must before submitting."""
    from d4sme.monitoring.services import values_save

    given = set(submission.values.filter(dimension="").values_list("indicator_id", flat=True))
    rest = submission.cycle.framework.indicators.exclude(pk__in=given)
    values_save(
        submission=submission,
        user=user,
        entries=[Entry(indicator=indicator, flag=flag) for indicator in rest],
    )
