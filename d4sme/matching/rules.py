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


@rules.predicate
def is_candidate_self(user, candidate) -> bool:
    return candidate is not None and user.is_authenticated and candidate.user_id == user.pk


@rules.predicate
def is_employer_applied_to(user, candidate) -> bool:
    """A member of a firm whose job the candidate applied to."""
    if candidate is None or not user.is_authenticated:
        return False
    firms = candidate.applications.values_list("job__organisation_id", flat=True)
    return membership_exists(user=user, organisation_ids=list(firms))


@rules.predicate
def manages_applied_programme(user, candidate) -> bool:
    """A manager of a programme one of the candidate's jobs belongs to."""
    if candidate is None or not user.is_authenticated:
        return False
    programmes = {a.job.programme for a in candidate.applications.select_related("job__programme")}
    return any(user.has_perm("programmes.manage_programme", p) for p in programmes)


@rules.predicate
def is_member_of_job_firm(user, job) -> bool:
    return job is not None and membership_exists(user=user, organisation_id=job.organisation_id)


@rules.predicate
def manages_job_programme(user, job) -> bool:
    return job is not None and user.has_perm("programmes.manage_programme", job.programme)


# A candidate's personal data: the person, the SMEs they applied to, the programme's managers.
rules.add_perm(
    "matching.view_candidate",
    is_candidate_self | is_employer_applied_to | manages_applied_programme,
)
# Who applied to a job: the firm that posted it and the programme's managers.
rules.add_perm("matching.view_job_applicants", is_member_of_job_firm | manages_job_programme)


@rules.predicate
def is_party_to_pair(user, pair) -> bool:
    """A member of the pair's buyer or of its supplier."""
    return pair is not None and membership_exists(
        user=user, organisation_ids=[pair.need.buyer_id, pair.offer.supplier_id]
    )


rules.add_perm("matching.answer_pair", is_party_to_pair)
