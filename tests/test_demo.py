from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from d4sme.programmes.models import Application, Call, Cohort
from d4sme.programmes.selectors import programme_eligibility, programmes_eligible_for
from d4sme.registry.models import Organisation, User

pytestmark = pytest.mark.django_db

# Enough firms for a cohort of Korean manufacturers on the smart-manufacturing programme.
SMES = 2000


def run_demo(smes: int = SMES) -> str:
    out = StringIO()
    call_command("demo", smes=smes, seed=2, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demonstration, run once for the module (and once more, which must change nothing),
    in a transaction rolled back at the module's end; each test runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        first = run_demo()
        counts = (User.objects.count(), Organisation.objects.count(), Call.objects.count())
        second = run_demo()
        again = (User.objects.count(), Organisation.objects.count(), Call.objects.count())
        yield first, second, counts, again
        transaction.set_rollback(True)


def test_the_demo_prepares_logins_a_population_and_open_calls_once(demo):
    first, second, counts, again = demo
    assert "admin@demo.d4sme.org" in first and f"Created {SMES:,} synthetic SMEs." in first
    assert "Opened demonstration calls" in first
    assert "Created" not in second and "Opened" not in second
    assert again == counts


def test_the_demo_sme_has_programmes_to_apply_to(demo):
    bakery = Organisation.objects.get(legal_name="Demo Bakery")
    found = programmes_eligible_for(organisation=bakery)
    assert any(programme.calls.exists() for programme, _ in found)


def test_every_demo_cohort_member_and_application_meets_its_programmes_rules(demo):
    assert "Assessed a demonstration cohort" in demo[0]
    cohort = Cohort.objects.select_related("programme").get(name="Demonstration cohort")
    assert cohort.programme.eligibility.get("sections") == ["C"]
    members = [p.application.organisation for p in cohort.participations.all()]
    assert members and {firm.isic_section for firm in members} == {"C"}
    applications = Application.objects.select_related("call__programme", "organisation")
    assert applications.exists()
    for application in applications:
        verdict = programme_eligibility(
            programme=application.call.programme, organisation=application.organisation
        )
        assert verdict.eligible, (application.organisation, verdict.reasons)
        assert application.eligibility["eligible"] is True
