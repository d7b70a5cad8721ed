"""An SME takes the digital maturity assessment, leaves half-way, resumes, submits and reads
its report with charts, then downloads the PDF; every page passes the axe check."""

import io
import re
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from d4sme.assessments.models import Instrument, Response
from tests.assessments.conftest import random_answers
from tests.browser.test_programme_journey import log_in
from tests.test_tasks import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_page(page, definition, number: int, answers: dict) -> None:
    """Answer one page's questions by their visible labels, as a person would."""
    _dimension, questions = definition.pages[number - 1]
    for q in questions:
        group = page.get_by_role("group", name=re.compile(re.escape(q.label[:60])))
        given = answers[q.code]
        if q.type == "single":
            group.get_by_label(q.option(given).label, exact=True).check()
        elif q.type == "multiple":
            for code in given:
                group.get_by_label(q.option(code).label, exact=True).check()
        elif q.type == "grid":
            for row in q.rows:
                option = q.option(given[row.code])
                group.get_by_label(f"{row.label}: {option.label}", exact=True).check()
        elif q.type == "matrix":
            columns = {c.code: c.label for c in q.columns}
            for row_code, ticks in given.items():
                row = next(r for r in q.rows if r.code == row_code)
                for code in ticks:
                    group.get_by_label(f"{row.label}: {columns[code]}", exact=True).check()
        else:
            group.get_by_role("spinbutton").fill(str(int(given)))


def test_sme_takes_the_assessment_and_reads_its_report(page, world, assert_accessible, tmp_path):
    definition = Instrument.objects.get(pk="dma-sme").current_version().parsed
    answers = random_answers(definition, seed=21, maturity=0.55)

    log_in(page, "owner-a@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assessments").click()
    assert_accessible(page)
    page.get_by_label("Questionnaire").select_option("dma-sme")
    page.get_by_label("Stage").select_option("before")
    page.get_by_role("button", name="Start").click()

    for number in (1, 2, 3):
        expect(page.get_by_text(f"Step {number} of 6")).to_be_visible()
        answer_page(page, definition, number, answers)
        assert_accessible(page)
        page.get_by_role("button", name="Save and continue").click()

    # Half-way, the firm leaves; its answers so far are kept.
    expect(page.get_by_text("Step 4 of 6")).to_be_visible()
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "owner-a@example.org")
    page.goto("/assessments/")
    page.get_by_role("link", name="Resume").click()
    expect(page.get_by_text("Step 4 of 6")).to_be_visible()
    for number in (4, 5, 6):
        answer_page(page, definition, number, answers)
        page.get_by_role("button", name=re.compile("Save and (continue|review)")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Submit and see my report").click()

    response = Response.objects.get(organisation=world.org_a)
    assert response.is_submitted and response.answers == answers
    expect(page.get_by_role("heading", name=re.compile("Assessment report"))).to_be_visible()
    # The radar chart is drawn in the browser from the page's Vega-Lite specification.
    expect(page.locator(".chart.drawn svg")).to_have_count(1)
    expect(page.get_by_text(f"{response.overall:.1f}", exact=True).first).to_be_visible()
    assert_accessible(page)

    # The PDF is printed by the worker while the page shows its progress, then downloaded.
    page.get_by_role("button", name="Download the report (PDF)").click()
    expect(page.get_by_role("status")).to_have_text("Waiting for a worker")
    run_worker(tmp_path)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download assessment-{response.pk}.pdf").click()
    pdf = pypdf.PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert f"Overall score: {response.overall:.1f}" in text
    for code, score in response.scores["dimensions"].items():
        assert f"{score:.1f}" in text, code


def test_manager_reads_the_dashboard_and_the_questionnaire(page, world, assert_accessible):
    from d4sme.programmes import services as programme_services
    from d4sme.programmes.models import Application
    from tests.assessments.conftest import take
    from tests.assessments.test_pages import firms
    from tests.programmes.conftest import make_programme, open_call

    version = Instrument.objects.get(pk="dma-sme").current_version()
    manager = world.user("manager")
    programme = make_programme("kr-dashboard", name="Dashboard Programme", rules={})
    call = open_call(programme)
    cohort = programme_services.cohort_create(programme=programme, user=manager, name="Autumn")
    for i, firm in enumerate(firms(5)):
        application = Application.objects.create(
            call=call, organisation=firm, motivation="-", status="accepted"
        )
        participation = programme_services.participation_add(
            cohort=cohort, application=application, user=manager
        )
        for stage, maturity in (("before", 0.2), ("after", 0.7)):
            answers = random_answers(version.parsed, seed=i, maturity=maturity)
            take(manager, firm, version, answers, stage=stage, participation=participation)

    log_in(page, "manager@example.org")
    page.goto("/assessments/")
    page.get_by_role("link", name="Score distributions and before/after change").click()
    page.get_by_label("Programme (before/after change)").select_option("kr-dashboard")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Mean scores of 5 participants")).to_be_visible()
    expect(page.locator(".chart.drawn svg")).to_have_count(1)
    assert_accessible(page)

    page.goto("/assessments/instruments/iiot-readiness/")
    expect(page.get_by_role("heading", name="How scores are computed")).to_be_visible()
    assert_accessible(page)
    page.goto("/assessments/imports/")
    assert_accessible(page)
