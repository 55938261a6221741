"""Read a horizontal table through a layout: one task per row under the heading rows.

Rows whose mapped cells are all blank are skipped, and so are notes and totals: a row
whose task name matches `table.skip_names` (合計, 小計, ※…), or whose name is blank
while another cell does. Text cells merged down several rows (課, 分類) count in each.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable

from inventory.layouts.book import Book, Sheet, column_index
from inventory.layouts.headings import Headings, column_headings, find_column
from inventory.layouts.model import PER_SURVEY_FIELDS, Layout, TableSpec
from inventory.layouts.records import Place, Reading, TaskRecord
from inventory.survey.schema import nfkc_key

# Text fields a merged cell may cover for several tasks; a merged number is never copied.
_FILLED = frozenset({*PER_SURVEY_FIELDS, "section", "category_1", "category_2", "category_3"})


def _wanted(layout: Layout) -> dict[str, tuple[str, str | None, str | None]]:
    """field → (layout key, heading, column letter) of every column the layout reads."""
    wanted = {name: (f"fields.{name}", spec.heading, spec.column) for name, spec in layout.fields.items()}
    for name in PER_SURVEY_FIELDS:
        source = getattr(layout, name)
        if source is not None and source.source == "column":
            wanted[name] = (name, source.heading, source.column)
    return wanted


def _columns(
    book: Book, sheet: Sheet, layout: Layout, table: TableSpec, reading: Reading, strict: bool
) -> dict[str, tuple[int, str]] | None:
    """field → (column, heading as written); None when the sheet does not fit (reported if strict)."""
    headings = column_headings(sheet, table.header_rows)
    keyed = Headings.of(headings)
    columns: dict[str, tuple[int, str]] = {}
    missing: list[tuple[str, str]] = []
    for name, (key, heading, letter) in _wanted(layout).items():
        if letter is not None:
            index = column_index(letter)
            shown = headings[index] if index < len(headings) and headings[index] else f"{letter}列"
            columns[name] = (index, shown)
            continue
        assert heading is not None  # the model's check: heading or column
        found = find_column(keyed, heading)
        if found.index is None:
            missing.append((f"{key}.heading", found.problem or ""))
        else:
            columns[name] = (found.index, headings[found.index])
    if missing and (strict or any(n in columns for n in layout.fields if layout.fields[n].heading)):
        rows = "・".join(str(r) for r in table.header_rows)
        for key, problem in missing:
            reading.mismatch(
                book, key, f"{problem}（見出しの行: {rows}行目）", sheet.name, table.header_rows[0]
            )
        return None
    return None if missing else columns


def read_table(book: Book, sheet: Sheet, layout: Layout, reading: Reading, *, strict: bool) -> None:
    """Add the sheet's task rows to `reading`; a sheet that does not fit is reported when strict.

    Not strict (no `sheets.include`): a sheet where none of the headings is found (a cover,
    a table of contents) is left out silently.
    """
    table = layout.table
    assert table is not None  # form = "table" requires it
    columns = _columns(book, sheet, layout, table, reading, strict)
    if columns is None:
        return
    reading.sheets_read.append(sheet.name or "")
    skip = _skipper(table.skip_names)
    start = (table.data_start_row or max(table.header_rows) + 1) - 1
    name_at = columns["name"][0]
    places = {name: Place(sheet.name, None, index, heading) for name, (index, heading) in columns.items()}
    plain = [(name, index) for name, (index, _) in columns.items() if not (sheet.merged and name in _FILLED)]
    filled = [(name, index) for name, (index, _) in columns.items() if sheet.merged and name in _FILLED]
    for row in range(start, len(sheet.rows)):
        cells = sheet.rows[row]
        width = len(cells)
        raw = {name: (cells[i] if i < width and cells[i] != "" else None) for name, i in plain}
        raw.update((name, sheet.shown(row, i)) for name, i in filled)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        if _skipped(sheet, row, name_at, skip):
            continue
        reading.records.append(TaskRecord(sheet.name, row, raw, places))


def _skipped(sheet: Sheet, row: int, name_at: int, skip: Callable[[object], bool]) -> bool:
    """A notes or total row: its name matches, or its name is blank and another cell matches."""
    name = sheet.value(row, name_at)
    if name is not None and str(name).strip():
        return skip(name)
    cells = sheet.rows[row] if row < len(sheet.rows) else []
    return any(isinstance(c, str) and c.strip() and skip(c) for c in cells)


def _skipper(patterns: list[str]) -> Callable[[object], bool]:
    """Whether a name matches a skip pattern (合計, ※*), each distinct name worked out once."""
    matcher = re.compile("|".join(fnmatch.translate(nfkc_key(p)) for p in patterns)) if patterns else None
    cache: dict[str, bool] = {}

    def skip(value: object) -> bool:
        text = str(value)
        found = cache.get(text)
        if found is None:
            found = cache[text] = matcher is not None and matcher.match(nfkc_key(text)) is not None
        return found

    return skip
