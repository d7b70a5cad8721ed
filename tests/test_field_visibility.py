"""Field-level visibility: who sees a firm's ownership attributes, page and API, role by role.

Women-led and youth-led (an owner under 35) describe a sole proprietor in person. The public
directory shows a firm's name, economy, sector and size; the ownership attributes go to the
firm itself, to the agencies it applied to and to administrators, and to no one else.
"""

import pytest
from django.test import Client
from django.urls import reverse

from d4sme.programmes import services as programme_services
from d4sme.registry.models import Organisation, Role
from d4sme.registry.services import api_token_create, membership_grant
from tests.conftest import make_user
from tests.programmes.conftest import make_programme, open_call

pytestmark = pytest.mark.django_db

# Role -> whether it sees firm A's ownership attributes.
SEES_OWNERSHIP = {
    "anonymous": False,
    "sme_a": True,  # the firm itself
    "sme_b": False,  # another SME
    "manager": True,  # a manager of the agency firm A applied to
    "other_manager": False,  # a manager of an agency firm A did not apply to
    "analyst": False,  # analysts see aggregates, with small cells suppressed
    "admin": True,
}
OWNERSHIP_KEYS = {"women_led", "youth_led", "rural"}


@pytest.fixture
def visibility_world(world):
    """Firm A, women-led and youth-led, applied to a programme of the manager's agency."""
    Organisation.objects.filter(pk=world.org_a.pk).update(women_led=True, youth_led=True)
    programme = make_programme("kr-visibility", responsible=world.agency.code)
    programme_services.application_submit(
        call=open_call(programme),
        organisation=world.org_a,
        user=world.users["sme_a"],
        motivation="Go digital.",
    )
    other = make_user("other-agency@example.org")
    membership_grant(
        user=other,
        organisation=Organisation.objects.get(code="kr-mss"),
        role=Role.PROGRAMME_MANAGER,
    )
    world.users["other_manager"] = other
    return world


def client_as(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", SEES_OWNERSHIP)
def test_the_profile_page_shows_ownership_only_to_those_entitled(visibility_world, role):
    page = client_as(visibility_world, role).get(
        reverse("registry:organisation-detail", args=[visibility_world.org_a.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Alpha Bakery" in text
    assert ("Women-led" in text) is SEES_OWNERSHIP[role]
    assert ("Youth-led" in text) is SEES_OWNERSHIP[role]


@pytest.mark.parametrize("role", SEES_OWNERSHIP)
def test_the_api_profile_gives_ownership_only_to_those_entitled(visibility_world, role):
    body = (
        client_as(visibility_world, role)
        .get(f"/api/v1/organisations/{visibility_world.org_a.pk}")
        .json()
    )
    assert body["legal_name"] == "Alpha Bakery" and body["economy"] == "KR"
    assert not OWNERSHIP_KEYS & set(body)  # never at the top level, where the directory is
    if SEES_OWNERSHIP[role]:
        assert body["ownership"] == {"women_led": True, "youth_led": True, "rural": False}
    else:
        assert body["ownership"] is None


@pytest.mark.parametrize("role", SEES_OWNERSHIP)
def test_the_public_directory_shows_name_economy_sector_and_size_to_everyone(
    visibility_world, role
):
    client = client_as(visibility_world, role)
    items = client.get("/api/v1/organisations?economy=KR&q=Alpha").json()["items"]
    (alpha,) = [item for item in items if item["id"] == visibility_world.org_a.pk]
    assert {"legal_name", "economy", "isic_section", "size_class"} <= set(alpha)
    assert not OWNERSHIP_KEYS & set(alpha)
    page = client.get(reverse("registry:organisation-directory") + "?q=Alpha").content.decode()
    assert "Alpha Bakery" in page and "Women-led" not in page


def test_a_script_with_the_firms_token_sees_its_ownership(visibility_world):
    _token, key = api_token_create(user=visibility_world.users["sme_a"], name="script")
    body = (
        Client()
        .get(
            f"/api/v1/organisations/{visibility_world.org_a.pk}",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        .json()
    )
    assert body["ownership"]["women_led"] is True
