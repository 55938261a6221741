"""Every sheet of a workbook (or a CSV) as a plain grid of values, merged areas filled, for `suggest`.

The file is opened by the layout reader's opener (`inventory.layouts.book`), so a layout
suggestion refuses the same empty, encrypted, corrupt and zip-bomb files as the intake,
and sees a merged area as the clerk does: its top-left value in every cell it covers.
Row i of `Grid.rows` is Excel row i + 1, column j is column j + 1. Only the top `MAX_ROWS`
rows are kept: the headings, the first tasks and the 合計 of any real survey are there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inventory.errors import UnreadableFileError
from inventory.layouts.book import Sheet, read_book_bytes

MAX_MERGE = (200, 100)  # rows, columns: a merge over a whole column is not a heading
MAX_ROWS = 5000  # a layout shows in its top rows; a 100,000-row sheet is guessed from these


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
    book = read_book_bytes(data, file_name, choose=lambda names: names)
    return Book(file_name, book.file_format, [_grid(sheet) for sheet in book.sheets.values()])


def _blank(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _grid(sheet: Sheet) -> Grid:
    """The sheet's top rows, each merged area filled with its top-left value."""
    rows = [[_blank(v) for v in row] for row in sheet.rows[:MAX_ROWS]]
    for top, left, bottom, right in sheet.merged:
        if top >= MAX_ROWS:
            continue
        value = sheet.value(top, left)
        for r in range(top, min(bottom, top + MAX_MERGE[0], MAX_ROWS - 1) + 1):
            rows.extend([] for _ in range(r + 1 - len(rows)))
            row = rows[r]
            end = min(right, left + MAX_MERGE[1])
            row.extend([None] * (end + 1 - len(row)))
            for c in range(left, end + 1):
                row[c] = _blank(value)
    return Grid(sheet.name or "", rows)
