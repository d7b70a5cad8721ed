"""A firm sees the programmes that fit it, ranked with their reasons, and applies to the best."""

import re

import pytest
from playwright.sync_api import expect

from d4sme.programmes.models import Application
from d4sme.registry.models import Term
from tests.matching.conftest import assess
from tests.programmes.conftest import make_programme, open_call

from .test_programme_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_firm_sees_ranked_recommendations_with_reasons_and_applies(
    page, world, assert_accessible
):
    assess(world.users["sme_a"], world.org_a, maturity=0.1)
    programme = make_programme(
        "kr-bakery-digital",
        name="Digital Bakeries",
        rules={"size_classes": ["micro"], "sections": ["C"]},
        description="Grants for small food manufacturers to digitalise ordering.",
        status="active",
    )
    # It addresses the firm's weakest dimensions (automation, green) and its barriers.
    programme.classifications.add(
        *Term.objects.filter(
            code__in=["smart-factory", "technological-upgrading", "ict-uptake", "cloud", "skills"]
        )
    )
    open_call(programme)
    make_programme("kr-large-only", name="Large Exporters", rules={"size_classes": ["large"]})

    log_in(page, "owner-a@example.org")
    panel = page.get_by_role("region", name="Programmes that fit your firm")
    expect(panel.get_by_role("link", name="Digital Bakeries", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programmes for you"
    ).click()
    ranked = page.locator("ol.recommendations > li h4 a")
    expect(ranked.first).to_have_text("Digital Bakeries")
    first = page.locator("ol.recommendations > li").first
    expect(first.get_by_role("table", name="Why this fit")).to_be_visible()
    expect(first.get_by_text(re.compile("A call is open until"))).to_be_visible()
    expect(first.get_by_text("It is for micro firms; yours is micro.")).to_be_visible()
    page.get_by_text(re.compile("programmes? it is not eligible for")).click()
    expect(page.get_by_role("link", name="Large Exporters")).to_be_visible()
    assert_accessible(page)

    first.get_by_role("link", name="Apply to Digital Bakeries").click()
    page.get_by_label("What do you want to achieve").fill("Take orders online.")
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("cell", name="Submitted")).to_be_visible()
    assert Application.objects.get().call.programme == programme

    page.goto("/matching/programmes/")
    expect(
        page.locator("ol.recommendations > li").first.get_by_text(
            "You have applied to its open call."
        )
    ).to_be_visible()
    assert_accessible(page)
