"""Read a workbook or CSV through a layout into located task records (no value is interpreted).

Sheets: those `sheets.include` names (every one must fit the layout), else every sheet
but those excluded and our own エラー一覧, where a sheet that shows none of the layout's
headings or labels (a cover, a table of contents) is left out. When no sheet fits, the
sheet that came closest says what is missing.
"""

from __future__ import annotations

import unicodedata
from fnmatch import fnmatchcase

from inventory.errors import RowError, UnreadableFileError
from inventory.layouts.book import Book, Sheet, read_book_bytes
from inventory.layouts.model import PER_SURVEY_FIELDS, Layout
from inventory.layouts.records import Reading
from inventory.layouts.sources import resolve_sources
from inventory.layouts.table import read_table
from inventory.layouts.vertical import read_vertical
from inventory.survey.schema import ERRORS_SHEET


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip()


def task_sheets(layout: Layout, names: list[str]) -> list[str]:
    """The sheets holding tasks, in workbook order."""
    include = [_key(p) for p in layout.sheets.include]
    exclude = [_key(p) for p in layout.sheets.exclude]
    chosen = []
    for name in names:
        key = _key(name)
        if include and not any(fnmatchcase(key, p) for p in include):
            continue
        if any(fnmatchcase(key, p) for p in exclude) or (not include and name == ERRORS_SHEET):
            continue
        chosen.append(name)
    return chosen


def _to_load(layout: Layout, names: list[str]) -> list[str]:
    """The task sheets, and the sheets a cell source reads (a cover) even when they hold no tasks."""
    sources = [getattr(layout, k) for k in PER_SURVEY_FIELDS]
    referenced = [s.sheet for s in sources if s is not None and s.source == "cell" and s.sheet in names]
    return list(dict.fromkeys([*task_sheets(layout, names), *(r for r in referenced if r)]))


def read_with_layout(data: bytes, file_name: str, layout: Layout) -> tuple[Book | None, Reading]:
    """Read a file's task records through a layout; an unreadable file is one problem."""
    reading = Reading()
    try:
        book = read_book_bytes(data, file_name, choose=lambda names: _to_load(layout, names))
    except UnreadableFileError as exc:
        reading.problems.append(RowError(file=file_name, code="unreadable_file", message=exc.message))
        return None, reading
    sheets = _sheets(book, layout, reading)
    strict = bool(layout.sheets.include) or book.file_format == "csv"
    for sheet in sheets:
        _read_sheet(book, sheet, layout, reading, strict=strict)
    if sheets and not reading.sheets_read and not reading.problems:
        _explain_best_miss(book, sheets, layout, reading)
    if reading.problems:
        return book, reading
    resolve_sources(book, layout, reading)
    if not reading.records and not reading.problems:
        shown = "、".join(reading.sheets_read)
        reading.problems.append(
            RowError(
                file=file_name, code="no_tasks", message=f"業務の行がありません（読んだシート: {shown}）"
            )
        )
    return book, reading


def _read_sheet(book: Book, sheet: Sheet, layout: Layout, reading: Reading, *, strict: bool) -> None:
    if layout.form == "table":
        read_table(book, sheet, layout, reading, strict=strict)
    else:
        read_vertical(book, sheet, layout, reading, strict=strict)


def _sheets(book: Book, layout: Layout, reading: Reading) -> list[Sheet]:
    """The task sheets loaded; an include pattern that names no sheet is reported."""
    if book.file_format == "csv":
        return [book.sheets[None]]
    names = task_sheets(layout, book.sheet_names)
    shown = "、".join(book.sheet_names)
    for pattern in layout.sheets.include:
        if not any(fnmatchcase(_key(n), _key(pattern)) for n in book.sheet_names):
            reading.mismatch(
                book,
                "sheets.include",
                f"「{pattern}」に当たるシートがありません（このブックのシート: {shown}）",
                None,
            )
    if not names and not reading.problems:
        reading.mismatch(book, "sheets", f"読むシートがありません（このブックのシート: {shown}）", None)
    return [book.sheets[n] for n in names]


def _explain_best_miss(book: Book, sheets: list[Sheet], layout: Layout, reading: Reading) -> None:
    """No sheet fits: report what the closest one lacks (fewest missing headings)."""
    tries = []
    for sheet in sheets:
        attempt = Reading()
        _read_sheet(book, sheet, layout, attempt, strict=True)
        tries.append(attempt.problems)
    best = min(tries, key=len)
    reading.problems.extend(best)
