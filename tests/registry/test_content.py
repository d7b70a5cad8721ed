import pytest
from django.core.management import call_command

from d4sme.registry.content import ContentError, content_load, load_vocabulary
from d4sme.registry.models import Economy, EconomyGroup, Organisation, Term, Vocabulary

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing():
    assert content_load().summary() == "no changes"


def test_every_iso_country_is_an_economy():
    import pycountry

    assert Economy.objects.count() == len(pycountry.countries)


def test_apec_has_21_members_under_apecs_own_names():
    apec = EconomyGroup.objects.get(code="apec")
    assert apec.members.count() == 21
    assert Economy.objects.get(code="TW").name == "Chinese Taipei"
    assert Economy.objects.get(code="HK").name == "Hong Kong, China"


def test_oecd_has_38_members():
    assert EconomyGroup.objects.get(code="oecd").members.count() == 38


def test_vocabularies_named_by_the_foundation_exist():
    codes = set(Vocabulary.objects.values_list("code", flat=True))
    assert {
        "technologies",
        "barriers",
        "support-categories",
        "apec-priority-areas",
        "target-groups",
        "isic-rev4",
    } <= codes


def test_barriers_hold_the_five_wef_barriers_plus_connectivity_and_cybersecurity():
    assert Term.objects.filter(vocabulary_id="barriers").count() == 7


def test_support_categories_have_sub_measures():
    categories = Term.objects.filter(vocabulary_id="support-categories", parent=None)
    assert categories.count() >= 5
    assert all(category.children.exists() for category in categories)


def test_isic_has_21_sections_and_88_divisions():
    isic = Term.objects.filter(vocabulary_id="isic-rev4")
    assert isic.filter(parent=None).count() == 21
    assert isic.exclude(parent=None).count() == 88


def test_korean_agencies_know_their_parent_ministry():
    kosmo = Organisation.objects.get(code="kr-kosmo")
    assert kosmo.parent.code == "kr-mss"
    assert kosmo.economy_id == "KR"


def test_term_label_follows_the_active_language():
    from django.utils import translation

    term = Term.objects.get(vocabulary_id="technologies", code="cloud")
    with translation.override("ko"):
        assert term.label == term.translations["ko"] != term.name


def test_a_malformed_vocabulary_is_rejected_whole(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        "code: broken\nname: Broken\nversion: '1'\nterms:\n  - code: a\n    name: A\n  - code: a\n    name: again\n"
    )
    before = Term.objects.count()
    with pytest.raises(ContentError, match="duplicate term codes a"):
        load_vocabulary(path, tally=__import__("collections").Counter())
    assert Term.objects.count() == before


def test_load_content_command_reports_no_changes(capsys):
    call_command("load_content")
    assert "no changes" in capsys.readouterr().out
