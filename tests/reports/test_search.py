"""The shared search service: how text becomes terms, and how two rankings are fused."""

from d4sme.reports import search


def test_word_forms_of_each_language_meet_at_one_stem():
    assert search.analyse("vouchers", "en") == search.analyse("voucher", "en")
    assert search.analyse("subvenciones", "es") == search.analyse("subvención", "es")
    # A word typed without its accents still meets the accented word of a document.
    for typed in ("digitalização", "digitalizacao"):
        assert set(search.query_terms(typed)) & set(search.analyse("digitalização", "pt"))
    # A query's language is unknown: its words are stemmed in all three.
    assert set(search.analyse("empresas", "pt")) <= set(search.query_terms("empresa"))
    assert set(search.analyse("empresas", "es")) <= set(search.query_terms("empresas"))


def test_korean_is_cut_into_bigrams_so_a_word_with_a_particle_still_matches():
    assert search.analyse("빵집을", "ko") == ["빵집", "집을"]
    assert "빵집" in search.query_terms("빵집")
    assert search.analyse("빵", "ko") == ["빵"]


def test_stop_words_are_left_out_unless_the_query_is_nothing_else():
    assert search.query_terms("the bakery of the town") == search.query_terms("bakery town")
    assert search.query_terms("the") != []


def test_fusion_weighs_both_signals_and_keeps_documents_only_one_found():
    lexical = [(1, 10.0), (2, 5.0)]
    semantic = {2: 0.9, 3: 0.8, 1: 0.1}
    assert [pk for pk, _ in search.fuse(lexical, semantic, 1.0)][:2] == [1, 2]
    assert [pk for pk, _ in search.fuse(lexical, semantic, 0.0)][:2] == [2, 3]
    fused = dict(search.fuse(lexical, semantic, 0.5))
    assert set(fused) == {1, 2, 3}
    assert fused[2] > fused[1] and fused[2] > fused[3]


def test_passages_keep_parts_whole_while_they_fit():
    parts = ["a" * 300, "b" * 200, "c" * 400, "", "d" * 50]
    assert search.passages(parts, size=600) == [
        "a" * 300 + "\n" + "b" * 200,
        "c" * 400 + "\n" + "d" * 50,
    ]
