"""Progress per economy and for the region, derived indicators, review packs, pages and API."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from d4sme.monitoring import derived, reviews, selectors
from d4sme.monitoring.models import Indicator, SubmissionStatus, Target
from d4sme.monitoring.services import review_create, submission_move, values_save
from d4sme.reports.models import RenderJob
from d4sme.reports.pdf import pdf_render
from tests.assessments.conftest import random_answers, take
from tests.conftest import make_sme, make_user

from .conftest import entry, mark_the_rest, report

pytestmark = pytest.mark.django_db


def approve(plan, economy, year, values, reporter, analyst):
    submission = report(plan, year, economy)
    values_save(
        submission=submission,
        user=reporter,
        entries=[entry(plan, code, value, comment="checked") for code, value in values.items()],
    )
    mark_the_rest(submission, reporter)
    submission_move(submission=submission, user=reporter, to=SubmissionStatus.SUBMITTED)
    submission_move(submission=submission, user=analyst, to=SubmissionStatus.APPROVED)
    return submission


@pytest.fixture
def reported(plan, focal, analyst):
    """Korea and Japan report 3.1.2 (SMEs trained) for 2021-2023; targets for 2024."""
    japan = admin_reporter()
    indicator = plan.indicators.get(code="3.1.2")
    for year, kr, jp in ((2021, 100, 50), (2022, 110, 48), (2023, 121, 45)):
        approve(plan, "KR", year, {"3.1.2": kr}, focal, analyst)
        approve(plan, "JP", year, {"3.1.2": jp}, japan, analyst)
    Target.objects.create(
        indicator=indicator,
        economy_id="KR",
        baseline_year=2020,
        baseline_value=100,
        target_year=2024,
        target_value=130,
    )
    Target.objects.create(
        indicator=indicator,
        economy=None,
        baseline_year=2020,
        baseline_value=150,
        target_year=2024,
        target_value=300,
    )
    return indicator


def admin_reporter():
    user = make_user("kpi-admin@example.org")
    user.is_superuser = True
    user.save()
    return user


def test_progress_per_economy_and_for_the_region(plan, reported):
    rows = {
        r.economy: r
        for r in selectors.progress_rows(plan, indicators=Indicator.objects.filter(pk=reported.pk))
    }
    korea = rows["KR"].result
    # Observed: 100 (2020) to 121 (2023), 6.6% a year; required: 100 to 130 by 2024, 6.8%.
    observed = (121 / 100) ** (1 / 3) - 1
    required = (130 / 100) ** (1 / 4) - 1
    assert korea.observed_cagr == pytest.approx(observed)
    assert korea.required_cagr == pytest.approx(required)
    assert korea.ratio == pytest.approx(observed / required)
    assert observed / required == pytest.approx(0.9677, abs=1e-4)
    assert korea.status == "substantial"  # the ratio is at least 0.95
    # Japan has no target: its series falls 50 to 45, so it deteriorates.
    assert rows["JP"].result.status == "deterioration"
    # The region sums the economies with values for both its baseline year and the latest:
    # only Korea has a 2020 value (its baseline), so 100 to 121; the region's target, 300
    # from 150, asks it to double: 200 for these economies.
    region = rows[""]
    assert region.series == {2020: 100, 2023: 121}
    assert region.economies_counted == {2020: 1, 2023: 1}
    assert region.result.base_value == 100 and region.result.target_value == 200
    assert region.region.coverage.one_year_only == ("JP",)


def test_a_values_progress_counts_only_once_approved(plan, focal, analyst):
    submission = report(plan, 2021)
    values_save(submission=submission, user=focal, entries=[entry(plan, "3.1.2", 10)])
    assert selectors.approved_totals(plan) == {}
    mark_the_rest(submission, focal)
    submission_move(submission=submission, user=focal, to=SubmissionStatus.SUBMITTED)
    assert selectors.approved_totals(plan) == {}
    submission_move(submission=submission, user=analyst, to=SubmissionStatus.APPROVED)
    indicator = plan.indicators.get(code="3.1.2")
    assert selectors.approved_totals(plan) == {(indicator.pk, "KR"): {2021: 10}}


def test_derived_figures_are_suppressed_under_five_firms(content):
    from d4sme.assessments.models import Instrument

    version = Instrument.objects.get(pk="dma-sme").current_version()
    for n in range(4):
        owner = make_user(f"firm{n}@example.org")
        take(owner, make_sme(owner, f"Firm {n}"), version, random_answers(version.parsed, seed=n))
    from django.utils import timezone

    year = timezone.now().year
    small = derived.derived_values("smes_assessed", ["KR", "JP"], [year])
    assert small[("KR", year)].suppressed and small[("KR", year)].value is None
    assert "fewer than 5" in small[("KR", year)].display()
    assert small[("JP", year)] == derived.Derived(0.0, 0, False)
    owner = make_user("firm5@example.org")
    take(owner, make_sme(owner, "Firm 5"), version, random_answers(version.parsed, seed=9))
    enough = derived.derived_values("smes_assessed", ["KR"], [year])[("KR", year)]
    assert (enough.value, enough.suppressed) == (5.0, False)
    adoption = derived.derived_values("digital_adoption", ["KR"], [year])[("KR", year)]
    # Of 5 firms, any share but 0 % or 100 % has a side of fewer than 5: it is withheld.
    assert adoption.count == 5
    assert adoption.value in (0.0, 100.0) if not adoption.suppressed else adoption.value is None


def test_a_review_pack_is_frozen_and_prints_its_snapshot_id(plan, reported, focal, analyst):
    review = review_create(
        framework=plan, user=analyst, kind="midterm", year=2022, title="Mid-term review"
    )
    assert review.snapshot_id.startswith("apec-s-")
    area = next(a for a in review.snapshot["areas"] if a["number"] == 3)
    item = next(i for i in area["indicators"] if i["code"] == "3.1.2")
    assert item["region"]["latest"] == [2023, 121]
    assert item["region"]["target"] == [2024, 200]
    assert {r["economy"]: r["status"] for r in item["economies"]} == {
        "KR": "substantial",
        "JP": "deterioration",
    }
    assert item["reporting"] == 2 and item["gap"] is True
    # Later reports do not change the pack; a new pack from the same data has the same id.
    approve(plan, "KR", 2024, {"3.1.2": 150}, focal, analyst)
    review.refresh_from_db()
    assert next(
        i for a in review.snapshot["areas"] for i in a["indicators"] if i["code"] == "3.1.2"
    )["region"]["latest"] == [2023, 121]
    again = reviews.snapshot_take(plan)
    assert reviews.snapshot_id(again) != review.snapshot_id
    assert reviews.snapshot_id(reviews.snapshot_take(plan)) == reviews.snapshot_id(again)


def test_the_review_page_and_pdf_show_the_tables_narrative_and_id(plan, reported, analyst):
    review = review_create(
        framework=plan, user=analyst, kind="midterm", year=2022, title="Mid-term review"
    )
    client = Client()
    client.force_login(analyst)
    section = review.sections.get(priority_area__number=3)
    response = client.post(
        reverse("monitoring:review-section", args=[review.pk, section.pk]),
        {"body": "Digital skills training grew fastest in Korea."},
    )
    assert response.status_code == 302
    page = client.get(reverse("monitoring:review-detail", args=[review.pk])).content.decode()
    assert review.snapshot_id in page
    assert "Digital skills training grew fastest in Korea." in page
    assert "No. of SMEs trained in digital skills" in page
    # The region's status and the economies by status, in words.
    row = page.split("3.1.2 No. of SMEs trained in digital skills")[1].split("</tr>")[0]
    assert "Substantial progress: 1; Deterioration: 1" in row
    assert "Limited progress" in row  # the region: Korea's 100 to 121 against 100 to 200
    asked = client.post(reverse("monitoring:review-pdf", args=[review.pk]), follow=True)
    assert "Waiting for a worker" in asked.content.decode()  # printed by a task, not the page
    job = RenderJob.objects.get(requested_by=analyst)
    assert pdf_render.call(job_id=job.pk) == "done"
    pdf = client.get(reverse("reports:render-download", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="review-{review.snapshot_id}.pdf"'
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert review.snapshot_id in text
    assert "Digital skills training grew fastest in Korea." in text
    assert "Data gaps" in text


def test_the_dashboard_shows_progress_and_completeness(plan, reported):
    page = Client().get(reverse("monitoring:dashboard", args=[plan.code]) + "?area=3")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Substantial progress" in html and "Deterioration" in html
    spec = json.loads(
        html.split('id="chart-heat" type="application/json">')[1].split("</script>")[0]
    )
    cells = {(v["indicator"], v["economy"]): v["status"] for v in spec["data"]["values"]}
    assert cells[("3.1.2", "Republic of Korea")] == "Substantial progress"
    # Filtering by a priority area without the indicator leaves it out.
    other = Client().get(reverse("monitoring:dashboard", args=[plan.code]) + "?area=5")
    assert "3.1.2" not in other.content.decode().split("<caption>")[1]


def test_the_api_gives_values_with_filters_and_progress_components(plan, reported):
    client = Client()
    values = client.get(
        f"/api/v1/monitoring/frameworks/{plan.code}/values",
        {"economy": "KR", "indicator": "3.1.2", "period_from": 2022},
    ).json()
    assert [(v["period"], v["value"]) for v in values] == [(2022, 110), (2023, 121)]
    progress = client.get(
        f"/api/v1/monitoring/frameworks/{plan.code}/progress", {"indicator": "3.1.2"}
    ).json()
    korea = next(p for p in progress if p["economy"] == "KR")
    assert korea["status"] == "substantial"
    assert korea["base_year"] == 2020 and korea["current_value"] == 121
    assert korea["required_cagr"] == pytest.approx((130 / 100) ** 0.25 - 1)


def test_the_api_refuses_bad_values_with_the_reason_and_writes_nothing(plan, focal):
    kr = report(plan, 2024)
    client = Client()
    client.force_login(focal)
    url = f"/api/v1/monitoring/submissions/{kr.pk}/values"
    bad = client.put(
        url,
        data=json.dumps({"values": [{"indicator": "9.9"}, {"indicator": "3.1.2", "value": 1}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "9.9" in json.dumps(bad.json())
    over = client.put(
        url,
        data=json.dumps({"values": [{"indicator": "2.1.1", "value": 130}]}),
        content_type="application/json",
    )
    assert over.status_code == 422
    assert "above the highest valid value" in json.dumps(over.json())
    assert not kr.values.exists()
    good = client.put(
        url,
        data=json.dumps({"values": [{"indicator": "3.1.2", "value": 12, "status": "E"}]}),
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["changed"] == 1
    assert kr.values.get().flag == "E"


def test_a_restricted_plan_is_for_focal_points_and_analysts_only(plan, focal, analyst):
    plan.is_public = False
    plan.save()
    url = reverse("monitoring:dashboard", args=[plan.code])
    assert Client().get(url).status_code == 403
    firm = make_user("firm-owner@example.org")
    for user, status in ((firm, 404), (focal, 200), (analyst, 200)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
        listed = client.get("/api/v1/monitoring/frameworks").json()
        assert (plan.code in {f["code"] for f in listed}) == (status == 200)
    assert Client().get(f"/api/v1/monitoring/frameworks/{plan.code}/values").status_code == 404


def test_progress_as_it_stood_each_year(plan, reported):
    history = selectors.progress_history(plan, reported)
    # Korea from its 2020 baseline of 100 towards 130 in 2024 (6.78% a year required):
    # 2021 at 100 grew 0% (ratio 0, limited); 2022 at 110 grew 4.88% a year (ratio 0.72,
    # moderate); 2023 at 121 grew 6.56% a year (ratio 0.97, substantial).
    assert history["KR"] == {
        2020: "not_available",
        2021: "limited",
        2022: "moderate",
        2023: "substantial",
    }
    # Japan, without a target, falls from 50: deterioration once there are two values.
    assert history["JP"] == {2021: "not_available", 2022: "deterioration", 2023: "deterioration"}
    assert history[""][2023] == "limited"  # the region: Korea's 100 to 121 of 200
    page = Client().get(reverse("monitoring:indicator", args=[plan.code, "3.1.2"]))
    assert "Progress as it stood each year" in page.content.decode()


def test_the_dashboard_shows_progress_as_it_stood_in_a_chosen_year(plan, reported):
    html = (
        Client()
        .get(reverse("monitoring:dashboard", args=[plan.code]) + "?area=3&period=2022&economy=KR")
        .content.decode()
    )
    spec = json.loads(
        html.split('id="chart-heat" type="application/json">')[1].split("</script>")[0]
    )
    # Korea at 110 in 2022: 4.88% a year against 6.78% required, moderate progress.
    assert [(v["economy"], v["status"]) for v in spec["data"]["values"]] == [
        ("Republic of Korea", "Moderate progress")
    ]
