"""After signing in, each role's home page says what to do next, with a link to do it."""

import pytest
from django.urls import reverse

from d4sme.assessments.models import Instrument
from d4sme.monitoring.models import Framework, SubmissionStatus
from d4sme.monitoring.services import submission_move, values_save
from d4sme.programmes import services as programme_services
from tests.assessments.conftest import random_answers, take
from tests.monitoring.conftest import APEC, entry, focal_point, mark_the_rest, report
from tests.programmes.conftest import make_programme, open_call

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_the_public_home_explains_the_platform_and_a_member_is_welcomed_by_name(client, world):
    public = client.get(reverse("home")).content.decode()
    assert "What d4sme does for you" in public and "Sign up and register your firm" in public
    mine = home(client, world.user("sme_a"))
    assert "Welcome, owner-a" in mine and "What d4sme does for you" not in mine


def test_an_sme_is_asked_to_assess_then_to_read_its_report(client, world):
    sme = world.user("sme_a")
    html = home(client, sme)
    assert "Assess how digital Alpha Bakery is" in html
    assert f'href="{reverse("assessments:start")}"' in html

    version = Instrument.objects.get(pk="dma-sme").current_version()
    done = take(sme, world.org_a, version, random_answers(version.parsed, seed=3))
    html = home(client, sme)
    assert "Assess how digital Alpha Bakery is" not in html
    assert "Read Alpha Bakery&#x27;s assessment report" in html
    assert reverse("assessments:response-report", args=[done.pk]) in html
    assert f"score {done.overall:.0f}" in html
    # Another firm's member is not shown Alpha Bakery's assessment.
    assert "Alpha Bakery" not in home(client, world.user("sme_b"))


def test_a_manager_is_asked_to_decide_waiting_applications(client, world):
    programme = make_programme("kr-home", rules={})
    call = open_call(programme)
    programme_services.application_submit(
        call=call, organisation=world.org_a, user=world.user("sme_a"), motivation="Please."
    )
    html = home(client, world.user("manager"))
    assert f"Decide 1 application to {programme.name}" in html
    assert reverse("programmes:programme-manage", args=[programme.code]) in html
    # The applicant sees its application and where it stands.
    sme_home = home(client, world.user("sme_a"))
    assert f"Alpha Bakery&#x27;s application to {programme.name}" in sme_home
    assert "Submitted" in sme_home


def test_a_returned_report_asks_its_focal_point_to_correct_it_and_the_analyst_to_review(
    client, world
):
    plan = Framework.objects.get(code=APEC)
    focal = focal_point("focal-home@example.org")
    submission = report(plan, 2022)
    values_save(submission=submission, user=focal, entries=[entry(plan, "3.1.2", 30)])
    mark_the_rest(submission, focal)
    submission_move(submission=submission, user=focal, to=SubmissionStatus.SUBMITTED)

    analyst = home(client, world.user("analyst"))
    assert "Review 1 submitted report for" in analyst
    assert reverse("monitoring:reporting", args=[plan.code]) in analyst
    assert (
        "Reporting"
        not in home(client, world.user("sme_a"))
        .split("<main", 1)[-1]
        .split("Your organisations")[0]
    )

    submission_move(
        submission=submission, user=world.user("analyst"), to=SubmissionStatus.RETURNED, note="?"
    )
    html = home(client, focal)
    assert "Correct KR&#x27;s 2022 report" in html
    assert reverse("monitoring:submission", args=[submission.pk]) in html
