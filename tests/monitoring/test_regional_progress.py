"""The region's figures compare the same economies in both years, by the indicator's rule.

Economies report in different years. Every expected number is worked out here by hand from
the values below, never read from the module:

1.1.1 (a count; the region sums). The region's stated baseline is 1,026 in 2020 (KR 400 +
JP 500 + CL 126, the economies' own baselines) and its target 1,200 for 2024.

    economy  2020 (baseline)  2022  2024
    KR       400              420   440
    JP       500              480   -
    CL       126              -     -
    TH       100              -     130 (estimated)
    PE       -                50    60

Only KR and TH have values for both 2020 and 2024: the region is 400 + 100 = 500 in 2020 and
440 + 130 = 570 in 2024. JP, CL (2020 only) and PE (2024 only) are left out; the other 16 of
APEC's 21 economies report neither year. The target asks the region to grow by 1,200 / 1,026;
applied to these economies' 500 it is 584.795 for 2024. Observed growth (570 / 500) ** (1/4)
- 1 = 3.33% a year against (1,200 / 1,026) ** (1/4) - 1 = 3.99% required: ratio 0.834, at
least 0.6 and below 0.95, so moderate progress. Summing whoever reported each year, as before,
set 630 in 2024 against 1,026: deterioration.

In 2022, KR and JP have values for both years: 900 against 900, no growth, ratio 0: limited.

2.1.1 (a percentage; the plan says "weighted" but states no weight, so the median).

    economy  2021  2022  2023
    KR       30    -     29
    JP       20    -     20.1
    PE       10    -     12
    CL       -     -     50
    TH       -     40    -

The base year is the first with a value, 2021; KR, JP and PE have both 2021 and 2023. Their
median goes from 20 to 20.1: (20.1 / 20) ** (1/2) - 1 = 0.25% a year, below 0.5%, so limited
progress. CL (2023 only) is left out; TH (2022 only) reported neither year. A mean over
whoever reported each year, as before, went from 20 to 27.775: substantial.
"""

import html
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from d4sme.monitoring import regional, reviews, sdmx, selectors
from d4sme.monitoring.models import (
    Aggregation,
    Flag,
    Indicator,
    Measure,
    ReportingCycle,
    Review,
    ReviewSection,
    Submission,
    SubmissionStatus,
    Target,
    Value,
)
from d4sme.monitoring.progress import Status

approx = pytest.approx

COUNT_COVERAGE = (
    "2 of 21 economies, with values for both 2020 and 2024; left out: 3 reported only one of "
    "the two years (CL, JP, PE), 16 reported neither year; 1 value is an estimate."
)
COUNT_METHOD = (
    "Sum of the economies' values, over the same economies in both years compared. The "
    "region's target, 1200 for 2024 from 1026 in 2020, is applied as the same growth to "
    "these economies' 2020 total of 500: 584.8."
)
SHARE_COVERAGE = (
    "3 of 21 economies, with values for both 2021 and 2023; left out: 1 reported only one of "
    "the two years (CL), 17 reported neither year."
)
SHARE_METHOD = (
    "Median of the economies' values, over the same economies in both years compared: the "
    "plan asks for a weighted mean but states no weight, so the median is used."
)
REQUIRED = (1200 / 1026) ** (1 / 4) - 1
OBSERVED = (570 / 500) ** (1 / 4) - 1


def approved(plan, economy: str, year: int, values: dict) -> None:
    """An approved report of ``economy`` for ``year``: {code: value or (value, flag)}."""
    cycle = ReportingCycle.objects.get(framework=plan, period=year)
    submission, _created = Submission.objects.get_or_create(
        cycle=cycle,
        economy_id=economy,
        defaults={"status": SubmissionStatus.APPROVED, "approved_at": timezone.now()},
    )
    for code, value in values.items():
        value, flag = value if isinstance(value, tuple) else (value, "")
        Value.objects.create(
            submission=submission,
            indicator=plan.indicators.get(code=code),
            economy_id=economy,
            period=year,
            value=value,
            flag=flag,
        )


def baseline(indicator, economy, value, target=None):
    Target.objects.create(
        indicator=indicator,
        economy_id=economy,
        baseline_year=2020,
        baseline_value=value,
        target_year=2024 if target is not None else None,
        target_value=target,
    )


@pytest.fixture
def staggered(plan):
    """The reports of the module's docstring: economies reporting in different years."""
    count = plan.indicators.get(code="1.1.1")
    assert (count.aggregation, count.measure) == (Aggregation.SUM, Measure.COUNT)
    share = plan.indicators.get(code="2.1.1")
    assert (share.aggregation, share.measure) == (Aggregation.WEIGHTED, Measure.PERCENTAGE)
    baseline(count, None, 1026, 1200)
    for economy, value in (("KR", 400), ("JP", 500), ("CL", 126), ("TH", 100)):
        baseline(count, economy, value)
    approved(plan, "KR", 2022, {"1.1.1": 420})
    approved(plan, "KR", 2024, {"1.1.1": 440})
    approved(plan, "JP", 2022, {"1.1.1": 480})
    approved(plan, "TH", 2024, {"1.1.1": (130, Flag.ESTIMATED)})
    approved(plan, "PE", 2022, {"1.1.1": 50})
    approved(plan, "PE", 2024, {"1.1.1": 60})
    for economy, first, last in (("KR", 30, 29), ("JP", 20, 20.1), ("PE", 10, 12)):
        approved(plan, economy, 2021, {"2.1.1": first})
        approved(plan, economy, 2023, {"2.1.1": last})
    approved(plan, "CL", 2023, {"2.1.1": 50})
    approved(plan, "TH", 2022, {"2.1.1": 40})
    # A report not yet approved counts for nothing.
    Submission.objects.create(
        cycle=ReportingCycle.objects.get(framework=plan, period=2024), economy_id="JP"
    )
    assert len(selectors.economies_of(plan)) == 21
    return count, share


def final_review(plan, analyst) -> Review:
    """A review pack of the plan's data as it stands, with an empty overview."""
    snapshot = reviews.snapshot_take(plan)
    review = Review.objects.create(
        framework=plan,
        kind="final",
        year=2024,
        title="Final review",
        snapshot=snapshot,
        snapshot_id=reviews.snapshot_id(snapshot),
        created_by=analyst,
    )
    ReviewSection.objects.create(review=review, priority_area=None)
    return review


def region_rows(plan, **kwargs) -> dict[str, selectors.Row]:
    return {r.indicator.code: r for r in selectors.progress_rows(plan, **kwargs) if not r.economy}


pytestmark = pytest.mark.django_db


def test_a_summed_region_compares_only_economies_with_both_years(plan, staggered):
    region = region_rows(plan)["1.1.1"]
    assert region.series == {2020: 500, 2024: 570}
    assert region.economies_counted == {2020: 2, 2024: 2}
    result = region.result
    assert (result.base_year, result.base_value) == (2020, 500)
    assert (result.current_year, result.current_value) == (2024, 570)
    assert result.target_value == approx(500 * 1200 / 1026)  # 584.795
    assert result.observed_cagr == approx(OBSERVED)
    assert result.required_cagr == approx(REQUIRED)
    assert result.ratio == approx(0.8337, abs=1e-4)
    assert result.status == Status.MODERATE


def test_an_economy_with_one_of_the_two_years_is_left_out_and_named(plan, staggered):
    coverage = region_rows(plan)["1.1.1"].region.coverage
    assert coverage.economies == ("KR", "TH")
    assert coverage.one_year_only == ("CL", "JP", "PE")
    assert (coverage.members, coverage.neither, coverage.estimated) == (21, 16, 1)
    assert coverage.text == COUNT_COVERAGE
    assert region_rows(plan)["1.1.1"].method_text == COUNT_METHOD


def test_a_percentage_takes_the_median_not_a_sum_or_an_unstated_weight(plan, staggered):
    region = region_rows(plan)["2.1.1"]
    assert region.series == {2021: 20, 2023: 20.1}
    assert region.result.observed_cagr == approx((20.1 / 20) ** 0.5 - 1)  # 0.25% a year
    assert region.result.status == Status.LIMITED
    assert region.region.coverage.one_year_only == ("CL",)
    assert region.coverage_text == SHARE_COVERAGE
    assert region.method_text == SHARE_METHOD
    assert region.coverage_short == "3 of 21 economies · median"


def test_the_rule_follows_the_plan_and_never_sums_a_percentage():
    def rule(aggregation, measure):
        method = regional.method_of(Indicator(aggregation=aggregation, measure=measure))
        return method and method.rule

    assert rule(Aggregation.SUM, Measure.COUNT) == "sum"
    assert rule(Aggregation.SUM, Measure.MONEY) == "sum"
    assert rule(Aggregation.SUM, Measure.PERCENTAGE) == "median"
    assert rule(Aggregation.MEAN, Measure.PERCENTAGE) == "mean"
    assert rule(Aggregation.WEIGHTED, Measure.PERCENTAGE) == "median"
    assert rule(Aggregation.NONE, Measure.COUNT) is None
    # A mean weights each economy equally, over the same economies: (30 + 20 + 10) / 3 = 20
    # to (29 + 20.1 + 12) / 3 = 20.3667, 0.91% a year: moderate.
    figure = regional.figure(
        Indicator(aggregation=Aggregation.MEAN, measure=Measure.PERCENTAGE),
        {"KR": {2021: 30, 2023: 29}, "JP": {2021: 20, 2023: 20.1}, "PE": {2021: 10, 2023: 12}},
        target=None,
        members=["KR", "JP", "PE", "CL"],
    )
    assert figure.series == {2021: 20, 2023: approx(61.1 / 3)}
    assert figure.result.status == Status.MODERATE
    assert "each economy weighted equally" in figure.method_text
    # A percentage the plan would sum is summed never: 20 to 20.1 by the median.
    summed = regional.figure(
        Indicator(aggregation=Aggregation.SUM, measure=Measure.PERCENTAGE),
        {"KR": {2021: 30, 2023: 29}, "JP": {2021: 20, 2023: 20.1}, "PE": {2021: 10, 2023: 12}},
        target=None,
        members=["KR", "JP", "PE"],
    )
    assert summed.series == {2021: 20, 2023: 20.1}
    assert "percentages do not add up" in summed.method_text


def test_the_region_as_it_stood_each_year_uses_that_years_panel(plan, staggered):
    count, share = staggered
    history = selectors.progress_history(plan, count)[""]
    # 2022: KR and JP, 900 against 900: no growth, limited. 2024: KR and TH, moderate.
    assert history == {
        2020: Status.NOT_AVAILABLE,
        2022: Status.LIMITED,
        2024: Status.MODERATE,
    }
    assert selectors.progress_history(plan, share)[""] == {
        2021: Status.NOT_AVAILABLE,
        2023: Status.LIMITED,
    }
    as_of_2022 = region_rows(plan, until=2022)["1.1.1"]
    assert as_of_2022.series == {2020: 900, 2022: 900}
    assert as_of_2022.result.status == Status.LIMITED
    assert "2 of 21 economies, with values for both 2020 and 2022" in as_of_2022.coverage_text


def test_no_economy_with_both_years_gives_no_regional_status(plan):
    count = plan.indicators.get(code="1.1.1")
    baseline(count, None, 1026, 1200)
    approved(plan, "PE", 2024, {"1.1.1": 60})  # PE has no 2020 value
    region = region_rows(plan)["1.1.1"]
    assert region.series == {}
    assert region.result.status == Status.NOT_AVAILABLE
    assert "No economy has values for both 2020 and a later year" in str(region.result.explanation)


def test_dashboard_review_pack_api_and_sdmx_show_the_same_regional_figures(
    plan, staggered, analyst
):
    client = Client()
    # The dashboard: the Region column's statuses, with coverage and rule under each.
    page = client.get(reverse("monitoring:dashboard", args=[plan.code])).content.decode()
    spec = json.loads(
        page.split('id="chart-heat" type="application/json">')[1].split("</script>")[0]
    )
    cells = {(v["indicator"], v["economy"]): v for v in spec["data"]["values"]}
    assert cells[("1.1.1", "Region")]["status"] == "Moderate progress"
    assert cells[("1.1.1", "Region")]["latest"] == 570
    assert cells[("2.1.1", "Region")]["status"] == "Limited progress"
    text = html.unescape(page)
    assert "2 of 21 economies · sum" in text and "3 of 21 economies · median" in text

    # The indicator's page states the method and who is left out beside the figure.
    page = client.get(reverse("monitoring:indicator", args=[plan.code, "1.1.1"]))
    text = html.unescape(page.content.decode())
    assert COUNT_COVERAGE in text and COUNT_METHOD in text

    # The API: the same numbers, and the economies compared.
    api = client.get(
        f"/api/v1/monitoring/frameworks/{plan.code}/progress", {"indicator": "1.1.1"}
    ).json()
    region = next(r for r in api if r["economy"] is None)
    assert region["status"] == "moderate"
    assert (region["base_value"], region["current_value"]) == (500, 570)
    assert region["target_value"] == approx(584.7953, abs=1e-4)
    assert region["ratio"] == approx(OBSERVED / REQUIRED)
    assert region["region"]["economies"] == ["KR", "TH"]
    assert region["region"]["one_year_only"] == ["CL", "JP", "PE"]
    assert region["region"]["coverage"] == COUNT_COVERAGE
    assert region["region"]["method"] == COUNT_METHOD
    assert next(r for r in api if r["economy"] == "KR")["region"] is None

    # The review pack: frozen with the same figures, and printed with coverage and method.
    review = final_review(plan, analyst)
    items = {i["code"]: i for a in review.snapshot["areas"] for i in a["indicators"]}
    packed = items["1.1.1"]["region"]
    assert packed["status"] == "moderate"
    assert (packed["baseline"], packed["latest"]) == ([2020, 500], [2024, 570])
    assert packed["target"] == [2024, approx(584.7953, abs=1e-4)]
    assert (packed["coverage"], packed["method"]) == (COUNT_COVERAGE, COUNT_METHOD)
    assert items["2.1.1"]["region"]["status"] == "limited"
    assert items["2.1.1"]["region"]["latest"] == [2023, 20.1]
    client.force_login(analyst)
    page = client.get(reverse("monitoring:review-detail", args=[review.pk])).content.decode()
    row = html.unescape(page).split("1.1.1 No. of innovative SMEs and start-ups")[1]
    row = row.split("</tr>")[0]
    assert "Moderate progress" in row and COUNT_COVERAGE in row and COUNT_METHOD in row

    # SDMX: the region's two compared values under the grouping's code, read back.
    data = client.get(reverse("monitoring:sdmx-data", args=[plan.code, "csv"])).content
    regional_obs = {
        (o.key["INDICATOR"], o.period): o for o in sdmx.read(data) if o.key["ECONOMY"] == "APEC"
    }
    assert {k: o.value for k, o in regional_obs.items()} == {
        ("I1_1_1", "2020"): 500,
        ("I1_1_1", "2024"): 570,
        ("I2_1_1", "2021"): 20,
        ("I2_1_1", "2023"): 20.1,
    }
    comment = regional_obs[("I1_1_1", "2024")].attributes["COMMENT"]
    assert comment == f"{COUNT_COVERAGE} {COUNT_METHOD}"
    xml = client.get(reverse("monitoring:sdmx-data", args=[plan.code, "xml"])).content
    assert {
        (o.key["INDICATOR"], o.period): o.value
        for o in sdmx.read(xml)
        if o.key["ECONOMY"] == "APEC"
    } == {k: o.value for k, o in regional_obs.items()}
