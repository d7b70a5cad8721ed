"""Planning, running, rating, approving and publishing evaluations of a programme."""

from datetime import UTC

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from d4sme.evaluation import services
from d4sme.evaluation.models import EffectEstimate, Evaluation, EvaluationStatus, FirmOutcome
from tests.conftest import PASSWORD
from tests.evaluation.conftest import EFFECT, build_programme

pytestmark = pytest.mark.django_db

SALES_EFFECT = EFFECT * 1000


def plan(world, programme, **extra):
    fields = {
        "title": "Did the programme add sales?",
        "question": "How much did taking part change participants' sales a year after entry?",
        "outcome": "sales",
        "design": "psm_did",
        "covariates": ["outcome_before", "employment_before", "sector"],
        "caliper": 0.1,
        **extra,
    }
    return services.evaluation_create(user=world.users["analyst"], programme=programme, **fields)


def run(world, evaluation):
    services.evaluation_queue(user=world.users["analyst"], evaluation=evaluation)
    assert services.evaluation_execute(evaluation_id=evaluation.pk) == EvaluationStatus.DONE
    evaluation.refresh_from_db()
    return evaluation


def did(evaluation) -> EffectEstimate:
    return evaluation.estimates.get(aggregation="did", overall=True)


def test_only_analysts_plan_run_and_approve(world, evaluated):
    programme, _, _ = evaluated
    with pytest.raises(PermissionDenied):
        services.evaluation_create(
            user=world.users["manager"],
            programme=programme,
            title="x" * 5,
            question="Why?",
            outcome="sales",
            design="descriptive",
        )
    evaluation = plan(world, programme)
    with pytest.raises(PermissionDenied):
        services.evaluation_queue(user=world.users["sme_a"], evaluation=evaluation)
    with pytest.raises(ValidationError):
        services.evaluation_approve(user=world.users["analyst"], evaluation=evaluation)


def test_a_matched_design_needs_covariates(world, evaluated):
    programme, _, _ = evaluated
    with pytest.raises(ValidationError):
        plan(world, programme, covariates=[])


def test_a_matched_evaluation_recovers_the_effect_the_naive_change_overstates(world, evaluated):
    programme, entry, outsider = evaluated
    evaluation = run(world, plan(world, programme))

    summary = evaluation.summary
    assert summary["participants"] == len(entry)
    assert summary["balanced"], summary["unbalanced_covariates"]
    assert evaluation.pairs.count() == summary["pairs"] == summary["participants_matched"]
    # The pool is eligible non-participants only: no participant, no medium-sized firm.
    controls = set(evaluation.pairs.values_list("control_id", flat=True))
    assert not controls & set(entry)
    assert outsider.pk not in controls
    assert evaluation.comparison_pool["participants"] == len(entry)
    assert evaluation.comparison_pool["checked_on"] == "2021-01-01"

    estimate = did(evaluation)
    assert estimate.ci_low <= SALES_EFFECT <= estimate.ci_high
    naive = evaluation.estimates.get(aggregation="before_after")
    assert naive.estimate > estimate.ci_high  # common growth and selection inflate it
    assert evaluation.estimates.filter(aggregation="did", e=-1).exists()  # pre-trend placebo

    assert evaluation.balance.count() == 4  # three covariates, sector as two levels
    assert all(row.balanced for row in evaluation.balance.all())
    assert {r["name"] for r in summary["refutations"]} == {
        "placebo_treatment",
        "random_common_cause",
    }
    assert all(r["passed"] for r in summary["refutations"])
    assert evaluation.evidence_step == 6
    assert evaluation.evidence_criteria["balance_ok"] is True
    assert set(evaluation.library_versions) >= {"statsmodels", "moderndid", "numpy"}


def test_a_rerun_gives_the_same_result(world, evaluated):
    programme, _, _ = evaluated
    evaluation = run(world, plan(world, programme))
    first = (did(evaluation).estimate, list(evaluation.pairs.values_list("treated", "control")))
    evaluation = run(world, evaluation)
    again = (did(evaluation).estimate, list(evaluation.pairs.values_list("treated", "control")))
    assert first == again


def test_matching_on_an_irrelevant_trait_is_caught_by_the_earlier_trend_test(world, evaluated):
    programme, _, _ = evaluated
    # Women-led firms are balanced, but bigger firms, which grow faster anyway, still join more.
    evaluation = run(world, plan(world, programme, covariates=["women_led"], caliper=None))
    assert evaluation.summary["pretrend_p"] < 0.05
    assert ["pretrends", {"p": evaluation.summary["pretrend_p"]}] in evaluation.evidence_criteria[
        "reasons"
    ]
    assert evaluation.evidence_step == 4
    assert not did(evaluation).ci_low <= SALES_EFFECT <= did(evaluation).ci_high


def test_the_staggered_design_reports_att_gt_and_aggregations(world, evaluated):
    programme, _, _ = evaluated
    evaluation = run(world, plan(world, programme, design="cs_staggered", covariates=[]))
    kinds = set(evaluation.estimates.values_list("aggregation", flat=True))
    assert kinds >= {"gt", "simple", "group", "dynamic", "calendar"}
    assert evaluation.estimates.filter(aggregation="gt").count() == 2 * (len(range(2018, 2026)) - 1)
    simple = evaluation.estimates.get(aggregation="simple", overall=True)
    assert simple.ci_low is not None and simple.se > 0
    assert evaluation.summary["pretrend_p"] is not None
    assert evaluation.evidence_step in (4, 5)


def test_before_and_after_alone_is_descriptive_and_rated_step_3(world, evaluated):
    programme, _, _ = evaluated
    evaluation = run(world, plan(world, programme, design="descriptive", covariates=[]))
    assert evaluation.evidence_step == 3
    assert evaluation.estimates.filter(aggregation="before_after").exists()
    assert not evaluation.estimates.filter(aggregation="did").exists()


def test_results_are_public_only_when_approved(client, world, evaluated):
    programme, _, _ = evaluated
    evaluation = run(world, plan(world, programme))
    detail = reverse("evaluation:evaluation-detail", args=[evaluation.pk])
    brief = reverse("evaluation:evaluation-brief", args=[evaluation.pk])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("api:evaluation_detail", args=[evaluation.pk])).status_code == 404
    assert evaluation.title not in client.get(reverse("evaluation:evaluation-list")).text
    services.evaluation_approve(user=world.users["analyst"], evaluation=evaluation)
    page = client.get(brief)
    assert page.status_code == 200
    assert "Step 6 of 6" in page.text
    assert 'id="balance-table"' in page.text
    data = client.get(reverse("api:evaluation_detail", args=[evaluation.pk])).json()
    assert data["rating"]["step"] == 6
    assert data["estimates"][0]["withheld"] is False
    with pytest.raises(ValidationError):
        services.evaluation_queue(user=world.users["analyst"], evaluation=evaluation)


def test_small_cells_are_withheld_from_the_public(client, world):
    programme, _, _ = build_programme("kr-tiny", firms=40, per_cohort=3, cohorts=(2021,))
    evaluation = run(world, plan(world, programme, design="descriptive", covariates=[]))
    services.evaluation_approve(user=world.users["analyst"], evaluation=evaluation)
    data = client.get(reverse("api:evaluation_detail", args=[evaluation.pk])).json()
    assert data["counts"]["participants"] is None
    assert all(e["withheld"] and e["estimate"] is None for e in data["estimates"])
    page = client.get(reverse("evaluation:evaluation-brief", args=[evaluation.pk])).text
    assert "Withheld: too few firms." in page
    client.login(username="analyst@example.org", password=PASSWORD)
    full = client.get(reverse("api:evaluation_detail", args=[evaluation.pk])).json()
    assert full["counts"]["participants"] == 3
    assert full["estimates"][0]["estimate"] is not None


def test_the_api_plans_runs_and_reads_an_evaluation(client, world, evaluated):
    programme, _, _ = evaluated
    client.login(username="analyst@example.org", password=PASSWORD)
    payload = {
        "programme": programme.code,
        "title": "Sales effect",
        "question": "Did sales grow faster?",
        "outcome": "sales",
        "design": "psm_did",
        "covariates": ["outcome_before", "employment_before", "firm_age", "sector"],
    }
    created = client.post(
        reverse("api:evaluation_create"), payload, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    queued = client.post(reverse("api:evaluation_run", args=[pk]))
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    again = client.post(reverse("api:evaluation_run", args=[pk]))
    assert again.status_code == 422
    services.evaluation_execute(evaluation_id=pk)
    data = client.get(reverse("api:evaluation_detail", args=[pk])).json()
    assert data["status"] == "done"
    assert data["rating"]["step"] in range(1, 7)
    assert len(data["balance"]) == 5
    did_row = next(e for e in data["estimates"] if e["aggregation"] == "did" and e["overall"])
    assert did_row["ci_low"] <= SALES_EFFECT <= did_row["ci_high"]
    bad = client.post(
        reverse("api:evaluation_create"),
        {**payload, "covariates": [], "design": "psm_did"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert Evaluation.objects.count() == 1


def test_the_programme_page_links_its_latest_approved_evaluation(client, world, evaluated):
    programme, _, _ = evaluated
    page = reverse("programmes:programme-detail", args=[programme.code])
    evaluation = run(world, plan(world, programme, design="descriptive", covariates=[]))
    assert "Impact evaluation" not in client.get(page).text
    services.evaluation_approve(user=world.users["analyst"], evaluation=evaluation)
    text = client.get(page).text
    assert "Impact evaluation" in text
    assert reverse("evaluation:evaluation-brief", args=[evaluation.pk]) in text
    assert "evidence step 3 of 6" in text


def test_analysts_record_firm_outcomes_through_the_api_all_or_nothing(client, world):
    client.login(username="analyst@example.org", password=PASSWORD)
    url = reverse("api:outcomes_record")
    rows = [
        {"organisation": world.org_a.pk, "year": 2023, "employment": 5, "sales": 120000},
        {"organisation": world.org_a.pk, "year": 2024, "employment": 0, "operating": False},
    ]
    done = client.post(url, {"source": "Register", "rows": rows}, content_type="application/json")
    assert done.status_code == 200 and done.json() == {"written": 2}
    assert FirmOutcome.objects.get(organisation=world.org_a, year=2024).operating is False
    bad = rows + [{"organisation": 999999, "year": 2024}]
    refused = client.post(url, {"source": "Register", "rows": bad}, content_type="application/json")
    assert refused.status_code == 422
    twice = [rows[0], rows[0]]
    assert (
        client.post(
            url, {"source": "R", "rows": twice}, content_type="application/json"
        ).status_code
        == 422
    )
    assert FirmOutcome.objects.count() == 2
    client.logout()
    client.login(username="manager@example.org", password=PASSWORD)
    assert (
        client.post(
            url, {"source": "Register", "rows": rows}, content_type="application/json"
        ).status_code
        == 403
    )


def test_the_maturity_score_outcome_reads_assessments_by_year(world, evaluated):
    from datetime import datetime

    import numpy as np

    from d4sme.assessments.models import Instrument, Response, ResponseStatus

    programme, entry, _ = evaluated
    version = Instrument.objects.get(pk="dma-sme").current_version()
    rng = np.random.default_rng(3)
    responses = []
    firms = list(FirmOutcome.objects.filter(year=2020).select_related("organisation"))
    for outcome in firms:
        firm = outcome.organisation
        base = 30 + firm.employees * 0.5 + rng.normal(0, 2)
        for year in range(2019, 2025):
            score = base + 1.5 * (year - 2019) + rng.normal(0, 1)
            if firm.pk in entry and year >= entry[firm.pk]:
                score += 8.0
            responses.append(
                Response(
                    version=version,
                    organisation=firm,
                    status=ResponseStatus.SUBMITTED,
                    submitted_at=datetime(year, 6, 1, tzinfo=UTC),
                    overall=round(score, 2),
                )
            )
    Response.objects.bulk_create(responses)
    evaluation = run(
        world,
        plan(world, programme, outcome="maturity_score", covariates=["outcome_before", "sector"]),
    )
    assert evaluation.summary["participants_with_outcomes"] == len(entry)
    estimate = did(evaluation)
    assert estimate.ci_low <= 8.0 <= estimate.ci_high
