"""Who may use the evaluation app's pages and API operations.

A planned or unpublished evaluation exists only for analysts (and administrators); an approved
one is public. Only analysts plan, run and approve.
"""

from django.urls import reverse

from tests.access import ACTORS, ANALYSTS, EVERYONE, LOGIN, NOT_FOUND, OK, Endpoint

# Analysts' own: to anyone else a draft does not exist (not even to say "log in").
ANALYSTS_ONLY = {**dict.fromkeys(ACTORS, NOT_FOUND), "analyst": OK, "admin": OK}
# A POST to an analyst's evaluation: log in first, then it does not exist for others.
ANALYSTS_WRITE = {**ANALYSTS_ONLY, "anonymous": LOGIN}
API_CREATE = {**ANALYSTS, "anonymous": LOGIN}


def world(world) -> None:
    from d4sme.evaluation.models import Evaluation, EvaluationStatus

    analyst = world.users["analyst"]
    common = {
        "programme": world.programme,
        "question": "Did sales grow?",
        "outcome": "sales",
        "design": "descriptive",
        "created_by": analyst,
    }
    world.evaluation_draft = Evaluation.objects.create(title="Draft evaluation", **common)
    world.evaluation_done = Evaluation.objects.create(
        title="Finished evaluation", status=EvaluationStatus.DONE, evidence_step=3, **common
    )
    world.evaluation_public = Evaluation.objects.create(
        title="Public evaluation", status=EvaluationStatus.APPROVED, evidence_step=3, **common
    )


def _page(name, obj=None):
    return lambda w: reverse(f"evaluation:{name}", args=[getattr(w, obj).pk] if obj else [])


PAGES = {
    "evaluation:evaluation-list": Endpoint("GET", _page("evaluation-list"), EVERYONE),
    "evaluation:evaluation-create": Endpoint("GET", _page("evaluation-create"), ANALYSTS),
    "evaluation:evaluation-detail": Endpoint(
        "GET", _page("evaluation-detail", "evaluation_draft"), ANALYSTS_ONLY
    ),
    "evaluation:evaluation-run": Endpoint(
        "POST", _page("evaluation-run", "evaluation_draft"), ANALYSTS_WRITE
    ),
    "evaluation:evaluation-approve": Endpoint(
        "POST", _page("evaluation-approve", "evaluation_done"), ANALYSTS_WRITE
    ),
    "evaluation:evaluation-brief": Endpoint(
        "GET", _page("evaluation-brief", "evaluation_public"), EVERYONE
    ),
    "evaluation:evaluation-brief-pdf": Endpoint(
        "POST", _page("evaluation-brief-pdf", "evaluation_public"), {**EVERYONE, "anonymous": LOGIN}
    ),
}

API = {
    "GET /api/v1/evaluations": Endpoint("GET", lambda w: "/api/v1/evaluations", EVERYONE),
    "GET /api/v1/evaluations/{pk}": Endpoint(
        "GET", lambda w: f"/api/v1/evaluations/{w.evaluation_draft.pk}", ANALYSTS_ONLY
    ),
    "POST /api/v1/evaluations": Endpoint(
        "POST",
        lambda w: "/api/v1/evaluations",
        API_CREATE,
        lambda w: {
            "programme": w.programme.code,
            "title": "Sales a year on",
            "question": "Did participants' sales grow faster?",
            "outcome": "sales",
            "design": "descriptive",
        },
    ),
    "POST /api/v1/evaluations/{pk}/run": Endpoint(
        "POST", lambda w: f"/api/v1/evaluations/{w.evaluation_draft.pk}/run", ANALYSTS_WRITE
    ),
    "POST /api/v1/evaluations/{pk}/approve": Endpoint(
        "POST", lambda w: f"/api/v1/evaluations/{w.evaluation_done.pk}/approve", ANALYSTS_WRITE
    ),
    "POST /api/v1/evaluations/outcomes": Endpoint(
        "POST",
        lambda w: "/api/v1/evaluations/outcomes",
        API_CREATE,
        lambda w: {
            "source": "Business register extract",
            "rows": [{"organisation": w.org_a.pk, "year": 2024, "employment": 6}],
        },
    ),
}
