import pytest

from d4sme.programmes import overlap, services
from d4sme.programmes.models import OverlapDecision, Programme

pytestmark = pytest.mark.django_db

MIC = "kr-1m-sme-informatisation-2005"  # Ministry of Information and Communication, 2005-2008
SMBA = "kr-sme-informatisation-2007"  # Small and Medium Business Administration, 2007-2016
MKE = "kr-sme-it-support-2004"  # Ministry of Knowledge Economy, 2004-2005


def pairs(candidates):
    return {frozenset((c.first.code, c.second.code)): c for c in candidates}


def test_the_korean_informatisation_overlap_of_seed_004_is_found():
    found = pairs(overlap.candidates(economy="KR"))
    assert frozenset((MIC, SMBA)) in found
    assert frozenset((MIC, MKE)) in found
    # The SMBA programme began two years after the MKE programme ended.
    assert frozenset((SMBA, MKE)) not in found


def test_each_score_is_the_sum_of_its_explained_parts():
    candidate = pairs(overlap.candidates(economy="KR"))[frozenset((MIC, SMBA))]
    assert candidate.score == round(sum(part.points for part in candidate.components), 3)
    details = {part.name: part.detail for part in candidate.components}
    assert details["years"] == "Both ran in 2007-2008."
    assert set(details) == {"years", "target_groups", "instruments", "themes", "description"}
    assert all(0 <= part.value <= 1 for part in candidate.components)


def test_no_programme_is_paired_with_itself_its_own_agency_or_another_economy():
    for candidate in overlap.candidates(economy="KR", min_score=0):
        assert candidate.first.pk != candidate.second.pk
        assert candidate.first.responsible_id != candidate.second.responsible_id
        assert candidate.first.economy_id == candidate.second.economy_id == "KR"


def test_an_analysts_verdict_is_kept_with_the_pair(world):
    first, second = Programme.objects.get(code=SMBA), Programme.objects.get(code=MIC)
    candidate = overlap.candidate_get(first=first, second=second)
    services.overlap_decide(
        first=first,
        second=second,
        user=world.users["analyst"],
        verdict="confirmed",
        score=candidate.score,
        note="Consolidated into MSS in 2017.",
    )
    decision = OverlapDecision.objects.get()
    assert decision.first.pk < decision.second.pk
    again = pairs(overlap.candidates(economy="KR"))[frozenset((MIC, SMBA))]
    assert again.decision.verdict == "confirmed" and again.decision.note.startswith("Consolidated")


def test_description_similarity_weighs_words_by_tf_idf_without_stop_words():
    # The figures scikit-learn's TfidfVectorizer(stop_words="english", sublinear_tf=True) gave
    # with cosine similarity: the overlap scores of pairs must not move without it.
    texts = [
        "Smart factory grants for SMEs in manufacturing.",
        "Grants for the smart factory: SMEs digitalise manufacturing lines.",
        "Youth digital job matching with wage subsidies.",
        "The and of",
    ]
    assert overlap.text_similarity(texts).round(6).tolist() == [
        [1.0, 0.780035, 0.0, 0.0],
        [0.780035, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
    ]
