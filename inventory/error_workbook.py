"""Write the error workbook a department gets back when its survey is rejected.

The first sheet is the department's own rows under its own headers, bad cells in red
and an エラー内容 column, so the clerk sees each problem where it is; the second sheet
lists every error, including those about the whole file. Cell text from the
department's file is always written as a string: a value such as
=HYPERLINK(...) must never come back to them as a live formula.
"""

from __future__ import annotations

import math
import os
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

from inventory.export import SafeText
from inventory.models import RowError
from inventory.schema import SURVEY_SHEET, nfkc_key

ERRORS_SHEET = "エラー一覧"
ROW_NUMBER_HEADER = "元の行番号"
MESSAGES_HEADER = "エラー内容"
ERROR_LIST_HEADERS = ("行", "列", "値", "内容", "コード")
BANNER = "赤いセルを修正し、元のファイルを修正して再提出してください。"
BAD_FILL = "#FFC7CE"
BAD_FONT = "#9C0006"
MAX_WIDTH = 40
_INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def write_error_workbook(
    path: Path,
    *,
    headers: Sequence[object],
    rows: Sequence[tuple[int, Sequence[object]]],
    errors: Sequence[RowError],
    sheet_name: str = SURVEY_SHEET,
    source_name: str = "",
) -> Path:
    """Write the department's rows with the bad cells marked, plus a list of all errors.

    Args:
        headers: the header row exactly as the department wrote it.
        rows: (Excel row number, raw cell values) for every data row of the file.
        errors: every RowError of the file; row None means the whole file.

    Written complete or not at all: the workbook is zipped into a hidden `.part` file
    beside `path` and renamed into place, so a crash mid-write never leaves a truncated
    workbook to be mailed back.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.part")
    try:
        wb = xlsxwriter.Workbook(
            str(partial), {"strings_to_formulas": False, "strings_to_urls": False, "remove_timezone": True}
        )
        title = f"エラー一覧 {source_name}".strip()
        wb.set_properties({"title": title, "author": "dx-task-inventory", "subject": "業務量調査"})
        formats = _Formats(wb)
        shown = {number for number, _ in rows}
        _write_rows_sheet(wb.add_worksheet(_safe_sheet_name(sheet_name)), formats, headers, rows, errors)
        unplaced = [e for e in errors if e.row is None or e.row not in shown]
        _write_error_list(wb.add_worksheet(ERRORS_SHEET), formats, headers, errors, unplaced, source_name)
        wb.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


class _Formats:
    """Cell formats, created once per (number format, bad) pair as needed."""

    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._cache: dict[tuple[str | None, bool, bool], Any] = {}
        self.text = SafeText(wb)  # the department's own values: never a live formula
        self.header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.banner = wb.add_format({"bold": True, "font_size": 14, "font_color": "#C00000"})
        self.bold = wb.add_format({"bold": True})

    def get(self, num_format: str | None = None, *, bad: bool = False, wrap: bool = False) -> Any:
        key = (num_format, bad, wrap)
        if key not in self._cache:
            props: dict[str, object] = {"valign": "top"}
            if num_format:
                props["num_format"] = num_format
            if bad:
                props.update(bg_color=BAD_FILL, font_color=BAD_FONT)
            if wrap:
                props["text_wrap"] = True
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


def _safe_sheet_name(name: str) -> str:
    cleaned = name.translate(_INVALID_SHEET_CHARS).strip("'")[:31]
    return SURVEY_SHEET if not cleaned or cleaned == ERRORS_SHEET else cleaned


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


def _describe(error: RowError) -> str:
    if error.column and error.column not in error.message:
        return f"{error.column}: {error.message}"
    return error.message


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    longest = max((ln for ln in text.splitlines()), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _number_format(value: object) -> str | None:
    if isinstance(value, datetime):
        return "yyyy/m/d h:mm" if value.time() != time(0) else "yyyy/m/d"
    if isinstance(value, date):
        return "yyyy/m/d"
    if isinstance(value, time):
        return "h:mm"
    if isinstance(value, timedelta):
        return "[h]:mm"
    return None


def _write_value(ws: Any, row: int, col: int, value: object, formats: _Formats, *, bad: bool) -> None:
    """Write one raw cell: numbers stay numbers, dates dates, everything else a literal string."""
    if value is None or value == "":
        ws.write_blank(row, col, None, formats.get(bad=bad))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, formats.get(bad=bad))
    elif isinstance(value, int | float) and math.isfinite(value):
        ws.write_number(row, col, value, formats.get(bad=bad))
    elif isinstance(value, date | time | timedelta) and not (isinstance(value, date) and value.year < 1900):
        ws.write_datetime(row, col, value, formats.get(_number_format(value), bad=bad))
    else:
        formats.text.write(ws, row, col, str(value), formats.get(bad=bad))


def _write_rows_sheet(
    ws: Any,
    formats: _Formats,
    headers: Sequence[object],
    rows: Sequence[tuple[int, Sequence[object]]],
    errors: Sequence[RowError],
) -> None:
    index = _header_index(headers)
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        if error.row is not None:
            by_row[error.row].append(error)
    width = max([len(headers), *(len(values) for _, values in rows)])
    messages_col = width + 1
    widths = [_display_width(ROW_NUMBER_HEADER)] + [_display_width(h) for h in headers]
    widths += [4] * (width + 1 - len(widths))

    ws.write_string(0, 0, ROW_NUMBER_HEADER, formats.header)
    for i, header in enumerate(headers, start=1):
        formats.text.write(ws, 0, i, "" if header is None else str(header), formats.header)
    ws.write_string(0, messages_col, MESSAGES_HEADER, formats.header)

    for r, (number, values) in enumerate(rows, start=1):
        row_errors = by_row.get(number, [])
        bad_cols: dict[int, list[str]] = defaultdict(list)
        for error in row_errors:
            col = _column_of(error, index)
            if col is not None:
                bad_cols[col].append(error.message)
        ws.write_number(r, 0, number, formats.get(bad=bool(row_errors)))
        for c in range(max(len(values), *(i + 1 for i in bad_cols), 0)):
            value = values[c] if c < len(values) else None
            _write_value(ws, r, c + 1, value, formats, bad=c in bad_cols)
            if c in bad_cols:
                ws.write_comment(r, c + 1, "\n".join(bad_cols[c]), {"x_scale": 2, "y_scale": 1.5})
            if r <= 200:
                widths[c + 1] = max(widths[c + 1], _display_width(value))
        if row_errors:
            text = "\n".join(_describe(e) for e in row_errors)
            formats.text.write(ws, r, messages_col, text, formats.get(bad=True, wrap=True))

    for c, w in enumerate(widths):
        ws.set_column(c, c, min(max(w + 2, 6), MAX_WIDTH))
    ws.set_column(messages_col, messages_col, 60)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(len(rows), 1), messages_col)


def _write_error_list(
    ws: Any,
    formats: _Formats,
    headers: Sequence[object],
    errors: Sequence[RowError],
    unplaced: Sequence[RowError],
    source_name: str,
) -> None:
    ws.write_string(0, 0, BANNER, formats.banner)
    bad_rows = {e.row for e in errors if e.row is not None}
    summary = f"エラー {len(errors)}件（{len(bad_rows)}行）"
    formats.text.write(ws, 1, 0, f"対象ファイル: {source_name}　{summary}" if source_name else summary)
    row = 2
    if unplaced:
        ws.write_string(row, 0, "ファイル全体または表に表示できない行のエラー:", formats.bold)
        for error in unplaced:
            row += 1
            where = "ファイル全体" if error.row is None else f"{error.row}行目"
            formats.text.write(ws, row, 0, f"・{where}: {_describe(error)}", formats.get(bad=True))
        row += 1
    row += 1
    for i, head in enumerate(ERROR_LIST_HEADERS):
        ws.write_string(row, i, head, formats.header)
    order = {str(h): i for i, h in reversed(list(enumerate(headers)))}
    ranked = sorted(
        errors, key=lambda e: (e.row is not None, e.row or 0, order.get(e.column or "", len(order)))
    )
    plain = formats.get(wrap=True)
    for r, error in enumerate(ranked, start=row + 1):
        if error.row is None:
            ws.write_string(r, 0, "ファイル全体", plain)
        else:
            ws.write_number(r, 0, error.row, plain)
        for c, text in enumerate((error.column, error.value, error.message, error.code), start=1):
            if text:
                formats.text.write(ws, r, c, text, plain)
    for c, w in enumerate((12, 20, 24, 70, 22)):
        ws.set_column(c, c, w)
    ws.freeze_panes(row + 1, 0)
    ws.autofilter(row, 0, row + max(len(ranked), 1), len(ERROR_LIST_HEADERS) - 1)
