"""Programme search through the shared search service: ranked, any-word, stemmed, multilingual,
and kept current whichever path wrote the programme."""

from django.urls import reverse

from d4sme.programmes.models import CurationStatus
from d4sme.programmes.selectors import ProgrammeFilters, programme_facets, programme_search
from d4sme.programmes.services import search_text_of
from tests.programmes.conftest import make_programme


def found(q: str, **filters) -> list[str]:
    return list(
        programme_search(filters=ProgrammeFilters(q=q, **filters)).values_list("code", flat=True)
    )


def test_the_programme_holding_more_of_the_query_ranks_first(world):
    make_programme(
        "t-vouchers", name="Quillet vouchers", description="Quillet vouchers for cloud software."
    )
    make_programme("t-loans", name="Quillet loans", description="Loans for machinery.")
    codes = found("quillet cloud vouchers")
    assert codes[:2] == ["t-vouchers", "t-loans"]


def test_any_word_matches_and_word_forms_meet_at_their_stem(world):
    make_programme("t-digit", name="Zorvex programme", description="Digitalisation vouchers.")
    # Not every word needs to match, and "voucher" reaches "vouchers".
    assert "t-digit" in found("zorvex voucher unknownword")
    make_programme(
        "t-es",
        name="Programa Zorvex",
        description="Subvenciones para la digitalización de pequeñas empresas.",
    )
    # A Spanish word form, and the same word typed without its accent.
    assert "t-es" in found("subvención digitalizacion")


def test_a_korean_query_finds_a_programme_by_part_of_a_word(world):
    make_programme("t-ko", name="Smart plant", translations={"ko": "스마트공장 보급확산사업"})
    assert "t-ko" in found("스마트공장")


def test_unpublished_and_changed_programmes_are_searched_as_they_now_are(world):
    draft = make_programme("t-draft", name="Blintzor grants", published=False)
    assert found("blintzor") == []
    draft.curation_status = CurationStatus.PUBLISHED
    draft.save()
    assert found("blintzor") == ["t-draft"]
    draft.description = "Frobnicator training for owners."
    draft.search_text = search_text_of(draft)
    draft.save()
    assert found("frobnicator") == ["t-draft"]
    draft.delete()
    assert found("blintzor") == []


def test_facets_count_the_ranked_results(world):
    make_programme("t-kr", name="Plimsoll support", economy="KR")
    make_programme("t-br", name="Plimsoll apoio", economy="BR", responsible=None)
    filters = ProgrammeFilters(q="plimsoll")
    results = programme_search(filters=filters)
    economies = {
        f.value: f.count for f in programme_facets(results=results, filters=filters)["economy"]
    }
    assert economies == {"KR": 1, "BR": 1}
    assert found("plimsoll", economy=("BR",)) == ["t-br"]


def test_the_list_page_and_the_api_show_the_best_match_first(client, world):
    make_programme("t-one", name="Wobbler", description="Wobbler wobbler wobbler training.")
    make_programme("t-two", name="Another scheme", description="Some wobbler advice.")
    html = client.get(reverse("programmes:programme-list"), {"q": "wobbler"}).content.decode()
    assert html.index("Wobbler") < html.index("Another scheme")
    answer = client.get("/api/v1/programmes", {"q": "wobbler"}).json()
    codes = [p["code"] for p in answer["items"]]
    assert codes == ["t-one", "t-two"]
