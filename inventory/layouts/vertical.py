"""Read a vertical form through a layout: 項目名 | 記載内容 pairs, one task per sheet.

Each field's label is looked for on the sheet (in `vertical.label_column` when given);
its value is in `vertical.value_column`, else just right of the label (after the
label's merged cells). A field given as `cell = "C5"` is read from that cell.
"""

from __future__ import annotations

from inventory.layouts.book import Book, Sheet, cell_position, column_index
from inventory.layouts.headings import find_label, value_column
from inventory.layouts.model import PER_SURVEY_FIELDS, Layout
from inventory.layouts.records import Place, Reading, TaskRecord


def _wanted(layout: Layout) -> dict[str, tuple[str, str | None, str | None]]:
    """field → (layout key, label, cell) of everything the form reads per sheet."""
    wanted = {name: (f"fields.{name}", spec.label, spec.cell) for name, spec in layout.fields.items()}
    for name in PER_SURVEY_FIELDS:
        source = getattr(layout, name)
        if source is not None and source.source == "column":
            wanted[name] = (name, source.label, None)
    return wanted


def read_vertical(book: Book, sheet: Sheet, layout: Layout, reading: Reading, *, strict: bool) -> None:
    """Add the sheet's one task to `reading`; a sheet without the task-name label is left out
    silently unless `strict` (its name was listed in `sheets.include`)."""
    spec = layout.vertical
    label_at = column_index(spec.label_column) if spec and spec.label_column else None
    given_value = column_index(spec.value_column) if spec and spec.value_column else None
    raw: dict[str, object] = {}
    places: dict[str, Place] = {}
    missing: list[tuple[str, str]] = []
    for name, (key, label, ref) in _wanted(layout).items():
        if ref is not None:
            row, column = cell_position(ref)
            raw[name], places[name] = sheet.shown(row, column), Place(sheet.name, row, column, ref)
            continue
        assert label is not None  # the model's check: label or cell
        hit = find_label(sheet, label, label_at)
        if hit.index is None or hit.column is None:
            missing.append((f"{key}.label", hit.problem or ""))
            continue
        column = value_column(sheet, hit.index, hit.column, given_value)
        raw[name] = sheet.shown(hit.index, column)
        places[name] = Place(sheet.name, hit.index, column, label)
    if missing and not strict and "name" not in places:
        return  # a table of contents, a cover, an instructions sheet
    for key, problem in missing:
        reading.mismatch(book, key, problem, sheet.name)
    if missing:
        return
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
        return  # a blank copy of the form
    reading.sheets_read.append(sheet.name or "")
    reading.records.append(TaskRecord(sheet.name, places["name"].row or 0, raw, places))
