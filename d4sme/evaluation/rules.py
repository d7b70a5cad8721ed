"""Who may do what with evaluations, declared as django-rules predicates.

Analysts (and administrators) plan, run and approve evaluations; an approved evaluation's
brief is public, with small cells withheld.
"""

import rules

from d4sme.registry.models import Role
from d4sme.registry.rules import is_administrator
from d4sme.registry.selectors import membership_exists


@rules.predicate
def is_analyst(user) -> bool:
    return membership_exists(user=user, role=Role.ANALYST)


@rules.predicate
def is_approved(user, evaluation) -> bool:
    return evaluation is not None and evaluation.is_public


can_manage = is_analyst | is_administrator
rules.add_perm("evaluation.manage_evaluation", can_manage)
rules.add_perm("evaluation.view_evaluation", is_approved | can_manage)
