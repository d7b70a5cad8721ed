"""Who may do what in KPI monitoring, declared as django-rules predicates."""

import rules

from d4sme.registry.models import Role
from d4sme.registry.rules import is_administrator
from d4sme.registry.selectors import membership_economies, membership_exists


def focal_economies(user) -> set[str]:
    """Codes of the economies the user is a focal point for."""
    return membership_economies(user=user, role=Role.FOCAL_POINT)


@rules.predicate
def is_analyst(user) -> bool:
    return membership_exists(user=user, role=Role.ANALYST)


@rules.predicate
def is_focal_point(user) -> bool:
    return bool(focal_economies(user))


@rules.predicate
def is_focal_point_of(user, submission) -> bool:
    return submission is not None and submission.economy_id in focal_economies(user)


@rules.predicate
def is_open(user, submission) -> bool:
    return submission is not None and submission.is_editable


@rules.predicate
def is_public(user, framework) -> bool:
    return framework is not None and framework.is_public


@rules.predicate
def is_focal_point_for_economy(user, economy_code) -> bool:
    return bool(economy_code) and economy_code in focal_economies(user)


@rules.predicate
def is_focal_point_of_question(user, question) -> bool:
    return question is not None and question.submission.economy_id in focal_economies(user)


can_review = is_analyst | is_administrator
rules.add_perm("monitoring.view_submission", is_focal_point_of | can_review)
rules.add_perm("monitoring.change_submission", (is_focal_point_of & is_open) | is_administrator)
rules.add_perm("monitoring.review_submission", can_review)
rules.add_perm("monitoring.view_framework", is_public | is_focal_point | can_review)
rules.add_perm("monitoring.write_review", can_review)
# The thread of a report: analysts ask and resolve; the economy's focal points answer too.
rules.add_perm("monitoring.ask_question", can_review)
rules.add_perm("monitoring.answer_question", is_focal_point_of_question | can_review)
rules.add_perm("monitoring.resolve_question", can_review)
# Baselines and targets: an economy's by its focal points, any (and the region's) by analysts.
rules.add_perm("monitoring.set_targets", is_focal_point_for_economy | can_review)
rules.add_perm("monitoring.view_proposals", is_focal_point | can_review)
rules.add_perm("monitoring.submit_proposal", is_focal_point | can_review)
# Frameworks (an EU Digital Decade set, a national plan) are created by analysts.
rules.add_perm("monitoring.create_framework", can_review)
