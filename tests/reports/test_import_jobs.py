"""The shared import job: what every app's import gets from it, shown with the responses importer."""

import pytest
from django.test import Client
from django.urls import reverse

from d4sme.assessments.models import Response
from d4sme.assessments.services import response_import_create
from d4sme.reports.imports import Progress
from d4sme.reports.models import ImportStatus
from d4sme.reports.services import MAX_MESSAGES, import_job_run
from tests.assessments.conftest import dma  # noqa: F401  (a fixture)
from tests.assessments.test_imports import (  # noqa: F401  (advisor, survey_firms: fixtures)
    advisor,
    as_csv,
    rows_for,
    survey_firms,
)

pytestmark = pytest.mark.django_db


def test_a_job_run_again_after_it_finished_imports_nothing_twice(dma, survey_firms, advisor):  # noqa: F811
    """A task may run twice (a worker dies after finishing); the file must not land twice."""
    rows = rows_for(dma.parsed, survey_firms)
    job = response_import_create(
        user=advisor, version=dma, file_name="survey.csv", content=as_csv(dma.parsed, rows)
    )
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.DONE, 6)
    assert Response.objects.filter(imported=True).count() == 6
    assert job.finished_at is not None


def test_a_file_with_many_problems_lists_the_first_ones_and_counts_the_rest(
    dma,  # noqa: F811
    survey_firms,  # noqa: F811
    advisor,  # noqa: F811
):
    rows = rows_for(dma.parsed, survey_firms[:1]) * (MAX_MESSAGES + 50)
    for row in rows:
        row["stage"] = "during"
    job = response_import_create(
        user=advisor, version=dma, file_name="survey.csv", content=as_csv(dma.parsed, rows)
    )

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Response.objects.exists()
    assert len(job.errors) == MAX_MESSAGES + 1
    assert job.errors[-1] == "… and 50 more problems."


def test_an_import_by_an_account_closed_since_the_upload_writes_nothing(
    dma,  # noqa: F811
    survey_firms,  # noqa: F811
    advisor,  # noqa: F811
):
    rows = rows_for(dma.parsed, survey_firms)
    job = response_import_create(
        user=advisor, version=dma, file_name="survey.csv", content=as_csv(dma.parsed, rows)
    )
    advisor.is_active = False
    advisor.save()

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Response.objects.exists()
    assert job.errors == ["The account that uploaded this file is closed; nothing was imported."]


def test_the_page_of_a_running_import_shows_the_rows_checked_and_keeps_asking(
    dma,  # noqa: F811
    survey_firms,  # noqa: F811
    advisor,  # noqa: F811
):
    rows = rows_for(dma.parsed, survey_firms)
    job = response_import_create(
        user=advisor, version=dma, file_name="survey.csv", content=as_csv(dma.parsed, rows)
    )
    job.status = ImportStatus.RUNNING
    job.save()
    progress = Progress(job)
    progress.total(6)
    progress.done(3)
    client = Client()
    client.force_login(advisor)

    page = client.get(reverse("reports:import-detail", args=[job.pk])).content.decode()

    assert "Checking · 3 of 6 rows checked" in page
    assert 'value="50"' in page and 'hx-trigger="every 1s"' in page
    assert f'href="{reverse("assessments:import-new")}"' in page  # the app's way back
