"""Young people matched to SMEs' digital jobs: ages, firm size, the budget, stability, privacy."""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st

from d4sme.matching import services, youth
from d4sme.matching.models import JobMatch, SubsidyBudget
from d4sme.matching.stable import blocking_pairs
from tests.conftest import make_sme, make_user
from tests.programmes.conftest import make_programme

pytestmark = pytest.mark.django_db

YOUTH_RULES = {"size_classes": ["micro", "small", "medium"], "hire_min_age": 15, "hire_max_age": 34}


@pytest.fixture
def scheme(world):
    """A youth wage-subsidy programme managed at kr-kosmo, with a budget for two hires."""
    programme = make_programme("kr-youth-test", rules=YOUTH_RULES)
    SubsidyBudget.objects.create(
        programme=programme, year=date.today().year, amount=Decimal(2000), per_hire=Decimal(1000)
    )
    world.scheme = programme
    return world


def candidate(email: str, born: date, skills=("python",)):
    user = make_user(email)
    return user, services.candidate_save(
        user=user, display_name=email.split("@")[0], birth_date=born, skills=list(skills)
    )


def job(world, title: str, slots: int = 1, skills=("python",), subsidy=True, posted=None):
    return services.job_post_create(
        user=world.users["sme_a"],
        organisation=world.org_a,
        programme=world.scheme,
        title=title,
        occupation="2512",
        digital_skills=list(skills),
        slots=slots,
        monthly_wage=Decimal(2500),
        subsidy_applies=subsidy,
        **({"posted_on": posted} if posted else {}),
    )


def test_a_candidate_aged_35_on_the_posting_date_is_not_matched(scheme):
    posted = date(date.today().year, 3, 1)
    post = job(scheme, "Data clerk", slots=2, posted=posted)
    young_user, young = candidate("young@example.org", date(posted.year - 34, 3, 1))
    old_user, old = candidate("old@example.org", date(posted.year - 35, 3, 1))
    for user in (young_user, old_user):
        services.job_apply(user=user, job=post)
    run = services.youth_match_run(user=scheme.users["manager"], programme=scheme.scheme)
    assert [m.candidate for m in JobMatch.objects.filter(run=run)] == [young]
    assert run.summary["unmatched"] == {str(old.pk): youth.NOT_ELIGIBLE}
    assert run.summary["not_eligible"] == {str(old.pk): ["age"]}
    assert run.summary["blocking_pairs"] == 0


def test_the_subsidy_budget_limits_subsidised_hires_and_says_so(scheme):
    first = job(scheme, "Web developer", slots=2)
    second = job(scheme, "Data analyst", slots=2)
    plain = job(scheme, "Designer", slots=1, subsidy=False)
    born = date(date.today().year - 25, 1, 1)
    for n in range(6):
        user, _c = candidate(f"c{n}@example.org", born)
        for post in (first, second, plain)[n % 3 :] + (first, second, plain)[: n % 3]:
            services.job_apply(user=user, job=post)
    run = services.youth_match_run(user=scheme.users["manager"], programme=scheme.scheme)
    budget = run.summary["budget"]
    assert budget["fundable_hires"] == 2 and Decimal(budget["used"]) <= Decimal(2000)
    hires = JobMatch.objects.filter(run=run)
    assert hires.filter(subsidised=True).count() == 2
    assert hires.filter(job=plain).count() == 1
    assert budget["jobs_closed_by_budget"] == [second.pk]
    assert youth.BUDGET in run.summary["unmatched"].values()


def test_stable_and_max_fit_runs_show_the_trade_off(scheme):
    posts = [job(scheme, f"Job {n}", skills=(["python"], ["design"])[n % 2]) for n in range(2)]
    born = date(date.today().year - 20, 1, 1)
    a_user, _a = candidate("a@example.org", born, skills=["python", "design"])
    b_user, _b = candidate("b@example.org", born, skills=["python"])
    services.job_apply(user=a_user, job=posts[0])
    services.job_apply(user=a_user, job=posts[1])
    services.job_apply(user=b_user, job=posts[0])
    stable = services.youth_match_run(user=scheme.users["manager"], programme=scheme.scheme)
    best = services.youth_match_run(
        user=scheme.users["manager"], programme=scheme.scheme, mode=youth.MAX_FIT
    )
    trade = stable.summary["trade_off"]
    assert trade == best.summary["trade_off"]
    assert trade["stable"]["blocking_pairs"] == 0
    assert trade["max-fit"]["total_fit"] >= trade["stable"]["total_fit"]
    assert best.solver.startswith("scipy") and stable.solver.startswith("deferred")


def test_only_the_programme_manager_runs_the_matching(scheme):
    with pytest.raises(PermissionDenied):
        services.youth_match_run(user=scheme.users["sme_a"], programme=scheme.scheme)


def test_a_firm_of_another_size_class_is_not_eligible(scheme):
    owner = make_user("big@example.org")
    big = make_sme(owner, "Big Maker", isic_division="10", employees=200)
    programme = make_programme("kr-youth-micro", rules={**YOUTH_RULES, "size_classes": ["micro"]})
    post = services.job_post_create(
        user=owner,
        organisation=big,
        programme=programme,
        title="Analyst",
        occupation="2511",
        slots=1,
        monthly_wage=Decimal(2000),
    )
    user, _c = candidate("c@example.org", date(date.today().year - 22, 1, 1))
    services.job_apply(user=user, job=post)
    run = services.youth_match_run(user=scheme.users["manager"], programme=programme)
    assert run.summary["matched"] == 0
    assert list(run.summary["not_eligible"].values()) == [["firm_size"]]


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    candidates=st.integers(1, 30),
    jobs=st.integers(1, 8),
    budget=st.integers(0, 12),
)
def test_the_budget_is_never_exceeded_and_no_pair_blocks(seed, candidates, jobs, budget):
    rng = np.random.default_rng(seed)
    slots = rng.integers(1, 4, size=jobs).tolist()
    subsidised = rng.random(jobs) < 0.7
    places, fundable = youth.subsidised_places(
        slots=slots,
        subsidised=subsidised.tolist(),
        remaining=Decimal(budget * 1000),
        per_hire=Decimal(1000),
    )
    candidate_lists = [
        rng.choice(jobs, size=rng.integers(0, jobs + 1), replace=False).tolist()
        for _ in range(candidates)
    ]
    fit = {(c, j): float(rng.random()) for c, lst in enumerate(candidate_lists) for j in lst}
    job_lists = [
        sorted((c for c, lst in enumerate(candidate_lists) if j in lst), key=lambda c: -fit[(c, j)])
        for j in range(jobs)
    ]
    instance = youth.Instance(candidate_lists, job_lists, places, fit, subsidised.tolist())
    for outcome in youth.solve(instance).values():
        assert outcome.subsidised_hires <= fundable == budget
        held = np.bincount(outcome.match[outcome.match >= 0], minlength=jobs)
        assert (held <= np.asarray(places)).all()
    stable = youth.solve(instance)["stable"]
    assert blocking_pairs(instance.preferences(), stable.match) == []
    assert youth.solve(instance)["max-fit"].total_fit >= stable.total_fit - 1e-9


def test_the_candidate_and_the_firm_are_told_by_e_mail(scheme, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    post = job(scheme, "Data clerk")
    user, _c = candidate("young@example.org", date(date.today().year - 20, 1, 1))
    services.job_apply(user=user, job=post)
    with django_capture_on_commit_callbacks(execute=True):
        services.youth_match_run(user=scheme.users["manager"], programme=scheme.scheme)
    queued = DBTaskResult.objects.filter(task_path__endswith="email_send")
    assert sorted(r.args_kwargs["kwargs"]["to"][0] for r in queued) == [
        "owner-a@example.org",
        "young@example.org",
    ]
