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


def test_a_young_person_is_matched_to_a_digital_job(page, world, assert_accessible):
    from datetime import date
    from decimal import Decimal

    from d4sme.matching import services
    from d4sme.matching.models import SubsidyBudget
    from tests.conftest import make_user

    scheme = make_programme(
        "kr-youth-journey",
        name="Youth Digital Jobs",
        rules={
            "size_classes": ["micro", "small", "medium"],
            "hire_min_age": 15,
            "hire_max_age": 34,
        },
    )
    SubsidyBudget.objects.create(
        programme=scheme, year=date.today().year, amount=Decimal(5000), per_hire=Decimal(1000)
    )
    services.job_post_create(
        user=world.users["sme_a"],
        organisation=world.org_a,
        programme=scheme,
        title="Web developer",
        occupation="2512",
        digital_skills=["python", "html"],
        slots=1,
        monthly_wage=Decimal(2400),
    )
    make_user("young@example.org")

    log_in(page, "young@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Digital jobs").click()
    assert_accessible(page)
    page.get_by_role("link", name="Register as a candidate").click()
    page.get_by_label("Your name").fill("Min-ji Kim")
    page.get_by_label("Date of birth").fill(f"{date.today().year - 24}-05-01")
    page.get_by_label("Your digital skills, separated by commas").fill("python, html")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Web developer").click()
    page.get_by_role("button", name="Apply to this job").click()
    expect(
        page.get_by_role("region", name="As a candidate").get_by_role("link", name="Web developer")
    ).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "manager@example.org")
    page.goto("/matching/jobs/")
    page.get_by_role("button", name="Match candidates for Youth Digital Jobs").click()
    expect(
        page.get_by_role("region", name="Proposed hires").get_by_role("link", name="Min-ji Kim")
    ).to_be_visible()
    expect(page.get_by_role("table", name="What each mode gives")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "young@example.org")
    page.goto("/matching/jobs/")
    expect(page.get_by_text(re.compile("Web developer · Alpha Bakery · Proposed"))).to_be_visible()
    assert_accessible(page)


def test_a_large_firm_finds_a_supplier_who_accepts_in_turn(page, world, assert_accessible):
    from d4sme.matching import services
    from d4sme.matching.models import SupplierPair, SupplierRelationship
    from d4sme.registry.models import Economy, OrganisationKind
    from d4sme.registry.services import organisation_register
    from tests.conftest import make_user

    buyer = make_user("buyer@example.org")
    gamma = organisation_register(
        user=buyer,
        kind=OrganisationKind.LARGE_FIRM,
        legal_name="Gamma Foods",
        economy=Economy.objects.get(code="KR"),
        isic_division="10",
        employees=3000,
    )
    other = organisation_register(
        user=make_user("other@example.org"),
        kind=OrganisationKind.LARGE_FIRM,
        legal_name="Delta Hotels",
        economy=Economy.objects.get(code="KR"),
        isic_division="55",
        employees=800,
    )
    # Alpha Bakery already sells 50 units a year to another buyer: selling 50 to Gamma keeps
    # each buyer at half of its sales, the default ceiling (HHI 5,000).
    SupplierRelationship.objects.create(buyer=other, supplier=world.org_a, volume=50)
    services.supplier_offer_create(
        user=world.users["sme_a"],
        supplier=world.org_a,
        title="Fresh bread",
        isic_division="10",
        capabilities=["bread", "pastry"],
        capacity=100,
    )

    log_in(page, "buyer@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Suppliers").click()
    page.get_by_role("link", name="Publish a supplier need").click()
    page.get_by_label("What you need").fill("Bread for staff canteens")
    page.get_by_label("Sector (ISIC Rev.4 division, two digits)").fill("10")
    page.get_by_label("Capabilities wanted, separated by commas").fill("bread")
    page.get_by_label("Suppliers wanted").fill("2")
    page.get_by_label("Volume a year (units)").fill("100")
    page.get_by_label("Largest share one supplier may hold (0-1)").fill("0.5")
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("button", name="Match suppliers to the open needs").click()
    expect(page.get_by_role("table", name="HHI before and after")).to_be_visible()
    assert_accessible(page)
    page.goto("/matching/suppliers/")
    page.get_by_role("button", name="Accept Alpha Bakery for Bread for staff canteens").click()
    expect(page.get_by_text("Waiting for the other side")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "owner-a@example.org")
    page.goto("/matching/suppliers/")
    page.get_by_role("button", name="Accept Alpha Bakery for Bread for staff canteens").click()
    expect(page.get_by_role("cell", name=re.compile("^Accepted"))).to_have_count(3)
    assert_accessible(page)
    pair = SupplierPair.objects.get()
    assert pair.status == "accepted" and pair.volume == 50
    assert SupplierRelationship.objects.get(buyer=gamma).volume == 50
