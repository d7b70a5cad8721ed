import pytest

from d4sme.registry.models import Organisation
from d4sme.registry.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(world):
    _token, key = api_token_create(user=world.users["sme_a"], name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_document_lists_the_registry(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/organisations" in paths and "/api/v1/vocabularies/{code}" in paths


def test_economies_filter_by_grouping(client):
    body = client.get("/api/v1/economies", {"group": "apec", "limit": 100}).json()
    assert body["count"] == 21
    assert "Chinese Taipei" in {e["name"] for e in body["items"]}


def test_organisations_list_pages_with_a_cursor(client, world):
    first = client.get("/api/v1/organisations", {"kind": "sme", "page_size": 1}).json()
    second = client.get(
        "/api/v1/organisations", {"kind": "sme", "page_size": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [o["legal_name"] for o in first["items"] + second["items"]] == [
        "Alpha Bakery",
        "Beta Tools",
    ]
    assert "employees" not in first["items"][0]


def test_a_bad_cursor_is_a_422_with_a_reason(client):
    response = client.get("/api/v1/organisations", {"cursor": "%%%"})
    assert response.status_code == 422
    assert "cursor" in response.json()["detail"]


def test_a_token_holder_registers_a_firm(client, token):
    response = client.post(
        "/api/v1/organisations",
        {"legal_name": "Gamma Data", "economy": "kr", "isic_division": "62", "employees": 12},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["size_class"] == "small" and body["isic_section"] == "J" and body["economy"] == "KR"


def test_an_unknown_economy_is_a_422_and_creates_nothing(client, token):
    before = Organisation.objects.count()
    response = client.post(
        "/api/v1/organisations",
        {"legal_name": "Nowhere", "economy": "ZZ"},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 422
    assert "economy" in response.json()["detail"]
    assert Organisation.objects.count() == before


def test_a_malformed_body_is_a_422_not_a_500(client, token):
    response = client.post(
        "/api/v1/organisations", "{not json", content_type="application/json", **token
    )
    assert 400 <= response.status_code < 500


def test_a_member_patches_their_own_firm_but_not_another(client, world, token):
    own = client.patch(
        f"/api/v1/organisations/{world.org_a.pk}",
        {"employees": 60},
        content_type="application/json",
        **token,
    )
    assert own.status_code == 200 and own.json()["size_class"] == "medium"
    other = client.patch(
        f"/api/v1/organisations/{world.org_b.pk}",
        {"employees": 60},
        content_type="application/json",
        **token,
    )
    assert other.status_code == 403
    assert Organisation.objects.get(pk=world.org_b.pk).employees == 5


def test_an_invalid_token_is_a_401(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


def test_me_lists_roles(client, token):
    body = client.get("/api/v1/me", **token).json()
    assert body["roles"] == ["sme_member"] and body["email"] == "owner-a@example.org"


def test_vocabulary_terms_are_labelled_in_the_requested_language(client):
    body = client.get("/api/v1/vocabularies/barriers", HTTP_ACCEPT_LANGUAGE="es").json()
    assert all(term["label"] for term in body["terms"])
    assert any(term["label"] != term["name"] for term in body["terms"])
