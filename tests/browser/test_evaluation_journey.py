"""An analyst plans and runs an evaluation of a programme, reads the balance table and the
brief, downloads the PDF and approves it; the public then reads the brief. Every page passes
the axe check."""

import io
import re
from pathlib import Path

import pypdf
from playwright.sync_api import expect

from d4sme.evaluation.models import Evaluation
from tests.browser.test_programme_journey import log_in
from tests.evaluation.conftest import build_programme
from tests.test_tasks import run_worker


def test_analyst_runs_an_evaluation_and_downloads_the_brief(
    page, world, assert_accessible, tmp_path
):
    programme, entry, _ = build_programme()

    log_in(page, "analyst@example.org")
    page.goto("/evaluation/")
    assert_accessible(page)
    page.get_by_role("link", name="Plan an evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan an evaluation")
    page.get_by_label("Programme").select_option(label=programme.name)
    page.get_by_label("Title").fill("Jobs a year after entry")
    page.get_by_label("Evaluation question").fill(
        "How many jobs did taking part add a year after entry?"
    )
    page.get_by_label("Outcome (required)").select_option(label="Persons employed")
    page.get_by_label("Design (required)").select_option(
        label="Matched comparison with difference in differences"
    )
    page.get_by_label("Age of the firm at entry").uncheck()
    page.get_by_label("Persons employed in the year before entry").check()
    page.get_by_label("Caliper (standard deviations of the score)").fill("0.1")
    assert_accessible(page)
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Evaluation planned. Run it when ready.")).to_be_visible()

    page.get_by_role("button", name="Run the evaluation").click()
    expect(page.locator("#evaluation-status")).to_contain_text("Waiting for a worker")
    assert_accessible(page)
    run_worker(tmp_path)
    page.reload()
    expect(page.locator("#evaluation-status")).to_contain_text("Results ready")
    evaluation = Evaluation.objects.get(title="Jobs a year after entry")
    assert evaluation.summary["participants"] == len(entry)

    # The balance table and the Love plot drawn from the same figures.
    table = page.locator("#balance-table")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(1 + evaluation.balance.count())
    expect(table).to_contain_text("The outcome in the year before entry")
    expect(page.locator(".chart.drawn svg")).to_have_count(1)
    expect(page.get_by_text(re.compile(r"Step \d of 6"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Read the brief").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brief: Jobs a year after entry")
    did = evaluation.estimates.get(aggregation="did", overall=True)
    expect(page.locator(".headline")).to_contain_text(f"{did.estimate:.3f}")
    assert_accessible(page)

    page.get_by_role("button", name="Download the brief (PDF)").click()
    expect(page.get_by_role("status")).to_have_text("Waiting for a worker")
    run_worker(tmp_path)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download evaluation-{evaluation.pk}.pdf").click()
    pdf = pypdf.PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Brief: Jobs a year after entry" in text
    assert f"{did.estimate:.3f}" in text
    assert f"Step {evaluation.evidence_step} of 6" in text

    page.goto(f"/evaluation/{evaluation.pk}/")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator("#evaluation-status")).to_contain_text("Approved and public")
    page.get_by_role("button", name="Log out").click()
    page.goto(f"/evaluation/{evaluation.pk}/brief/")
    expect(page.locator("#balance-table")).to_be_visible()
    assert_accessible(page)
