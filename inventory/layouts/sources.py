"""Where each task's 課, 年度 and 部 come from: a column, the sheet name, a cell, a pattern in
the task name (removed from the name), the file name, or a fixed value.

The values stay raw here (located, so a bad one is reported at its cell); the survey's
normalisers read them later like any other cell.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from inventory.layouts.book import Book, cell_position
from inventory.layouts.model import Layout, ValueSource
from inventory.layouts.records import Place, Reading, TaskRecord

GROUP_NAMES = {"department": "課", "fiscal_year": "年度", "division": "部"}
_YEAR_IN_TEXT = re.compile(
    r"(?:令和|平成|[RH])\s*(?:\d{1,2}|元)\s*年?度?|(?:FY)?20\d{2}\s*年?度?", re.IGNORECASE
)


def extract(pattern: str | None, text: str, key: str) -> re.Match[str] | None:
    """Search `text`; None when the pattern (default: the whole text) does not match."""
    if pattern is None:
        if key == "fiscal_year":
            return _YEAR_IN_TEXT.search(text)
        return re.fullmatch(r".+", text.strip())
    return re.search(pattern, text)


def matched_value(match: re.Match[str], key: str) -> str:
    """The named group 課 / 年度 / 部 if the pattern has one, else its first group, else all of it."""
    named = GROUP_NAMES[key]
    if named in match.groupdict():
        return match[named] or ""
    return (match[1] or "") if match.re.groups else match[0]


def resolve_sources(book: Book, layout: Layout, reading: Reading) -> None:
    """Put each record's raw 課, 年度 and 部 in its values, as the layout says where they are."""
    for key in ("department", "fiscal_year", "division"):
        spec: ValueSource | None = getattr(layout, key)
        if spec is None or spec.source == "column":
            continue  # from the intake options, or already read with the row
        if spec.source == "name_pattern":
            _from_names(key, spec, reading)
        elif spec.source == "sheet_name" or (spec.source == "cell" and spec.sheet is None):
            for record in reading.records:
                record.raw[key], record.places[key] = _per_sheet(book, key, spec, record)
        elif (found := _per_file(book, key, spec, reading)) is not None:
            for record in reading.records:
                record.raw[key], record.places[key] = found


Found = tuple[object, Place]


def _per_file(book: Book, key: str, spec: ValueSource, reading: Reading) -> Found | None:
    """A value that is the same for every task of the file; None (reported) when it is not there."""
    if spec.source == "fixed":
        return spec.value, Place(None, None, None, f"様式の {key}.value", no_cell=True)
    if spec.source == "file_name":
        stem = PurePath(book.file_name).stem
        match = extract(spec.pattern, stem, key)
        if match is None:
            what = f"「{spec.pattern}」に当たる部分" if spec.pattern else GROUP_NAMES[key]
            reading.mismatch(book, f"{key}.pattern", f"ファイル名「{stem}」に{what}がありません", None)
            return None
        return matched_value(match, key), Place(None, None, None, "ファイル名", no_cell=True)
    assert spec.sheet is not None and spec.cell is not None  # source = "cell" on a named sheet
    sheet = book.sheets.get(spec.sheet)
    if sheet is None:
        shown = "、".join(book.sheet_names) or "なし（CSV）"
        reading.mismatch(
            book, f"{key}.sheet", f"シート「{spec.sheet}」がありません（このブックのシート: {shown}）", None
        )
        return None
    row, column = cell_position(spec.cell)
    return sheet.shown(row, column), Place(sheet.name, row, column, f"{spec.sheet}!{spec.cell}")


def _per_sheet(book: Book, key: str, spec: ValueSource, record: TaskRecord) -> Found:
    """The sheet's name (or the part the pattern picks), or a cell of the task's own sheet."""
    if spec.source == "sheet_name":
        match = extract(spec.pattern, record.sheet or "", key)
        raw = None if match is None else matched_value(match, key)
        return raw, Place(record.sheet, None, None, "シート名", no_cell=True)
    assert spec.cell is not None
    row, column = cell_position(spec.cell)
    return book.sheets[record.sheet].shown(row, column), Place(record.sheet, row, column, spec.cell)


def _from_names(key: str, spec: ValueSource, reading: Reading) -> None:
    """Take the value out of each task name (【課税課】住民税賦課 → 課税課, 住民税賦課).

    A name without the pattern is left without the value: the intake reports it at its cell.
    """
    assert spec.pattern is not None
    pattern = re.compile(spec.pattern)
    for record in reading.records:
        raw = record.raw.get("name")
        text = "" if raw is None else str(raw)
        match = pattern.search(text)
        if match is None:
            continue
        record.raw[key] = matched_value(match, key)
        record.places[key] = record.places["name"]
        record.raw["name"] = (text[: match.start()] + text[match.end() :]).strip()
