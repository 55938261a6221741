"""The pilot part of the effect report, alike in HTML, PDF and xlsx: Japanese, honest totals.

Read back from the real files: the HTML's visible text, the PDF through pdftotext and
every xlsx cell through openpyxl.
"""

from __future__ import annotations

import io
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from bpr.reports.data import DROPPED_NOTE, build_report
from bpr.reports.html import render_html
from bpr.reports.pdf import render_pdf
from bpr.reports.xlsx import render_xlsx
from flows.town.panel import make_panel
from inventory.display import hours
from tests.bpr.report_factories import make_report
from tests.japanese import english_words, missing_markers
from tests.render import require

TOOL_CODES = {"rpa", "ai-ocr", "both"}


class _Visible(HTMLParser):
    """The text a browser shows: everything outside <style>, <script> and <svg>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._hidden += tag in ("style", "script", "svg")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script", "svg")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.parts


def _html_cells(count: int) -> list[str]:
    return _Visible.of(render_html(make_report(count)))


def _pdf_text(count: int, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(make_report(count)))
    return subprocess.run(
        [require("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _xlsx_cells(count: int) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(make_report(count))))
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def test_totals_compare_measured_pilots_only() -> None:
    report = make_report(12)
    measured = [p for p in report.pilots if p.realised_hours is not None]
    assert 0 < report.measured_count == len(measured) < len(report.pilots)
    assert report.estimated_total == pytest.approx(sum(p.estimated_hours or 0 for p in report.pilots))
    assert report.measured_estimated_total == pytest.approx(sum(p.estimated_hours or 0 for p in measured))
    assert report.realised_total == pytest.approx(sum(p.realised_hours or 0 for p in measured))
    assert report.measured_accuracy_pct == pytest.approx(
        report.realised_total / report.measured_estimated_total * 100
    )
    doc = report.to_json_dict()
    assert doc["pilots_measured_count"] == len(measured)


def test_a_report_with_nothing_measured_shows_no_measured_total() -> None:
    panel, _ = make_panel(departments=6, years=3, seed=1)
    pilot = {"id": 1, "department": "総務課", "name": "受付", "tool": "rpa", "state": "候補",
             "estimated_hours": 100.0, "realised_hours": None}  # fmt: skip
    report = build_report(panel, {}, [pilot], n_boot=0)
    assert report.measured_count == 0 and report.realised_total is None
    assert report.measured_accuracy_pct is None
    cells = _Visible.of(render_html(report))
    total = cells.index("実測の合計（実測済み0件）")
    assert cells[total + 1 : total + 4] == ["—", "—", "—"]


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_report_shows_japanese_tool_labels_totals_and_the_dropped_note(fmt: str, tmp_path: Path) -> None:
    count = 12
    report = make_report(count)
    if fmt == "html":
        cells = _html_cells(count)
    elif fmt == "pdf":
        cells = _pdf_text(count, tmp_path).split()
    else:
        cells = _xlsx_cells(count)
    text = " ".join(cells)
    assert english_words(text) == []
    assert missing_markers(text) == []
    assert not TOOL_CODES & set(cells), "a tool code (rpa, ai-ocr, both) is shown instead of its label"
    assert {"RPA", "AI-OCR", "AI-OCR+RPA"} <= set(cells)
    flat = "".join(text.split())
    assert f"見込みの合計（全{count}件）" in flat
    assert f"実測の合計（実測済み{report.measured_count}件）" in flat
    assert "".join(DROPPED_NOTE.split()) in flat


def test_the_flow_artifact_compares_realised_with_the_measured_pilots_forecast_only() -> None:
    from flows.effect_report import headline_markdown

    report = make_report(12)
    assert report.measured_count < len(report.pilots)  # some pilots have no measurement yet
    text = headline_markdown(report, [])
    assert f"見込みの合計 {hours(report.estimated_total)} 時間/年" in text
    assert (
        f"うち実測済み | {report.measured_count} 件（見込み {hours(report.measured_estimated_total)} / "
        f"実測 {hours(report.realised_total)} 時間/年）" in text
    )
