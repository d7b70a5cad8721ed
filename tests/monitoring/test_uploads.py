"""Uploading a report's values: whole or nothing, with row-level messages; and the entry form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from d4sme.monitoring import exports, imports, sdmx
from d4sme.monitoring.models import SubmissionStatus
from d4sme.monitoring.services import submission_move, values_save
from d4sme.reports.models import ImportJob, ImportStatus
from d4sme.reports.services import import_job_run
from tests.conftest import make_user

from .conftest import entry, mark_the_rest, report

pytestmark = pytest.mark.django_db

GOOD = (
    "indicator,dimension,category,value,text,status,comment,source\n"
    "3.1.2,,,120,,,,National survey\n"
    "3.1.2,sex,female,70,,,,\n"
    "3.1.2,sex,male,50,,,,\n"
    "1.4.2,,,,A social enterprise act passed in 2022.,,,\n"
    "5.1.2,,,,,not applicable,No such tenders,\n"
    "2.1.1,,,31.5,,provisional,,\n"
)


def upload(submission, user, name: str, content: bytes) -> ImportJob:
    job = ImportJob.objects.create(
        kind=imports.KIND,
        target_id=submission.pk,
        file_name=name,
        content=content,
        created_by=user,
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_csv_lands_whole(plan, focal):
    kr = report(plan)
    job = upload(kr, focal, "kr-2022.csv", GOOD.encode())
    assert job.status == ImportStatus.DONE, job.errors
    stored = {(v.indicator.code, v.dimension, v.category): v for v in kr.values.all()}
    assert stored[("3.1.2", "", "")].value == 120
    assert stored[("3.1.2", "", "")].source == "National survey"
    assert stored[("3.1.2", "sex", "female")].value == 70
    assert stored[("1.4.2", "", "")].text.startswith("A social enterprise act")
    assert stored[("5.1.2", "", "")].flag == "Z"
    assert stored[("2.1.1", "", "")].flag == "P"


def test_a_bad_file_lands_not_at_all_with_each_rows_problem(plan, focal):
    kr = report(plan)
    bad = GOOD + "9.9,,,1,,,,\n3.2.2,,,many,,,,\n3.1.2,sex,other,1,,,,\n2.1.3,,,4,,guessed,,\n"
    job = upload(kr, focal, "kr-2022.csv", bad.encode())
    assert job.status == ImportStatus.FAILED
    assert "Row 8: no indicator “9.9” in this plan." in job.errors
    assert "Row 9: “many” is not a number." in job.errors
    assert any(e.startswith("Row 11: “guessed” is not a status") for e in job.errors)
    assert not kr.values.exists()
    # Rows that read well but break a rule are named by their row too.
    job = upload(kr, focal, "kr-2022.csv", (GOOD + "2.1.4,,,140,,,,\n").encode())
    assert job.status == ImportStatus.FAILED
    assert any(e.startswith("row 8, indicator 2.1.4: 140 is above") for e in job.errors), job.errors
    assert not kr.values.exists()


def test_an_xlsx_with_the_templates_columns_lands(plan, focal):
    book = Workbook()
    sheet = book.active
    for row in GOOD.strip().split("\n"):
        sheet.append([cell or None for cell in row.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    kr = report(plan)
    job = upload(kr, focal, "kr-2022.xlsx", buffer.getvalue())
    assert job.status == ImportStatus.DONE, job.errors
    assert kr.values.get(indicator__code="3.1.2", dimension="").value == 120


def test_an_approved_report_refuses_an_upload(plan, focal, analyst):
    kr = report(plan)
    values_save(submission=kr, user=focal, entries=[entry(plan, "3.1.2", 1)])
    mark_the_rest(kr, focal)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    submission_move(submission=kr, user=analyst, to=SubmissionStatus.APPROVED)
    job = upload(kr, focal, "late.csv", GOOD.encode())
    assert job.status == ImportStatus.FAILED
    assert "locked" in job.errors[0]
    assert kr.values.get(indicator__code="3.1.2").value == 1


def test_the_plans_own_sdmx_round_trips_into_a_report(plan, focal, analyst):
    """Approved values exported as SDMX-CSV and SDMX-ML import into another year's report."""
    kr = report(plan, 2022)
    upload(kr, focal, "kr.csv", GOOD.encode())
    mark_the_rest(kr, focal)
    submission_move(submission=kr, user=focal, to=SubmissionStatus.SUBMITTED)
    submission_move(submission=kr, user=analyst, to=SubmissionStatus.APPROVED)
    structure = exports.structure_of(plan)
    rows = [r | {"period": 2023} for r in exports.approved_rows(plan)]
    assert {(r["indicator"], r["disaggregation"], r["value"]) for r in rows} >= {
        ("3.1.2", "_T", 120),
        ("3.1.2", "SEX_FEMALE", 70),
        ("5.1.2", "_T", None),
    }
    for name, content in (
        ("next.csv", sdmx.data_csv(structure, rows).encode()),
        ("next.xml", sdmx.data_message(structure, rows)),
    ):
        nxt = report(plan, 2023)
        nxt.values.all().delete()
        job = upload(nxt, focal, name, content)
        assert job.status == ImportStatus.DONE, job.errors
        got = {
            (v.indicator.code, v.dimension, v.category, v.value, v.flag) for v in nxt.values.all()
        }
        assert ("3.1.2", "", "", 120, "") in got
        assert ("3.1.2", "sex", "female", 70, "") in got
        assert ("5.1.2", "", "", None, "Z") in got
        assert ("2.1.1", "", "", 31.5, "P") in got
    # A message about another economy or year is refused, naming the observation.
    job = upload(report(plan, 2024), focal, "old.csv", sdmx.data_csv(structure, rows[:1]).encode())
    assert job.status == ImportStatus.FAILED
    assert "not this report's KR 2024" in job.errors[0]


def test_the_template_lists_every_indicator_and_closed_breakdown(plan):
    rows = imports.template_rows(plan)
    assert rows[0] == imports.COLUMNS
    codes = {r[0] for r in rows[1:]}
    assert codes == set(plan.indicators.values_list("code", flat=True))
    assert ["3.1.2", "sex", "female", "", "", "", "", ""] in rows


def test_the_entry_form_shows_each_problem_under_its_field_and_saves_nothing(plan, focal):
    kr = report(plan)
    client = Client()
    client.force_login(focal)
    url = reverse("monitoring:submission", args=[kr.pk])
    indicator = plan.indicators.get(code="2.1.1")
    page = client.post(url, {f"i{indicator.pk}-total-all-value": "140"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing was saved" in html
    assert "140 is above the highest valid value, 100." in html
    assert not kr.values.exists()
    trained = plan.indicators.get(code="3.1.2")
    page = client.post(
        url,
        {
            f"i{trained.pk}-total-all-value": "120",
            f"i{trained.pk}-total-all-source": "Survey",
            f"i{trained.pk}-sex-female-value": "70",
            f"i{trained.pk}-sex-male-value": "50",
        },
    )
    assert page.status_code == 302
    assert kr.values.count() == 3
    # Posting the form again unchanged writes nothing new.
    assert (
        client.post(
            url,
            {
                f"i{trained.pk}-total-all-value": "120",
                f"i{trained.pk}-total-all-source": "Survey",
                f"i{trained.pk}-sex-female-value": "70",
                f"i{trained.pk}-sex-male-value": "50",
            },
        ).status_code
        == 302
    )
    assert kr.values.get(dimension="").history.count() == 1


def test_evidence_is_kept_and_shown_only_to_those_who_may_open_the_report(plan, focal, analyst):
    from django.core.files.uploadedfile import SimpleUploadedFile

    kr = report(plan)
    client = Client()
    client.force_login(focal)
    trained = plan.indicators.get(code="3.1.2")
    response = client.post(
        reverse("monitoring:submission", args=[kr.pk]),
        {
            f"i{trained.pk}-total-all-value": "120",
            f"i{trained.pk}-total-all-evidence": SimpleUploadedFile(
                "survey.csv", b"firm,trained\nA,1\n", content_type="text/csv"
            ),
        },
    )
    assert response.status_code == 302
    value = kr.values.get()
    url = reverse("monitoring:value-evidence", args=[value.pk])
    download = client.get(url)
    assert b"".join(download.streaming_content) == b"firm,trained\nA,1\n"
    assert "survey" in download["Content-Disposition"]
    reviewer = Client()
    reviewer.force_login(analyst)
    assert reviewer.get(url).status_code == 200
    stranger = Client()
    stranger.force_login(make_user("someone@example.org"))
    assert stranger.get(url).status_code == 404


def test_an_upload_lists_every_problem_of_every_row_in_one_pass(plan, focal):
    """Unreadable cells, broken rules and a breakdown that misses its total, all at once."""
    kr = report(plan)
    bad = (
        "indicator,dimension,category,value,text,status,comment,source\n"
        "9.9,,,many,,guessed,,\n"  # row 2: three problems in one row
        "2.1.4,,,140,,,,\n"  # row 3: reads well, but above 100 percent
        "3.1.2,,,100,,,,\n"  # row 4: the total ...
        "3.1.2,sex,female,60,,,,\n"  # ... of a breakdown adding up to 110
        "3.1.2,sex,male,50,,,,\n"
        "3.2.2,sex,unknown,-4,,,,\n"  # row 7: no such category, and below the lowest value
    )
    job = upload(kr, focal, "kr-2022.csv", bad.encode())
    assert job.status == ImportStatus.FAILED
    assert job.errors[:3] == [
        "Row 2: no indicator “9.9” in this plan.",
        "Row 2: “guessed” is not a status; use one of estimated, provisional, not available, "
        "not applicable, not collected.",
        "Row 2: “many” is not a number.",
    ]
    assert "row 3, indicator 2.1.4: 140 is above the highest valid value, 100." in job.errors
    assert any(
        e.startswith("row 4, indicator 3.1.2: the total 100 is not the sum of its breakdown")
        for e in job.errors
    ), job.errors
    row_7 = [e for e in job.errors if e.startswith("row 7,")]
    assert len(row_7) == 2 and "“unknown” is not a category" in row_7[0], row_7
    assert "-4 is below the lowest valid value, 0." in row_7[1]
    assert not kr.values.exists()


def _xlsx_with_a_broken_sheet() -> bytes:
    """A workbook whose first sheet's XML is cut off: it opens, then fails while being read."""
    import zipfile

    book = Workbook()
    book.active.append(["indicator", "value"])
    buffer = io.BytesIO()
    book.save(buffer)
    broken = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(broken, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    return broken.getvalue()


def test_an_upload_that_breaks_unexpectedly_ends_failed_and_says_what_to_do(plan, focal):
    kr = report(plan)
    job = upload(kr, focal, "kr-2022.xlsx", _xlsx_with_a_broken_sheet())
    assert job.status == ImportStatus.FAILED
    assert len(job.errors) == 1
    assert "nothing was imported" in job.errors[0]
    assert f"import number {job.pk}" in job.errors[0]
    assert not kr.values.exists()
    # The page shows the outcome and stops asking for news.
    client = Client()
    client.force_login(focal)
    page = client.get(reverse("reports:import-detail", args=[job.pk])).content.decode()
    assert "Nothing was imported" in page and "hx-trigger" not in page
    assert f'href="{reverse("monitoring:submission", args=[kr.pk])}"' in page  # back to it


def test_the_upload_form_queues_the_file_and_its_page_leads_back_to_the_report(
    plan, focal, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    kr = report(plan)
    client = Client()
    client.force_login(focal)
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(
            reverse("monitoring:import-new", args=[kr.pk]),
            {"file": SimpleUploadedFile("kr-2022.csv", GOOD.encode(), content_type="text/csv")},
        )
    job = ImportJob.objects.get()
    assert (job.kind, job.target_id, job.created_by) == (imports.KIND, str(kr.pk), focal)
    assert reply["Location"] == reverse("reports:import-detail", args=[job.pk])
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"job_id": job.pk}
    waiting = client.get(reply["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Queued" in waiting and 'hx-trigger="every 1s"' in waiting

    import_job_run(job_id=job.pk)

    done = client.get(reply["Location"]).content.decode()
    assert "Every value of the file was saved." in done and "hx-trigger" not in done
    assert f'href="{reverse("monitoring:submission", args=[kr.pk])}"' in done
    assert kr.values.get(indicator__code="3.1.2", dimension="").value == 120
