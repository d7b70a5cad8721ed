"""An SME finds an eligible programme through the facets, applies; the manager takes it in."""

import re

import pytest
from playwright.sync_api import expect

from d4sme.programmes.models import Participation
from d4sme.registry.models import Term
from tests.conftest import PASSWORD
from tests.programmes.conftest import make_programme, open_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_sme_finds_applies_and_joins_a_cohort(page, world, assert_accessible):
    programme = make_programme(
        "kr-bakery-digital",
        name="Digital Bakeries",
        rules={"size_classes": ["micro"], "sections": ["C"]},
        description="Grants for small food manufacturers to digitalise ordering.",
    )
    barrier = Term.objects.get(vocabulary_id="barriers", code="skills")
    programme.classifications.add(barrier)
    make_programme("kr-other", name="Large Exporters", rules={"size_classes": ["large"]})
    open_call(programme)

    log_in(page, "owner-a@example.org")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programmes", exact=True
    ).click()
    assert_accessible(page)
    page.get_by_role("group", name="Economy").get_by_label(re.compile("Republic of Korea")).check()
    page.get_by_role("group", name="Barrier").get_by_label(re.compile(barrier.name)).check()
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name="Digital Bakeries")).to_be_visible()
    expect(page.get_by_role("link", name="Large Exporters")).to_have_count(0)
    assert "barrier=" in page.url and "economy=KR" in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Digital Bakeries").click()
    expect(page.get_by_role("heading", name=re.compile("Alpha Bakery: Eligible"))).to_be_visible()
    expect(page.get_by_text("yours is micro")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("What do you want to achieve").fill(
        "Take orders online and plan baking from them."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("cell", name="Submitted")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "manager@example.org")
    page.goto(f"/programmes/{programme.code}/manage/")
    assert_accessible(page)
    page.get_by_label("Decision").select_option("accepted")
    page.get_by_label("Reason (the applicant reads it)").fill("A clear plan.")
    page.get_by_role("button", name="Decide on Alpha Bakery").click()
    page.locator("#id_cohort-name").fill("Spring 2027")
    page.get_by_role("button", name="Form the cohort").click()
    page.get_by_role("button", name="Add to Spring 2027").click()
    expect(page.get_by_role("link", name="Alpha Bakery")).to_be_visible()
    assert_accessible(page)
    participation = Participation.objects.get()
    assert participation.application.organisation == world.org_a
    assert participation.cohort.name == "Spring 2027"
