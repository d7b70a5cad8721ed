"""Who may do what with programmes, declared as django-rules predicates."""

import rules

from d4sme.registry.models import Role
from d4sme.registry.rules import can_view_ownership, is_administrator
from d4sme.registry.selectors import membership_exists, membership_organisation_ids

from .models import Programme


def _has_role(user, role: str, **organisation) -> bool:
    return membership_exists(user=user, role=role, **organisation)


@rules.predicate
def is_analyst(user) -> bool:
    return _has_role(user, Role.ANALYST)


@rules.predicate
def manages_programme(user, programme) -> bool:
    """A programme manager of the responsible or a co-implementing organisation."""
    if programme is None or not user.is_authenticated:
        return False
    organisations = [
        programme.responsible_id,
        *programme.co_implementers.values_list("id", flat=True),
    ]
    return _has_role(user, Role.PROGRAMME_MANAGER, organisation_ids=[o for o in organisations if o])


@rules.predicate
def is_focal_point_of_programme_economy(user, programme) -> bool:
    if programme is None or programme.economy_id is None:
        return False
    return _has_role(user, Role.FOCAL_POINT, economy=programme.economy_id)


@rules.predicate
def is_published(user, programme) -> bool:
    return programme is not None and programme.is_published


@rules.predicate
def is_programme_submitter(user, programme) -> bool:
    return programme is not None and user.is_authenticated and programme.submitted_by_id == user.id


can_curate = is_analyst | is_administrator
can_manage = manages_programme | is_administrator
can_edit = can_manage | is_focal_point_of_programme_economy | is_programme_submitter | can_curate

rules.add_perm("programmes.view_programme", is_published | can_edit)
rules.add_perm("programmes.change_programme", can_edit)
rules.add_perm("programmes.curate_programme", can_curate)
rules.add_perm("programmes.manage_programme", can_manage)


@rules.predicate
def is_member_of_applicant(user, application) -> bool:
    if application is None or not user.is_authenticated:
        return False
    return membership_exists(user=user, organisation_id=application.organisation_id)


@rules.predicate
def manages_application(user, application) -> bool:
    return application is not None and can_manage.test(user, application.call.programme)


rules.add_perm("programmes.view_application", is_member_of_applicant | manages_application)
rules.add_perm("programmes.decide_application", manages_application)


@rules.predicate
def manages_a_programme_applied_to_by(user, organisation) -> bool:
    """A programme manager of an agency running a programme the firm applied to."""
    if organisation is None or not user.is_authenticated:
        return False
    agencies = membership_organisation_ids(user=user, role=Role.PROGRAMME_MANAGER)
    applied_to = Programme.objects.filter(calls__applications__organisation=organisation)
    return (
        applied_to.filter(responsible_id__in=agencies).exists()
        or applied_to.filter(co_implementers__in=agencies).exists()
    )


# The agencies a firm applied to see its ownership attributes, as the firm does.
rules.set_perm(
    "registry.view_organisation_ownership",
    can_view_ownership | manages_a_programme_applied_to_by,
)
