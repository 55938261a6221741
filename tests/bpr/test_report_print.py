"""The effect report workbook as LibreOffice prints it: A4, one page wide, charts whole.

The DX team prints the xlsx for the 本部 as it is; `tests.render.xlsx_to_pdf` prints it
exactly as Calc would, and the PDF is read back with pdfplumber.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pdfplumber
import pytest

from bpr.reports.charts import REAL
from bpr.reports.xlsx import render_xlsx
from tests.bpr.report_factories import make_report
from tests.render import page_count, page_text, render_page, rgb, xlsx_to_pdf

COUNT = 40


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print")
    workbook = out / "効果報告.xlsx"
    workbook.write_bytes(render_xlsx(make_report(COUNT)))
    return xlsx_to_pdf(workbook, out)


def test_every_sheet_is_set_up_for_a4_one_page_wide_with_its_header_repeated() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(make_report(COUNT))))
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == 9, sheet.title  # A4
        assert sheet.page_setup.orientation == "portrait", sheet.title
        fit = (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight)  # absent means 1
        assert fit == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    for name in ("月別", "年度別", "実証案件", "状態別"):
        assert book[name].print_title_rows.replace("$", "") == "1:1", name


def test_printed_pages_are_a4_portrait_and_one_page_wide(printed: Path) -> None:
    with pdfplumber.open(printed) as pdf:
        for page in pdf.pages:
            assert (round(page.width), round(page.height)) == (595, 842)
        pilot_pages = [p for p in pdf.pages if "業務・案件" in (p.extract_text() or "")]
    assert pilot_pages
    for page in pilot_pages:  # every column on the same page as the first
        words = {w["text"] for w in page.extract_words()}
        assert {"ID", "課", "業務・案件", "ツール", "状態", "備考"} <= words


def test_summary_paragraphs_run_across_the_page(printed: Path, tmp_path: Path) -> None:
    note = make_report(COUNT).kpi.note
    lines = [line.strip() for line in page_text(printed, 1).splitlines()]
    first = next(line for line in lines if note[:8] in line)
    assert len("".join(first.split())) >= 40, f"the paragraph is squeezed into a narrow column: {first!r}"
    joined = "".join("".join(lines).split())
    assert "".join(note.split()) in joined
    png = render_page(printed, tmp_path, page=1)
    assert png.stat().st_size > 5_000


def test_the_pilot_chart_is_printed_whole_on_one_page(printed: Path, tmp_path: Path) -> None:
    """Only the pilot chart draws in REAL's green, so its bars must show on exactly one page.

    Read from the rendered pixels: Calc writes a chart that runs past a page on both
    pages with a clip, so the PDF's text alone cannot tell where it is seen.
    """
    green = np.array([int(REAL[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    seen = []
    for number in range(1, page_count(printed) + 1):
        pixels = rgb(render_page(printed, tmp_path, page=number, dpi=40))
        if (np.abs(pixels - green).max(axis=-1) < 0.08).sum() > 20:
            seen.append(number)
    assert len(seen) == 1, f"the pilot chart's bars are on pages {seen}"
    words = "".join(page_text(printed, seen[0]).split())
    assert f"（{COUNT}）" in words and "見込み（時間/年）" in words  # the last bar's label and the legend


def test_every_summary_label_fits_its_column() -> None:
    """A label wider than column A is cut off on paper by the value beside it."""
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(make_report(3))))["概要"]
    width = sheet.column_dimensions["A"].width
    labels = [
        str(row[0].value) for row in sheet.iter_rows(min_row=4) if row[0].value and row[1].value is not None
    ]
    assert len(labels) >= 10
    # A Japanese character takes two of Excel's width units.
    too_wide = [label for label in labels if sum(2 if ord(ch) > 0x2E80 else 1 for ch in label) > width]
    assert not too_wide, (width, too_wide)
