import pytest
from django.urls import reverse

from d4sme.registry.models import Membership, Organisation, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_up_logs_in_and_asks_for_the_organisation(client):
    response = client.post(
        reverse("sign-up"),
        {
            "first_name": "Ana",
            "last_name": "Lima",
            "email": "Ana@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302 and response.url == reverse("registry:organisation-register")
    user = User.objects.get(email="ana@example.org")
    # Stored hashed, never as typed, and the typed password opens the account.
    assert PASSWORD not in user.password and user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_sign_up_shows_field_errors_and_creates_nothing(client):
    response = client.post(
        reverse("sign-up"), {"email": "not-an-email", "password1": "x", "password2": "y"}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not User.objects.exists()


def test_login_with_e_mail(client, world):
    response = client.post(
        reverse("login"), {"username": "OWNER-A@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_register_form_creates_the_firm_and_the_membership(client, world):
    client.force_login(world.users["sme_b"])
    kr = "KR"
    response = client.post(
        reverse("registry:organisation-register"),
        {
            "kind": "sme",
            "legal_name": "Seoul Noodles",
            "economy": kr,
            "isic_division": "56",
            "employees": "4",
            "founded_year": "2019",
            "women_led": "on",
        },
    )
    organisation = Organisation.objects.get(legal_name="Seoul Noodles")
    assert response.status_code == 302
    assert organisation.isic_section == "I" and organisation.women_led
    assert Membership.objects.filter(user=world.users["sme_b"], organisation=organisation).exists()


def test_register_form_shows_a_service_error_on_the_field(client, world):
    client.force_login(world.users["sme_b"])
    response = client.post(
        reverse("registry:organisation-register"),
        {
            "kind": "sme",
            "legal_name": "Too Big",
            "economy": "KR",
            "employees": "400",
        },
    )
    assert response.status_code == 200
    assert "fewer than 250" in response.content.decode()
    assert not Organisation.objects.filter(legal_name="Too Big").exists()


def test_edit_page_is_refused_to_another_sme(client, world):
    client.force_login(world.users["sme_b"])
    assert (
        client.post(
            reverse("registry:organisation-edit", args=[world.org_a.pk]), {"legal_name": "X"}
        ).status_code
        == 403
    )
    assert Organisation.objects.get(pk=world.org_a.pk).legal_name == "Alpha Bakery"


def test_region_options_for_an_economy(client):
    html = client.get(reverse("registry:region-options"), {"economy": "KR"}).content.decode()
    assert "Seoul" in html


def test_pages_are_translated(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'lang="ko"' in html
    assert "Directory" not in html  # the navigation speaks Korean


def test_synthetic_organisations_say_so_on_their_profile(client, content):
    from d4sme.registry.generator import organisations_generate

    organisations_generate(count=1, seed=1)
    organisation = Organisation.objects.get(is_synthetic=True)
    html = client.get(
        reverse("registry:organisation-detail", args=[organisation.pk])
    ).content.decode()
    assert "generated for demonstration" in html


def test_a_new_api_token_is_shown_once_and_stored_only_as_a_hash(client, world):
    from django.test import Client

    from d4sme.registry.models import ApiToken

    script = Client()  # no session: the token alone must authenticate

    client.force_login(world.users["sme_a"])
    html = client.post(reverse("registry:api-tokens"), {"name": "nightly export"}).content.decode()
    key = html.split('id="new-token">', 1)[1].split("<", 1)[0]
    token = ApiToken.objects.get(user=world.users["sme_a"])
    assert len(key) > 30 and key not in token.key_hash
    assert script.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert key not in client.get(reverse("registry:api-tokens")).content.decode()

    client.post(reverse("registry:api-token-revoke", args=[token.pk]))
    assert script.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
