"""A focal point reports a year; an analyst returns a value with a note, then approves."""

import re

from playwright.sync_api import expect

from tests.browser.test_programme_journey import log_in
from tests.monitoring import conftest as monitoring
from tests.test_tasks import run_worker

# The monitoring tests' fixtures: the APEC plan, Korea's focal point and an analyst.
plan, focal, analyst = monitoring.plan, monitoring.focal, monitoring.analyst


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_a_year_is_reported_returned_corrected_approved_and_locked(
    page, plan, focal, analyst, assert_accessible
):
    trained = plan.indicators.get(code="3.1.2")
    ecommerce = plan.indicators.get(code="3.2.2")

    log_in(page, focal.email)
    page.goto(f"/monitoring/{plan.code}/reporting/")
    assert_accessible(page)
    page.get_by_role("button", name="Start the 2023 report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Report of Republic of Korea for 2023"
    )
    assert_accessible(page)
    page.locator(f"#id_i{trained.pk}-total-all-value").fill("120")
    page.locator(f"#id_i{trained.pk}-total-all-source").fill("National SME survey")
    page.locator(f"#id_i{ecommerce.pk}-total-all-value").fill("4500")
    page.get_by_role("button", name="Save values").click()
    expect(page.get_by_text("2 values saved.")).to_be_visible()
    # A report with empty indicators is not submitted; the page names them.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Give each of these indicators a value")).to_be_visible()
    expect(page.locator("#report-status")).to_contain_text("Draft")
    rest = plan.indicators.exclude(pk__in=[trained.pk, ecommerce.pk])
    for indicator in rest:
        page.locator(f"#id_i{indicator.pk}-total-all-flag").select_option("Not collected")
    page.get_by_role("button", name="Save values").click()
    expect(page.get_by_text(f"{rest.count()} values saved.")).to_be_visible()
    expect(page.locator("#report-holes")).to_have_count(0)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#report-status")).to_contain_text("Submitted")
    expect(page.locator("#report-late")).to_be_visible()
    expect(page.locator(f"#id_i{trained.pk}-total-all-value")).to_have_count(0)
    report_url = page.url
    log_out(page)

    log_in(page, analyst.email)
    page.goto(f"/monitoring/{plan.code}/reporting/")
    page.get_by_role("link", name=re.compile("Republic of Korea · 2023")).click()
    assert_accessible(page)
    page.get_by_label("Note on 3.1.2").fill("Last year's survey counted 102; please check.")
    page.get_by_role("button", name="Return with notes").click()
    expect(page.locator("#report-status")).to_contain_text("Returned with notes")
    log_out(page)

    # The focal point answers the analyst's question in the report's thread.

    log_in(page, focal.email)
    page.goto(report_url)
    expect(page.get_by_role("alert")).to_contain_text(
        "3.1.2: Last year's survey counted 102; please check."
    )
    page.get_by_label("Your answer").fill("The survey was revised; 102 is right.")
    page.get_by_role("button", name="Answer").click()
    expect(page.locator("#thread")).to_contain_text("The survey was revised; 102 is right.")
    assert_accessible(page)
    page.locator(f"#id_i{trained.pk}-total-all-value").fill("102")
    page.get_by_role("button", name="Save values").click()
    expect(page.get_by_text("1 value saved.")).to_be_visible()
    expect(page.get_by_text("The analysts asked about these values")).to_have_count(0)
    page.get_by_role("button", name="Submit for review").click()
    log_out(page)

    log_in(page, analyst.email)
    page.goto(report_url)
    page.get_by_role("button", name="Resolve and close").click()
    expect(page.locator("#thread")).to_contain_text("the thread is closed")
    page.get_by_role("button", name="Approve and lock").click()
    expect(page.locator("#report-status")).to_contain_text("approved values are locked")
    page.goto(report_url + "history/")
    assert_accessible(page)
    expect(page.get_by_role("cell", name="102", exact=True)).to_be_visible()
    log_out(page)

    # The focal point can no longer change it; the approved value is on the indicator page.
    log_in(page, focal.email)
    page.goto(report_url)
    expect(page.locator("#report-status")).to_contain_text("Approved")
    expect(page.get_by_role("button", name="Save values")).to_have_count(0)
    page.goto(f"/monitoring/{plan.code}/indicators/3.1.2/")
    assert_accessible(page)
    expect(page.locator(".progress-table")).to_contain_text("102 (2023)")
    page.goto(f"/monitoring/{plan.code}/dashboard/?area=3")
    assert_accessible(page)
    expect(page.locator("table.heat")).to_contain_text("3.1.2")
    expect(page.locator(".chart svg, .chart canvas").first).to_be_visible()


def test_an_analyst_prepares_the_mid_term_review_pack(
    page, plan, analyst, assert_accessible, tmp_path
):
    log_in(page, analyst.email)
    page.goto(f"/monitoring/{plan.code}/")
    assert_accessible(page)
    page.get_by_role("link", name="Baselines and targets").click()
    assert_accessible(page)
    trained = plan.indicators.get(code="3.1.2")
    page.locator(f"#id_t{trained.pk}-baseline_year").fill("2020")
    page.locator(f"#id_t{trained.pk}-baseline_value").fill("1000")
    page.locator(f"#id_t{trained.pk}-target_year").fill("2024")
    page.locator(f"#id_t{trained.pk}-target_value").fill("1500")
    page.get_by_role("button", name="Save baselines and targets").click()
    expect(page.get_by_text("1 baselines and targets saved.")).to_be_visible()

    page.get_by_role("link", name="Reviews").click()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("midterm")
    page.get_by_label("Year").fill("2022")
    page.get_by_label("Title").fill("Mid-term review 2022")
    page.get_by_role("button", name="Take the snapshot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mid-term review 2022")
    assert_accessible(page)
    expect(page.locator("p.meta strong")).to_contain_text(
        re.compile(r"Snapshot apec-s-[0-9a-f]{12}")
    )
    page.get_by_label("Narrative: priority area 3").fill("Training reached more firms each year.")
    page.get_by_role("button", name="Save the narrative").nth(3).click()
    expect(page.get_by_text("Narrative saved.")).to_be_visible()
    expect(page.locator("#area-3")).to_contain_text("Training reached more firms each year.")
    expect(page.locator("#area-3")).to_contain_text(re.compile(r"1,?500 \(2024\)"))
    page.get_by_role("button", name="Download as PDF").click()
    expect(page.get_by_role("status")).to_have_text("Waiting for a worker")
    run_worker(tmp_path)
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile(r"Download review-apec-s-[0-9a-f]{12}\.pdf")
        ).click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(f"/monitoring/{plan.code}/proposals/new/")
    assert_accessible(page)
    page.get_by_label("Title").fill("E-commerce skills for women-led SMEs")
    page.get_by_label("Proposing economy").select_option("PH")
    page.get_by_label("Objectives").fill("Train women-led micro-enterprises to sell online.")
    page.get_by_label("Description").fill("Bootcamps on e-commerce and digital payments.")
    page.get_by_label("3. Inclusive capability development towards digitalization").check()
    page.get_by_label("Budget (USD)").fill("120000")
    page.get_by_role("button", name="Add the proposal").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("E-commerce skills")
    assert_accessible(page)
    expect(page.locator("ol.results")).to_contain_text("Closest to objective 3.")
