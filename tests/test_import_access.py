"""Imports check every row with the permission the single-object path uses.

For each importer, a file holds a row the importer may write and a row about someone else's
object; the file is refused whole, the other's row is named, and nothing is written.
"""

import pytest
from django.core.exceptions import ValidationError

from d4sme.assessments.imports import columns
from d4sme.assessments.models import Instrument, Response
from d4sme.assessments.services import response_import_create
from d4sme.monitoring import exports as monitoring_exports
from d4sme.monitoring import sdmx
from d4sme.monitoring.imports import KIND as VALUES
from d4sme.monitoring.imports import external_import
from d4sme.monitoring.models import Framework, ReportingCycle, Value
from d4sme.monitoring.services import submission_for
from d4sme.programmes.exports import export_tables
from d4sme.programmes.imports import ProgrammeImportError, import_tables
from d4sme.programmes.models import Application, Programme
from d4sme.registry.models import Economy, Organisation, Role
from d4sme.registry.services import membership_grant
from d4sme.reports.models import ImportJob, ImportStatus
from d4sme.reports.services import import_job_run
from d4sme.reports.tables import csv_text
from tests.assessments.conftest import random_answers
from tests.assessments.test_imports import cells
from tests.conftest import make_user
from tests.programmes.conftest import make_programme, open_call

pytestmark = pytest.mark.django_db
APEC = "apec-smewg-2021-2024"


def assessments(world, other: str) -> tuple[list[str], str]:
    """The world's manager advises Alpha Bakery (it applied to the manager's programme)."""
    manager = world.user("manager")
    call = open_call(make_programme("kr-access-test", rules={}))
    Application.objects.create(call=call, organisation=world.org_a, motivation="-")
    version = Instrument.objects.get(pk="dma-sme").current_version()
    answers = cells(version.parsed, random_answers(version.parsed, seed=3))
    key = {
        "others": str(world.org_b.pk),
        "missing": str(Organisation.objects.order_by("-pk").first().pk + 1000),
    }[other]
    rows = [
        {"organisation": str(world.org_a.pk), "stage": "before", **answers},
        {"organisation": key, "stage": "after", **answers},
    ]
    header = columns(version.parsed)
    content = csv_text([header, *([row.get(c, "") for c in header] for row in rows)]).encode()
    job = response_import_create(
        user=manager, version=version, file_name="survey.csv", content=content
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Response.objects.exists()
    # The same words whether the organisation is someone else's or does not exist.
    return job.errors, f"Row 3, organisation: '{key}' is not an organisation you may assess."


def programmes(world, other: str) -> tuple[list[str], str]:
    """A programme manager may change the agency's programme, but publishing is for curators."""
    make_programme("kr-own", name="Own programme")
    make_programme("kr-others", name="Others' programme", responsible="kr-mss")
    tables = export_tables()
    tables["programmes"] = [
        r for r in tables["programmes"] if r["programme_code"] in ("kr-own", "kr-others")
    ]
    row = next(i for i, r in enumerate(tables["programmes"]) if r["programme_code"] == "kr-others")
    tables["programmes"][row]["name"] = "Renamed by an outsider"
    code = "kr-others" if other == "others" else "kr-does-not-exist"
    tables["programmes"][row]["programme_code"] = code
    with pytest.raises(ProgrammeImportError) as caught:
        import_tables(tables, user=world.user("manager"))
    assert Programme.objects.get(code="kr-others").name == "Others' programme"
    assert not Programme.objects.filter(code="kr-does-not-exist").exists()
    return caught.value.errors, f"programmes row {row + 2}: you may not publish programme '{code}'"


def monitoring_upload(world, other: str) -> tuple[list[str], str]:
    """A focal point of Korea uploads a file into another economy's report."""
    plan = Framework.objects.get(code=APEC)
    focal = make_user("focal-kr@example.org")
    membership_grant(
        user=focal, organisation=Organisation.objects.get(code="kr-mss"), role=Role.FOCAL_POINT
    )
    cycle = ReportingCycle.objects.get(framework=plan, period=2022)
    economy = "JP" if other == "others" else "US"
    target = submission_for(cycle=cycle, economy=Economy.objects.get(code=economy))
    content = b"indicator,dimension,category,value,text,status,comment,source\n3.1.2,,,120,,,,\n"
    # Queued directly: the upload form would refuse the report already, and the job must too.
    job = ImportJob.objects.create(
        kind=VALUES, target_id=target.pk, file_name="kr.csv", content=content, created_by=focal
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Value.objects.exists()
    # Every row of an upload goes into the one report it was made on.
    return job.errors, "Only the economy's focal point may change this report."


def sdmx_message(world, other: str) -> tuple[list[str], str]:
    """A focal point of Korea loads a message with Korea's value and another economy's."""
    plan = Framework.objects.get(code=APEC)
    focal = make_user("focal-kr@example.org")
    membership_grant(
        user=focal, organisation=Organisation.objects.get(code="kr-mss"), role=Role.FOCAL_POINT
    )
    indicator = plan.indicators.get(code="3.1.2")
    unit = monitoring_exports._unit_code(indicator.unit)
    rows = [
        {
            "economy": economy,
            "indicator": "3.1.2",
            "disaggregation": "_T",
            "period": 2022,
            "value": 120,
            "flag": "",
            "unit": unit,
            "comment": "",
        }
        for economy in ("KR", "JP" if other == "others" else "US")
    ]
    content = sdmx.data_csv(monitoring_exports.structure_of(plan), rows).encode()
    with pytest.raises(ValidationError) as caught:
        external_import(
            framework=plan, indicator_code="3.1.2", content=content, user=focal, source="test"
        )
    assert not Value.objects.exists()
    assert not any(m.startswith("Observation 1 ") for m in caught.value.messages)
    return caught.value.messages, f"you may not change the report of {rows[1]['economy']} for 2022"


IMPORTERS = {
    "assessments": assessments,
    "programmes": programmes,
    "monitoring upload": monitoring_upload,
    "sdmx": sdmx_message,
}


@pytest.mark.parametrize("other", ["others", "missing"])
@pytest.mark.parametrize("importer", list(IMPORTERS))
def test_an_import_with_a_row_the_importer_may_not_write_is_refused_whole(importer, other, world):
    errors, refusal = IMPORTERS[importer](world, other)

    assert any(refusal in error for error in errors), errors
