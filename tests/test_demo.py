from io import StringIO

import pytest
from django.core.management import call_command

from d4sme.programmes.models import Call
from d4sme.programmes.selectors import programmes_eligible_for
from d4sme.registry.models import Organisation, User

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", smes=60, seed=2, stdout=out)
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
