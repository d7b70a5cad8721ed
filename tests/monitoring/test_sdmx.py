"""SDMX input and output of the monitoring app (d4sme.monitoring.sdmx); no database.

Our messages are read back by sdmx1 and pysdmx as well as by our own reader, and the reader
is checked against real messages (tests/monitoring/sdmx-data, see SOURCE.md there) with the
values those files hold.
"""

import contextlib
import gzip
import io
import math
from pathlib import Path

import pytest
import sdmx as sdmx1
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sdmx.model import common

from d4sme.monitoring.sdmx import (
    Observation,
    SdmxError,
    Structure,
    data_csv,
    data_message,
    plan_code,
    read,
    rows_from,
    sdmx_code,
    structure_message,
)

DATA = Path(__file__).parent / "sdmx-data"
DATAFLOW = "D4SME:APEC_SMEWG_2021_2024(1.0)"


def specimen(path: str) -> bytes:
    file = DATA / path
    if file.suffix == ".gz":
        return gzip.decompress(file.read_bytes())
    return file.read_bytes()


@pytest.fixture
def plan() -> Structure:
    return Structure(
        agency="D4SME",
        id="APEC_SMEWG_2021_2024",
        version="1.0",
        name="APEC SMEWG Strategic Plan 2021-2024",
        economies={"KR": "Korea", "PE": "Peru", "BR": "Brazil"},
        indicators={
            "1.1.1": "Number of SMEs with an online presence",
            "1.2.1": "Share of SMEs using cloud services",
            "2.3.4": "Women-owned SMEs trained",
            "G.1": "Economies reporting on time",
        },
        disaggregations={
            "_T": "Total",
            "SEX_FEMALE": "Owner's sex: female",
            "SEX_MALE": "Owner's sex: male",
            "SIZE_MICRO": "Firm size class: micro",
        },
        units={"NUMBER": "Number of enterprises", "PC": "Percent"},
    )


def row(economy, indicator, disaggregation, period, value, flag="", unit="NUMBER", comment=""):
    return {
        "economy": economy,
        "indicator": indicator,
        "disaggregation": disaggregation,
        "period": period,
        "value": value,
        "flag": flag,
        "unit": unit,
        "comment": comment,
    }


@pytest.fixture
def rows() -> list[dict]:
    return [
        row("KR", "1.1.1", "_T", 2021, 7_000_000.0, comment="중소벤처기업부 행정자료"),
        row("KR", "1.1.1", "_T", 2022, 7_200_000.0, flag="P"),
        row("KR", "1.1.1", "SEX_FEMALE", 2022, 2_781_000.0, flag="E"),
        row("KR", "1.1.1", "SEX_MALE", 2022, 4_419_000.0),
        row("KR", "1.2.1", "_T", 2022, 41.25, unit="PC", comment="설문 조사\n두 번째 줄"),
        row("PE", "1.2.1", "SIZE_MICRO", 2021, 12.5, flag="E", unit="PC"),
        row("PE", "2.3.4", "_T", 2021, None, flag="M", comment="Dados não disponíveis"),
        row("BR", "2.3.4", "SEX_FEMALE", 2023, 1520.0, comment="Estimativa da associação"),
        row("BR", "G.1", "_T", 2023, 0.0, flag="Z", unit=""),
        row("BR", "G.1", "_T", 2024, -3.75e-07, unit=""),
    ]


# Plan codes and SDMX ids


@pytest.mark.parametrize(
    "code, sdmx_id",
    [
        ("1.1.1", "I1_1_1"),
        ("G.1", "IG_1"),
        ("10.2", "I10_2"),
        ("2.1_a", "I2_1$005Fa"),  # "_" must not read back as "."
        ("A b/é", "IA$0020b$002F$00E9"),
        ("x\U0001f600", "Ix@01F600"),
    ],
)
def test_plan_codes_map_to_sdmx_ids_and_back(code, sdmx_id):
    assert sdmx_code(code) == sdmx_id
    assert plan_code(sdmx_id) == code


@given(st.text(min_size=1, max_size=20))
def test_every_plan_code_maps_to_a_valid_id_and_back(code):
    sdmx_id = sdmx_code(code)
    assert all(c.isascii() and (c.isalnum() or c in "_@$-") for c in sdmx_id)
    assert plan_code(sdmx_id) == code


@pytest.mark.parametrize("sdmx_id", ["", "I", "X1_1", "I1.1", "I1$00", "I1$00ZZ"])
def test_plan_code_refuses_ids_that_are_not_ours(sdmx_id):
    with pytest.raises(SdmxError):
        plan_code(sdmx_id)


# The structure message


def test_structure_message_is_read_by_sdmx1(plan):
    msg = sdmx1.read_sdmx(io.BytesIO(structure_message(plan)))

    assert set(msg.codelist) == {
        "CL_ECONOMY",
        "CL_INDICATOR",
        "CL_DISAGG",
        "CL_OBS_STATUS",
        "CL_UNIT",
    }
    assert {c.id: str(c.name) for c in msg.codelist["CL_ECONOMY"]} == plan.economies
    indicators = msg.codelist["CL_INDICATOR"]
    assert [c.id for c in indicators] == ["I1_1_1", "I1_2_1", "I2_3_4", "IG_1"]
    assert str(indicators["I1_1_1"].name) == "1.1.1 Number of SMEs with an online presence"
    assert "1.1.1" in str(indicators["I1_1_1"].description)
    assert [c.id for c in msg.codelist["CL_DISAGG"]] == list(plan.disaggregations)
    assert [c.id for c in msg.codelist["CL_OBS_STATUS"]] == ["A", "E", "P", "M", "Z", "L"]
    assert [c.id for c in msg.codelist["CL_UNIT"]] == ["NUMBER", "PC"]

    dsd = msg.structure["DSD_APEC_SMEWG_2021_2024"]
    assert str(dsd.maintainer.id) == "D4SME" and dsd.version == "1.0"
    assert [d.id for d in dsd.dimensions] == [
        "ECONOMY",
        "INDICATOR",
        "DISAGGREGATION",
        "TIME_PERIOD",
    ]
    assert isinstance(dsd.dimensions.get("TIME_PERIOD"), common.TimeDimension)
    assert dsd.dimensions.get("INDICATOR").local_representation.enumerated.id == "CL_INDICATOR"
    assert dsd.dimensions.get("DISAGGREGATION").local_representation.enumerated.id == "CL_DISAGG"
    assert [m.id for m in dsd.measures] == ["OBS_VALUE"]
    attributes = {a.id: a for a in dsd.attributes}
    assert list(attributes) == ["OBS_STATUS", "UNIT_MEASURE", "COMMENT"]
    assert attributes["OBS_STATUS"].local_representation.enumerated.id == "CL_OBS_STATUS"
    assert attributes["UNIT_MEASURE"].local_representation.enumerated.id == "CL_UNIT"
    assert attributes["COMMENT"].local_representation.enumerated is None
    for attribute in attributes.values():  # all attached to the observation
        assert type(attribute.related_to).__name__ == "PrimaryMeasureRelationship"

    assert {c.id for c in msg.concept_scheme["CS_D4SME"]} >= {
        "ECONOMY",
        "INDICATOR",
        "DISAGGREGATION",
        "TIME_PERIOD",
        "OBS_VALUE",
        "OBS_STATUS",
        "UNIT_MEASURE",
        "COMMENT",
    }
    flow = msg.dataflow["APEC_SMEWG_2021_2024"]
    assert flow.structure.id == dsd.id
    assert str(flow.name) == plan.name


def test_structure_codes_must_be_sdmx_ids(plan):
    bad = Structure(**{**plan.__dict__, "units": {"USD million": "US dollars, millions"}})
    with pytest.raises(SdmxError, match="USD million"):
        structure_message(bad)


# Round trips: SDMX-ML


def text(value) -> str:
    return value if isinstance(value, str) else ""


def test_data_message_is_read_by_sdmx1_with_its_structure(plan, rows):
    dsd = sdmx1.read_sdmx(io.BytesIO(structure_message(plan))).structure[0]
    msg = sdmx1.read_sdmx(io.BytesIO(data_message(plan, rows)), structure=dsd)

    assert msg.data[0].structured_by is dsd
    table = sdmx1.to_pandas(msg, attributes="o")
    assert len(table) == len(rows)
    for r in rows:
        found = table.loc[
            (r["economy"], sdmx_code(r["indicator"]), r["disaggregation"], str(r["period"]))
        ]
        if r["value"] is None:
            assert math.isnan(found["value"])
        else:
            assert float(found["value"]) == r["value"]
        assert found["OBS_STATUS"] == (r["flag"] or "A")
        # pandas holds an attribute not given as "" or NaN
        assert text(found["UNIT_MEASURE"]) == r["unit"]
        assert text(found["COMMENT"]) == r["comment"]


def test_data_message_round_trip_through_read(plan, rows):
    xml = data_message(plan, rows)
    assert b'OBS_VALUE="7000000"' in xml  # whole numbers without ".0"
    assert "Estimativa da associação".encode() in xml

    with_structure = read(xml, structure=structure_message(plan))
    assert rows_from(plan, with_structure) == rows
    assert with_structure[0] == Observation(
        key={"ECONOMY": "KR", "INDICATOR": "I1_1_1", "DISAGGREGATION": "_T"},
        period="2021",
        value=7_000_000.0,
        attributes={
            "OBS_STATUS": "A",
            "UNIT_MEASURE": "NUMBER",
            "COMMENT": "중소벤처기업부 행정자료",
        },
    )
    # Our data are in series, so sdmx1 tells attributes from dimensions without the structure
    assert read(xml) == with_structure


def test_data_message_is_schema_shaped_structure_specific_data(plan, rows):
    root = etree.fromstring(data_message(plan, rows))
    ss = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
    mes = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
    assert etree.QName(root).localname == "StructureSpecificData"
    dataset = root.find(f"{{{mes}}}DataSet")
    assert dataset.get(f"{{{ss}}}structureRef") == "DSD_APEC_SMEWG_2021_2024"
    assert dataset.get(f"{{{ss}}}dataScope") == "DataStructure"
    prefix, _sep, name = dataset.get("{http://www.w3.org/2001/XMLSchema-instance}type").partition(
        ":"
    )
    assert name == "DataSetType"
    assert dataset.nsmap[prefix].startswith(
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=D4SME:"
    )
    series = dataset.findall("Series")
    assert len(series) == 8
    assert dict(series[0].attrib) == {
        "ECONOMY": "KR",
        "INDICATOR": "I1_1_1",
        "DISAGGREGATION": "_T",
    }
    missing = dataset.find("Series[@ECONOMY='PE'][@INDICATOR='I2_3_4']/Obs")
    assert "OBS_VALUE" not in missing.attrib and missing.get("OBS_STATUS") == "M"


def test_writing_refuses_rows_outside_the_structure(plan, rows):
    for change, message in (
        ({"economy": "FR"}, "economy “FR”"),
        ({"indicator": "9.9.9"}, "indicator “9.9.9”"),
        ({"disaggregation": "SEX_OTHER"}, "disaggregation"),
        ({"flag": "X"}, "flag “X”"),
        ({"unit": "USD"}, "unit “USD”"),
        ({"period": "2021-01"}, "not a year"),
        ({"value": "n/a"}, "value “n/a” is not a number"),
    ):
        bad = [*rows, {**rows[0], **change}]
        for write in (data_message, data_csv):
            with pytest.raises(SdmxError, match=f"Row 11: .*{message}"):
                write(plan, bad)
    with pytest.raises(SdmxError, match="Row 11 repeats"):
        data_message(plan, [*rows, rows[0]])


def test_characters_xml_cannot_hold_are_dropped_from_comments(plan, rows):
    pasted = [{**rows[0], "comment": "from a spreadsheet\x0b\x00 cell"}]
    for data in (data_message(plan, pasted), data_csv(plan, pasted).encode()):
        assert rows_from(plan, read(data))[0]["comment"] == "from a spreadsheet cell"


def test_an_empty_data_set_is_written_and_read(plan):
    assert read(data_message(plan, []), structure=structure_message(plan)) == []
    assert read(data_csv(plan, []).encode()) == []


# Round trips: SDMX-CSV


def test_data_csv_is_sdmx_csv_1(plan, rows):
    text = data_csv(plan, rows)
    lines = text.split("\r\n")
    assert lines[0] == (
        "DATAFLOW,ECONOMY,INDICATOR,DISAGGREGATION,TIME_PERIOD,"
        "OBS_VALUE,OBS_STATUS,UNIT_MEASURE,COMMENT"
    )
    assert lines[1] == f"{DATAFLOW},KR,I1_1_1,_T,2021,7000000,A,NUMBER,중소벤처기업부 행정자료"
    assert f"{DATAFLOW},PE,I2_3_4,_T,2021,,M,NUMBER,Dados não disponíveis" in lines


def test_data_csv_round_trip_through_read(plan, rows):
    data = data_csv(plan, rows).encode()
    assert rows_from(plan, read(data)) == rows
    assert rows_from(plan, read(data, structure=structure_message(plan))) == rows
    # As saved by a spreadsheet: with a byte-order mark
    assert rows_from(plan, read(b"\xef\xbb\xbf" + data)) == rows


def test_data_csv_is_read_by_pysdmx(plan, rows):
    # pysdmx reads SDMX-CSV only with its "data" extra (pandas and pyarrow)
    pytest.importorskip("pyarrow")
    from pysdmx.io.csv.sdmx10.reader import read as pysdmx_read

    (dataset,) = pysdmx_read(data_csv(plan, rows))
    assert dataset.short_urn == f"Dataflow={DATAFLOW}"
    records = dataset.data.to_dict("records")
    assert len(records) == len(rows)
    for record, r in zip(records, rows, strict=True):
        assert record["ECONOMY"] == r["economy"]
        assert record["INDICATOR"] == sdmx_code(r["indicator"])
        assert record["TIME_PERIOD"] == str(r["period"])
        assert (float(record["OBS_VALUE"]) if record["OBS_VALUE"] else None) == r["value"]
        assert record["OBS_STATUS"] == (r["flag"] or "A")
        assert record["COMMENT"] == r["comment"]


def test_csv_errors_name_the_line(plan, rows):
    lines = data_csv(plan, rows).split("\r\n")

    bad_value = lines[:3] + [lines[3].replace(",2781000,", ",2 781 000,")] + lines[4:]
    with pytest.raises(SdmxError, match="^Line 4: OBS_VALUE “2 781 000” is not a number.$"):
        read("\r\n".join(bad_value).encode())

    no_period = lines[:2] + [lines[2].replace(",2022,", ",,")] + lines[3:]
    with pytest.raises(SdmxError, match="^Line 3: TIME_PERIOD is missing.$"):
        read("\n".join(no_period).encode())

    short = lines[:5] + [lines[5].rsplit(",", 2)[0]] + lines[6:]
    with pytest.raises(SdmxError, match="^Line 6: 7 fields where the header has 9.$"):
        read("\n".join(short).encode())

    # The comment on line 6 spans two lines, so the 7th record starts on line 9
    unknown = lines[:7] + [lines[7].replace(",PE,", ",XX,")] + lines[8:]
    with pytest.raises(SdmxError, match="^Line 9: ECONOMY “XX” is not in the structure.$"):
        rows_from(plan, read("\r\n".join(unknown).encode()))


def test_rows_from_refuses_periods_that_are_not_years(plan):
    monthly = Observation(
        key={"ECONOMY": "KR", "INDICATOR": "I1_1_1", "DISAGGREGATION": "_T"},
        period="2021-01",
        value=1.0,
        attributes={},
    )
    with pytest.raises(SdmxError, match="period “2021-01” is not a year"):
        rows_from(plan, [monthly])


# Real messages (values as the files hold them)


def test_eurostat_structure_specific_data_without_structure():
    observations = read(specimen("ESTAT/NAMA_10_GDP-ss.xml"))

    assert [(o.period, o.value) for o in observations] == [
        ("2012", 46526.2),
        ("2013", 49094.5),
        ("2014", 51791.3),
        ("2015", 54142.3),
    ]
    for o in observations:
        assert o.key == {"geo": "LU", "na_item": "B1GQ", "unit": "CP_MEUR", "freq": "A"}
        assert o.attributes == {}


@pytest.mark.parametrize("with_structure", [True, False])
def test_ecb_generic_data(with_structure):
    structure = specimen("ECB_EXR/1/structure.xml") if with_structure else None
    observations = read(specimen("ECB_EXR/1/M.USD.EUR.SP00.A.xml"), structure=structure)

    assert len(observations) == 252
    first, last = observations[0], observations[-1]
    assert (first.period, first.value) == ("1999-01", 1.16078)
    assert (last.period, last.value) == ("2019-12", 1.111345)
    assert first.key == {
        "FREQ": "M",
        "CURRENCY": "USD",
        "CURRENCY_DENOM": "EUR",
        "EXR_TYPE": "SP00",
        "EXR_SUFFIX": "A",
    }
    # Observation and series attributes
    assert first.attributes["OBS_STATUS"] == "A"
    assert first.attributes["UNIT"] == "USD"
    assert first.attributes["TITLE_COMPL"].startswith("ECB reference exchange rate, US dollar/Euro")
    assert len({o.period for o in observations}) == 252


def test_imf_structure_specific_time_series_without_structure():
    (observation,) = read(specimen("IMF/PCPS.xml"))

    assert observation.period == "2021-01"
    assert observation.value == 2705.345
    assert {"FREQ": "M", "REF_AREA": "W00", "COMMODITY": "PZINC"}.items() <= observation.key.items()
    # Without the structure, sdmx1 cannot tell the series attributes from dimensions
    assert observation.key["UNIT_MEASURE"] == "USD"


def test_ecb_flat_generic_data_matches_what_sdmx1_expects():
    expected_lines = specimen("expected/ng-flat-xml.txt").decode().splitlines()
    header = expected_lines[0].split()
    assert header == [
        "FREQ",
        "CURRENCY",
        "CURRENCY_DENOM",
        "EXR_TYPE",
        "EXR_VAR",
        "TIME_PERIOD",
        "value",
    ]
    expected = []
    for line in expected_lines[1:]:
        *key, period, value = line.split()
        expected.append((dict(zip(header[:5], key, strict=True)), period, float(value)))

    observations = read(specimen("ECB_EXR/ng-flat.xml"))

    assert [(o.key, o.period, o.value) for o in observations] == expected
    chf = observations[0]
    assert chf.key == {
        "FREQ": "M",
        "CURRENCY": "CHF",
        "CURRENCY_DENOM": "EUR",
        "EXR_TYPE": "SP00",
        "EXR_VAR": "E",
    }
    assert (chf.period, chf.value) == ("2010-08", 1.3413)
    assert chf.attributes["OBS_STATUS"] == "A"
    assert chf.attributes["TITLE"] == "ECB reference exchange rate, Swiss franc/Euro"


def test_insee_generic_data_with_its_structure():
    observations = read(
        specimen("INSEE/IPI-2010-A21.xml.gz"),
        structure=specimen("INSEE/IPI-2010-A21-structure.xml.gz"),
    )

    # The file holds 20 series (each has a <generic:Series> and a <generic:SeriesKey>)
    assert len(observations) == 3230
    series: dict[tuple, list[Observation]] = {}
    for o in observations:
        assert list(o.key) == ["FREQ", "PRODUIT", "NATURE"]
        series.setdefault(tuple(o.key.values()), []).append(o)
    assert len(series) == 20
    assert sorted(len(s) for s in series.values()) == [1] * 5 + [25] * 5 + [310] * 10

    raw = series["M", "B", "BRUT"]
    assert (raw[0].period, raw[0].value) == ("2015-10", 105.61)
    assert (raw[-1].period, raw[-1].value) == ("1990-01", 139.22)
    assert raw[0].attributes["OBS_STATUS"] == "A"
    assert raw[0].attributes["IDBANK"] == "001654489"
    assert series["M", "F", "CVS-CJO"][0].value == 86.2
    assert [(o.period, o.value) for o in series["A", "C", "POND"]] == [("2010", 138905.0)]


def test_sdmx_csv_2_specimen_with_a_custom_column():
    # No TIME_PERIOD column (DIM_3 holds months), so the period is empty and DIM_3 is in the
    # key; columns after OBS_VALUE are attributes, including the custom UPDATED.
    observations = read(specimen("v3/csv/example-01.csv"))

    assert observations == [
        Observation(
            key={"DIM_1": "A", "DIM_2": "B", "DIM_3": "2014-01"},
            period="",
            value=12.4,
            attributes={
                "ATTR_2": "Y",
                "ATTR_3": "Normal, special and other values",
                "ATTR_1": "N",
                "UPDATED": "2021-01-22T13:15:41Z",
            },
        ),
        Observation(
            key={"DIM_1": "A", "DIM_2": "B", "DIM_3": "2014-02"},
            period="",
            value=10.8,
            attributes={
                "ATTR_2": "Y",
                "ATTR_3": "Normal, special and other values",
                "ATTR_1": "Y",
                "UPDATED": "2021-01-22T13:15:41Z",
            },
        ),
    ]
    assert [o.line for o in observations] == [2, 3]


@pytest.mark.parametrize(
    "path, months",
    [
        # Semicolons, labels ("A: Value A"), a decimal comma, SERIES_KEY and OBS_KEY columns
        ("v3/csv/example-04.csv", ["2014-01", "2014-02"]),
        # Labels on every coded value, dates as days
        ("v3/csv/example-05.csv", ["2014-01-01", "2014-02-01"]),
    ],
)
def test_sdmx_csv_2_specimens_with_labels(path, months):
    observations = read(specimen(path))

    assert [o.key for o in observations] == [
        {"DIM_1": "A", "DIM_2": "B", "DIM_3": m} for m in months
    ]
    assert [o.value for o in observations] == [12.4, 10.8]
    assert [o.attributes for o in observations] == [
        {"ATTR_2": "Y", "ATTR_3": "Normal, special and other values", "ATTR_1": "N"},
        {"ATTR_2": "Y", "ATTR_3": "Normal, special and other values", "ATTR_1": "Y"},
    ]


def test_sdmx_csv_2_with_several_measures_needs_its_structure():
    with pytest.raises(SdmxError, match="no OBS_VALUE column"):
        read(specimen("v3/csv/example-03.csv"))


# What is not SDMX data


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "neither SDMX-ML nor SDMX-CSV"),
        (
            b"<html><body><p>Not found</p></body></html>",
            "not an SDMX data message: its root element is <html>",
        ),
        (b"<?xml version='1.0'?><data><row>1</row></data>", "root element is <data>"),
        (b'{"data": {"dataSets": []}}', "SDMX-JSON is not supported"),
        (b"economy,indicator,value\nKR,1.1.1,3\n", "neither SDMX-ML nor SDMX-CSV"),
        (b"%PDF-1.7\n\xff\xfe\x00\x81binary", "neither XML nor UTF-8 text"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            "declares a DTD",
        ),
        (
            b"STRUCTURE,STRUCTURE_ID,ACTION,DIM_1,OBS_VALUE\ndataflow,A:B(1.0),D,X,1\n",
            "Line 2: deletions",
        ),
        (
            b"DATAFLOW,ECONOMY,TIME_PERIOD,OBS_VALUE\nD4SME:X(1.0),,2021,1\n",
            "Line 2: ECONOMY is missing.",
        ),
        (
            b"STRUCTURE,DATAFLOW,OBS_VALUE\nx,y,1\n",
            "Line 1: the second column must be STRUCTURE_ID",
        ),
        (
            b'<mes:StructureSpecificData xmlns:mes="'
            b'http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"/>',
            "Only SDMX-ML 2.1 is supported",
        ),
    ],
)
def test_what_is_not_sdmx_data_is_refused_clearly(data, message):
    with pytest.raises(SdmxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read(data)


def test_a_value_that_is_not_a_number_is_named():
    data = specimen("ESTAT/NAMA_10_GDP-ss.xml").replace(b'"49094.5"', b'"49 094,5"')
    with pytest.raises(
        SdmxError,
        match="^geo=LU, na_item=B1GQ, unit=CP_MEUR, freq=A, TIME_PERIOD=2013: "
        "OBS_VALUE “49 094,5” is not a number.$",
    ):
        read(data)


def test_a_structure_message_is_not_data(plan):
    with pytest.raises(SdmxError, match="structure message, not a data message"):
        read(structure_message(plan))
    with pytest.raises(SdmxError, match="not an SDMX-ML 2.1 structure message"):
        read(specimen("ESTAT/NAMA_10_GDP-ss.xml"), structure=specimen("ESTAT/NAMA_10_GDP-ss.xml"))


@pytest.mark.parametrize(
    "path", ["ESTAT/NAMA_10_GDP-ss.xml", "ECB_EXR/1/M.USD.EUR.SP00.A.xml", "IMF/PCPS.xml"]
)
def test_truncated_messages_raise_sdmx_error(path):
    data = specimen(path)
    with pytest.raises(SdmxError, match="malformed"):
        read(data[: len(data) // 2])
    with pytest.raises(SdmxError, match="malformed"):
        read(data.rstrip()[:-20])


def test_a_message_cut_anywhere_raises_only_sdmx_error(plan, rows):
    for data in (data_message(plan, rows), data_csv(plan, rows).encode()):
        for end in range(0, len(data), 37):
            with contextlib.suppress(SdmxError):
                assert isinstance(read(data[:end]), list)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_input_raises_only_sdmx_error(data):
    for prefix in (b"", b"DATAFLOW,A,TIME_PERIOD,OBS_VALUE\n", b"<?xml version='1.0'?>"):
        with contextlib.suppress(SdmxError):
            assert isinstance(read(prefix + data), list)
