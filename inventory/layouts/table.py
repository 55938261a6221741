"""Read a horizontal table through a layout: one task per row under the heading rows.

Rows whose mapped cells are all blank are skipped, and so are notes and totals: a row
whose task name matches `table.skip_names` (合計, 小計, ※…), or whose name is blank
while another cell does. Text cells merged down several rows (課, 分類) count in each.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from inventory.layouts.book import Book, Sheet, column_index, column_letter
from inventory.layouts.headings import column_headings, find_column
from inventory.layouts.model import PER_SURVEY_FIELDS, Layout, TableSpec
from inventory.layouts.records import Located, Reading, TaskRecord
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
    columns: dict[str, tuple[int, str]] = {}
    missing: list[tuple[str, str]] = []
    for name, (key, heading, letter) in _wanted(layout).items():
        if letter is not None:
            index = column_index(letter)
            shown = headings[index] if index < len(headings) and headings[index] else f"{letter}列"
            columns[name] = (index, shown)
            continue
        assert heading is not None  # the model's check: heading or column
        found = find_column(headings, heading)
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
    skip = [nfkc_key(p) for p in table.skip_names]
    start = (table.data_start_row or max(table.header_rows) + 1) - 1
    name_at = columns["name"][0]
    for row in range(start, len(sheet.rows)):
        values = {
            name: Located(
                sheet.shown(row, index) if name in _FILLED else sheet.value(row, index),
                sheet.name, row, index, heading or f"{column_letter(index)}列",
            )
            for name, (index, heading) in columns.items()
        }  # fmt: skip
        if all(v.raw is None or (isinstance(v.raw, str) and not v.raw.strip()) for v in values.values()):
            continue
        if _skipped(sheet, row, name_at, skip):
            continue
        reading.records.append(TaskRecord(sheet.name, row, values))


def _skipped(sheet: Sheet, row: int, name_at: int, patterns: list[str]) -> bool:
    """A notes or total row: its name matches, or its name is blank and another cell matches."""
    name = sheet.value(row, name_at)
    if name is not None and str(name).strip():
        return _matches(name, patterns)
    cells = sheet.rows[row] if row < len(sheet.rows) else []
    return any(isinstance(c, str) and c.strip() and _matches(c, patterns) for c in cells)


def _matches(value: object, patterns: list[str]) -> bool:
    key = nfkc_key(str(value))
    return any(fnmatchcase(key, p) for p in patterns)
