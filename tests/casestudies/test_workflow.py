"""A case from an SME's draft through moderation to a public story, and back out."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from d4sme.casestudies import search
from d4sme.casestudies.models import Case, CaseStatus, Outcome
from d4sme.casestudies.services import case_move
from d4sme.casestudies.tasks import case_embed

from .conftest import make_case


def publish(case, world):
    case_move(case=case, user=world.user("sme_a"), to=CaseStatus.SUBMITTED)
    return case_move(case=case, user=world.user("analyst"), to=CaseStatus.PUBLISHED)


def test_moderation_moves_and_who_may_make_them(world, django_capture_on_commit_callbacks):
    case = make_case(world.user("sme_a"), "Bakery goes online")
    sme, analyst = world.user("sme_a"), world.user("analyst")
    case_move(case=case, user=sme, to=CaseStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        case_move(case=case, user=sme, to=CaseStatus.PUBLISHED)
    with pytest.raises(ValidationError, match="Say what to change"):
        case_move(case=case, user=analyst, to=CaseStatus.RETURNED)
    case_move(case=case, user=analyst, to=CaseStatus.RETURNED, note="Add the sales figures.")
    case_move(case=case, user=sme, to=CaseStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        case_move(case=case, user=analyst, to=CaseStatus.PUBLISHED)
    case.refresh_from_db()
    assert case.is_published and case.published_at is not None
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get(task_path__endswith="case_embed")
    assert queued.args_kwargs["kwargs"] == {"case_id": case.pk}
    assert case_embed.call(case_id=case.pk)
    case.refresh_from_db()
    assert len(bytes(case.embedding)) == 512 * 4
    assert [e.to_status for e in case.events.all()] == [
        "submitted",
        "returned",
        "submitted",
        "published",
    ]
    with pytest.raises(ValidationError, match="cannot go from"):
        case_move(case=case, user=analyst, to=CaseStatus.DRAFT)


def test_no_publication_without_consent(world):
    case = make_case(world.user("sme_a"), "Secret recipe", consent=False)
    case_move(case=case, user=world.user("sme_a"), to=CaseStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="consented"):
        case_move(case=case, user=world.user("analyst"), to=CaseStatus.PUBLISHED)


def test_only_published_cases_reach_search_feeds_and_exports(client, world):
    draft = make_case(world.user("sme_a"), "Zanzibarian draft", summary="zanzibarian marker")
    shown = make_case(world.user("sme_a"), "Quokka story", summary="quokka marker")
    publish(shown, world)
    case_embed.call(case_id=shown.pk)
    case_embed.call(case_id=draft.pk)
    assert [i for i, _s in search.fulltext("quokka")] == [shown.pk]
    assert search.fulltext("zanzibarian") == []
    for mode in search.MODES.values():
        assert draft.pk not in [i for i, _s in mode("zanzibarian marker")]
    feed = client.get(reverse("casestudies:feed")).content.decode()
    assert "Quokka story" in feed and "Zanzibarian" not in feed
    data = json.loads(client.get(reverse("casestudies:open-data", args=["json"])).content)
    assert [c["code"] for c in data["cases"]] == [shown.code]
    csv_text = client.get(reverse("casestudies:open-data", args=["csv"])).content.decode()
    assert "Quokka story" in csv_text and "Zanzibarian" not in csv_text
    api = client.get("/api/v1/cases?q=zanzibarian").json()
    assert draft.code not in [c["code"] for c in api["results"]]

    # The firm withdraws its story: it leaves search, the feed and the open data.
    case_move(case=shown, user=world.user("sme_a"), to=CaseStatus.WITHDRAWN)
    assert search.fulltext("quokka") == []
    assert search.semantic("quokka marker") == []
    assert "Quokka" not in client.get(reverse("casestudies:feed")).content.decode()
    assert client.get(reverse("casestudies:case-detail", args=[shown.code])).status_code == 404


def test_facets_count_without_their_own_selection(client, world):
    for economy, language in (("KR", "ko"), ("BR", "pt"), ("BR", "pt")):
        publish(
            make_case(world.user("sme_a"), f"Story {economy}", economy=economy, language=language),
            world,
        )
    reply = client.get("/api/v1/cases?economy=BR").json()
    assert len(reply["results"]) == 2
    economies = {f["value"]: f["count"] for f in reply["facets"]["economy"]}
    assert economies == {"BR": 2, "KR": 1}
    languages = {f["value"]: f["count"] for f in reply["facets"]["language"]}
    assert languages == {"pt": 2}


def test_api_writes_a_draft_and_moves_it(client, world):
    from d4sme.registry.services import api_token_create

    _token, key = api_token_create(user=world.user("sme_a"), name="t")
    headers = {"Authorization": f"Bearer {key}"}
    body = {
        "title": "Cloud accounting",
        "language": "es",
        "economy": "MX",
        "isic_section": "G",
        "size_class": "small",
        "period": "recovery",
        "summary": "Una tienda pasó su contabilidad a la nube.",
        "challenges": "Facturas en papel.",
        "solutions": "Facturación electrónica.",
        "consent": True,
    }
    created = client.post("/api/v1/cases", json.dumps(body), "application/json", headers=headers)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    code = created.json()["code"]
    moved = client.post(
        f"/api/v1/cases/{code}/move",
        json.dumps({"to": "submitted"}),
        "application/json",
        headers=headers,
    )
    assert moved.json()["status"] == "submitted"
    bad = client.post(
        f"/api/v1/cases/{code}/move",
        json.dumps({"to": "nowhere"}),
        "application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    wrong = client.post(
        "/api/v1/cases",
        json.dumps({**body, "period": "someday"}),
        "application/json",
        headers=headers,
    )
    assert wrong.status_code == 422 and "period" in json.dumps(wrong.json())


def test_assessment_report_shows_peers_who_overcame_the_same_barriers(client, world):
    from d4sme.assessments.models import Instrument
    from d4sme.registry.models import Term
    from tests.assessments.conftest import extreme_answers, take

    story = make_case(world.user("sme_b"), "Training our bakers on tablets")
    story.barriers.add(Term.objects.get(vocabulary_id="barriers", code="skills"))
    publish_as(story, world.user("sme_b"), world)
    version = Instrument.objects.get(pk="dma-sme").current_version()
    response = take(
        world.user("sme_a"), world.org_a, version, extreme_answers(version.parsed, False)
    )
    client.force_login(world.user("sme_a"))
    page = client.get(reverse("assessments:response-report", args=[response.pk])).content.decode()
    assert "Peers who overcame the same barriers" in page
    assert "Training our bakers on tablets" in page


def publish_as(case, author, world):
    case_move(case=case, user=author, to=CaseStatus.SUBMITTED)
    return case_move(case=case, user=world.user("analyst"), to=CaseStatus.PUBLISHED)


def test_the_guided_form_starts_from_the_firms_assessment_and_keeps_outcomes(client, world):
    from d4sme.assessments.models import Instrument
    from d4sme.casestudies.models import Case
    from tests.assessments.conftest import extreme_answers, take

    version = Instrument.objects.get(pk="dma-sme").current_version()
    take(world.user("sme_a"), world.org_a, version, extreme_answers(version.parsed, False))
    client.force_login(world.user("sme_a"))
    form = client.get(reverse("casestudies:case-new")).context["form"]
    barriers = set(form.initial["barriers"])
    assert barriers  # the lowest answers reveal barriers, which the form ticks already
    assert form.initial["economy"] == "KR" and form.initial["size_class"] == "micro"

    data = {
        "title": "Orders by app",
        "language": "en",
        "economy": "KR",
        "isic_section": "C",
        "size_class": "micro",
        "period": "covid-19",
        "summary": "We took orders by app.",
        "challenges": "Phone orders got lost.",
        "solutions": "An ordering app.",
        "consent": "on",
        "barriers": list(barriers),
        "outcomes-TOTAL_FORMS": "2",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-measure": "orders-per-week",
        "outcomes-0-before": "40",
        "outcomes-0-after": "95",
        "outcomes-1-measure": "",
    }
    reply = client.post(reverse("casestudies:case-new"), data)
    case = Case.objects.get(title="Orders by app")
    assert reply["Location"] == reverse("casestudies:case-detail", args=[case.code])
    assert case.organisation == world.org_a and case.author == world.user("sme_a")
    assert [(o.measure, o.before, o.after) for o in case.outcomes.all()] == [
        ("orders-per-week", 40, 95)
    ]
    assert set(case.barriers.values_list("pk", flat=True)) == barriers


def test_a_translation_is_shown_and_searched(client, world):
    case = make_case(world.user("sme_a"), "Honey by subscription", summary="Bees and boxes.")
    client.force_login(world.user("sme_a"))
    reply = client.post(
        reverse("casestudies:case-translate", args=[case.code]),
        {
            "language": "pt",
            "title": "Mel por assinatura",
            "summary": "Abelhas e caixas.",
            "challenges": "Feiras locais.",
            "solutions": "Loja por assinatura.",
        },
    )
    assert reply.status_code == 302
    publish(case, world)
    page = client.get(reverse("casestudies:case-detail", args=[case.code]) + "?lang=pt")
    assert "Mel por assinatura" in page.content.decode()
    assert [i for i, _s in search.fulltext("assinatura")] == [case.pk]
    same = client.post(
        reverse("casestudies:case-translate", args=[case.code]),
        {"language": "en", "title": "x", "summary": "x", "challenges": "x", "solutions": "x"},
    )
    assert same.status_code == 302  # published: it changes only after a moderator returns it
    case.refresh_from_db()
    assert set(case.translations) == {"pt"}


CASE_BODY = {
    "title": "Selling honey online",
    "language": "en",
    "economy": "KR",
    "isic_section": "A",
    "size_class": "micro",
    "period": "recovery",
    "summary": "A beekeeper opened an online shop.",
    "challenges": "Customers only at the market.",
    "solutions": "A subscription box.",
}


def _post_case(client, user, body):
    from d4sme.registry.services import api_token_create

    _token, key = api_token_create(user=user, name="cases")
    return client.post(
        "/api/v1/cases",
        json.dumps(body),
        "application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_case_written_through_the_api_is_about_the_authors_organisation(client, world):
    created = _post_case(client, world.user("sme_a"), CASE_BODY)
    assert created.status_code == 201
    case = Case.objects.get(code=created.json()["code"])
    assert case.organisation == world.org_a and case.author == world.user("sme_a")
    # Firm A's other members may now work on it, as on a case written in the pages.
    assert world.user("sme_a").has_perm("casestudies.change_case", case)


def test_a_case_for_someone_elses_organisation_or_for_none_is_refused(client, world):
    named = _post_case(client, world.user("sme_a"), {**CASE_BODY, "organisation": world.org_b.pk})
    assert named.status_code == 403 and "member" in named.json()["detail"]
    nobody = _post_case(client, world.user("admin"), CASE_BODY)
    assert nobody.status_code == 422 and "organisation" in nobody.json()["detail"]
    assert not Case.objects.filter(title=CASE_BODY["title"]).exists()


def test_a_case_whose_outcomes_are_invalid_is_not_saved_at_all(client, world):
    body = {
        **CASE_BODY,
        "technologies": ["e-commerce"],
        "outcomes": [
            {"measure": "sales", "before": 100, "after": 160, "unit": "KRW m"},
            {"measure": "happiness", "before": 1, "after": 2},
        ],
    }
    reply = _post_case(client, world.user("sme_a"), body)
    assert reply.status_code == 422 and "measure" in json.dumps(reply.json())
    assert not Case.objects.filter(title=CASE_BODY["title"]).exists()
    assert not Outcome.objects.filter(unit="KRW m").exists()


def test_the_case_service_leaves_nothing_when_a_later_write_fails(world):
    from django.db import IntegrityError, transaction

    from d4sme.casestudies.services import Classification, case_create
    from d4sme.registry.models import Economy, Term

    term = Term.objects.filter(vocabulary_id="technologies").first()
    fields = {**CASE_BODY, "economy": Economy.objects.get(code="KR")}
    # The same technology twice breaks the pathway's unique constraint after the case is saved.
    with pytest.raises((IntegrityError, ValidationError)), transaction.atomic():
        case_create(
            user=world.user("sme_a"),
            fields=fields,
            classification=Classification(technologies=[term, term]),
        )
    assert not Case.objects.filter(title=CASE_BODY["title"]).exists()


def test_anonymous_api_writes_are_told_to_authenticate(client, world):
    reply = Client(enforce_csrf_checks=True).post(
        "/api/v1/cases", json.dumps(CASE_BODY), "application/json"
    )
    assert reply.status_code == 401
