"""The effect report PDF read back from the real file: nothing drawn over anything, nothing cut.

Every word and every chart on a page is located with pdfplumber; their boxes must be
pairwise disjoint and inside the page margins, for 3, 12 and 40 pilots.
"""

from __future__ import annotations

import io
from itertools import combinations
from pathlib import Path

import pdfplumber
import pytest

from bpr.reports.data import DROPPED_NOTE
from bpr.reports.pdf import render_pdf
from tests.bpr.report_factories import make_report
from tests.render import page_count, render_page

EDGE = 28.0  # 10 mm: nothing may come closer to the paper's edge
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def _overlap(a: Box, b: Box, slack: float = 0.3) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def _boxes(page: pdfplumber.page.Page) -> list[tuple[str, Box]]:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=1.5)
    boxes = [(w["text"], (w["x0"], w["top"], w["x1"], w["bottom"])) for w in words]
    return boxes + [("〔図〕", (i["x0"], i["top"], i["x1"], i["bottom"])) for i in page.images]


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module", params=[3, 12, 40])
def report_pdf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    count = int(request.param)
    path = tmp_path_factory.mktemp(f"pdf{count}") / f"効果報告_{count}.pdf"
    path.write_bytes(render_pdf(make_report(count)))
    return count, path


def test_no_two_drawn_elements_overlap_and_all_stay_inside_the_margins(report_pdf) -> None:
    _, path = report_pdf
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            boxes = _boxes(page)
            for (text_a, a), (text_b, b) in combinations(boxes, 2):
                assert not _overlap(a, b), f"page {number}: 「{text_a}」{a} overlaps 「{text_b}」{b}"
            for text, (x0, top, x1, bottom) in boxes:
                inside = (
                    x0 >= EDGE and top >= EDGE and x1 <= page.width - EDGE and bottom <= page.height - EDGE
                )
                assert inside, f"page {number}: 「{text}」 lies outside the margins"


def test_every_pilot_total_and_note_is_printed_in_full(report_pdf, tmp_path: Path) -> None:
    count, path = report_pdf
    report = make_report(count)
    with pdfplumber.open(path) as pdf:
        # The pilot table's pieces (each starts with its header); a chart's grid is no table.
        rows = [
            [_flat(cell or "") for cell in row]
            for page in pdf.pages
            for table in (t.extract() for t in page.find_tables())
            if "業務・案件" in [_flat(cell or "") for cell in table[0]]
            for row in table
        ]
        text = _flat("".join(page.extract_text() for page in pdf.pages))
    for pilot in report.pilots:  # each in its own row, every cell whole
        assert [pilot.department, _flat(pilot.name), pilot.tool_label, pilot.state] in [r[:4] for r in rows]
    assert any(r[0] == "選挙管理委員会事務局" for r in rows)
    labels = [r[0] for r in rows]
    assert f"見込みの合計（全{count}件）" in labels
    assert f"実測の合計（実測済み{report.measured_count}件）" in labels
    assert sum(r[3] == "見送り" for r in rows) == sum(p.dropped for p in report.pilots) >= 1
    assert _flat(DROPPED_NOTE) in text
    pages = page_count(path)
    assert f"{pages}/{pages}" in text  # 「n / 総ページ数」 on each page
    png = render_page(path, tmp_path, page=pages, dpi=40)
    assert png.stat().st_size > 5_000  # the last page (state chart) is drawn, not blank


def test_a_long_pilot_table_repeats_its_header_row_on_the_next_page() -> None:
    report = make_report(40)
    data = render_pdf(report)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        name = report.pilots[0].name.split("（")[0]  # every pilot's name starts so
        pages_with_rows = [page for page in pdf.pages if name in (page.extract_text() or "")]
        assert len(pages_with_rows) >= 2
        for page in pages_with_rows:
            words = [w["text"] for w in page.extract_words(x_tolerance=1.5)]
            assert "業務・案件" in words and "的中率" in words
