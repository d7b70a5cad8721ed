"""The reporting loop between a focal point and the analysts: complete reports, lateness,
the analysts' view of a report, the question thread, and who may take a review's snapshot."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from d4sme.monitoring.models import (
    Flag,
    Question,
    ReportingCycle,
    Review,
    SubmissionStatus,
)
from d4sme.monitoring.services import (
    question_answer,
    question_resolve,
    review_create,
    submission_move,
    values_save,
)
from d4sme.registry.models import Economy

from .conftest import entry, mark_the_rest, report

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_report_with_empty_indicators_is_not_submitted_and_names_them(plan, focal):
    kr = report(plan)
    values_save(
        submission=kr,
        user=focal,
        entries=[entry(plan, "3.1.2", 120), entry(plan, "1.1.2", flag=Flag.NOT_COLLECTED)],
    )
    with pytest.raises(ValidationError) as caught:
        submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    (message,) = caught.value.messages
    assert "not available, not applicable or not collected" in message
    named = message.rsplit(": ", 1)[1].rstrip(".").split(", ")
    assert "1.1.1" in named and "G.6" in named
    assert "3.1.2" not in named and "1.1.2" not in named
    assert len(named) == plan.indicators.count() - 2
    kr.refresh_from_db()
    assert kr.status == SubmissionStatus.DRAFT and not kr.events.exists()
    # Once every indicator has a value or an explicit status, it goes.
    mark_the_rest(kr, focal, flag=Flag.NOT_AVAILABLE)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    kr.refresh_from_db()
    assert kr.status == SubmissionStatus.SUBMITTED


def test_the_entry_form_offers_not_collected_and_lists_what_is_still_empty(plan, focal):
    kr = report(plan)
    client = logged_in(focal)
    url = reverse("monitoring:submission", args=[kr.pk])
    trained = plan.indicators.get(code="3.1.2")
    assert client.post(url, {f"i{trained.pk}-total-all-flag": "L"}).status_code == 302
    value = kr.values.get()
    assert (value.flag, value.value, value.display) == ("L", None, "Not collected")
    page = client.get(url).content.decode()
    holes = page.split('id="report-holes"')[1].split("</div>")[0]
    assert 'href="#111"' in holes and 'href="#312"' not in holes
    # A number and "not collected" together are refused.
    page = client.post(
        url, {f"i{trained.pk}-total-all-value": "5", f"i{trained.pk}-total-all-flag": "L"}
    )
    assert "must be left empty" in page.content.decode()
    assert kr.values.get().value is None


def test_a_report_submitted_after_its_cycle_closed_is_marked_late(plan, focal, analyst):
    # The 2022 cycle closed on 31 March 2023: a report submitted now is late.
    kr = report(plan, 2022)
    mark_the_rest(kr, focal)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    kr.refresh_from_db()
    assert kr.is_late
    page = logged_in(focal).get(reverse("monitoring:submission", args=[kr.pk])).content.decode()
    assert 'id="report-late"' in page and "after the reporting year closed on 31 Mar 2023" in page
    reviewer = logged_in(analyst)
    listing = reviewer.get(reverse("monitoring:reporting", args=[plan.code])).content.decode()
    waiting = listing.split("Reports waiting for review")[1].split("</ul>")[0]
    assert "Republic of Korea · 2022" in waiting and "late" in waiting
    api = reviewer.get(f"/api/v1/monitoring/submissions/{kr.pk}")
    assert json.loads(api.content)["late"] is True
    # A report submitted while its cycle is open is on time.
    today = timezone.localdate()
    open_cycle = ReportingCycle.objects.create(
        framework=plan,
        period=2025,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    from d4sme.monitoring.services import submission_for

    on_time = submission_for(cycle=open_cycle, economy=Economy.objects.get(code="KR"))
    mark_the_rest(on_time, focal)
    submission_move(submission=on_time, user=focal, to=SubmissionStatus.SUBMITTED)
    on_time.refresh_from_db()
    assert not on_time.is_late
    page = logged_in(focal).get(reverse("monitoring:submission", args=[on_time.pk]))
    assert 'id="report-late"' not in page.content.decode()


def test_the_analysts_see_each_indicators_name_unit_and_earlier_years(plan, focal, analyst):
    for year, value in ((2021, 100), (2022, 104)):
        earlier = report(plan, year)
        values_save(submission=earlier, user=focal, entries=[entry(plan, "3.1.2", value)])
        mark_the_rest(earlier, focal)
        submission_move(submission=earlier, user=focal, to=SubmissionStatus.SUBMITTED)
        if year == 2021:
            submission_move(submission=earlier, user=analyst, to=SubmissionStatus.APPROVED)
    kr = report(plan, 2023)
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 110)])
    mark_the_rest(kr, focal)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    page = logged_in(analyst).get(reverse("monitoring:submission", args=[kr.pk]))
    html = page.content.decode()
    row = html.split('<tr id="312">')[1].split("</tr>")[0]
    assert "No. of SMEs trained in digital skills" in row
    assert "<td>enterprises</td>" in row
    assert "<td>110</td>" in row
    assert "2021: 100" in row and "2022: 104" in row
    assert "2022: 104 <span" in row and "not approved" in row.split("2022: 104")[1]
    # Every indicator of the plan has its row, with its status when it has no value.
    assert html.count("<tr id=") == plan.indicators.count()
    assert "Not collected" in html.split('<tr id="111">')[1].split("</tr>")[0]


def test_a_focal_point_answers_in_the_thread_and_a_resolved_question_is_closed(
    plan, focal, analyst
):
    kr = report(plan)
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 120)])
    mark_the_rest(kr, focal)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    value = kr.values.get(indicator__code="3.1.2")
    submission_move(
        submission=kr,
        user=analyst,
        to=SubmissionStatus.RETURNED,
        value_notes={value.pk: "Last year's survey said 102; which is right?"},
    )
    question = Question.objects.get(submission=kr)
    assert question.indicator.code == "3.1.2" and question.is_open
    url = reverse("monitoring:submission", args=[kr.pk])
    reporter = logged_in(focal)
    page = reporter.get(url).content.decode()
    assert "Last year&#x27;s survey said 102; which is right?" in page
    response = reporter.post(
        reverse("monitoring:question-answer", args=[question.pk]),
        {"text": "120 is right: the survey now covers micro firms."},
    )
    assert response.status_code == 302
    page = reporter.get(url).content.decode()
    assert "120 is right: the survey now covers micro firms." in page
    # The focal point cannot close the question; the analyst resolves it.
    assert (
        reporter.post(reverse("monitoring:question-resolve", args=[question.pk])).status_code == 403
    )
    reviewer = logged_in(analyst)
    reviewer.post(reverse("monitoring:question-resolve", args=[question.pk]))
    question.refresh_from_db()
    assert not question.is_open and question.resolved_by == analyst
    page = reporter.get(url).content.decode()
    thread = page.split('id="thread"')[1]
    assert "the thread is closed" in thread
    assert reverse("monitoring:question-answer", args=[question.pk]) not in thread
    with pytest.raises(ValidationError, match="closed"):
        question_answer(question=question, user=focal, text="One more thing.")
    assert question.answers.count() == 1
    with pytest.raises(ValidationError, match="already resolved"):
        question_resolve(question=question, user=analyst)


def test_a_focal_point_of_another_economy_cannot_answer(plan, focal, analyst):
    from .conftest import focal_point

    kr = report(plan)
    reviewer = logged_in(analyst)
    reviewer.post(reverse("monitoring:question-ask", args=[kr.pk]), {"text": "When do you report?"})
    question = Question.objects.get(submission=kr)
    assert question.indicator is None and question.asked_by == analyst
    stranger = focal_point("focal-br@example.org", agency="br-ministry-of-economy")
    with pytest.raises(PermissionDenied):
        question_answer(question=question, user=stranger, text="Soon.")
    assert not question.answers.exists()


def test_only_analysts_take_a_reviews_snapshot(plan, focal, analyst):
    with pytest.raises(PermissionDenied):
        review_create(framework=plan, user=focal, kind="midterm", year=2022, title="Mine")
    assert not Review.objects.exists()
    review = review_create(
        framework=plan, user=analyst, kind="midterm", year=2022, title="Mid-term"
    )
    assert review.sections.count() == plan.priority_areas.count() + 1
    with pytest.raises(ValidationError):
        review_create(framework=plan, user=analyst, kind="weekly", year=2022, title="Bad kind")
    assert Review.objects.count() == 1


def test_the_demos_submitted_reports_follow_the_submission_rule():
    from io import StringIO

    from django.core.management import call_command

    from d4sme.monitoring.models import Submission
    from d4sme.monitoring.services import submission_problems

    call_command("demo", smes=20, seed=2, stdout=StringIO())
    sent = Submission.objects.exclude(status=SubmissionStatus.DRAFT).select_related("cycle")
    assert sent.count() > 40
    assert all(submission_problems(s) == [] for s in sent)
    assert Submission.objects.filter(status=SubmissionStatus.DRAFT).count() == 1
