import pytest
from django.urls import reverse

from d4sme.programmes.models import Programme
from d4sme.registry.models import Term

pytestmark = pytest.mark.django_db


def test_the_seed_programmes_are_browsable_with_facet_counts(client):
    response = client.get(reverse("programmes:programme-list"), {"economy": "KR"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Youth Digital Job Programme" in html
    assert "Programa Brasil Mais" not in html
    assert 'name="economy" value="KR"' in html and "checked" in html


def test_text_search_and_facets_combine(client):
    html = client.get(
        reverse("programmes:programme-list"), {"q": "informatisation", "economy": "KR"}
    ).content.decode()
    assert html.count('class="results"') == 1
    assert "SME Informatisation" in html and "Youth Digital Job" not in html


def test_every_search_url_is_shareable_and_a_bad_value_is_ignored(client):
    response = client.get(
        reverse("programmes:programme-list"), {"year": "soon", "agency": "x", "theme": "nope"}
    )
    assert response.status_code == 200


def test_an_unpublished_programme_is_not_found_by_the_public(client, world):
    from tests.programmes.conftest import make_programme

    make_programme("kr-secret", published=False, name="Secret Plan")
    assert client.get(reverse("programmes:programme-detail", args=["kr-secret"])).status_code == 404
    assert "Secret Plan" not in client.get(reverse("programmes:programme-list")).content.decode()
    assert client.get("/api/v1/programmes/kr-secret").status_code == 404


def test_a_manager_submits_a_programme_through_the_form(client, world):
    client.force_login(world.users["manager"])
    kosmo = world.agency
    skills = Term.objects.get(vocabulary_id="barriers", code="skills")
    kind = Term.objects.filter(vocabulary_id="stip-instrument-types").exclude(parent=None).first()
    response = client.post(
        reverse("programmes:programme-new"),
        {
            "name": "Smart Shop Vouchers",
            "original_language": "en",
            "economy": "KR",
            "government_level": "national",
            "responsible": kosmo.pk,
            "start_year": "2026",
            "status": "active",
            "budget_band": "unknown",
            "barriers": [skills.pk],
            "instrument_name": "Vouchers",
            "instrument_type": kind.pk,
            "size_classes": ["micro", "small"],
            "sections": ["G"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get(name="Smart Shop Vouchers")
    assert programme.eligibility == {"size_classes": ["micro", "small"], "sections": ["G"]}
    assert list(programme.classifications.all()) == [skills]
    assert programme.curation_status == "draft"


def test_the_api_explains_eligibility_to_a_member(client, world):
    from tests.programmes.conftest import make_programme

    make_programme("kr-for-makers", rules={"sections": ["C"], "youth_led": True})
    client.force_login(world.users["sme_a"])
    body = client.get(
        f"/api/v1/programmes/kr-for-makers/eligibility?organisation={world.org_a.pk}"
    ).json()
    assert body["eligible"] is False
    assert {r["criterion"]: r["outcome"] for r in body["reasons"]} == {
        "economy": "met",
        "sections": "met",
        "youth_led": "unmet",
    }


def test_open_data_downloads_carry_the_codebook(client):
    import io
    import zipfile

    response = client.get(reverse("programmes:open-data-download", args=["csv"]))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "codebook.csv" in names and "programmes.csv" in names
    assert client.get(reverse("programmes:open-data-download", args=["pdf"])).status_code == 404
    assert "Codebook" in client.get(reverse("programmes:open-data")).content.decode()


def test_each_firm_sees_only_its_own_applications(client, programme_world):
    from d4sme.programmes import services

    services.application_submit(
        call=programme_world.call,
        organisation=programme_world.org_a,
        user=programme_world.users["sme_a"],
        motivation="Grow online.",
    )
    client.force_login(programme_world.users["sme_b"])
    assert client.get("/api/v1/applications").json() == []
    assert "Alpha Bakery" not in client.get(reverse("programmes:application-list")).content.decode()
    client.force_login(programme_world.users["sme_a"])
    assert [a["organisation"] for a in client.get("/api/v1/applications").json()] == [
        programme_world.org_a.pk
    ]


def test_a_facet_offers_its_other_values_once_one_is_chosen():
    from d4sme.programmes.selectors import ProgrammeFilters, programme_facets, programme_search

    korea = ProgrammeFilters(economy=("KR",))
    facets = programme_facets(results=programme_search(filters=korea), filters=korea)
    economies = {f.value: f for f in facets["economy"]}
    assert economies["KR"].selected and economies["KR"].count == 7
    assert "BR" in economies and not economies["BR"].selected  # a second economy can be added
    both = ProgrammeFilters(economy=("KR", "BR"))
    assert programme_search(filters=both).count() == 7 + economies["BR"].count
    # Other facets count within the chosen economies only.
    statuses = {f.value: f.count for f in facets["status"]}
    assert sum(statuses.values()) == 7


def test_a_korean_reader_finds_a_programme_by_words_of_its_korean_description(client):
    # "임금" (wages) appears only in the Korean description, not in any name.
    html = client.get(
        reverse("programmes:programme-list"), {"q": "임금"}, HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "청년 디지털 일자리 사업" in html
    assert "고용노동부" in html  # the description is shown in Korean too
