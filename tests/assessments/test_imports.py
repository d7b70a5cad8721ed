"""Bulk import of responses: whole or nothing, row-level errors, run by the task worker."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from d4sme.assessments.imports import EARLIEST_SUBMISSION, KIND, columns
from d4sme.assessments.models import BenchmarkPosition, Response
from d4sme.assessments.scoring import engine
from d4sme.programmes.models import Application
from d4sme.registry.models import Economy, Organisation, OrganisationKind
from d4sme.reports.models import ImportJob, ImportStatus
from d4sme.reports.services import import_job_run
from tests.conftest import make_user
from tests.programmes.conftest import make_programme, open_call

from .conftest import random_answers


def cells(definition, answers: dict) -> dict[str, str]:
    """One response's answers as the import's columns."""
    row: dict[str, str] = {}
    for q in definition.questions:
        given = answers.get(q.code)
        if q.type == "grid":
            row.update({f"{q.code}.{r}": v for r, v in given.items()})
        elif q.type == "matrix":
            row.update({f"{q.code}.{r}": ";".join(v) for r, v in given.items()})
        elif q.type == "multiple":
            row[q.code] = ";".join(given)
        elif given is not None:
            row[q.code] = str(given)
    return row


def rows_for(definition, organisations, stage="before") -> list[dict]:
    return [
        {
            "organisation": str(o.pk) if i % 2 else o.code or str(o.pk),
            "stage": stage,
            "submitted_at": "2026-03-01",
            **cells(definition, random_answers(definition, seed=i, maturity=0.1 * i)),
        }
        for i, o in enumerate(organisations)
    ]


def as_csv(definition, rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(definition))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(definition, rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    header = columns(definition)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(c, "") for c in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def survey_firms(content) -> list[Organisation]:
    return [
        Organisation.objects.create(
            kind=OrganisationKind.SME,
            code=f"survey-{i}",
            legal_name=f"Survey Firm {i}",
            economy=Economy.objects.get(code="PE"),
            isic_section="C",
            isic_division="10",
            employees=12,
        )
        for i in range(6)
    ]


@pytest.fixture
def advisor(world, survey_firms):
    """The programme manager of a programme every survey firm applied to: may assess them."""
    call = open_call(make_programme("kr-survey-support", rules={}))
    for firm in survey_firms:
        Application.objects.create(call=call, organisation=firm, motivation="-")
    return world.user("manager")


def job_for(version, name: str, content: bytes, user) -> ImportJob:
    return ImportJob.objects.create(
        kind=KIND, target_id=version.pk, file_name=name, content=content, created_by=user
    )


def import_run(pk: int) -> str:
    return import_job_run(job_id=pk)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_valid_file_lands_whole_with_the_engines_scores(fmt, dma, survey_firms, advisor):
    definition = dma.parsed
    rows = rows_for(definition, survey_firms)
    content = as_csv(definition, rows) if fmt == "csv" else as_xlsx(definition, rows)
    job = job_for(dma, f"survey.{fmt}", content, advisor)
    import_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, job.rows_total, job.errors) == (ImportStatus.DONE, 6, 6, [])
    imported = Response.objects.filter(imported=True).order_by("organisation_id")
    assert imported.count() == 6
    for response in imported:
        assert response.is_submitted and response.submitted_at.date().isoformat() == "2026-03-01"
        assert engine(definition).score_one(response.answers)["overall"] == response.overall


def test_one_bad_row_rejects_the_file_with_row_and_column_named(dma, survey_firms, advisor):
    definition = dma.parsed
    rows = rows_for(definition, survey_firms)
    rows[1]["stage"] = "during"
    rows[3]["q7"] = "not-digital;policy"
    rows[4]["organisation"] = "no-such-firm"
    rows[5]["q4.iot"] = ""
    job = job_for(dma, "survey.csv", as_csv(definition, rows), advisor)
    import_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.created == 0
    assert not Response.objects.exists()
    text = "\n".join(job.errors)
    assert "Row 3, stage: 'during' is not one of before, after, follow-up." in text
    assert "Row 5, q7:" in text and "cannot be combined" in text
    assert "Row 6, organisation: 'no-such-firm' is not an organisation you may assess." in text
    assert "Row 7, q4: Answer every row." in text


def test_unreadable_files_are_refused_plainly(dma, advisor):
    job = job_for(dma, "survey.xlsx", b"not a workbook", advisor)
    import_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.errors == ["The file is not a readable XLSX workbook."]


def test_upload_page_queues_the_import_and_shows_progress(
    client, advisor, dma, survey_firms, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(advisor)
    template = client.get(reverse("assessments:import-template", args=[dma.pk]))
    assert template.content.decode().strip() == ",".join(columns(dma.parsed))
    upload = io.BytesIO(as_csv(dma.parsed, rows_for(dma.parsed, survey_firms)))
    upload.name = "survey.csv"
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(reverse("assessments:import-new"), {"version": dma.pk, "file": upload})
    job = ImportJob.objects.get()
    assert (job.kind, job.target_id, job.created_by) == (KIND, str(dma.pk), advisor)
    assert reply["Location"] == reverse("reports:import-detail", args=[job.pk])
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"job_id": job.pk}
    waiting = client.get(reply["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Queued" in waiting and 'hx-trigger="every 1s"' in waiting
    import_run(job.pk)
    done = client.get(reply["Location"]).content.decode()
    assert "6 responses imported." in done and "hx-trigger" not in done
    assert reverse("assessments:import-new") in done  # "Import another file"
    # The form lists the user's recent imports, linking to their pages.
    form = client.get(reverse("assessments:import-new")).content.decode()
    assert reply["Location"] in form and "survey.csv" in form


def test_the_upload_form_refuses_other_file_types(client, world, dma):
    client.force_login(world.user("analyst"))
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "survey.pdf"
    reply = client.post(reverse("assessments:import-new"), {"version": dma.pk, "file": upload})
    assert reply.status_code == 400
    assert "Upload a .csv or .xlsx file." in reply.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_imports_and_refreshes_benchmarks(content, tmp_path):
    """The import and the benchmark refresh it queues run in a separate db_worker process."""
    from d4sme.assessments.models import Instrument
    from d4sme.reports.tasks import import_job_run as import_job_task
    from tests.test_tasks import run_worker

    dma = Instrument.objects.get(pk="dma-sme").current_version()
    # Six firms, so that each has the five other firms a peer benchmark needs.
    firms = [
        Organisation.objects.create(
            kind=OrganisationKind.SME,
            legal_name=f"Worker Firm {i}",
            economy=Economy.objects.get(code="PE"),
            isic_section="C",
            isic_division="10",
            employees=12,
        )
        for i in range(6)
    ]
    administrator = make_user("worker-admin@example.org")
    administrator.is_superuser = True
    administrator.save()
    job = job_for(dma, "survey.csv", as_csv(dma.parsed, rows_for(dma.parsed, firms)), administrator)
    import_job_task.enqueue(job_id=job.pk)

    run_worker(tmp_path)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created == 6
    assert BenchmarkPosition.objects.filter(response__imported=True).count() == 6


def test_a_row_for_a_firm_the_importer_may_not_assess_refuses_the_whole_file(
    world, dma, survey_firms, advisor
):
    """A manager with no link to Beta Tools cannot plant an "after support" response in it,
    and learns nothing about which organisation ids exist."""
    definition = dma.parsed
    rows = rows_for(definition, survey_firms[:2])
    stranger, unused_id = world.org_b, Organisation.objects.order_by("-pk").first().pk + 1000
    for key in (str(stranger.pk), str(unused_id)):
        rows.append({**rows[0], "organisation": key, "stage": "after"})
    job = job_for(dma, "survey.csv", as_csv(definition, rows), advisor)

    import_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Response.objects.exists()
    assert job.errors == [
        f"Row 4, organisation: '{stranger.pk}' is not an organisation you may assess.",
        f"Row 5, organisation: '{unused_id}' is not an organisation you may assess.",
    ]


def test_completion_dates_are_bounded_and_the_range_is_named(dma, survey_firms, advisor):
    definition = dma.parsed
    rows = rows_for(definition, survey_firms[:3])
    rows[0]["submitted_at"] = "9999-12-31"
    rows[1]["submitted_at"] = "0001-01-01"
    job = job_for(dma, "survey.csv", as_csv(definition, rows), advisor)

    import_run(job.pk)

    job.refresh_from_db()
    today = timezone.localdate().isoformat()
    assert job.status == ImportStatus.FAILED and not Response.objects.exists()
    assert job.errors == [
        f"Row {n}, submitted_at: '{day}' is not between {EARLIEST_SUBMISSION} and today ({today})."
        for n, day in ((2, "9999-12-31"), (3, "0001-01-01"))
    ]


def test_a_csv_with_an_unterminated_quote_is_refused_with_its_line(dma, survey_firms, advisor):
    definition = dma.parsed
    text = as_csv(definition, rows_for(definition, survey_firms[:3])).decode()
    lines = text.splitlines()
    lines[2] = lines[2].replace(",", ',"', 1)  # the second response's row opens a quote
    job = job_for(dma, "survey.csv", "\r\n".join(lines).encode(), advisor)

    import_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Response.objects.exists()
    assert job.errors == ["Line 3 cannot be read (unexpected end of data); check its quotes."]


def test_every_problem_of_every_row_is_listed_in_one_pass(world, dma, survey_firms, advisor):
    definition = dma.parsed
    rows = rows_for(definition, survey_firms[:3])
    rows[0].update(organisation=str(world.org_b.pk), stage="during", submitted_at="9999-12-31")
    rows[2].update(stage="later", q7="not-digital;policy")
    job = job_for(dma, "survey.csv", as_csv(definition, rows), advisor)

    import_run(job.pk)

    job.refresh_from_db()
    assert [e.split(":")[0] for e in job.errors] == [
        "Row 2, organisation",
        "Row 2, stage",
        "Row 2, submitted_at",
        "Row 4, stage",
        "Row 4, q7",
    ]


def test_an_unexpected_error_ends_the_import_as_failed_and_the_page_stops_polling(
    client, dma, survey_firms, advisor, monkeypatch
):
    # No file triggers a bug on purpose; stand one in where the import writes its responses.
    def broken(result):
        raise RuntimeError("a bug")

    monkeypatch.setattr("d4sme.assessments.imports.stored_fields", broken)
    job = job_for(
        dma, "survey.csv", as_csv(dma.parsed, rows_for(dma.parsed, survey_firms)), advisor
    )

    import_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Response.objects.exists()
    assert job.errors == [
        "The import stopped on an unexpected error, and nothing was imported. Upload the file "
        f"again; if this happens again, tell an administrator, quoting import number {job.pk}."
    ]
    client.force_login(advisor)
    page = client.get(
        reverse("reports:import-detail", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Not imported" in page and "hx-trigger" not in page


def test_an_import_that_waits_too_long_for_a_worker_says_so(
    client, dma, survey_firms, advisor, settings
):
    job = job_for(
        dma, "survey.csv", as_csv(dma.parsed, rows_for(dma.parsed, survey_firms)), advisor
    )
    client.force_login(advisor)
    url = reverse("reports:import-detail", args=[job.pk])
    assert "waited" not in client.get(url).content.decode()

    settings.TASK_WAIT_WARNING_SECONDS = 0  # the queue has not moved since the upload
    page = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "for a background worker to start it" in page
    assert "hx-trigger" in page  # it keeps checking, and shows the result when it comes
