"""The open-data catalogue: every published dataset with its downloads in CSV, XLSX, JSON and
SDMX-CSV 2.0, its codebook, licence and last update, small counts withheld, and DCAT-AP."""

import csv
import io
import json

from django.urls import reverse
from openpyxl import load_workbook

from d4sme.exchange import catalogue, services
from d4sme.exchange.models import OfficialDataset, OfficialObservation
from d4sme.reports.models import ImportStatus
from tests.conftest import make_sme, make_user

from .conftest import run
from .test_import_paths import GOOD


def official(analyst) -> OfficialDataset:
    job = run(services.statistics_import_create(user=analyst, file_name="t.csv", content=GOOD))
    assert job.status == ImportStatus.DONE, job.errors
    return OfficialDataset.objects.get(code="test")


def test_the_page_lists_every_published_dataset_with_its_downloads(client, analyst):
    dataset = official(analyst)
    page = client.get(reverse("exchange:catalogue")).content.decode()
    slug = f"official-{dataset.pk}"
    for fmt in catalogue.FORMATS:
        assert reverse("exchange:catalogue-download", args=[slug, fmt]) in page
    assert "Reported values: APEC SMEWG Strategic Plan" in page
    assert "SMEs registered on the platform" in page
    assert "Codebook" in page and "conf_status" in page


def test_an_official_dataset_downloads_in_four_formats_with_its_flags(client, analyst):
    dataset = official(analyst)
    slug = f"official-{dataset.pk}"

    def get(fmt):
        response = client.get(reverse("exchange:catalogue-download", args=[slug, fmt]))
        assert response.status_code == 200
        return response.content

    rows = list(csv.DictReader(io.StringIO(get("csv").decode())))
    assert {
        (r["geo"], r["size_emp"], r["value"], r["obs_flag"], r["conf_status"]) for r in rows
    } == {
        ("EU27_2020", "10-49", "12.5", "", ""),
        ("DE", "10-49", "", "", "C"),
        ("DE", "GE250", "30.1", "b", ""),
    }
    book = load_workbook(io.BytesIO(get("xlsx")), read_only=True)
    assert {"data", "codebook", "about"} <= set(book.sheetnames)
    document = json.loads(get("json"))
    assert document["codebook"][0]["column"] == "freq"
    assert len(document["data"]) == 3
    assert document["modified"]


def test_the_sdmx_csv_download_imports_back_as_it_was(client, analyst):
    dataset = official(analyst)
    body = client.get(
        reverse("exchange:catalogue-download", args=[f"official-{dataset.pk}", "sdmx-csv"])
    ).content
    assert body.startswith(b"STRUCTURE,STRUCTURE_ID,ACTION,freq,size_emp,geo,TIME_PERIOD,OBS_VALUE")
    job = run(
        services.statistics_import_create(
            user=analyst, file_name="back.csv", content=body, agency="D4SME", code="back"
        )
    )
    assert job.status == ImportStatus.DONE, job.errors

    def cells(code):
        return {
            (o.series.key_text, o.period, o.value, o.obs_flag, o.conf_status)
            for o in OfficialObservation.objects.filter(series__dataset__code=code).select_related(
                "series"
            )
        }

    assert cells("back") == cells("test")


def test_counts_of_few_firms_are_withheld(client, content):
    owner = make_user("owner@example.org")
    for n in range(3):
        make_sme(owner, f"Thai firm {n}", "TH", employees=5)
    for n in range(6):
        make_sme(owner, f"Korean firm {n}", "KR", employees=5)
        make_sme(owner, f"Korean small firm {n}", "KR", employees=20)
    body = client.get(
        reverse("exchange:catalogue-download", args=["registered-smes", "csv"])
    ).content.decode()
    rows = {(r["economy"], r["size_class"]): r for r in csv.DictReader(io.StringIO(body))}
    assert rows[("TH", "micro")]["value"] == "" and rows[("TH", "micro")]["conf_status"] == "C"
    assert rows[("TH", "_T")]["value"] == ""
    # The micro column's total would give Thailand's 3 back: a Korean count goes too.
    assert any(r["conf_status"] == "C" for (e, _s), r in rows.items() if e == "KR")
    for row in rows.values():
        assert row["value"] in ("", "0") or int(row["value"]) >= 5


def test_the_catalogue_in_dcat_ap_and_the_api(client, analyst):
    official(analyst)
    document = client.get(reverse("exchange:catalogue-dcat")).json()
    assert document["@type"] == "dcat:Catalog"
    datasets = document["dcat:dataset"]
    assert {d["dct:identifier"] for d in datasets} >= {"registered-smes"}
    for dataset in datasets:
        assert len(dataset["dcat:distribution"]) == 4
        assert dataset["dct:title"]
    listed = client.get("/api/v1/exchange/catalogue").json()
    assert {e["id"] for e in listed} == {d["dct:identifier"] for d in datasets}
    assert all(set(e["downloads"]) == set(catalogue.FORMATS) for e in listed)


def test_an_unknown_dataset_or_format_is_not_found(client, content):
    assert (
        client.get(reverse("exchange:catalogue-download", args=["nope", "csv"])).status_code == 404
    )
    assert (
        client.get(
            reverse("exchange:catalogue-download", args=["registered-smes", "pdf"])
        ).status_code
        == 404
    )
