"""Facet counts of the case search: kept until a case changes, never stale after one."""

from django.utils import translation

from d4sme.casestudies import selectors
from d4sme.casestudies.models import CaseStatus
from d4sme.casestudies.services import case_move
from tests.casestudies.conftest import make_case


def counts(filters: selectors.CaseFilters) -> dict[str, dict[str, int]]:
    return {
        name: {value: n for value, _label, n in values}
        for name, values in selectors.facet_counts(filters).items()
    }


def test_cached_counts_equal_a_recount(world):
    make_case(None, "Kept counts one", status="published", economy="KR", language="ko")
    make_case(None, "Kept counts two", status="published", economy="BR", language="pt")
    for filters in (
        selectors.CaseFilters(),
        selectors.CaseFilters(selected={"economy": ("KR",)}),
        selectors.CaseFilters(q="anything", selected={"language": ("pt", "ko")}),
    ):
        first = selectors.facet_counts(filters)
        assert selectors.facet_counts(filters) == first == selectors.count_facets(filters)


def test_a_published_or_withdrawn_case_changes_the_counts_at_once(world):
    filters = selectors.CaseFilters()
    before = counts(filters)["economy"].get("BR", 0)
    case = make_case(world.user("sme_a"), "Counted once published", economy="BR")
    assert counts(filters)["economy"].get("BR", 0) == before  # a draft is not counted
    case_move(case=case, user=world.user("sme_a"), to=CaseStatus.SUBMITTED)
    case_move(case=case, user=world.user("analyst"), to=CaseStatus.PUBLISHED)
    assert counts(filters)["economy"]["BR"] == before + 1
    case_move(case=case, user=world.user("sme_a"), to=CaseStatus.WITHDRAWN)
    assert counts(filters)["economy"].get("BR", 0) == before


def test_labels_follow_the_reader_language(world):
    make_case(None, "Labelled by period", status="published", period="covid-19")
    filters = selectors.CaseFilters()

    def labels() -> dict[str, str]:
        return {v: label for v, label, _n in selectors.facet_counts(filters)["period"]}

    with translation.override("en"):
        english = labels()
    with translation.override("ko"):
        korean = labels()
    assert english["covid-19"] == "COVID-19 crisis (2020-2021)"
    assert korean["covid-19"] == "코로나19 위기(2020-2021)"
