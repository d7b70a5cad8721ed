"""Who may see a firm's recommendations and run matching, declared as django-rules predicates."""

import rules

from d4sme.registry.models import Role
from d4sme.registry.rules import is_administrator
from d4sme.registry.selectors import membership_exists


@rules.predicate
def is_member(user, organisation) -> bool:
    return organisation is not None and membership_exists(
        user=user, organisation_id=organisation.pk
    )


@rules.predicate
def is_analyst(user) -> bool:
    return membership_exists(user=user, role=Role.ANALYST)


@rules.predicate
def is_run_creator(user, run) -> bool:
    return run is not None and user.is_authenticated and run.created_by_id == user.pk


rules.add_perm("matching.view_recommendations", is_member | is_administrator)
rules.add_perm("matching.refresh_recommendations", is_analyst | is_administrator)
rules.add_perm("matching.view_run", is_run_creator | is_analyst | is_administrator)
