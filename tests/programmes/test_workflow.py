import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from d4sme.programmes import services
from d4sme.programmes.models import Application, CurationStatus, Participation
from d4sme.programmes.selectors import programmes_eligible_for
from tests.programmes.conftest import make_programme

pytestmark = pytest.mark.django_db


def apply(world, organisation=None, user=None):
    return services.application_submit(
        call=world.call,
        organisation=organisation or world.org_a,
        user=user or world.users["sme_a"],
        motivation="Automate our bakery's ordering.",
    )


def test_an_eligible_sme_applies_and_its_members_are_notified(
    programme_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(programme_world)
    assert application.status == "submitted"
    assert application.eligibility["eligible"] is True
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__to=["owner-a@example.org"]).exists()


def test_an_ineligible_firm_cannot_apply_and_is_told_why(programme_world):
    with pytest.raises(ValidationError, match="only"):
        apply(
            programme_world, organisation=programme_world.org_b, user=programme_world.users["sme_b"]
        )
    assert not Application.objects.exists()


def test_nobody_applies_for_a_firm_they_do_not_belong_to(programme_world):
    with pytest.raises(PermissionDenied):
        apply(
            programme_world, organisation=programme_world.org_a, user=programme_world.users["sme_b"]
        )


def test_a_firm_applies_once_per_call(programme_world):
    apply(programme_world)
    with pytest.raises(ValidationError):
        apply(programme_world)


def test_the_manager_accepts_and_forms_a_cohort(programme_world):
    manager = programme_world.users["manager"]
    application = apply(programme_world)
    services.application_decide(
        application=application, user=manager, status="accepted", reason="Strong plan."
    )
    cohort = services.cohort_create(
        programme=programme_world.programme, user=manager, name="Spring 2027"
    )
    participation = services.participation_add(cohort=cohort, application=application, user=manager)
    services.participation_record(
        participation=participation,
        user=manager,
        support_hours=40,
        employment_before=5,
        employment_after=7,
        still_operating=True,
    )
    recorded = Participation.objects.get()
    assert (
        recorded.support_hours == 40 and recorded.employment_after == 7 and recorded.still_operating
    )


def test_a_rejected_applicant_cannot_join_a_cohort(programme_world):
    manager = programme_world.users["manager"]
    application = apply(programme_world)
    services.application_decide(
        application=application, user=manager, status="rejected", reason="Out of scope."
    )
    cohort = services.cohort_create(
        programme=programme_world.programme, user=manager, name="Spring"
    )
    with pytest.raises(ValidationError):
        services.participation_add(cohort=cohort, application=application, user=manager)


def test_a_decision_needs_a_reason(programme_world):
    application = apply(programme_world)
    with pytest.raises(ValidationError):
        services.application_decide(
            application=application,
            user=programme_world.users["manager"],
            status="accepted",
            reason=" ",
        )


def test_only_the_programmes_own_managers_decide(programme_world, other_manager):
    application = apply(programme_world)
    for outsider in (
        other_manager,
        programme_world.users["sme_a"],
        programme_world.users["analyst"],
    ):
        with pytest.raises(PermissionDenied):
            services.application_decide(
                application=application, user=outsider, status="accepted", reason="ok"
            )


def test_curation_goes_from_draft_to_published_through_a_return(world):
    programme = make_programme("kr-draft", published=False)
    manager, analyst = world.users["manager"], world.users["analyst"]
    services.programme_move(programme=programme, user=manager, to=CurationStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        services.programme_move(
            programme=programme, user=analyst, to=CurationStatus.RETURNED, note=""
        )
    services.programme_move(
        programme=programme, user=analyst, to=CurationStatus.RETURNED, note="Add the budget."
    )
    with pytest.raises(ValidationError):  # a returned programme is resubmitted first
        services.programme_move(programme=programme, user=analyst, to=CurationStatus.PUBLISHED)
    services.programme_move(programme=programme, user=manager, to=CurationStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):  # only curators publish
        services.programme_move(programme=programme, user=manager, to=CurationStatus.PUBLISHED)
    services.programme_move(programme=programme, user=analyst, to=CurationStatus.PUBLISHED)
    programme.refresh_from_db()
    assert programme.is_published
    reasons = list(programme.history.values_list("history_change_reason", flat=True))
    assert "returned: Add the budget." in reasons


def test_eligible_programmes_of_a_firm_exclude_other_economies_and_unpublished(world):
    make_programme("kr-open")
    make_programme("kr-hidden", published=False)
    make_programme("br-only", economy="BR", responsible=None)
    codes = {p.code for p, _ in programmes_eligible_for(organisation=world.org_a)}
    assert "kr-open" in codes and "kr-hidden" not in codes and "br-only" not in codes


def test_an_agency_submits_a_draft_that_curators_then_see(world):
    from d4sme.programmes.models import Programme
    from d4sme.programmes.selectors import curation_queue
    from d4sme.registry.models import Economy, Organisation, Term

    manager = world.users["manager"]
    programme = services.programme_submit_draft(
        user=manager,
        programme=None,
        fields={
            "name": "Cloud Vouchers",
            "economy": Economy.objects.get(code="KR"),
            "responsible": Organisation.objects.get(code="kr-kosmo"),
            "start_year": 2026,
            "status": "active",
        },
        terms=list(Term.objects.filter(vocabulary_id="barriers", code="skills")),
        rules={"size_classes": ["micro"]},
        instrument_name="Vouchers",
        instrument_type=Term.objects.filter(vocabulary_id="stip-instrument-types")
        .exclude(parent=None)
        .first(),
    )
    assert programme.code == "kr-cloud-vouchers" and programme.curation_status == "draft"
    assert programme.submitted_by == manager and programme.instruments.get().name == "Vouchers"
    services.programme_move(programme=programme, user=manager, to=CurationStatus.SUBMITTED)
    assert programme in curation_queue(user=world.users["analyst"])
    with pytest.raises(PermissionDenied):
        services.programme_submit_draft(
            user=world.users["sme_a"],
            programme=None,
            fields={"name": "Mine", "responsible": Organisation.objects.get(code="kr-kosmo")},
            terms=[],
            rules={},
            instrument_name="x",
            instrument_type=None,
        )
    assert not Programme.objects.filter(name="Mine").exists()
