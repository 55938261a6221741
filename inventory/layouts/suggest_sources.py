"""Guess where each task's 課 and 年度 come from, and which rows are totals or notes.

In the order a DX team would look: a column of the table; 【課名】 at the head of task
names; a labelled cell on a cover sheet or in the title block (所属 | 税務課); sheet names
(one sheet per 課); the file name (R6_…_税務課.xlsx); else a fixed value left to fill in.
"""

from __future__ import annotations

import re
from pathlib import Path

from inventory.layouts.book import cell_name
from inventory.layouts.scan import Book, Grid
from inventory.layouts.suggestion import Source
from inventory.layouts.vocabulary import (
    DEPARTMENT_LABELS,
    NOTE_PREFIXES,
    TOTAL_NAMES,
    YEAR_LABELS,
    heading_key,
)
from inventory.survey.dates import parse_fiscal_year

_YEAR_TOKEN = re.compile(
    r"(?<![A-Za-z])(?:令和|平成|R|H)\.?\s*(?:\d{1,2}|元)(?:年度|年)?|(?<!\d)20\d{2}(?!\d)(?:年度)?",
    re.IGNORECASE,
)
_BRACKETS = {"【": "】", "[": "]", "［": "］", "〔": "〕"}
_DEPT_IN_NAME = re.compile(r"^\s*([【\[［〔])([^】\]］〕]{1,20})[】\]］〕]")
_DEPT_WORD = r"[^\s_\-－・（）()【】\[\]0-9０-９]+?(?:課|室|局|センター)"
_LABEL_IN_CELL = re.compile(r"^(所属|所属名|課名|担当課|所管課)\s*[:：]\s*(\S.*)$")
DEFAULT_SKIP = ["合計", "小計", "計", "総計", "※*"]


def find_year(text: str) -> tuple[str, int] | None:
    """The first 年度 written in a text (R6, 令和6年度, 2024年度) and the Western year it names."""
    for m in _YEAR_TOKEN.finditer(text):
        year = parse_fiscal_year(m[0].replace(" ", "")).value
        if isinstance(year, int):
            return m[0], year
    return None


def _labelled(grid: Grid, rows: range, labels: frozenset[str]) -> tuple[int, int, object] | None:
    """The first cell labelled with one of `labels`, as (row, col, value) of the value to its right."""
    for r in rows:
        for c in range(grid.width):
            key = heading_key(grid.cell(r, c) or "").rstrip(":：")
            if key in labels:
                value = next(
                    (grid.cell(r, v) for v in range(c + 1, grid.width) if grid.cell(r, v) is not None), None
                )
                col = next((v for v in range(c + 1, grid.width) if grid.cell(r, v) is not None), c + 1)
                if value is not None:
                    return r, col, value
    return None


def _places(book: Book, first: Grid, above: int, sheets: list[Grid]) -> list[tuple[Grid, range]]:
    """Where file-wide labels sit: a 表紙 first, the rows above the table, then other sheets (目次 …)."""
    top = (first, range(min(above, len(first.rows))))
    others = sorted((g for g in book.sheets if g not in sheets), key=lambda g: g.name != "表紙")
    covers = [(g, range(min(len(g.rows), 40))) for g in others]
    return [*covers[:1], top, *covers[1:]]


def _column(heading: str, vertical: bool) -> Source:
    return Source("column", f"項目「{heading}」" if vertical else f"見出し「{heading}」の列", heading=heading)


def department_source(
    book: Book,
    first: Grid,
    *,
    heading: str | None,
    names: list[str],
    above: int,
    sheets: list[Grid],
    vertical: bool,
) -> Source:
    """Where each task's 課 comes from."""
    if heading:
        return _column(heading, vertical)
    if source := _from_names(names):
        return source
    for grid, rows in _places(book, first, above, sheets):
        if found := _labelled(grid, rows, DEPARTMENT_LABELS):
            r, c, value = found
            where = f"{grid.name} {cell_name(r, c)}".strip()
            return Source(
                "cell", f"{where} の「{value}」", sheet=grid.name, cell=cell_name(r, c), example=str(value)
            )
        if found_text := _label_in_one_cell(grid, rows):
            where, value = found_text
            return Source(
                "fixed",
                f"{where} の記載（ファイルごとに違うときは直してください）",
                value=value,
                example=value,
            )
    if sheets and len(sheets) > 1 and all(re.fullmatch(_DEPT_WORD, g.name) for g in sheets):
        return Source("sheet_name", "シート名（1シートに1課）", example=sheets[0].name)
    if m := re.search(_DEPT_WORD, Path(book.file_name).stem):
        pattern = f"(?P<課>{_DEPT_WORD})"
        return Source("file_name", f"ファイル名の「{m[0]}」", pattern=pattern, example=m[0])
    return Source("fixed", "見つかりません（value に課の名前を書いてください）", value="")


def _from_names(names: list[str]) -> Source | None:
    hits = [m for n in names if (m := _DEPT_IN_NAME.match(n))]
    if not names or len(hits) * 2 < len(names):
        return None
    opening = hits[0][1]
    closing = _BRACKETS[opening]
    pattern = f"{re.escape(opening)}(?P<課>[^{re.escape(closing)}]+){re.escape(closing)}"
    return Source("name_pattern", f"業務名の中の{opening}課名{closing}", pattern=pattern, example=hits[0][2])


def _label_in_one_cell(grid: Grid, rows: range) -> tuple[str, str] | None:
    for r in rows:
        for c in range(grid.width):
            value = grid.cell(r, c)
            if isinstance(value, str) and (m := _LABEL_IN_CELL.match(value.strip())):
                return f"{grid.name} {cell_name(r, c)}".strip(), m[2].strip()
    return None


def year_source(
    book: Book, first: Grid, *, heading: str | None, above: int, sheets: list[Grid], vertical: bool
) -> Source:
    """Where each task's 年度 comes from."""
    if heading:
        return _column(heading, vertical)
    for grid, rows in _places(book, first, above, sheets):
        if (found := _labelled(grid, rows, YEAR_LABELS)) and isinstance(
            year := parse_fiscal_year(found[2]).value, int
        ):
            r, c, value = found
            where = f"{grid.name} {cell_name(r, c)}".strip()
            return Source(
                "cell", f"{where} の「{value}」", sheet=grid.name, cell=cell_name(r, c), example=year
            )
    if found_year := find_year(Path(book.file_name).stem):
        return Source("file_name", f"ファイル名の「{found_year[0]}」", example=found_year[1])
    if sheets and (found_year := find_year(sheets[0].name)):
        return Source("sheet_name", f"シート名の「{found_year[0]}」", example=found_year[1])
    for grid, rows in _places(book, first, above, sheets):
        for r in rows:
            for c, value in enumerate(grid.rows[r]):
                if isinstance(value, str) and (found_year := find_year(value)):
                    where = f"{grid.name} {cell_name(r, c)}".strip()
                    note = f"{where} の「{value.strip()}」（毎年 value を直してください）"
                    return Source("fixed", note, value=found_year[1], example=found_year[1])
    return Source("fixed", "見つかりません（value に年度を書いてください）", value="")


def skip_names(names: list[str]) -> list[str]:
    """The task names that mark totals and notes: the defaults, plus the spellings this file uses."""
    skips = list(DEFAULT_SKIP)
    for name in names:
        text = name.strip()
        key = heading_key(text)  # 合　計 is 合計: the reader matches without spaces
        if key in TOTAL_NAMES and key not in skips:
            skips.append(key)
        prefix = next((p for p in NOTE_PREFIXES if text.startswith(p)), None)
        if prefix and f"{prefix}*" not in skips:
            skips.append(f"{prefix}*")
    return skips


def is_skipped(name: str) -> bool:
    """Whether a name is a total or a note by the default rules (for the sample shown to the user)."""
    text = name.strip()
    return heading_key(text) in TOTAL_NAMES or text.startswith(NOTE_PREFIXES)
