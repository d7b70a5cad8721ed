"""Who may read, write and moderate cases, as django-rules predicates.

Published cases are public. An unpublished case exists only for its author, the members of
its organisation, and the analysts who moderate; everyone else gets a 404.
"""

import rules

from d4sme.programmes.rules import is_analyst
from d4sme.registry.rules import is_administrator
from d4sme.registry.selectors import membership_exists


@rules.predicate
def is_published(user, case) -> bool:
    return case is not None and case.is_published


@rules.predicate
def is_author(user, case) -> bool:
    return case is not None and user.is_authenticated and case.author_id == user.id


@rules.predicate
def is_member_of_firm(user, case) -> bool:
    if case is None or case.organisation_id is None or not user.is_authenticated:
        return False
    return membership_exists(user=user, organisation_id=case.organisation_id)


can_moderate = is_analyst | is_administrator
owns = is_author | is_member_of_firm

rules.add_perm("casestudies.view_case", is_published | owns | can_moderate)
rules.add_perm("casestudies.change_case", owns | can_moderate)
rules.add_perm("casestudies.moderate_case", can_moderate)
