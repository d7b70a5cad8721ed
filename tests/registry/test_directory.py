import pytest
from django.urls import reverse

from d4sme.core.pagination import InvalidCursor
from d4sme.registry.generator import organisations_generate
from d4sme.registry.models import Organisation
from d4sme.registry.selectors import DirectoryFilters, organisation_directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(content):
    organisations_generate(count=400, seed=11)


def walk(filters, page_size=37):
    """Return every row reached by following next cursors, and the pages."""
    seen, pages, cursor = [], [], None
    while True:
        page = organisation_directory(filters=filters, cursor=cursor, page_size=page_size)
        pages.append(page)
        seen += [(o.legal_name, o.pk) for o in page.items]
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


def test_following_next_visits_every_match_once_in_name_order(population):
    filters = DirectoryFilters(economy="KR")
    seen, _ = walk(filters)
    expected = list(
        Organisation.objects.filter(economy_id="KR")
        .order_by("legal_name", "id")
        .values_list("legal_name", "pk")
    )
    assert seen == expected and len(seen) > 37


def test_previous_returns_to_the_page_before(population):
    filters = DirectoryFilters(size_class="micro")
    _, pages = walk(filters, page_size=20)
    third = organisation_directory(filters=filters, cursor=pages[2].previous_cursor, page_size=20)
    assert [o.pk for o in third.items] == [o.pk for o in pages[1].items]
    first = organisation_directory(filters=filters, cursor=pages[1].previous_cursor, page_size=20)
    assert [o.pk for o in first.items] == [o.pk for o in pages[0].items]
    assert first.previous_cursor is None


def test_filters_combine(population):
    filters = DirectoryFilters(economy="US", sector="G", size_class="micro", kind="sme")
    seen, _ = walk(filters)
    matches = Organisation.objects.filter(
        economy_id="US", isic_section="G", size_class="micro", kind="sme"
    )
    assert len(seen) == matches.count() > 0


def test_a_tampered_cursor_is_refused(population):
    with pytest.raises(InvalidCursor):
        organisation_directory(filters=DirectoryFilters(), cursor="not-a-cursor")


def test_the_page_shows_filters_badges_and_a_next_link(client, population):
    response = client.get(
        reverse("registry:organisation-directory"), {"economy": "KR", "kind": "sme"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Synthetic" in html and 'rel="next"' in html
    assert "economy=KR" in html.split('rel="next"')[1][:200]


def test_a_bad_filter_value_says_so(client, population):
    response = client.get(reverse("registry:organisation-directory"), {"size_class": "giant"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_bad_cursor_on_the_page_falls_back_to_the_first_page(client, population):
    response = client.get(reverse("registry:organisation-directory"), {"cursor": "garbage"})
    assert response.status_code == 200
    assert "no longer valid" in response.content.decode()


def test_directory_shows_no_personal_data(client, world):
    html = client.get(reverse("registry:organisation-directory")).content.decode()
    assert "Alpha Bakery" in html
    assert "owner-a@example.org" not in html


def test_the_next_page_costs_no_extra_query(client, population, django_assert_num_queries):
    first = organisation_directory(filters=DirectoryFilters(), page_size=10)
    with django_assert_num_queries(2):  # the page and its capped count, nothing per row
        page = organisation_directory(filters=DirectoryFilters(), cursor=first.next_cursor)
        assert page.next_cursor and page.previous_cursor


def test_a_renamed_economy_shows_at_once_in_the_cached_filter(client, content):
    from d4sme.registry.models import Economy

    url = reverse("registry:organisation-directory")
    assert "Republic of Korea (renamed)" not in client.get(url).content.decode()
    korea = Economy.objects.get(code="KR")
    korea.name = "Republic of Korea (renamed)"
    korea.save()
    assert "Republic of Korea (renamed)" in client.get(url).content.decode()
    # The cached list keeps the selection of each request.
    html = client.get(url, {"economy": "KR"}).content.decode()
    assert 'value="KR" selected' in html
    assert 'value="KR" selected' not in client.get(url, {"economy": "BR"}).content.decode()


def test_the_cached_filter_speaks_the_readers_language(client, content):
    url = reverse("registry:organisation-directory")
    english = client.get(url, {"sector": "C"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    korean = client.get(url, {"sector": "C"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "All sectors" in english and "All sectors" not in korean
