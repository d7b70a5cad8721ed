"""Every page of the programme registry passes the axe check, for the role that uses it."""

import pytest

from tests.browser.test_programme_journey import log_in
from tests.programmes.conftest import make_programme, open_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_pages(page, world, assert_accessible):
    for path in (
        "/programmes/?economy=KR",
        "/programmes/compare/?economy=KR&economy=BR",
        "/programmes/completeness/",
        "/programmes/open-data/",
        "/programmes/kr-youth-digital-job-programme/",
    ):
        page.goto(path)
        assert_accessible(page)


def test_analyst_pages(page, world, assert_accessible):
    log_in(page, "analyst@example.org")
    for path in ("/programmes/overlaps/?economy=KR", "/programmes/curation/", "/programmes/new/"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/programmes/overlaps/?economy=KR")
    page.get_by_label("Verdict").first.select_option("confirmed")
    page.get_by_role("button", name="Keep verdict").first.click()
    assert page.get_by_text("Confirmed overlap").first.is_visible()


def test_manager_and_sme_pages(page, world, assert_accessible):
    programme = make_programme("kr-axe", rules={"size_classes": ["micro"]})
    open_call(programme)
    log_in(page, "owner-a@example.org")
    for path in ("/programmes/eligible/", "/programmes/applications/"):
        page.goto(path)
        assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    log_in(page, "manager@example.org")
    page.goto(f"/programmes/{programme.code}/manage/")
    assert_accessible(page)
    page.goto(f"/programmes/{programme.code}/edit/")
    assert_accessible(page)
    page.get_by_label("Name (required)").fill("Renamed for the test")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_role("heading", name="Renamed for the test").is_visible()
