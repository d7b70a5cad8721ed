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


# A candidate's personal data: the person (sme_b's user registered as a candidate), the SME
# they applied to (firm A) and the programme's managers (administrators manage every
# programme); to everyone else, analysts included, it does not exist.
CANDIDATE_PRIVACY = {
    **dict.fromkeys(ACTORS, NOT_FOUND),
    "anonymous": LOGIN,
    "sme_a": OK,
    "sme_b": OK,
    "manager": OK,
    "admin": OK,
}
ONLY = {**dict.fromkeys(ACTORS, DENIED), "anonymous": LOGIN}
SME_MEMBERS = {**ONLY, "sme_a": OK, "sme_b": OK}
THE_CANDIDATE = {**ONLY, "sme_b": OK}
FIRM_A = {**ONLY, "sme_a": OK}
PROGRAMME_MANAGERS = {**ONLY, "manager": OK, "admin": OK}
YOUTH_RUN = {**OWN_RUN, "manager": OK}


def world(world) -> None:
    from datetime import date
    from decimal import Decimal

    from d4sme.matching import services
    from d4sme.matching.models import MatchRun, SubsidyBudget
    from tests.programmes.conftest import make_programme

    world.programme_run = MatchRun.objects.create(
        kind="programmes", created_by=world.users["analyst"]
    )
    world.scheme = make_programme(
        "kr-access-youth",
        rules={"size_classes": ["micro", "small"], "hire_min_age": 15, "hire_max_age": 34},
    )
    SubsidyBudget.objects.create(
        programme=world.scheme, year=date.today().year, amount=10_000, per_hire=1_000
    )
    world.job = services.job_post_create(
        user=world.users["sme_a"],
        organisation=world.org_a,
        programme=world.scheme,
        title="Web developer",
        occupation="2512",
        slots=1,
        monthly_wage=Decimal(2000),
    )
    world.candidate = services.candidate_save(
        user=world.users["sme_b"],
        display_name="Young Person",
        birth_date=date(date.today().year - 22, 1, 1),
        skills=["python"],
    )
    services.job_apply(user=world.users["sme_b"], job=world.job)
    world.youth_run = services.youth_match_run(user=world.users["manager"], programme=world.scheme)
    world.job_match = world.youth_run.job_matches.get()


PAGES = {
    "matching:recommendations": Endpoint(
        "GET", lambda w: reverse("matching:recommendations"), SIGNED_IN
    ),
    "matching:refresh": Endpoint("POST", lambda w: reverse("matching:refresh"), ANALYSTS_RUN),
    "matching:run-detail": Endpoint(
        "GET", lambda w: reverse("matching:run-detail", args=[w.programme_run.pk]), OWN_RUN
    ),
    "matching:youth": Endpoint("GET", lambda w: reverse("matching:youth"), SIGNED_IN),
    "matching:candidate-profile": Endpoint(
        "GET", lambda w: reverse("matching:candidate-profile"), SIGNED_IN
    ),
    "matching:job-new": Endpoint("GET", lambda w: reverse("matching:job-new"), SME_MEMBERS),
    "matching:job-detail": Endpoint(
        "GET", lambda w: reverse("matching:job-detail", args=[w.job.pk]), SIGNED_IN
    ),
    "matching:job-apply": Endpoint(
        "POST", lambda w: reverse("matching:job-apply", args=[w.job.pk]), THE_CANDIDATE
    ),
    "matching:candidate-detail": Endpoint(
        "GET",
        lambda w: reverse("matching:candidate-detail", args=[w.candidate.pk]),
        CANDIDATE_PRIVACY,
    ),
    "matching:youth-run": Endpoint(
        "POST",
        lambda w: reverse("matching:youth-run", args=[w.scheme.code]),
        PROGRAMME_MANAGERS,
        lambda w: {"mode": "stable"},
    ),
    "matching:job-match-decide": Endpoint(
        "POST",
        lambda w: reverse("matching:job-match-decide", args=[w.job_match.pk, "accept"]),
        FIRM_A,
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
    "GET /api/v1/matching/jobs": Endpoint("GET", lambda w: "/api/v1/matching/jobs", SIGNED_IN),
    "POST /api/v1/matching/jobs": Endpoint(
        "POST",
        lambda w: "/api/v1/matching/jobs",
        FIRM_A,
        lambda w: {
            "organisation": w.org_a.pk,
            "programme": w.scheme.code,
            "title": "Data analyst",
            "occupation": "2511",
            "slots": 2,
            "monthly_wage": 2100,
        },
    ),
    "POST /api/v1/matching/jobs/{pk}/applications": Endpoint(
        "POST", lambda w: f"/api/v1/matching/jobs/{w.job.pk}/applications", THE_CANDIDATE
    ),
    "GET /api/v1/matching/candidates/{pk}": Endpoint(
        "GET", lambda w: f"/api/v1/matching/candidates/{w.candidate.pk}", CANDIDATE_PRIVACY
    ),
    "POST /api/v1/matching/youth-runs": Endpoint(
        "POST",
        lambda w: "/api/v1/matching/youth-runs",
        PROGRAMME_MANAGERS,
        lambda w: {"programme": w.scheme.code},
    ),
    "GET /api/v1/matching/runs/{pk}/job-matches": Endpoint(
        "GET", lambda w: f"/api/v1/matching/runs/{w.youth_run.pk}/job-matches", YOUTH_RUN
    ),
}
