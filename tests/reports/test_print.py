"""Printed tables keep each row whole on one page and repeat their header on every page."""

import io
import re

from django.template.loader import render_to_string
from pypdf import PdfReader

from d4sme.reports.pdf import html_to_pdf

ROWS, LINES = 40, 12


def test_a_long_table_repeats_its_header_and_never_splits_a_row():
    # Rows of twelve lines: without the print rules, WeasyPrint splits some across pages.
    rows = "".join(
        f"<tr><td>Indicator {i:03d}</td><td>"
        + "<br>".join(f"line {k:02d} of {i:03d}" for k in range(LINES))
        + "</td></tr>"
        for i in range(ROWS)
    )
    html = (
        "<html><head><style>"
        + render_to_string("reports/_print.css")
        + "body{font-size:11pt}</style></head><body><table><thead><tr><th>Indicator name</th>"
        f"<th>Values</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(html_to_pdf(html))).pages]
    assert len(pages) > 3
    for text in pages:
        assert "Indicator name" in text  # the header row, on every page
        for i in set(re.findall(r"line \d\d of (\d{3})", text)):
            # every line of a row is on the page that holds any of them, with its name
            assert all(f"line {k:02d} of {i}" in text for k in range(LINES)), (i, text)
            assert f"Indicator {i}" in text
    assert all(any(f"Indicator {i:03d}" in t for t in pages) for i in range(ROWS))


def test_every_pdf_template_uses_the_print_rules():
    from pathlib import Path

    import d4sme

    printed = [
        path
        for path in Path(d4sme.__file__).parent.glob("*/templates/**/*_pdf.html")
        if "<style>" in path.read_text()
    ]
    assert len(printed) >= 3
    for path in printed:
        assert '{% include "reports/_print.css" %}' in path.read_text(), path
