"""The evidence rating's rules: no run earns more than the step it deserves."""

from d4sme.evaluation.rating import MIN_PARTICIPANTS, Facts, rate, reason_texts


def test_a_sound_matched_design_with_a_pre_trend_test_reaches_step_6():
    rating = rate(Facts("psm_did", 80, 80, True, 0.4, True, "sales"))
    assert rating.step == 6
    assert reason_texts(rating.reasons) == ["Every rule of this step is met."]


def test_each_failing_rule_caps_the_step():
    assert rate(Facts("psm_did", 80, 80, False, 0.4, True)).step == 4
    assert rate(Facts("psm_did", 80, 80, True, 0.01, True)).step == 4
    assert rate(Facts("psm_did", 80, 80, True, 0.4, False)).step == 4
    assert rate(Facts("psm_did", MIN_PARTICIPANTS - 1, 80, True, 0.4, True)).step == 4
    no_pretest = rate(Facts("psm_did", 80, 80, True, None, True))
    assert no_pretest.step == 5
    assert no_pretest.reasons == [("no_pretest", {})]


def test_designs_without_matching_or_comparison_rate_lower():
    assert rate(Facts("cs_staggered", 80, 300, pretrend_p=0.3)).step == 5
    assert rate(Facts("cs_staggered", 80, 300, pretrend_p=0.01)).step == 4
    assert rate(Facts("descriptive", 80, 0)).step == 3
    assert rate(Facts("psm_did", 0, 0)).step == 1
    text = reason_texts(rate(Facts("psm_did", 12, 40, True, 0.5, True)).reasons)
    assert text == ["Only 12 participants were compared; at least 30 are needed above step 4."]
