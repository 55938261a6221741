"""The error workbook as the clerk prints it (LibreOffice): エラー一覧 first, one page wide, in Japanese."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from inventory.intake.survey import ingest_file
from tests.inventory.test_error_workbook_resubmit import COVER, _rows
from tests.inventory.workbooks import write_xlsx
from tests.japanese import english_words, missing_markers
from tests.render import page_count, page_text, render_page, require, xlsx_to_pdf


def _page_sizes(pdf: Path) -> set[tuple[int, int]]:
    """(width, height) of every page in points, rounded: A4 landscape is (842, 595)."""
    listing = subprocess.run(
        [require("pdfinfo"), "-f", "1", "-l", str(page_count(pdf)), str(pdf)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", listing, re.M)
    return {(round(float(w)), round(float(h))) for w, h in found}


def test_printed_error_workbook_starts_with_the_errors_one_page_wide(engine: Engine, tmp_path: Path) -> None:
    bad = write_xlsx(tmp_path / "税務課.xlsx", _rows(fixed=False), cover=COVER)
    outcome = ingest_file(engine=engine, path=bad)
    assert outcome.error_workbook
    pdf = xlsx_to_pdf(Path(outcome.error_workbook), tmp_path / "pdf")

    # Three sheets, each fitting on one landscape A4 page: nothing cut off to the right.
    assert page_count(pdf) == 3
    assert _page_sizes(pdf) == {(842, 595)}
    first = page_text(pdf, 1)
    assert "このファイルの赤いセルを直して" in first
    for excel_row, value in ((6, "ていけい"), (6, "不明"), (9, "ふぁっくす"), (9, "たぶん")):
        assert value in first and str(excel_row) in first
    everything = "\n".join(page_text(pdf, p) for p in (1, 2, 3))
    assert english_words(everything) == [] and missing_markers(everything) == []
    assert "not_a_number" not in everything and "unknown_choice" not in everything
    assert "業務名" in page_text(pdf, 3) and "令和6年度" in page_text(pdf, 2)
    assert render_page(pdf, tmp_path, dpi=80).stat().st_size > 0
