"""SDMX messages of several offices (tests/exchange/data/sdmx) import with the values they hold;
a message that needs its structure says how to give it."""

import pytest

from d4sme.exchange import selectors, services
from d4sme.exchange.models import OfficialDataset, OfficialObservation
from d4sme.reports.models import ImportStatus

from .conftest import DATA
from .test_official_import import import_file

SDMX = DATA / "sdmx"


def values(dataset) -> dict[tuple[str, str], float | None]:
    return {
        (obs.series.key_text, obs.period): obs.value
        for obs in OfficialObservation.objects.filter(series__dataset=dataset).select_related(
            "series"
        )
    }


def test_eurostat_structure_specific_data_without_a_structure(analyst):
    job = import_file(
        analyst, SDMX / "ESTAT" / "NAMA_10_GDP-ss.xml", agency="ESTAT", code="nama_10_gdp"
    )
    assert job.status == ImportStatus.DONE, job.errors
    dataset = OfficialDataset.objects.get(code="nama_10_gdp")
    assert job.created == 4
    assert dataset.area_dimension == "geo"
    assert set(dataset.series.values_list("area", flat=True)) == {"LU"}
    assert values(dataset)[("LU.B1GQ.CP_MEUR.A", "2012")] == 46526.2


def test_the_ecb_generic_series_with_its_structure(analyst):
    job = import_file(
        analyst,
        SDMX / "ECB_EXR" / "1" / "M.USD.EUR.SP00.A.xml",
        structure=(SDMX / "ECB_EXR" / "1" / "structure.xml").read_bytes(),
        agency="ECB",
        code="EXR",
    )
    assert job.status == ImportStatus.DONE, job.errors
    dataset = OfficialDataset.objects.get(agency="ECB", code="EXR")
    assert job.created == 252
    got = values(dataset)
    assert got[("M.USD.EUR.SP00.A", "1999-01")] == 1.16078
    assert {period for _key, period in got} >= {"1999-01", "2019-12"}


def test_the_ecb_flat_message_reads_as_the_expected_table(analyst):
    job = import_file(analyst, SDMX / "ECB_EXR" / "ng-flat.xml", agency="ECB", code="EXR_FLAT")
    assert job.status == ImportStatus.DONE, job.errors
    dataset = OfficialDataset.objects.get(code="EXR_FLAT")
    lines = (SDMX / "expected" / "ng-flat-xml.txt").read_text().split("\n")
    expected = {}
    for line in lines[1:]:
        if line.strip():
            *codes, period, value = line.split()
            expected[(".".join(codes), period)] = float(value)
    assert len(expected) == 12
    assert values(dataset) == expected
    # Their OBS_STATUS is kept.
    assert set(
        OfficialObservation.objects.filter(series__dataset=dataset).values_list(
            "obs_flag", flat=True
        )
    ) == {"A"}


def test_istat_data_with_their_structure_keep_the_estimated_flag(analyst):
    job = import_file(
        analyst,
        SDMX / "ISTAT" / "22_289.xml",
        structure=(SDMX / "ISTAT" / "22_289-structure.xml").read_bytes(),
        agency="ISTAT",
        code="DCIS_POPRES1",
    )
    assert job.status == ImportStatus.DONE, job.errors
    dataset = OfficialDataset.objects.get(code="DCIS_POPRES1")
    assert job.created == 8
    estimated = OfficialObservation.objects.get(
        series__dataset=dataset, series__key__SEX="1", period="2022"
    )
    assert (estimated.value, estimated.obs_flag) == (28747417.0, "e")
    assert estimated.series.area == "IT"


def test_structure_specific_data_without_their_structure_point_to_the_structure_option(analyst):
    job = import_file(analyst, SDMX / "ISTAT" / "22_289.xml", agency="ISTAT", code="X")
    assert job.status == ImportStatus.FAILED
    (message,) = job.errors
    assert "structure" in message and "--structure" in message
    assert "RuntimeError" not in message


def test_insee_generic_data_with_many_series(analyst):
    job = import_file(
        analyst,
        SDMX / "INSEE" / "IPI-2010-A21.xml",
        structure=(SDMX / "INSEE" / "IPI-2010-A21-structure.xml").read_bytes(),
        agency="INSEE",
        code="IPI-2010-A21",
    )
    assert job.status == ImportStatus.DONE, job.errors
    dataset = OfficialDataset.objects.get(code="IPI-2010-A21")
    assert job.created == selectors.dataset_counts(dataset)["total"] == 3230
    assert values(dataset)[("M.B.BRUT", "2015-10")] == 105.61


def test_an_sdmx_csv_2_specimen_whose_time_dimension_the_mapping_names(analyst):
    path = SDMX / "v3" / "csv" / "example-01.csv"
    refused = import_file(analyst, path, agency="SDMX", code="EX1")
    assert refused.status == ImportStatus.FAILED
    assert "“time” in the mapping" in refused.errors[0]
    mapping = services.mapping_save(user=analyst, name="Specimen", spec={"time": "DIM_3"})
    job = import_file(analyst, path, agency="SDMX", code="EX1", mapping=mapping)
    assert job.status == ImportStatus.DONE, job.errors
    dataset = OfficialDataset.objects.get(code="EX1")
    assert values(dataset) == {("A.B", "2014-01"): 12.4, ("A.B", "2014-02"): 10.8}


@pytest.mark.parametrize("name", ["example-02.csv", "example-03.csv"])
def test_sdmx_csv_with_several_measures_is_refused_with_a_reason(analyst, name):
    job = import_file(analyst, SDMX / "v3" / "csv" / name, agency="SDMX", code="EX")
    assert job.status == ImportStatus.FAILED
    assert "OBS_VALUE" in job.errors[0]
