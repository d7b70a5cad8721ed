"""Who may use the matching app's endpoints (collected by tests/test_authorisation.py)."""

from django.urls import reverse

from tests.access import ACTORS, DENIED, LOGIN, NOT_FOUND, OK, SIGNED_IN, Endpoint

ANALYSTS_RUN = {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN, "analyst": OK, "admin": OK}
# A run is seen by whoever started it, analysts and administrators; to others it does not exist.
OWN_RUN = {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "analyst": OK, "admin": OK}
# A firm's recommendations exist only for its members and administrators.
FIRM_A_ONLY = {
    **dict.fromkeys(ACTORS, NOT_FOUND),
    "anonymous": LOGIN,
    "sme_a": OK,
    "admin": OK,
}


def world(world) -> None:
    from d4sme.matching.models import MatchRun

    world.programme_run = MatchRun.objects.create(
        kind="programmes", created_by=world.users["analyst"]
    )


PAGES = {
    "matching:recommendations": Endpoint(
        "GET", lambda w: reverse("matching:recommendations"), SIGNED_IN
    ),
    "matching:refresh": Endpoint("POST", lambda w: reverse("matching:refresh"), ANALYSTS_RUN),
    "matching:run-detail": Endpoint(
        "GET", lambda w: reverse("matching:run-detail", args=[w.programme_run.pk]), OWN_RUN
    ),
}

API = {
    "GET /api/v1/matching/organisations/{pk}/programmes": Endpoint(
        "GET", lambda w: f"/api/v1/matching/organisations/{w.org_a.pk}/programmes", FIRM_A_ONLY
    ),
    "POST /api/v1/matching/runs/programmes": Endpoint(
        "POST", lambda w: "/api/v1/matching/runs/programmes", ANALYSTS_RUN
    ),
    "GET /api/v1/matching/runs/{pk}": Endpoint(
        "GET", lambda w: f"/api/v1/matching/runs/{w.programme_run.pk}", OWN_RUN
    ),
}
