"""Who may take, read and analyse assessments, declared as django-rules predicates.

An SME's members see only their own firm's responses. A programme manager may assess a firm
with it (advisor mode) when the firm applied to or takes part in a programme the manager runs,
and reads the responses that measure that participation. Analysts and managers see
aggregates only, with small cells suppressed.
"""

import rules

from d4sme.programmes.rules import can_manage, is_analyst
from d4sme.programmes.selectors import application_exists, programmes_managed_by
from d4sme.registry.models import Role
from d4sme.registry.rules import is_administrator
from d4sme.registry.selectors import membership_exists


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    return membership_exists(user=user, organisation_id=organisation.pk)


@rules.predicate
def advises_organisation(user, organisation) -> bool:
    """A programme manager of a programme the organisation applied to."""
    if organisation is None or not user.is_authenticated:
        return False
    return application_exists(
        organisation=organisation, programmes=programmes_managed_by(user=user)
    )


@rules.predicate
def is_manager(user) -> bool:
    return membership_exists(user=user, role=Role.PROGRAMME_MANAGER)


@rules.predicate
def is_member_of_respondent(user, response) -> bool:
    return response is not None and is_member_of_organisation.test(user, response.organisation)


@rules.predicate
def entered_response(user, response) -> bool:
    return response is not None and user.is_authenticated and response.entered_by_id == user.id


@rules.predicate
def manages_measured_programme(user, response) -> bool:
    if response is None or response.participation_id is None:
        return False
    return can_manage.test(user, response.participation.cohort.programme)


@rules.predicate
def is_in_progress(user, response) -> bool:
    return response is not None and not response.is_submitted


can_assess = is_member_of_organisation | advises_organisation | is_administrator
can_read = (
    is_member_of_respondent | entered_response | manages_measured_programme | is_administrator
)

rules.add_perm("assessments.assess_organisation", can_assess)
rules.add_perm("assessments.view_response", can_read)
rules.add_perm(
    "assessments.change_response",
    is_in_progress & (is_member_of_respondent | entered_response | is_administrator),
)
rules.add_perm("assessments.view_dashboard", is_analyst | is_manager | is_administrator)
rules.add_perm("assessments.import_responses", is_analyst | is_manager | is_administrator)
