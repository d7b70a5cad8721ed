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
# Ownership attributes (women-led, youth-led, rural) are personal data for a sole proprietor:
# the firm itself and administrators see them; the programmes app adds the agencies the firm
# applied to. Everyone else sees them only in aggregates with small cells suppressed.
can_view_ownership = is_member_of_organisation | is_administrator

rules.add_perm("registry.view_organisation", rules.always_allow)
rules.add_perm("registry.change_organisation", can_change_organisation)
rules.add_perm("registry.view_organisation_ownership", can_view_ownership)


@rules.predicate
def is_analyst(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.memberships.filter(role=Role.ANALYST).exists()


# Groupings of economies (the EU27, the euro area) that frameworks report by.
rules.add_perm("registry.change_grouping", is_analyst | is_administrator)
