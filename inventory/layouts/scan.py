"""Every sheet of a workbook (or a CSV) as a grid of values, merged areas filled, for `suggest`.

The file is first opened by `inventory.survey.reader.read_table_bytes`, so a layout
suggestion refuses the same empty, encrypted, corrupt and zip-bomb files as the intake.
A merged area reads as its top-left value in every cell, which is how a person reads a
merged heading. Row i of `Grid.rows` is Excel row i + 1, column j is column j + 1.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from inventory.errors import UnreadableFileError
from inventory.survey.reader import read_table_bytes

MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Grid:
    """One sheet: its name ("" for a CSV) and its values from A1, blanks as None."""

    name: str
    rows: list[list[object]]

    def cell(self, row: int, col: int) -> object:
        """The value at 0-based (row, col), None outside the sheet or blank."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Book:
    """The sheets of one file, in workbook order."""

    file_name: str
    file_format: str
    sheets: list[Grid]


def read_book_file(path: Path) -> Book:
    """Read every sheet of a workbook or CSV on disk."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"{path.name}: ファイルを開けません（{exc.strerror}）") from exc
    return read_book(data, path.name)


def read_book(data: bytes, file_name: str) -> Book:
    """Read every sheet; refuses what the survey intake refuses, with the same Japanese reasons."""
    first = read_table_bytes(data, file_name, pick_sheet=lambda names: names[0])
    if first.file_format == "csv":
        return Book(file_name, "csv", [Grid("", [[_blank(v) for v in row] for row in first.rows])])
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [_grid(workbook.get_sheet_by_name(name)) for name in workbook.sheet_names]
    except Exception as exc:  # the intake's reader opened it; anything odd here is still a bad file
        raise UnreadableFileError(f"{file_name}: ブックを読み込めません（{type(exc).__name__}）") from exc
    return Book(file_name, first.file_format, sheets)


def _blank(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _grid(sheet: python_calamine.CalamineSheet) -> Grid:
    rows: list[list[object]] = []
    if sheet.height and sheet.width:
        rows = [[_blank(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    merged: list[MergedRange] = list(getattr(sheet, "merged_cell_ranges", None) or [])
    return Grid(sheet.name, _fill_merged(rows, merged))


def _fill_merged(rows: list[list[object]], merged: list[MergedRange]) -> list[list[object]]:
    """Copy each merged area's top-left value into all its cells."""
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]) or rows[top][left] is None:
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, top + 200) + 1):  # a whole-column merge is not a heading
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            row.extend([None] * (right + 1 - len(row)))
            for c in range(left, min(right, left + 100) + 1):
                row[c] = value
    return rows
