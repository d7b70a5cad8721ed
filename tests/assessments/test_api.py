"""The assessments API: taking an assessment by script, with 4xx answers for bad input."""

import json

import pytest

from d4sme.assessments.scoring import engine
from d4sme.registry.services import api_token_create

from .conftest import random_answers


@pytest.fixture
def api(client, world):
    _token, key = api_token_create(user=world.user("sme_a"), name="survey tool")

    def call(method: str, path: str, body=None, key=key):
        return client.generic(
            method,
            f"/api/v1/assessments{path}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )

    return call


def test_create_answer_submit_and_read_scores(api, world, dma):
    created = api("POST", "/responses", {"instrument": "dma-sme", "organisation": world.org_a.pk})
    assert created.status_code == 201
    pk = created.json()["id"]
    answers = random_answers(dma.parsed, seed=4)
    first, rest = dict(list(answers.items())[:5]), dict(list(answers.items())[5:])
    assert api("PATCH", f"/responses/{pk}", {"answers": first}).json()["answers"] == first
    assert api("PATCH", f"/responses/{pk}", {"answers": rest}).status_code == 200
    submitted = api("POST", f"/responses/{pk}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    scores = api("GET", f"/responses/{pk}/scores").json()
    assert scores == {
        "overall": engine(dma.parsed).score_one(answers)["overall"],
        "band": submitted.json()["band"],
        "level": None,
        "dimensions": engine(dma.parsed).score_one(answers)["dimensions"],
        "questions": engine(dma.parsed).score_one(answers)["questions"],
    }
    assert api("GET", f"/responses/{pk}/benchmark").json()["shown"] is False
    pdf = api("GET", f"/responses/{pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_bad_answers_get_422_with_the_question_named_and_change_nothing(api, world):
    pk = api(
        "POST", "/responses", {"instrument": "dma-sme", "organisation": world.org_a.pk}
    ).json()["id"]
    reply = api("PATCH", f"/responses/{pk}", {"answers": {"q7": ["not-digital", "policy"]}})
    assert reply.status_code == 422
    assert "q7" in reply.json()["detail"]
    unknown = api("PATCH", f"/responses/{pk}", {"answers": {"q99": "x"}})
    assert unknown.status_code == 422 and "q99" in unknown.json()["detail"]
    incomplete = api("POST", f"/responses/{pk}/submit")
    assert incomplete.status_code == 422 and "q4" in incomplete.json()["detail"]
    assert api("GET", f"/responses/{pk}").json()["answers"] == {}


def test_submitted_responses_are_locked(api, world, dma):
    pk = api(
        "POST", "/responses", {"instrument": "dma-sme", "organisation": world.org_a.pk}
    ).json()["id"]
    api("PATCH", f"/responses/{pk}", {"answers": random_answers(dma.parsed, seed=1)})
    api("POST", f"/responses/{pk}/submit")
    again = api("PATCH", f"/responses/{pk}", {"answers": {"q2": []}})
    assert again.status_code == 422
    assert "can no longer change" in json.dumps(again.json())


def test_bad_requests_are_4xx_not_500(api, world):
    assert api("POST", "/responses", {"instrument": "nope", "organisation": 1}).status_code == 404
    wrong_stage = api(
        "POST",
        "/responses",
        {"instrument": "dma-sme", "organisation": world.org_a.pk, "stage": "x"},
    )
    assert wrong_stage.status_code == 422
    assert api("POST", "/responses", {"instrument": "dma-sme"}).status_code == 422
    assert api("GET", "/responses/999999/scores").status_code == 404


def test_another_firms_response_does_not_exist_for_the_caller(api, world):
    _token, other_key = api_token_create(user=world.user("sme_b"), name="other")
    pk = api(
        "POST", "/responses", {"instrument": "dma-sme", "organisation": world.org_a.pk}
    ).json()["id"]
    assert api("GET", f"/responses/{pk}", key=other_key).status_code == 404
    assert api("GET", "/responses", key=other_key).json() == []
    denied = api(
        "POST",
        "/responses",
        {"instrument": "dma-sme", "organisation": world.org_a.pk},
        key=other_key,
    )
    assert denied.status_code == 403
