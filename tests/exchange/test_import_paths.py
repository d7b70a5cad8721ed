"""The import of official statistics through its page, the API and the command, with the same
permission; a file lands whole or not at all; official values sit beside the economies'."""

import base64

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from d4sme.exchange import services
from d4sme.exchange.models import OfficialDataset, OfficialObservation
from d4sme.reports.models import ImportJob, ImportStatus
from tests.conftest import make_user

from .conftest import DATA, run

HEADER = b"DATAFLOW,freq,size_emp,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\r\n"


def csv_file(*rows: bytes) -> bytes:
    return HEADER + b"".join(row + b"\r\n" for row in rows)


GOOD = csv_file(
    b"ESTAT:TEST(1.0),A,10-49,EU27_2020,2024,12.5,,",
    b"ESTAT:TEST(1.0),A,10-49,DE,2024,,,C",
    b"ESTAT:TEST(1.0),A,GE250,DE,2024,30.1,b,",
)


def upload(user, content: bytes, name: str = "test.csv", **options):
    job = services.statistics_import_create(user=user, file_name=name, content=content, **options)
    return run(job)


def test_a_file_with_bad_rows_lands_not_at_all_and_lists_every_problem(analyst):
    assert upload(analyst, GOOD).status == ImportStatus.DONE
    bad = csv_file(
        b"ESTAT:TEST(1.0),A,10-49,EU27_2020,2024,twelve,,",
        b"ESTAT:TEST(1.0),A,10-49,FR,2024,3.0,q,",
        b"ESTAT:TEST(1.0),A,10-49,IT,2024,4.0,,C",
        b"ESTAT:TEST(1.0),A,10-49,ES,2024,5.0,,",
        b"ESTAT:TEST(1.0),A,10-49,ES,2024,6.0,,",
    )
    job = upload(analyst, bad)
    assert job.status == ImportStatus.FAILED
    text = "\n".join(job.errors)
    assert "Line 2" in text and "twelve" in text
    assert "Line 3" in text and "“q” is not an observation flag" in text
    assert "Line 4" in text and "confidential" in text
    assert "Line 6" in text and "second value" in text
    # The earlier import is untouched.
    dataset = OfficialDataset.objects.get(agency="ESTAT", code="test")
    assert sorted(
        OfficialObservation.objects.filter(series__dataset=dataset).values_list("value", flat=True),
        key=str,
    ) == sorted([12.5, None, 30.1], key=str)


def test_a_new_import_replaces_the_dataset_whole(analyst):
    upload(analyst, GOOD)
    upload(analyst, csv_file(b"ESTAT:TEST(1.0),A,10-49,EU27_2020,2025,13.0,p,"))
    dataset = OfficialDataset.objects.get(code="test")
    (obs,) = OfficialObservation.objects.filter(series__dataset=dataset)
    assert (obs.period, obs.value, obs.obs_flag) == ("2025", 13.0, "p")


def test_a_missing_value_is_never_zero_and_says_why(analyst):
    upload(analyst, GOOD)
    withheld = OfficialObservation.objects.get(series__area="DE", series__key__size_emp="10-49")
    assert withheld.value is None
    assert withheld.missing_reason.startswith("confidential")


def test_the_page_queues_the_file_and_shows_the_dataset(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("exchange:statistics-import")).status_code == 200
    response = client.post(
        reverse("exchange:statistics-import"),
        {
            "file": _file(
                "dii.csv", (DATA / "eurostat-isoc-e-dii" / "isoc_e_dii.csv").read_bytes()
            ),
            "source": "Source: Eurostat",
            "url": "https://ec.europa.eu/eurostat/databrowser/view/isoc_e_dii/default/table",
            "retrieved_on": "2026-03-28",
        },
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("reports:import-detail", args=[job.pk])
    assert run(job).status == ImportStatus.DONE
    dataset = OfficialDataset.objects.get(code="isoc_e_dii")
    assert str(dataset.retrieved_on) == "2026-03-28"
    page = client.get(reverse("reports:import-detail", args=[job.pk])).content.decode()
    assert reverse("exchange:dataset", args=[dataset.pk]) in page
    detail = client.get(
        reverse("exchange:dataset", args=[dataset.pk]) + "?geo=ME&size_emp=GE250"
    ).content.decode()
    assert "confidential" in detail
    assert dataset.file_hash in detail
    listing = client.get(reverse("exchange:statistics")).content.decode()
    assert "Digital Intensity by size class of enterprise" in listing


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_people_other_than_analysts_may_not_import(content):
    firm_member = make_user("firm@example.org")
    with pytest.raises(PermissionDenied) as caught:
        services.statistics_import_create(user=firm_member, file_name="a.csv", content=GOOD)
    assert "Analysts" in str(caught.value)


def test_the_api_imports_and_reads_observations_with_their_flags(client, analyst):
    client.force_login(analyst)
    response = client.post(
        "/api/v1/exchange/imports",
        {"file_name": "test.csv", "content_base64": base64.b64encode(GOOD).decode()},
        content_type="application/json",
    )
    assert response.status_code == 202
    job = run(ImportJob.objects.get(pk=response.json()["job"]))
    assert job.status == ImportStatus.DONE
    dataset = OfficialDataset.objects.get(code="test")
    listed = client.get(f"/api/v1/exchange/datasets/{dataset.pk}").json()
    assert (listed["observations"], listed["missing"], listed["confidential"]) == (3, 1, 1)
    rows = client.get(
        f"/api/v1/exchange/datasets/{dataset.pk}/observations?select=geo=DE&select=size_emp=10-49"
    ).json()["items"]
    assert rows == [
        {
            "key": {"freq": "A", "size_emp": "10-49", "geo": "DE"},
            "period": "2024",
            "value": None,
            "obs_flag": "",
            "conf_status": "C",
            "missing_reason": rows[0]["missing_reason"],
        }
    ]
    assert "confidential" in rows[0]["missing_reason"]
    bad = client.post(
        "/api/v1/exchange/imports",
        {"file_name": "x.csv", "content_base64": "not base64!"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_the_command_imports_for_an_analyst(analyst, capsys):
    call_command(
        "import_statistics",
        str(DATA / "eurostat-isoc-eb-ai" / "isoc_eb_ai.csv"),
        user=analyst.email,
        url="https://ec.europa.eu/eurostat/databrowser/view/isoc_eb_ai/default/table",
        retrieved="2026-03-28",
    )
    assert "Imported 81 observations" in capsys.readouterr().out
    dataset = OfficialDataset.objects.get(code="isoc_eb_ai")
    assert dataset.imported_by == analyst


def test_the_command_says_why_without_a_traceback(analyst, content):
    firm_member = make_user("firm@example.org")
    path = str(DATA / "eurostat-isoc-eb-ai" / "isoc_eb_ai.csv")
    with pytest.raises(CommandError, match="Analysts import"):
        call_command("import_statistics", path, user=firm_member.email)
    with pytest.raises(CommandError, match="--structure"):
        call_command(
            "import_statistics", str(DATA / "sdmx" / "ISTAT" / "22_289.xml"), user=analyst.email
        )
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_statistics", "/nonexistent.csv", user=analyst.email)
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_statistics", path, user="nobody@example.org")


def test_official_values_show_beside_the_indicator_and_never_in_a_report(client, analyst):
    from d4sme.monitoring.models import Framework, Value

    upload(analyst, GOOD)
    dataset = OfficialDataset.objects.get(code="test")
    plan = Framework.objects.get(code="apec-smewg-2021-2024")
    indicator = plan.indicators.get(code="3.1.2")
    reported = Value.objects.count()
    client.force_login(analyst)
    client.post(
        reverse("exchange:link-new", args=[dataset.pk]),
        {"framework": plan.code, "indicator": "3.1.2", "select": "size_emp=10-49", "note": ""},
    )
    client.logout()
    page = client.get(reverse("monitoring:indicator", args=[plan.code, indicator.code]))
    text = page.content.decode()
    assert "Official statistics beside the reported values" in text
    assert "12.5" in text and "confidential" in text
    assert Value.objects.count() == reported
