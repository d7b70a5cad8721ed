"""A firm's recommended programmes: classed rule by rule, ranked by named parts, never closed ones."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from d4sme.matching.fit import PARTS
from d4sme.matching.models import MatchRun, Recommendation, RunStatus
from d4sme.matching.recommend import programme_recommendations
from d4sme.matching.services import recommendations_refresh
from d4sme.programmes.models import Application, Call, ProgrammeStatus
from d4sme.registry.models import Term
from tests.conftest import make_sme, make_user
from tests.matching.conftest import assess
from tests.programmes.conftest import make_programme, open_call

pytestmark = pytest.mark.django_db


def classify(programme, *codes):
    programme.classifications.add(*Term.objects.filter(code__in=codes))


def codes(items):
    return [item.programme.code for item in items]


def test_eligible_programmes_are_ranked_by_named_parts_with_reasons(baker):
    owner, bakery = baker
    assess(owner, bakery, maturity=0.1)
    aimed = make_programme(
        "kr-aimed", rules={"size_classes": ["micro"], "sections": ["C"]}, status="active"
    )
    classify(aimed, *{"ict-uptake", "cloud", "skills", "data-analytics", "smart-factory"})
    open_call(aimed)
    plain = make_programme("kr-plain", rules={"size_classes": ["micro", "small", "medium"]})
    found = programme_recommendations(organisation=bakery)
    ranked = codes(found.eligible)
    assert ranked.index("kr-aimed") < ranked.index("kr-plain")
    item = found.eligible[ranked.index("kr-aimed")]
    assert [part.code for part in item.parts] == list(PARTS)
    by_code = {part.code: part for part in item.parts}
    assert by_code["open_call"].value == 1 and "days left" in by_code["open_call"].text
    assert by_code["sector_size"].value == 1
    assert item.score == pytest.approx(sum(p.points for p in item.parts), abs=0.5)
    assert plain in [i.programme for i in found.eligible]


def test_historical_ended_and_unstated_programmes_are_never_recommended(baker):
    _owner, bakery = baker
    year = date.today().year
    make_programme("kr-ended", status=ProgrammeStatus.ENDED)
    make_programme("kr-historical", status=ProgrammeStatus.HISTORICAL)
    make_programme("kr-over", start_year=year - 5, end_year=year - 1)
    make_programme("kr-unstated", eligibility_stated=False)
    make_programme("kr-running", rules={"size_classes": ["micro"]})
    found = programme_recommendations(organisation=bakery)
    shown = codes(found.eligible) + codes(found.not_eligible)
    for code in ("kr-ended", "kr-historical", "kr-over", "kr-unstated"):
        assert code not in shown
    assert "kr-running" in codes(found.eligible)


def test_not_eligible_programmes_say_which_rule_failed(baker):
    _owner, bakery = baker
    make_programme("kr-medium-only", rules={"size_classes": ["medium"]})
    found = programme_recommendations(organisation=bakery)
    item = next(i for i in found.not_eligible if i.programme.code == "kr-medium-only")
    assert [r.criterion for r in item.unmet_reasons] == ["size_classes"]
    assert "yours is micro" in item.unmet_reasons[0].text


def test_eligibility_is_evaluated_on_the_date_the_firm_would_apply(baker):
    _owner, bakery = baker
    age_now = date.today().year - bakery.founded_year
    programme = make_programme("kr-young-firms", rules={"max_firm_age": age_now})
    next_year = date(date.today().year + 1, 1, 15)
    Call.objects.create(
        programme=programme,
        title="Next year's call",
        opens_on=next_year,
        closes_on=next_year + timedelta(days=30),
    )
    found = programme_recommendations(organisation=bakery)
    item = next(i for i in found.not_eligible if i.programme.code == "kr-young-firms")
    assert item.application_date == next_year
    assert [r.criterion for r in item.unmet_reasons] == ["firm_age"]


def test_the_hiring_age_is_kept_apart_as_a_condition_the_agency_checks(baker):
    _owner, bakery = baker
    make_programme(
        "kr-hire", rules={"size_classes": ["micro"], "hire_min_age": 15, "hire_max_age": 34}
    )
    found = programme_recommendations(organisation=bakery)
    item = next(i for i in found.eligible if i.programme.code == "kr-hire")
    assert [r.criterion for r in item.agency_reasons] == ["hire_age"]
    assert "hire_age" not in [r.criterion for r in item.entry_reasons]
    assert item in found.to_confirm


def similar_applicants(programme, count: int) -> None:
    call = open_call(programme)
    for n in range(count):
        user = make_user(f"similar-{n}@example.org")
        firm = make_sme(user, f"Similar Bakery {n}", isic_division="10", employees=4)
        Application.objects.create(call=call, organisation=firm, motivation="Go digital.")


@pytest.mark.parametrize("count, shown", [(4, False), (5, True)])
def test_uptake_by_similar_firms_is_shown_only_from_five_firms(baker, count, shown):
    _owner, bakery = baker
    programme = make_programme("kr-popular", rules={"size_classes": ["micro"]})
    similar_applicants(programme, count)
    found = programme_recommendations(organisation=bakery)
    item = next(i for i in found.eligible if i.programme.code == "kr-popular")
    uptake = next(p for p in item.parts if p.code == "uptake")
    assert (uptake.value > 0) is shown
    assert (f"{count} firms of your economy" in uptake.text) is shown
    if not shown:
        assert "Fewer than 5" in uptake.text


def test_the_refresh_stores_every_firms_best_programmes_with_progress(baker):
    _owner, bakery = baker
    make_programme("kr-refresh", rules={"size_classes": ["micro"]})
    run = MatchRun.objects.create(kind="programmes")
    recommendations_refresh(run=run, with_text=False)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.done == run.total > 0 and run.progress == 100
    stored = list(Recommendation.objects.filter(organisation=bakery).order_by("rank"))
    live = programme_recommendations(organisation=bakery)
    assert [r.programme.code for r in stored] == codes(live.eligible)[: len(stored)]
    assert [r.score for r in stored] == pytest.approx(
        [i.score for i in live.eligible][: len(stored)], abs=0.1
    )


def test_text_similarity_uses_the_shared_embeddings(baker):
    from d4sme.matching.recommend import programme_vectors_refresh

    owner, bakery = baker
    assess(owner, bakery, maturity=0.1)
    programme = make_programme(
        "kr-text",
        rules={"size_classes": ["micro"]},
        description="Training in digital business strategy, data management and automation.",
    )
    assert programme_vectors_refresh([programme]) == 1
    assert programme_vectors_refresh([programme]) == 0  # unchanged text is not embedded again
    found = programme_recommendations(organisation=bakery)
    item = next(i for i in found.eligible if i.programme.code == "kr-text")
    text = next(p for p in item.parts if p.code == "text")
    assert "resembles your needs" in text.text


def test_the_page_ranks_explains_and_offers_apply(client, baker):
    owner, bakery = baker
    programme = make_programme("kr-apply", name="Apply Here", rules={"size_classes": ["micro"]})
    call = open_call(programme)
    client.force_login(owner)
    for url in (reverse("matching:recommendations"), reverse("programmes:eligible-list")):
        page = client.get(url).content.decode()
        assert "Apply Here" in page and "Why this fit" in page
        assert reverse("programmes:application-create", args=[call.pk]) in page
    home = client.get(reverse("home")).content.decode()
    assert "Programmes that fit your firm" in home and "Apply Here" in home


def test_the_assessment_report_shows_the_programmes_that_fit(client, baker):
    owner, bakery = baker
    response = assess(owner, bakery)
    best = programme_recommendations(organisation=bakery).eligible[0].programme
    client.force_login(owner)
    page = client.get(reverse("assessments:response-report", args=[response.pk])).content.decode()
    assert "Programmes that fit your firm" in page and best.label in page


def test_the_api_gives_each_part_and_rule_to_members_only(client, baker):
    owner, bakery = baker
    make_programme("kr-api", rules={"size_classes": ["micro"]})
    client.force_login(owner)
    url = f"/api/v1/matching/organisations/{bakery.pk}/programmes"
    body = client.get(url).json()
    item = next(i for i in body["eligible"] if i["programme"] == "kr-api")
    assert [p["code"] for p in item["parts"]] == list(PARTS)
    assert item["entry_reasons"][0]["criterion"] == "economy"
    client.force_login(make_user("stranger@example.org"))
    assert client.get(url).status_code == 404


def test_an_analyst_queues_the_refresh_and_follows_its_progress(client, world, baker, monkeypatch):
    from d4sme.matching import recommend
    from d4sme.matching.tasks import recommendations_refresh_task

    # Embedding every seeded programme is the text part's test's business, not this one's.
    monkeypatch.setattr(recommend, "programme_vectors_refresh", lambda programmes: 0)

    client.force_login(world.users["analyst"])
    response = client.post(reverse("matching:refresh"))
    run = MatchRun.objects.get()
    assert response["Location"] == reverse("matching:run-detail", args=[run.pk])
    queued = client.get(response["Location"]).content.decode()
    assert "Queued" in queued and 'hx-trigger="every 1s"' in queued
    assert recommendations_refresh_task.call(run_id=run.pk) is True
    done = client.get(response["Location"]).content.decode()
    assert "Done" in done and 'hx-trigger="every 1s"' not in done
    assert Recommendation.objects.filter(organisation=baker[1]).exists()
    client.force_login(baker[0])
    assert client.post(reverse("matching:refresh")).status_code == 403
