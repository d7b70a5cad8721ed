"""Properties of the recommendations on random firms and rules: none missing, none wrongly shown."""

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from d4sme.matching.models import MatchRun, Recommendation
from d4sme.matching.recommend import programme_recommendations
from d4sme.matching.services import TOP_K, recommendations_refresh
from d4sme.programmes.eligibility import SIZE_CLASSES, Firm, check
from d4sme.programmes.models import Programme, ProgrammeStatus
from d4sme.programmes.selectors import recommendable_programmes
from tests.conftest import make_sme, make_user
from tests.programmes.conftest import make_programme

pytestmark = pytest.mark.django_db

YEAR = date.today().year

rules = st.fixed_dictionaries(
    {},
    optional={
        "size_classes": st.lists(st.sampled_from(SIZE_CLASSES), min_size=1, unique=True),
        "sections": st.lists(st.sampled_from("ACGJ"), min_size=1, unique=True),
        "women_led": st.just(True),
        "youth_led": st.just(True),
        "min_firm_age": st.integers(0, 10),
        "max_firm_age": st.integers(10, 40),
        "hire_min_age": st.just(15),
    },
)
programmes = st.lists(
    st.tuples(
        rules,
        st.sampled_from(list(ProgrammeStatus)),
        st.sampled_from([None, YEAR - 1, YEAR, YEAR + 2]),
        st.booleans(),  # eligibility stated by the source
        st.sampled_from(["KR", "BR", None]),
    ),
    min_size=1,
    max_size=6,
)
firms = st.fixed_dictionaries(
    {
        "employees": st.sampled_from([3, 20, 120]),
        "isic_division": st.sampled_from(["01", "10", "47", "62"]),
        "founded_year": st.one_of(st.none(), st.integers(YEAR - 30, YEAR)),
        "women_led": st.booleans(),
        "youth_led": st.booleans(),
    }
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(firm=firms, catalogue=programmes)
def test_no_eligible_programme_is_missing_and_no_ineligible_or_closed_one_appears(
    content, firm, catalogue
):
    with transaction.atomic():
        organisation = make_sme(make_user("property@example.org"), "Property Firm", **firm)
        for n, (rule, status, end_year, stated, economy) in enumerate(catalogue):
            if "min_firm_age" in rule and "max_firm_age" in rule:
                rule["max_firm_age"] = max(rule["max_firm_age"], rule["min_firm_age"])
            make_programme(
                f"prop-{n}",
                rules=rule,
                status=status,
                end_year=end_year,
                eligibility_stated=stated,
                economy=economy,
            )
        found = programme_recommendations(organisation=organisation)
        shown = {item.programme.pk for item in found.eligible}
        open_ids = set(recommendable_programmes().values_list("pk", flat=True))
        expected = set()
        for programme in Programme.objects.filter(economy__in=["KR"]) | Programme.objects.filter(
            economy=None
        ):
            verdict = check(
                rules=programme.eligibility,
                economy=programme.economy_id,
                economy_name="",
                firm=Firm.of(organisation),
                stated=programme.eligibility_stated,
            )
            if verdict.eligible and programme.pk in open_ids:
                expected.add(programme.pk)
        assert shown == expected
        for item in found.eligible:
            assert item.programme.status not in (ProgrammeStatus.ENDED, ProgrammeStatus.HISTORICAL)
            assert item.programme.end_year is None or item.programme.end_year >= YEAR
            assert item.programme.eligibility_stated and not item.verdict.unmet
        # The background refresh (bulk eligibility, chunked scoring) agrees with the page.
        recommendations_refresh(run=MatchRun.objects.create(kind="programmes"), with_text=False)
        stored = list(
            Recommendation.objects.filter(organisation=organisation)
            .order_by("rank")
            .values_list("programme_id", flat=True)
        )
        assert stored == [item.programme.pk for item in found.eligible][:TOP_K]
        transaction.set_rollback(True)
