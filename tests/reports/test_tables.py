"""Reading tables as people really save them: other encodings, data on another sheet."""

import io

import pytest
from openpyxl import Workbook

from d4sme.reports.tables import TableError, read_table

CSV = "economy,firm,note\nPT,Padaria Conceição,açúcar e pão\n"


def test_a_latin_1_csv_reads_when_its_encoding_is_named_and_is_refused_with_a_hint_otherwise():
    content = CSV.encode("latin-1")
    with pytest.raises(TableError) as refused:
        read_table("firms.csv", content)
    assert "not UTF-8 text" in str(refused.value) and "name its encoding" in str(refused.value)
    (row,) = read_table("firms.csv", content, encoding="latin-1")
    assert (row["firm"], row["note"]) == ("Padaria Conceição", "açúcar e pão")


def test_an_unknown_encoding_is_named_in_the_error():
    with pytest.raises(TableError, match="“klingon” is not a known text encoding"):
        read_table("firms.csv", CSV.encode(), encoding="klingon")


def test_excel_unicode_text_with_its_byte_order_mark_reads_as_utf_16():
    (row,) = read_table("firms.csv", CSV.encode("utf-16"))
    assert row["firm"] == "Padaria Conceição"


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_data_on_a_second_sheet_are_found_and_a_sheet_can_be_named():
    content = workbook(
        ("Cover", []),
        ("Data", [["economy", "value"], ["KR", 12]]),
        ("Other", [["economy", "value"], ["BR", 7]]),
    )
    assert [row["economy"] for row in read_table("stats.xlsx", content)] == ["KR"]
    assert [row["economy"] for row in read_table("stats.xlsx", content, sheet="Other")] == ["BR"]
    with pytest.raises(TableError, match="no sheet “Values”; its sheets are: Cover, Data, Other"):
        read_table("stats.xlsx", content, sheet="Values")
