"""Fixtures of the exchange tests: an analyst, a firm's member, and the shared data files."""

from pathlib import Path

import pytest

from d4sme.registry.models import Organisation, Role
from d4sme.registry.services import membership_grant
from d4sme.reports.services import import_job_run
from tests.conftest import make_user

# The statistical offices' files, as published (each folder's SOURCE.md says where from).
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def analyst(content):
    user = make_user("stats-analyst@example.org")
    membership_grant(
        user=user, organisation=Organisation.objects.get(code="oecd"), role=Role.ANALYST
    )
    return user


def run(job):
    """Run an import job as the worker would and return it, finished."""
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job
