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
# Supplier needs: the large firm's members (none of the actors; the services' tests cover them).
LARGE_FIRM = ONLY
# Runs: a large firm's members for its needs, analysts and administrators for all.
SUPPLIER_RUN = {**ONLY, "analyst": OK, "admin": OK}
# A proposed pair: its buyer's and its supplier's (firm A's) members; to others it does not exist.
PAIR_PARTIES = {**dict.fromkeys(ACTORS, NOT_FOUND), "anonymous": LOGIN, "sme_a": OK}


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
    suppliers_for(world)


def suppliers_for(world) -> None:
    """A large firm (whose member is none of the actors, so that no other app's policy changes)
    wanting what firm A offers."""
    from d4sme.matching import services
    from d4sme.registry.models import Economy, Organisation, OrganisationKind, Role
    from d4sme.registry.services import membership_grant
    from tests.conftest import make_user

    manager = make_user("buyer@example.org")
    world.large_firm = Organisation.objects.create(
        kind=OrganisationKind.LARGE_FIRM,
        legal_name="Gamma Motors",
        economy=Economy.objects.get(code="KR"),
        isic_division="29",
        isic_section="C",
        employees=5000,
    )
    membership_grant(user=manager, organisation=world.large_firm, role=Role.LARGE_FIRM_MEMBER)
    world.need = services.supplier_need_create(
        user=manager,
        buyer=world.large_firm,
        title="Packaging",
        isic_division="10",
        capabilities=["packaging"],
        volume=10,
        max_share=1,
    )
    services.supplier_offer_create(
        user=world.users["sme_a"],
        supplier=world.org_a,
        title="Boxes",
        isic_division="10",
        capabilities=["packaging"],
        capacity=10,
    )
    run = services.supplier_match_run(user=world.users["analyst"], hhi_ceiling=10_000)
    world.supplier_pair = run.supplier_pairs.get()


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
    "matching:suppliers": Endpoint("GET", lambda w: reverse("matching:suppliers"), SIGNED_IN),
    "matching:need-new": Endpoint("GET", lambda w: reverse("matching:need-new"), LARGE_FIRM),
    "matching:offer-new": Endpoint("GET", lambda w: reverse("matching:offer-new"), SME_MEMBERS),
    "matching:suppliers-run": Endpoint(
        "POST", lambda w: reverse("matching:suppliers-run"), SUPPLIER_RUN
    ),
    "matching:supplier-pair-decide": Endpoint(
        "POST",
        lambda w: reverse("matching:supplier-pair-decide", args=[w.supplier_pair.pk, "accept"]),
        PAIR_PARTIES,
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
    "POST /api/v1/matching/supplier-needs": Endpoint(
        "POST",
        lambda w: "/api/v1/matching/supplier-needs",
        LARGE_FIRM,
        lambda w: {
            "buyer": w.large_firm.pk,
            "title": "Seats",
            "isic_division": "29",
            "capabilities": ["textiles"],
            "volume": 50,
            "max_share": 0.5,
        },
    ),
    "POST /api/v1/matching/supplier-offers": Endpoint(
        "POST",
        lambda w: "/api/v1/matching/supplier-offers",
        FIRM_A,
        lambda w: {
            "supplier": w.org_a.pk,
            "title": "Bread",
            "isic_division": "10",
            "capabilities": ["baking"],
            "capacity": 20,
        },
    ),
    "POST /api/v1/matching/supplier-runs": Endpoint(
        "POST",
        lambda w: "/api/v1/matching/supplier-runs",
        SUPPLIER_RUN,
        lambda w: {"hhi_ceiling": 10_000},
    ),
    "GET /api/v1/matching/supplier-pairs": Endpoint(
        "GET", lambda w: "/api/v1/matching/supplier-pairs", SIGNED_IN
    ),
    "POST /api/v1/matching/supplier-pairs/{pk}/decision": Endpoint(
        "POST",
        lambda w: f"/api/v1/matching/supplier-pairs/{w.supplier_pair.pk}/decision",
        PAIR_PARTIES,
        lambda w: {"accept": True},
    ),
}
