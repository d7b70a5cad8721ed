"""A manager decides on an application seeing the firm, its eligibility and its maturity."""

import pytest
from django.urls import reverse

from d4sme.assessments.models import Instrument
from d4sme.programmes import services
from d4sme.programmes.models import Application
from tests.assessments.conftest import random_answers, take
from tests.programmes.conftest import make_programme, open_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world):
    programme = make_programme("kr-decide", rules={"size_classes": ["micro", "small"]})
    application = services.application_submit(
        call=open_call(programme),
        organisation=world.org_a,
        user=world.user("sme_a"),
        motivation="We sell bread online.",
    )
    return programme, application


def test_the_manager_sees_the_firm_its_eligibility_and_its_maturity(client, world, waiting):
    programme, _application = waiting
    version = Instrument.objects.get(pk="dma-sme").current_version()
    done = take(world.user("sme_a"), world.org_a, version, random_answers(version.parsed, seed=4))
    client.force_login(world.user("manager"))
    html = client.get(reverse("programmes:programme-manage", args=[programme.code])).content
    html = html.decode()
    assert "Alpha Bakery" in html and "We sell bread online." in html
    assert "Micro" in html and "5 employees" in html  # its size, as registered
    assert "Eligibility today, rule by rule" in html and "Eligible" in html
    assert f"{done.overall:.0f} of 100" in html  # its latest maturity score
    assert "none on the platform" in html  # no earlier participation


def test_no_decision_is_preselected_and_an_empty_one_is_refused(client, world, waiting):
    programme, application = waiting
    client.force_login(world.user("manager"))
    html = client.get(reverse("programmes:programme-manage", args=[programme.code])).content
    assert b'<option value="" selected disabled>Choose a decision</option>' in html
    response = client.post(
        reverse("programmes:application-decide", args=[application.pk]),
        {"status": "", "reason": "Looks fine."},
        follow=True,
    )
    assert "Choose a decision and give a reason." in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_lists_of_applications_and_assessments_are_dated(client, world, waiting):
    client.force_login(world.user("sme_a"))
    html = client.get(reverse("programmes:application-list")).content.decode()
    assert "Applied on" in html and '<time datetime="' in html
    version = Instrument.objects.get(pk="dma-sme").current_version()
    done = take(world.user("sme_a"), world.org_a, version, random_answers(version.parsed, seed=6))
    html = client.get(reverse("assessments:home")).content.decode()
    assert "<time datetime=" in html and done.submitted_at.strftime("%Y") in html


def test_a_manager_without_applications_of_their_own_is_not_shown_the_firms_empty_state(
    client, world, waiting
):
    client.force_login(world.user("manager"))
    html = client.get(reverse("programmes:application-list")).content.decode()
    assert "See the programmes your firm is eligible for" not in html
    assert "Applications to the programmes you manage" in html
