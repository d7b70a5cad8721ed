from io import StringIO

import pytest
from django.core.management import call_command

from d4sme.programmes.models import Application, Call, Cohort
from d4sme.programmes.selectors import programme_eligibility, programmes_eligible_for
from d4sme.registry.models import Organisation, User

pytestmark = pytest.mark.django_db


def run_demo(smes: int = 60) -> str:
    out = StringIO()
    call_command("demo", smes=smes, seed=2, stdout=out)
    return out.getvalue()


def test_the_demo_prepares_logins_a_population_and_open_calls_once():
    first = run_demo()
    assert "admin@demo.d4sme.org" in first and "Created 60 synthetic SMEs." in first
    assert "Opened demonstration calls" in first
    counts = (User.objects.count(), Organisation.objects.count(), Call.objects.count())
    second = run_demo()
    assert "Created" not in second and "Opened" not in second
    assert (User.objects.count(), Organisation.objects.count(), Call.objects.count()) == counts


def test_the_demo_sme_has_programmes_to_apply_to():
    run_demo()
    bakery = Organisation.objects.get(legal_name="Demo Bakery")
    found = programmes_eligible_for(organisation=bakery)
    assert any(programme.calls.exists() for programme, _ in found)


def test_every_demo_cohort_member_and_application_meets_its_programmes_rules():
    # Enough firms for a cohort of Korean manufacturers on the smart-manufacturing programme.
    assert "Assessed a demonstration cohort" in run_demo(smes=2000)
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
