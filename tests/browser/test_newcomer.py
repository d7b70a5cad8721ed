"""A newcomer opens the home page, signs up, registers an SME, finds it, switches language."""

import re

import pytest
from playwright.sync_api import expect

from d4sme.registry.models import Membership, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "newcomer-password-2026"


def test_newcomer_signs_up_registers_an_sme_and_finds_it(page, assert_accessible):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("enterprises go digital")
    assert_accessible(page)

    page.get_by_role("link", name="Sign up and register your firm").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Mina")
    page.get_by_label("Last name").fill("Park")
    page.get_by_label("E-mail address").fill("mina@example.org")
    page.get_by_label(re.compile(r"^Password( \(required\))?$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/organisations/register/$"))
    assert_accessible(page)
    page.get_by_label("Legal name").fill("Mina's Kimchi Kitchen")
    page.get_by_label("Economy").select_option(label="Republic of Korea")
    # htmx fills the regions of the chosen economy.
    expect(page.get_by_label("Region").locator("option", has_text="Seoul")).to_have_count(1)
    page.get_by_label("Region").select_option(label="Seoul-teukbyeolsi")
    page.get_by_label("Sector (ISIC Rev.4 division)").select_option("56")
    page.get_by_label("Persons employed").fill("7")
    page.get_by_label("Women-led").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mina's Kimchi Kitchen")
    expect(page.get_by_text("Micro (1-9)")).to_be_visible()
    assert_accessible(page)
    organisation = Organisation.objects.get(legal_name="Mina's Kimchi Kitchen")
    assert organisation.region.economy_id == "KR" and organisation.women_led
    assert Membership.objects.filter(
        user__email="mina@example.org", organisation=organisation
    ).exists()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.get_by_label("Name starts with").fill("Mina")
    page.get_by_label("Economy").select_option(label="Republic of Korea")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Mina's Kimchi Kitchen")).to_be_visible()
    assert "economy=KR" in page.url  # the query is a shareable link
    assert_accessible(page)

    page.get_by_label("Language").select_option("ko")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Directory of organisations")
    expect(page.get_by_role("link", name="Mina's Kimchi Kitchen")).to_be_visible()
    assert_accessible(page)


def test_form_errors_are_announced_next_to_their_fields(page, assert_accessible):
    page.goto("/accounts/sign-up/")
    page.get_by_label("E-mail address").fill("not-an-address")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".field.has-error").first).to_be_visible()
    assert_accessible(page)
