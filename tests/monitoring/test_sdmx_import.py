"""Real SDMX messages load into a plan's indicator with the values their source states."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from d4sme.monitoring.models import Framework, Indicator, ReportingCycle, Value
from d4sme.registry.models import EconomyGroup
from tests.conftest import make_user

DATA = Path(__file__).parent / "sdmx-data"
pytestmark = pytest.mark.django_db


@pytest.fixture
def oecd_plan(content):
    plan = Framework.objects.create(
        code="oecd-gdp",
        name="National accounts",
        version="1",
        economies=EconomyGroup.objects.get(code="oecd"),
        start_year=2012,
        end_year=2015,
    )
    Indicator.objects.create(
        framework=plan, code="GDP", name="GDP", measure="money", unit="EUR million", minimum=0
    )
    for year in plan.years:
        ReportingCycle.objects.create(
            framework=plan, period=year, opens_on=f"{year + 1}-01-01", closes_on=f"{year + 1}-03-31"
        )
    return plan


@pytest.fixture
def administrator(content):
    user = make_user("statistics@example.org")
    user.is_superuser = True
    user.save()
    return user


def test_eurostat_gdp_loads_with_the_values_eurostat_states(oecd_plan, administrator):
    out = io.StringIO()
    call_command(
        "import_sdmx",
        "oecd-gdp",
        "GDP",
        str(DATA / "ESTAT" / "NAMA_10_GDP-ss.xml"),
        "--select",
        "na_item=B1GQ",
        "--user",
        administrator.email,
        stdout=out,
    )
    assert "Loaded 4 values for LU (2012, 2013, 2014, 2015)." in out.getvalue()
    values = dict(
        Value.objects.filter(indicator__framework=oecd_plan).values_list("period", "value")
    )
    assert values == {2012: 46526.2, 2013: 49094.5, 2014: 51791.3, 2015: 54142.3}
    assert set(Value.objects.values_list("economy_id", "source")) == {("LU", "NAMA_10_GDP-ss.xml")}


def test_a_message_that_does_not_fit_loads_nothing_and_says_why(oecd_plan, administrator):
    # Monthly exchange rates are not annual values of an economy.
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_sdmx",
            "oecd-gdp",
            "GDP",
            str(DATA / "ECB_EXR" / "1" / "M.USD.EUR.SP00.A.xml"),
            "--user",
            administrator.email,
        )
    assert "Nothing was loaded" in str(caught.value)
    assert "no economy found in its key" in str(caught.value)
    # A selection that matches nothing says so.
    with pytest.raises(CommandError, match="No observation of the message matched"):
        call_command(
            "import_sdmx",
            "oecd-gdp",
            "GDP",
            str(DATA / "ESTAT" / "NAMA_10_GDP-ss.xml"),
            "--select",
            "na_item=P3",
            "--user",
            administrator.email,
        )
    assert not Value.objects.exists()
