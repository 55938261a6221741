"""The screening workbook on paper (LibreOffice → PDF): A4, one page wide, headings on every page."""

from __future__ import annotations

import re
from pathlib import Path

from inventory.screening.fields import ATTRIBUTES
from inventory.screening.guide import QUESTIONS, STEPS
from tests.inventory.screening.helpers import TASKS, write_sheet
from tests.render import overlapping_words, page_count, page_size, page_text, render_page, xlsx_to_pdf

CODES = [f"B-{i}" for i in range(1, 41)]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_screening_workbook_prints_whole_and_one_page_wide(tmp_path: Path) -> None:
    tasks = TASKS + [
        {"section": "収納係", "task_code": code, "name": f"督促状の発送準備と宛名確認（第{i}期）",
         "annual_volume": 100.0 * i, "minutes_per_case": 3.0, "annual_hours": 5.0 * i}
        for i, code in enumerate(CODES, start=1)
    ]  # fmt: skip
    pdf = xlsx_to_pdf(write_sheet(tmp_path / "二次調査票.xlsx", tasks), tmp_path / "pdf")
    render_page(pdf, tmp_path, page=2)
    pages = [page_text(pdf, n) for n in range(1, page_count(pdf) + 1)]
    assert len(pages) <= 7, f"{len(pages)} pages for 43 tasks"
    cover = _squeeze(pages[0])
    for step in STEPS:
        assert _squeeze(step) in cover, f"cut on paper: {step}"
    assert [round(x) for x in page_size(pdf, 1)] == [595, 842], "表紙 is A4 portrait"
    table = [n for n, text in enumerate(pages) if "（参考）" in text]
    assert 2 <= len(table) <= 3, table
    for n in table:
        assert [round(x) for x in page_size(pdf, n + 1)] == [842, 595], "A4 landscape"
        assert "業務名" in pages[n] and ATTRIBUTES[-1].header in pages[n], f"page {n + 1}: a column fell off"
    printed = "".join(pages[n] for n in table)
    assert [code for code in CODES if code not in printed] == [], "every task is printed"
    guide = [n for n, text in enumerate(pages) if "何を答えるか" in text]
    assert guide
    for n in guide:
        # lines wrapped inside a cell sit 11.7 pt apart with 13 pt glyph boxes: 1.3 pt is not a clash
        assert overlapping_words(pdf, n + 1, tolerance=1.5) == [], f"page {n + 1}"
    text = _squeeze("".join(pages[n] for n in guide))
    assert [c.header for c in ATTRIBUTES if _squeeze(c.header) not in text] == []
    # pdftotext lays wrapped cells out beside their neighbours: look for each one's start and end
    cut = [q for q in QUESTIONS.values() if _squeeze(q)[:8] not in text or _squeeze(q)[-8:] not in text]
    assert cut == [], "every explanation printed whole"
