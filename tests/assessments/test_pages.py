"""Taking an assessment through its pages, the report and its downloads, and the dashboard."""

import io
import json

import pypdf
import pytest
from django.urls import reverse

from d4sme.assessments.benchmarks import benchmarks_refresh
from d4sme.assessments.models import Response, Stage
from d4sme.programmes import services as programme_services
from d4sme.registry.models import Economy, Organisation, OrganisationKind
from d4sme.reports.models import RenderJob
from d4sme.reports.pdf import pdf_render
from tests.programmes.conftest import make_programme, open_call

from .conftest import extreme_answers, random_answers, take


def page_data(definition, number: int, answers: dict, action: str = "continue") -> dict:
    """The POST body of one questionnaire page answering as ``answers`` says."""
    _dimension, questions = definition.pages[number - 1]
    data: dict = {"action": action}
    for q in questions:
        given = answers.get(q.code)
        if q.type in ("grid", "matrix"):
            for row, value in (given or {}).items():
                data[f"{q.code}__{row}"] = value
        elif given is not None:
            data[q.code] = given
    return data


@pytest.fixture
def sme(client, world):
    client.force_login(world.user("sme_a"))
    return client


def start(client, world, instrument="dma-sme", stage="before") -> Response:
    reply = client.post(
        reverse("assessments:start"),
        {"instrument": instrument, "organisation": world.org_a.pk, "stage": stage},
    )
    assert reply.status_code == 302
    return Response.objects.latest("id")


def test_take_leave_resume_and_submit(sme, world, dma):
    definition = dma.parsed
    answers = random_answers(definition, seed=11, maturity=0.6)
    response = start(sme, world)
    url = lambda n: reverse("assessments:response-page", args=[response.pk, n])  # noqa: E731

    page = sme.get(url(1))
    assert "Step 1 of 6" in page.content.decode()
    assert sme.post(url(1), page_data(definition, 1, answers))["Location"] == url(2)
    # Continuing with a rating grid left blank keeps the firm on the page, with a message.
    empty = sme.post(url(2), {"action": "continue"})
    assert empty.status_code == 400
    assert "Please answer the questions marked below" in empty.content.decode()
    assert "Answer every row." in empty.content.decode()
    assert sme.post(url(2), page_data(definition, 2, answers))["Location"] == url(3)
    # Half-way, the firm leaves; what it answered on this page is kept.
    left = sme.post(url(3), page_data(definition, 3, answers, action="leave"))
    assert left["Location"] == reverse("assessments:home")
    response.refresh_from_db()
    assert response.page == 3 and set(response.answers) == {"q1", "q2", "q3", "q4", "q5", "q6"}

    home = sme.get(reverse("assessments:home")).content.decode()
    resume = reverse("assessments:response-resume", args=[response.pk])
    assert resume in home
    assert sme.get(resume)["Location"] == url(3)
    for number in range(3, 7):
        reply = sme.post(url(number), page_data(definition, number, answers))
    assert reply["Location"] == reverse("assessments:response-review", args=[response.pk])
    submitted = sme.post(reply["Location"])
    assert submitted["Location"] == reverse("assessments:response-report", args=[response.pk])
    response.refresh_from_db()
    assert response.is_submitted
    assert response.answers == answers
    assert response.overall == pytest.approx(
        sum(response.scores["dimensions"].values()) / 6, abs=0.01
    )


def test_an_exclusive_answer_combined_with_others_is_refused_on_the_page(sme, world, dma):
    response = start(sme, world)
    definition = dma.parsed
    answers = random_answers(definition, seed=3)
    for number in (1, 2, 3):
        sme.post(
            reverse("assessments:response-page", args=[response.pk, number]),
            page_data(definition, number, answers),
        )
    data = page_data(definition, 4, {**answers, "q7": ["not-digital", "policy"]})
    reply = sme.post(reverse("assessments:response-page", args=[response.pk, 4]), data)
    assert reply.status_code == 400
    assert "cannot be combined with other answers" in reply.content.decode()
    response.refresh_from_db()
    assert "q7" not in response.answers


def test_review_lists_what_is_missing_and_refuses_to_submit(sme, world, dma):
    response = start(sme, world)
    reply = sme.post(reverse("assessments:response-review", args=[response.pk]))
    assert reply.status_code == 400
    assert "Some questions still need an answer" in reply.content.decode()
    response.refresh_from_db()
    assert not response.is_submitted


def test_report_shows_scores_band_peers_barriers_and_eligible_programmes(sme, world, dma):
    programme = make_programme("kr-skills-voucher", name="Skills Voucher", rules={})
    from d4sme.registry.models import Term

    programme.classifications.add(Term.objects.get(vocabulary_id="barriers", code="skills"))
    lowest = extreme_answers(dma.parsed, highest=False)
    response = take(world.user("sme_a"), world.org_a, dma, lowest)
    page = sme.get(reverse("assessments:response-report", args=[response.pk])).content.decode()
    assert "Overall score" in page and "0.0" in page and "Basic" in page
    assert "Not enough comparable firms" in page
    assert "Shortage of skilled employees" in page  # the barrier of rule low-skills
    assert "low-skills" in page  # the rule that produced it is shown
    assert "Skills Voucher" in page
    assert "How scores are computed" in page and "provisional" in page


def test_report_pdf_holds_the_scores(sme, world, dma):
    answers = random_answers(dma.parsed, seed=8, maturity=0.7)
    response = take(world.user("sme_a"), world.org_a, dma, answers)
    asked = sme.post(reverse("assessments:response-pdf", args=[response.pk]), follow=True)
    assert "Waiting for a worker" in asked.content.decode()  # printed by a task, not the page
    job = RenderJob.objects.get(requested_by=world.user("sme_a"))
    assert pdf_render.call(job_id=job.pk) == "done"
    reply = sme.get(reverse("reports:render-download", args=[job.pk]))
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == f'attachment; filename="assessment-{response.pk}.pdf"'
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(reply.content)).pages)
    assert f"{response.overall:.1f}" in text
    for dimension in dma.parsed.dimensions:
        assert f"{response.scores['dimensions'][dimension.code]:.1f}" in text


def test_results_download_as_csv_and_json(sme, world, dma):
    response = take(world.user("sme_a"), world.org_a, dma, random_answers(dma.parsed, seed=2))
    csv_text = sme.get(reverse("assessments:response-data", args=[response.pk, "csv"]))
    lines = csv_text.content.decode().splitlines()
    assert lines[0].startswith("response,organisation,instrument")
    assert len(lines) == 1 + 1 + 6 + 11  # header, overall, dimensions, questions
    document = json.loads(
        sme.get(reverse("assessments:response-data", args=[response.pk, "json"])).content
    )
    assert document["overall"] == response.overall
    assert document["dimensions"] == response.scores["dimensions"]


def test_progress_between_stages_on_the_report(sme, world, dma):
    user = world.user("sme_a")
    take(user, world.org_a, dma, random_answers(dma.parsed, seed=1, maturity=0.2))
    after = take(
        user, world.org_a, dma, random_answers(dma.parsed, seed=2, maturity=0.8), stage="after"
    )
    page = sme.get(reverse("assessments:response-report", args=[after.pk])).content.decode()
    assert "Progress between assessments" in page
    assert "chart-progress" in page


def test_the_report_in_korean(sme, world, iiot):
    response = take(
        world.user("sme_a"), world.org_a, iiot, extreme_answers(iiot.parsed, highest=True)
    )
    sme.post(reverse("set_language"), {"language": "ko"})
    page = sme.get(reverse("assessments:response-report", args=[response.pk])).content.decode()
    assert "고도화" in page  # the advanced smart-factory level


def firms(count: int, economy: str = "KR") -> list[Organisation]:
    return [
        Organisation.objects.create(
            kind=OrganisationKind.SME,
            legal_name=f"Firm {economy} {i}",
            economy=Economy.objects.get(code=economy),
            isic_section="C",
            isic_division="10",
            employees=20,
        )
        for i in range(count)
    ]


def test_dashboard_withholds_a_small_group_and_what_would_give_it_away(client, world, dma):
    admin = world.user("admin")
    for i, firm in enumerate([*firms(5, "KR"), *firms(2, "BR")]):
        take(admin, firm, dma, random_answers(dma.parsed, seed=i))
    client.force_login(world.user("analyst"))
    page = client.get(reverse("assessments:dashboard") + "?instrument=dma-sme&by=economy")
    rows = page.content.decode()

    def cells(label):
        row = rows[rows.index(f">{label}<") : rows.index("</tr>", rows.index(f">{label}<"))]
        return [c.split("<")[0] for c in row.split("<td>")[1:]]

    br, kr, everyone = cells("BR"), cells("KR"), cells("All firms")
    assert all(c in ("withheld", "0") for c in br)
    # Korea's 5 firms and all 7 firms cannot both show: 7 - 5 would give Brazil's 2 back.
    assert "withheld" in (kr[0], everyone[0])


def test_manager_sees_before_after_change_of_a_cohort(client, world, dma):
    manager = world.user("manager")
    programme = make_programme("kr-cohort-test", name="Cohort Test", rules={})
    call = open_call(programme)
    cohort = programme_services.cohort_create(programme=programme, user=manager, name="Spring")
    participants = firms(5)
    for i, firm in enumerate(participants):
        from d4sme.programmes.models import Application

        application = Application.objects.create(
            call=call, organisation=firm, motivation="-", status="accepted"
        )
        participation = programme_services.participation_add(
            cohort=cohort, application=application, user=manager
        )
        before = random_answers(dma.parsed, seed=i, maturity=0.2)
        after = random_answers(dma.parsed, seed=i, maturity=0.8)
        take(manager, firm, dma, before, participation=participation)
        take(manager, firm, dma, after, stage=Stage.AFTER, participation=participation)
    benchmarks_refresh(dma.instrument)
    client.force_login(manager)
    page = client.get(reverse("assessments:dashboard") + "?programme=kr-cohort-test").content
    text = page.decode()
    assert "Mean scores of 5 participants" in text
    responses = Response.objects.filter(participation__cohort=cohort)
    before = [r.overall for r in responses if r.stage == Stage.BEFORE]
    after = [r.overall for r in responses if r.stage == Stage.AFTER]
    assert f"{sum(after) / 5 - sum(before) / 5:+.1f}" in text


def test_manager_assesses_an_applicant_in_advisor_mode(client, world, dma):
    programme = make_programme("kr-advice", rules={})
    programme_services.application_submit(
        call=open_call(programme),
        organisation=world.org_a,
        user=world.user("sme_a"),
        motivation="x",
    )
    client.force_login(world.user("manager"))
    home = client.get(reverse("assessments:home")).content.decode()
    assert "Alpha Bakery" in home
    response = start(client, world)
    assert response.mode == "advisor" and response.entered_by == world.user("manager")
    # The firm's own member sees the assessment entered with it.
    client.force_login(world.user("sme_a"))
    assert (
        reverse("assessments:response-resume", args=[response.pk])
        in client.get(reverse("assessments:home")).content.decode()
    )


@pytest.mark.parametrize("language", ["ko", "pt", "es"])
def test_both_questionnaires_are_asked_in_the_firms_language(sme, world, language):
    sme.post(reverse("set_language"), {"language": language})
    for code in ("dma-sme", "iiot-readiness"):
        response = start(sme, world, instrument=code)
        definition = response.version.parsed
        page = sme.get(reverse("assessments:response-page", args=[response.pk, 1]))
        text = page.content.decode()
        _dimension, questions = definition.pages[0]
        for q in questions:
            assert q.text[language] in text.replace("&#x27;", "'"), q.code
        assert q.text["en"] not in text


def test_the_dashboards_grouping_choices_are_in_the_visitors_language():
    from django.utils import translation

    from d4sme.assessments.selectors import BREAKDOWNS

    with translation.override("ko"):
        labels = [str(label) for _field, label in BREAKDOWNS.values()]
    assert "업종(ISIC 대분류)" in labels and "Sector (ISIC section)" not in labels
