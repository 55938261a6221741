"""Write the error workbook a department gets back when its survey is rejected.

The fixed error workbook is itself the resubmission: the clerk corrects the red cells
and sends this file back, nothing else. So it holds everything the original did:

- エラー一覧 (first, active, printed first): what to do, then every error;
- 表紙: 年度, 部, 課, 回答者, 回答日 as the reader expects them;
- the task sheet: the department's own rows under its own headers, each at the same
  Excel row and column as in the original (row numbers in messages and the stored
  source rows stay the same), bad cells in red, and an エラー内容 column.

Cell text from the department's file is always written as a string: a value such as
=HYPERLINK(...) must never come back to them as a live formula.
"""

from __future__ import annotations

import os
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

from inventory.errors import RowError
from inventory.export import text_lines
from inventory.survey.error_cells import Formats, describe, display_width, print_one_page_wide, write_value
from inventory.survey.error_list import write_cover, write_error_list
from inventory.survey.schema import COVER_SHEET, ERRORS_SHEET, SURVEY_SHEET, nfkc_key

MESSAGES_HEADER = "エラー内容"
ROWS_NOTE = "赤いセルを直してください（エラーの一覧は「エラー一覧」シート）。直したら、このファイルをそのまま返送してください。"
MAX_WIDTH = 40
MESSAGES_WIDTH = 60
LINE_HEIGHT = 15
_INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))

AUTHOR = "dx-task-inventory"
_STAMPS = re.compile(r"<dcterms:(created|modified)\b[^>]*>([^<]*)<")

__all__ = ["ERRORS_SHEET", "MESSAGES_HEADER", "is_untouched_error_workbook", "write_error_workbook"]


def write_error_workbook(
    path: Path,
    *,
    headers: Sequence[object],
    rows: Sequence[tuple[int, Sequence[object]]],
    errors: Sequence[RowError],
    sheet_name: str = SURVEY_SHEET,
    source_name: str = "",
    header_row: int | None = None,
    cover: Mapping[str, object] | None = None,
    errors_only: bool = False,
) -> Path:
    """Write the department's rows with the bad cells marked, its 表紙 and a list of all errors.

    Args:
        headers: the header row exactly as the department wrote it.
        rows: (Excel row number, raw cell values) for every data row of the file.
        errors: every RowError of the file; row None means the whole file (or its 表紙).
        header_row: the Excel row of the header (default: the row above the first data row).
        cover: 表紙 values by field (fiscal_year, division, department, respondent, answered_on).

    Written complete or not at all: the workbook is zipped into a hidden `.part` file
    beside `path` and renamed into place, so a crash mid-write never leaves a truncated
    workbook to be mailed back.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.part")
    top = header_row if header_row is not None else min((n for n, _ in rows), default=2) - 1
    try:
        wb = xlsxwriter.Workbook(
            str(partial), {"strings_to_formulas": False, "strings_to_urls": False, "remove_timezone": True}
        )
        title = f"エラー一覧 {source_name}".strip()
        # created = modified, a second in the past: any program that saves the file (the clerk's
        # fix) moves `modified` on, which is how an untouched one of ours is told apart.
        written = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(seconds=1)
        wb.set_properties({"title": title, "author": AUTHOR, "subject": "業務量調査", "created": written})
        formats = Formats(wb)
        name = _safe_sheet_name(sheet_name)
        shown = {number for number, _ in rows}
        unplaced = [e for e in errors if e.row is None or e.row not in shown]
        write_error_list(
            wb.add_worksheet(ERRORS_SHEET), formats, headers=headers, errors=errors, unplaced=unplaced,
            source_name=source_name, rows_sheet=name, fixable_here=bool(rows), in_original=errors_only,
        )  # fmt: skip
        if not errors_only:  # a file read through a layout is fixed in the original, not here
            write_cover(wb.add_worksheet(COVER_SHEET), formats, cover or {}, errors)
            _write_rows_sheet(wb.add_worksheet(name), formats, headers, rows, errors, max(top, 1) - 1)
        wb.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _safe_sheet_name(name: str) -> str:
    cleaned = name.translate(_INVALID_SHEET_CHARS).strip("'")[:31]
    return SURVEY_SHEET if not cleaned or cleaned in (ERRORS_SHEET, COVER_SHEET) else cleaned


def _header_index(headers: Sequence[object]) -> tuple[dict[str, int], dict[str, int]]:
    """Return header text → column index, exact and by matching key; first occurrence wins."""
    exact: dict[str, int] = {}
    keyed: dict[str, int] = {}
    for i, header in enumerate(headers):
        if header is None:
            continue
        exact.setdefault(str(header), i)
        keyed.setdefault(nfkc_key(str(header)), i)
    return exact, keyed


def _column_of(error: RowError, index: tuple[dict[str, int], dict[str, int]]) -> int | None:
    if error.column is None:
        return None
    exact, keyed = index
    found = exact.get(error.column)
    return found if found is not None else keyed.get(nfkc_key(error.column))


def _write_rows_sheet(
    ws: Any,
    formats: Formats,
    headers: Sequence[object],
    rows: Sequence[tuple[int, Sequence[object]]],
    errors: Sequence[RowError],
    header_at: int,
) -> None:
    """The task rows at their own Excel rows and columns, bad cells red, errors at the right."""
    index = _header_index(headers)
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        if error.row is not None:
            by_row[error.row].append(error)
    width = max([len(headers), *(len(values) for _, values in rows)])
    # A second round: the エラー内容 column of the first round is reused, not repeated.
    messages_col = next((i for i, h in enumerate(headers) if h == MESSAGES_HEADER), width)
    widths = [display_width(h) for h in headers] + [4] * (width - len(headers))

    if header_at > 0:
        ws.write_string(0, 0, ROWS_NOTE, formats.banner)
    for i, header in enumerate(headers):
        formats.text.write(ws, header_at, i, "" if header is None else str(header), formats.header)
    ws.write_string(header_at, messages_col, MESSAGES_HEADER, formats.header)

    last = header_at
    for number, values in rows:
        r = last = number - 1
        row_errors = by_row.get(number, [])
        bad_cols: dict[int, list[str]] = defaultdict(list)
        for error in row_errors:
            col = _column_of(error, index)
            if col is not None:
                bad_cols[col].append(error.message)
        for c in range(max(len(values), *(i + 1 for i in bad_cols), 0)):
            if c == messages_col:
                continue
            value = values[c] if c < len(values) else None
            write_value(ws, r, c, value, formats, bad=c in bad_cols)
            if c in bad_cols:
                ws.write_comment(r, c, "\n".join(bad_cols[c]), {"x_scale": 2, "y_scale": 1.5})
            if r <= 200 and c < len(widths):
                widths[c] = max(widths[c], display_width(value))
        if row_errors:
            text = "\n".join(describe(e) for e in row_errors)
            formats.text.write(ws, r, messages_col, text, formats.get(bad=True, wrap=True))
            ws.set_row(r, LINE_HEIGHT * text_lines(text, MESSAGES_WIDTH))  # Excel does not grow it

    for c, w in enumerate(widths):
        if c != messages_col:
            ws.set_column(c, c, min(max(w + 2, 6), MAX_WIDTH))
    ws.set_column(messages_col, messages_col, MESSAGES_WIDTH)
    ws.freeze_panes(header_at + 1, 0)
    ws.autofilter(header_at, 0, max(last, header_at + 1), messages_col)
    print_one_page_wide(ws, first_row=0, last_row=last, last_col=messages_col, header_row=header_at)


def is_untouched_error_workbook(path: Path) -> bool:
    """True for an error workbook exactly as we wrote it, not yet fixed and saved by anyone.

    Such a file is our own output lying in a folder, never a submission; once a clerk has
    fixed and saved it, it is their resubmission.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    stamps = dict(_STAMPS.findall(core))
    created, modified = stamps.get("created"), stamps.get("modified")
    return f"<dc:creator>{AUTHOR}</dc:creator>" in core and created is not None and created == modified
