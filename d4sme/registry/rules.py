"""Object-level permissions of the registry, declared as django-rules predicates."""

import rules

from .models import Role


@rules.predicate
def is_administrator(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(role=Role.ADMINISTRATOR).exists()


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return user.memberships.filter(organisation=organisation).exists()


can_change_organisation = is_member_of_organisation | is_administrator

rules.add_perm("registry.view_organisation", rules.always_allow)
rules.add_perm("registry.change_organisation", can_change_organisation)
