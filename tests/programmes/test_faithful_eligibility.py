"""Eligibility and recommendations say only what the programmes' sources say, alike on every page."""

import re

import pytest
from django.urls import reverse

from d4sme.programmes import services
from d4sme.programmes.eligibility import NOT_STATED, check
from d4sme.programmes.models import CurationStatus, Programme
from d4sme.programmes.selectors import programmes_eligible_for
from tests.conftest import make_sme, make_user
from tests.programmes.conftest import make_programme, open_call

pytestmark = pytest.mark.django_db

TO_CONFIRM_LABEL = "Eligible, subject to the conditions the agency checks"


@pytest.fixture
def bakery_owner(content):
    """A Korean micro bakery (ISIC 10, food manufacturing) with six employees, led by a woman."""
    owner = make_user("baker@example.org")
    make_sme(owner, "Seoul Micro Bakery", isic_division="10", employees=6, women_led=True)
    return owner


def seed(code: str) -> Programme:
    return Programme.objects.get(code=code)


def test_programmes_for_a_micro_bakery_leave_out_historical_ended_and_unstated_ones(
    client, bakery_owner
):
    bakery = bakery_owner.memberships.get().organisation
    found = {programme.code for programme, _ in programmes_eligible_for(organisation=bakery)}
    # The 2007 annex's portal, e-business standard and automotive exchange, and Korea's
    # programmes that ended in 2008 and 2016, are not for this bakery today.
    for code in (
        "biac-sme-web-portal",
        "rosettanet-e-business-standards",
        "covisint-automotive-exchange",
        "kr-1m-sme-informatisation-2005",
        "kr-sme-informatisation-2007",
    ):
        assert code not in found
    assert {"kr-smart-factory-strategy-2018", "kr-micro-enterprise-digitalisation"} <= found
    assert all(seed(code).economy_id == "KR" for code in found)

    client.force_login(bakery_owner)
    page = client.get(reverse("programmes:eligible-list")).content.decode()
    assert "RosettaNet" not in page and "BIAC" not in page and "Covisint" not in page


def test_a_programme_whose_source_states_no_eligibility_is_not_shown_as_eligible(
    client, bakery_owner
):
    rosettanet = seed("rosettanet-e-business-standards")
    assert rosettanet.eligibility == {} and rosettanet.eligibility_stated is False
    client.force_login(bakery_owner)
    page = client.get(reverse("programmes:programme-detail", args=[rosettanet.code]))
    text = page.content.decode()
    assert "Eligibility not stated by the source" in text
    assert "It is open to every firm." not in text
    assert "Seoul Micro Bakery: Eligibility not stated by the source</h3>" in text


def test_the_source_states_no_eligibility_verdict_is_neither_eligible_nor_open_to_all():
    from tests.programmes.test_eligibility import KOREAN_MICRO_MAKER

    verdict = check(rules={}, economy=None, economy_name="", firm=KOREAN_MICRO_MAKER, stated=False)
    assert not verdict.eligible and verdict.outcome == NOT_STATED
    assert verdict.label == "Eligibility not stated by the source"


def test_seed_rules_state_only_what_the_sources_state(content):
    # The annex describes a hub launched by the car industry and guidelines on metal moulds;
    # neither says which firms may take part.
    for code in ("covisint-automotive-exchange", "jp-metal-mould-ip-guidelines"):
        programme = seed(code)
        assert programme.eligibility == {} and not programme.eligibility_stated
    # A programme listed without any rule is "not stated", never "open to every firm".
    assert not Programme.objects.filter(eligibility={}, eligibility_stated=True).exists()
    # Korea's smart manufacturing strategy is for manufacturing SMEs, as the source says.
    assert seed("kr-smart-factory-strategy-2018").eligibility == {
        "size_classes": ["micro", "small", "medium"],
        "sections": ["C"],
    }


def test_the_youth_job_rule_is_the_age_of_the_person_hired_not_of_the_owner(client, bakery_owner):
    youth_jobs = seed("kr-youth-digital-job-programme")
    assert youth_jobs.eligibility == {
        "size_classes": ["micro", "small", "medium"],
        "hire_min_age": 15,
        "hire_max_age": 34,
    }
    bakery = bakery_owner.memberships.get().organisation
    assert not bakery.youth_led  # its owner is not young; the firm may still hire the young
    found = dict(programmes_eligible_for(organisation=bakery))
    verdict = found[youth_jobs]
    assert verdict.reasons[-1].criterion == "hire_age"
    assert "age of the person you hire" in verdict.reasons[-1].text


def test_the_programme_page_and_the_apply_page_word_a_verdict_alike(client, bakery_owner):
    programme = make_programme(
        "kr-hiring-test", rules={"size_classes": ["micro"], "hire_min_age": 15, "hire_max_age": 34}
    )
    call = open_call(programme)
    client.force_login(bakery_owner)
    detail = client.get(reverse("programmes:programme-detail", args=[programme.code]))
    apply = client.get(reverse("programmes:application-create", args=[call.pk]))
    listing = client.get(reverse("programmes:eligible-list"))
    for page in (detail, apply, listing):
        text = page.content.decode()
        assert TO_CONFIRM_LABEL in text
        assert "probably eligible" not in text


def test_a_firm_may_apply_where_the_source_states_no_eligibility(bakery_owner):
    programme = make_programme("kr-unstated-test", eligibility_stated=False)
    bakery = bakery_owner.memberships.get().organisation
    application = services.application_submit(
        call=open_call(programme), organisation=bakery, user=bakery_owner, motivation="Try."
    )
    assert application.eligibility["outcome"] == NOT_STATED


def test_public_programme_pages_cite_the_source_document_by_title(client, content):
    published = Programme.objects.filter(curation_status=CurationStatus.PUBLISHED)
    assert not [p.code for p in published if re.search(r"\bseeds? ?\d", p.source, re.I)]
    page = client.get(
        reverse("programmes:programme-detail", args=["kr-youth-digital-job-programme"])
    ).content.decode()
    assert "Korea&#x27;s Institutional Framework on SME Digitalization" in page


def test_the_participation_form_promises_no_comparison_it_does_not_make(client, world):
    from tests.programmes.conftest import make_programme as programme_for

    manager = world.users["manager"]
    programme = programme_for("kr-participation-test")
    application = services.application_submit(
        call=open_call(programme),
        organisation=world.org_a,
        user=world.users["sme_a"],
        motivation="Grow.",
    )
    services.application_decide(
        application=application, user=manager, status="accepted", reason="Yes."
    )
    cohort = services.cohort_create(programme=programme, user=manager, name="One")
    participation = services.participation_add(cohort=cohort, application=application, user=manager)
    client.force_login(manager)
    text = client.get(reverse("programmes:participation-edit", args=[participation.pk])).content
    text = text.decode()
    assert "evaluation compares them" not in text
    assert "compares participants with eligible firms that did not take part" in text
    assert "Only approved evaluations are published" in text
