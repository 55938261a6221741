"""Write small real workbooks and CSVs the way clerks fill them, for intake tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

HEADER = ["業務名", "定型性", "判断の有無", "入力媒体", "年間件数", "1件当たり処理時間（分）"]


def xlsx_bytes(
    rows: Sequence[Sequence[object]],
    *,
    cover: Sequence[tuple[str, object]] = (("年度", 2024), ("課", "税務課")),
    sheet: str = "業務一覧",
) -> bytes:
    """A workbook as openpyxl writes it: a 表紙 (label/value pairs) and a task sheet holding `rows` from A1."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = sheet
    for row in rows:
        first.append(list(row))
    if cover:
        cover_sheet = workbook.create_sheet("表紙", 0)
        for label, value in cover:
            cover_sheet.append([label, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    cover: Sequence[tuple[str, object]] = (("年度", 2024), ("課", "税務課")),
    sheet: str = "業務一覧",
) -> Path:
    """Write `xlsx_bytes(rows, cover=..., sheet=...)` to `path`."""
    path.write_bytes(xlsx_bytes(rows, cover=cover, sheet=sheet))
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, encoding: str) -> Path:
    """A CSV as Excel saves it (CRLF), in the given encoding."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [["" if c is None else c for c in row] for row in rows]
    )
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
