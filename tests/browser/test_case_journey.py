"""An SME writes a case, an analyst returns it with a note, the SME corrects it, the analyst
publishes it, and a visitor finds it with a query in another language; axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from d4sme.casestudies.demo import cases_load
from d4sme.casestudies.models import Case
from tests.browser.test_programme_journey import log_in
from tests.test_tasks import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_goes_from_draft_to_a_story_found_across_languages(
    page, world, assert_accessible, tmp_path
):
    cases_load()  # the demonstration cases, so the new one must be found among others

    log_in(page, "owner-a@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    assert_accessible(page)
    page.get_by_role("link", name="Write a case").first.click()
    page.get_by_label("Title").fill("Our honey now sells by subscription")
    page.get_by_label("Language written in").select_option("en")
    page.get_by_label("Economy").select_option("KR")
    page.get_by_label("Sector (ISIC section)").select_option("A")
    page.get_by_label("Size class").select_option("micro")
    page.get_by_label("Period").select_option("recovery")
    page.get_by_label("Summary").fill(
        "A family of beekeepers started selling honey through a monthly subscription app."
    )
    page.get_by_label("Challenges").fill("Sales depended on two local markets and the weather.")
    page.get_by_label("Solutions").fill("A subscription shop with home delivery every month.")
    page.get_by_label("Consent to publish").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Our honey now sells by subscription")).to_be_visible()
    page.get_by_role("button", name="Move to “Submitted”").click()
    expect(page.get_by_text("The case is now “Submitted”")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "analyst@example.org")
    page.goto("/cases/moderation/")
    assert_accessible(page)
    page.get_by_role("link", name="Our honey now sells by subscription").click()
    page.get_by_label("What should the author change?").fill("Say how many subscribers you have.")
    page.get_by_role("button", name="Move to “Returned with notes”").click()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "owner-a@example.org")
    page.goto("/cases/mine/")
    page.get_by_role("link", name="Our honey now sells by subscription").click()
    page.get_by_role("link", name="Edit this case").click()
    expect(page.get_by_text("Say how many subscribers you have.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Solutions").fill(
        "A subscription shop with home delivery every month; 140 subscribers after a year."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Move to “Submitted”").click()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "analyst@example.org")
    page.goto("/cases/moderation/")
    page.get_by_role("link", name="Our honey now sells by subscription").click()
    page.get_by_role("button", name="Move to “Published”").click()
    expect(page.get_by_text("The case is now “Published”")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    run_worker(tmp_path)  # the worker computes the published case's embedding
    case = Case.objects.get(title="Our honey now sells by subscription")
    assert case.embedding is not None

    page.goto("/cases/")
    page.get_by_label("Search", exact=True).fill("apicultores que venden miel por suscripción")
    page.get_by_role("button", name="Find").click()
    results = page.locator(".results h3 a")
    expect(results.first).to_be_visible()
    assert "Our honey now sells by subscription" in results.all_inner_texts()[:3]
    assert_accessible(page)
    results.filter(has_text="Our honey").click()
    expect(page.get_by_text("140 subscribers")).to_be_visible()
    assert page.locator('meta[property="og:title"]').get_attribute("content") == case.title
    assert_accessible(page)
    assert re.search(r"/cases/[\w-]+/$", page.url)
