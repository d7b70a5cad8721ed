"""The four Eurostat data sets and the SDMX messages of tests/exchange/data import with the values,
flags and missing cells their files state, whole or not at all."""

import pytest

from d4sme.exchange import selectors, services
from d4sme.exchange.models import OfficialDataset, OfficialObservation
from d4sme.reports.models import ImportStatus

from .conftest import DATA, run

NACE = "C10-S951_X_K"


def import_file(user, path, **options):
    job = services.statistics_import_create(
        user=user, file_name=path.name, content=path.read_bytes(), **options
    )
    return run(job)


def cell(dataset, key: str, period: str) -> OfficialObservation:
    return OfficialObservation.objects.get(
        series__dataset=dataset, series__key_text=key, period=period
    )


def check_cells(dataset, expected: dict) -> None:
    """Each (key, period) holds (value, OBS_FLAG, CONF_STATUS) as the file says."""
    assert len(expected) >= 10
    for (key, period), (value, flag, conf) in expected.items():
        obs = cell(dataset, key, period)
        assert (obs.value, obs.obs_flag, obs.conf_status) == (value, flag, conf), (key, period)


def dataset_of(agency: str, code: str) -> OfficialDataset:
    return OfficialDataset.objects.get(agency=agency, code=code)


@pytest.mark.django_db(transaction=False)
def test_the_cloud_bulk_tsv_imports_every_cell_with_its_flags(analyst):
    path = DATA / "eurostat-isoc-cicce-use" / "estat_isoc_cicce_use.tsv.gz"
    job = import_file(
        analyst,
        path,
        agency="ESTAT",
        code="isoc_cicce_use",
        url="https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/isoc_cicce_use",
        source="Source: Eurostat",
    )
    assert job.status == ImportStatus.DONE, job.errors
    dataset = dataset_of("ESTAT", "isoc_cicce_use")
    counts = selectors.dataset_counts(dataset)
    # 23,479 series × 10 years; 148,757 cells are ":" (missing), 326 of them confidential.
    assert job.created == counts["total"] == 234_790
    assert counts["missing"] == 148_757
    assert counts["confidential"] == 326
    assert dataset.series.count() == 23_479
    flags = selectors.dataset_flags(dataset)
    assert (flags["b"], flags["d"], flags["u"]) == (969, 10, 823)
    assert dataset.file_hash == "47dee0eb7bda28f771d17c43034733c9dc4c7c984738c2a97d4df995c285d0db"
    assert dataset.file_format == "eurostat-tsv"
    assert dataset.dimensions == ["freq", "size_emp", "nace_r2", "indic_is", "unit", "geo"]
    key = f"A.{{}}.{NACE}.{{}}.{{}}.{{}}".format
    check_cells(
        dataset,
        {
            (key("10-49", "E_CC", "PC_ENT", "DE"), "2021"): (38.42, "", ""),
            (key("50-249", "E_CC", "PC_ENT", "FR"), "2023"): (41.25, "b", ""),
            (key("10-249", "E_CC", "PC_ENT", "EL"), "2020"): (None, "u", ""),
            (key("GE250", "E_CC", "PC_ENT", "EU27_2020"), "2025"): (84.67, "", ""),
            (key("GE10", "E_CC", "PC_ENT", "TR"), "2014"): (None, "", ""),
            (key("10-249", "E_CC1_BI", "PC_ENT", "MK"), "2021"): (None, "", "C"),
            (key("10-249", "E_CC_DA", "PC_ENT", "CZ"), "2023"): (13.72, "d", ""),
            (key("10-249", "E_CC_DA", "PC_ENT", "CZ"), "2025"): (31.81, "b", ""),
            (key("GE250", "E_CC", "PC_ENT", "MK"), "2021"): (38.0, "", ""),
            (key("10-249", "E_CC", "PC_ENT", "DE"), "2014"): (10.73, "", ""),
            (key("10-249", "E_CC", "PC_ENT", "EU27_2020"), "2015"): (None, "", ""),
        },
    )
    confidential = cell(dataset, key("10-249", "E_CC1_BI", "PC_ENT", "MK"), "2021")
    assert "confidential" in confidential.missing_reason
    assert (
        "low reliability"
        in cell(dataset, key("10-249", "E_CC", "PC_ENT", "EL"), "2020").missing_reason
    )
    assert dataset.series.filter(area="EU27_2020").exists()


def test_the_digital_intensity_sdmx_csv_with_codes_and_labels(analyst):
    job = import_file(analyst, DATA / "eurostat-isoc-e-dii" / "isoc_e_dii.csv")
    assert job.status == ImportStatus.DONE, job.errors
    # The publisher and dataset come from STRUCTURE_ID, ESTAT:ISOC_E_DII$DEFAULTVIEW(1.0).
    dataset = dataset_of("ESTAT", "isoc_e_dii")
    assert dataset.name == "Digital Intensity by size class of enterprise"
    counts = selectors.dataset_counts(dataset)
    assert job.created == counts["total"] == 2860
    assert (counts["missing"], counts["confidential"]) == (30, 9)
    flags = selectors.dataset_flags(dataset)
    assert (flags["b"], flags["d"], flags["u"], flags["bu"]) == (60, 25, 19, 2)
    key = f"A.{{}}.{NACE}.{{}}.PC_ENT.{{}}".format
    check_cells(
        dataset,
        {
            (key("10-249", "E_DI3_GELO", "EE"), "2025"): (72.12, "d", ""),
            (key("10-249", "E_DI3_VHI", "BA"), "2023"): (None, "u", ""),
            (key("10-249", "E_DI4_GELO", "DE"), "2022"): (77.35, "", ""),
            (key("10-249", "E_DI4_GELO", "EA"), "2024"): (73.77, "", ""),
            (key("10-249", "E_DI4_GELO", "EU27_2020"), "2022"): (69.0, "", ""),
            (key("10-249", "E_DI4_GELO", "EU27_2020"), "2024"): (72.91, "", ""),
            (key("10-249", "E_DI3_GELO", "FR"), "2023"): (51.97, "b", ""),
            (key("10-249", "E_DI3_GELO", "SE"), "2023"): (79.91, "b", ""),
            (key("GE10", "E_DI3_HI", "FR"), "2023"): (None, "bu", ""),
            (key("GE250", "E_DI3_GELO", "ME"), "2023"): (None, "", "C"),
            (key("10-249", "E_DI3_HI", "EE"), "2025"): (28.32, "d", ""),
        },
    )
    labels = selectors.dataset_labels(dataset)
    assert labels["size_emp"]["GE250"] == "250 persons employed or more"
    assert labels["geo"]["EU27_2020"] == "European Union - 27 countries (from 2020)"


def test_the_ecommerce_sdmx_csv_with_labels_only_maps_labels_to_codes(analyst):
    job = import_file(
        analyst, DATA / "eurostat-isoc-ec-esels" / "ecommerce_sales.csv", code="isoc_ec_esels"
    )
    assert job.status == ImportStatus.DONE, job.errors
    dataset = dataset_of("ESTAT", "isoc_ec_esels")
    assert dataset.published_update == "12/12/24 11:00:00"
    counts = selectors.dataset_counts(dataset)
    assert job.created == counts["total"] == 2075
    assert (counts["missing"], counts["confidential"]) == (48, 18)
    flags = selectors.dataset_flags(dataset)
    assert (flags["b"], flags["u"]) == (12, 30)
    key = f"A.{{}}.{NACE}.E_ESELL.PC_ENT.{{}}".format
    check_cells(
        dataset,
        {
            (key("1-9", "DE"), "2010"): (21.98, "", ""),
            (key("1-9", "DE"), "2011"): (None, "u", ""),
            (key("10-49", "EL"), "2020"): (None, "u", ""),
            (key("10-49", "FR"), "2022"): (11.16, "b", ""),
            (key("10-49", "EA"), "2024"): (19.25, "", ""),
            (key("10-49", "EU27_2020"), "2024"): (19.01, "", ""),
            (key("10-49", "TR"), "2024"): (17.03, "", ""),
            (key("50-249", "EA"), "2024"): (27.05, "", ""),
            (key("50-249", "EU27_2020"), "2024"): (26.71, "", ""),
            (key("50-249", "TR"), "2024"): (17.41, "", ""),
            (key("10-49", "ME"), "2022"): (None, "", "C"),
            (key("10-49", "HR"), "2013"): (None, "u", ""),
        },
    )
    # The labels the file wrote stay beside the codes they became.
    assert selectors.dataset_labels(dataset)["geo"]["TR"] == "Türkiye"


AI_PURPOSES = (
    "Enterprises use AI technologies for at least one of the purposes: AI_PMS, AI_PPP, "
    "AI_PBA, AI_PME, AI_PLOG, AI_PITS, AI_PHR"
)


def test_the_ai_workbook_needs_a_mapping_for_a_label_without_a_code_then_imports(analyst):
    path = DATA / "eurostat-isoc-eb-ai" / "isoc_eb_ai_defaultview_spreadsheet.xlsx"
    refused = import_file(analyst, path, agency="ESTAT", code="isoc_eb_ai")
    assert refused.status == ImportStatus.FAILED
    assert any(AI_PURPOSES in message and "mapping" in message for message in refused.errors)
    assert not OfficialDataset.objects.filter(code="isoc_eb_ai").exists()

    mapping = services.mapping_save(
        user=analyst,
        name="Eurostat AI workbook",
        spec={"codes": {"indic_is": {AI_PURPOSES: "E_AI_PANY"}}},
    )
    job = import_file(analyst, path, agency="ESTAT", code="isoc_eb_ai", mapping=mapping)
    assert job.status == ImportStatus.DONE, job.errors
    dataset = dataset_of("ESTAT", "isoc_eb_ai")
    # 36 areas × 2 years × 5 size classes × 4 indicators, on 20 sheets.
    assert job.created == selectors.dataset_counts(dataset)["total"] == 1440
    assert dataset.published_update == "24/09/2024 11:00"
    key = f"A.{{}}.{NACE}.{{}}.PC_ENT.{{}}".format
    check_cells(
        dataset,
        {
            (key("10-49", "E_AI_TANY", "EU27_2020"), "2021"): (6.1, "", ""),
            (key("10-49", "E_AI_TANY", "FR"), "2023"): (4.7, "b", ""),
            (key("10-49", "E_AI_TANY", "MK"), "2021"): (None, "", "C"),
            (key("10-49", "E_AI_TANY", "AL"), "2023"): (None, "", ""),
            (key("10-49", "E_AI_TANY", "EL"), "2021"): (2.0, "", ""),
            (key("10-49", "E_AI_TANY", "TR"), "2023"): (4.9, "", ""),
            (key("10-49", "E_AI_PANY", "DE"), "2021"): (None, "u", ""),
            (key("10-49", "E_AI_PANY", "EU27_2020"), "2023"): (None, "", ""),
            (key("GE250", "E_AI_TANY", "DK"), "2021"): (66.2, "", ""),
            (key("GE250", "E_AI_TANY", "EU27_2020"), "2023"): (30.4, "", ""),
            (key("GE250", "E_AI_TANY", "EA"), "2021"): (30.7, "", ""),
            (key("GE250", "E_AI_TANY", "FR"), "2023"): (20.9, "b", ""),
        },
    )


def test_a_chosen_sheet_of_the_workbook_is_read_alone(analyst):
    path = DATA / "eurostat-isoc-eb-ai" / "isoc_eb_ai_defaultview_spreadsheet.xlsx"
    job = import_file(analyst, path, agency="ESTAT", code="isoc_eb_ai_ge250", sheet="Sheet 17")
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created == 72
    dataset = dataset_of("ESTAT", "isoc_eb_ai_ge250")
    assert set(dataset.series.values_list("key__size_emp", flat=True)) == {"GE250"}


def test_the_ai_sdmx_csv_of_2025(analyst):
    job = import_file(analyst, DATA / "eurostat-isoc-eb-ai" / "isoc_eb_ai.csv")
    assert job.status == ImportStatus.DONE, job.errors
    dataset = dataset_of("ESTAT", "isoc_eb_ai")
    assert job.created == 81
    key = f"A.GE10.{NACE}.{{}}.PC_ENT.{{}}".format
    check_cells(
        dataset,
        {
            (key("E_AI_ADOWN", "AT"), "2025"): (4.98, "", ""),
            (key("E_AI_ADOWN", "EL"), "2025"): (2.18, "", ""),
            (key("E_AI_ADOWN", "FR"), "2025"): (None, "u", ""),
            (key("E_AI_EC", "DE"), "2025"): (14.95, "", ""),
            (key("E_AI_EC", "EL"), "2025"): (11.05, "", ""),
            (key("E_AI_EC", "EU27_2020"), "2025"): (11.1, "", ""),
            (key("E_AI_TANY", "DE"), "2025"): (25.97, "", ""),
            (key("E_AI_TANY", "EL"), "2025"): (8.93, "", ""),
            (key("E_AI_TANY", "EU27_2020"), "2025"): (19.95, "", ""),
            (key("E_AI_TANY", "NL"), "2025"): (33.21, "b", ""),
        },
    )
