"""What reading a file through a layout yields: task records of raw values, or problems.

A record keeps, for every field, the raw cell value and where it stands (sheet, row,
column, the heading or label as written), so every later message can name the cell.
The places of a table's columns are one dict shared by all the rows of a sheet (a
column's place is its column; the row is the record's own), so reading a row costs one
small dict of values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory.errors import RowError
from inventory.layouts.book import Book, cell_name

LAYOUT_MISMATCH = "layout_mismatch"  # the layout does not fit the file: a heading, label or sheet is missing


@dataclass(frozen=True)
class Located:
    """A raw value and the cell it came from (0-based row and column; None for no cell)."""

    raw: object
    sheet: str | None
    row: int | None
    column: int | None
    label: str  # the heading or label as written in the file, else what gave the value

    @property
    def cell(self) -> str | None:
        return None if self.row is None or self.column is None else cell_name(self.row, self.column)


@dataclass(frozen=True)
class Place:
    """Where a field's value stands; `row` None means the record's own row (a table column)."""

    sheet: str | None
    row: int | None
    column: int | None
    label: str
    no_cell: bool = False  # a value no cell holds: a fixed value, the file or sheet name


@dataclass
class TaskRecord:
    """One task as a layout reads it, before any value is interpreted."""

    sheet: str | None
    row: int  # 0-based: the table row, or (vertical form) the row of the task name
    raw: dict[str, object] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)  # may be shared by a sheet's records

    def at(self, name: str) -> Located:
        """The field's raw value with where it stands."""
        place = self.places[name]
        row = None if place.no_cell else self.row if place.row is None else place.row
        return Located(
            self.raw.get(name), place.sheet, row, None if place.no_cell else place.column, place.label
        )


@dataclass
class Reading:
    """The records of a file, or the problems that stop it (never stored half)."""

    records: list[TaskRecord] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    sheets_read: list[str] = field(default_factory=list)

    def mismatch(self, book: Book, key: str, message: str, sheet: str | None, row: int | None = None) -> None:
        """Record that layout key `key` does not fit the file (row: Excel row, if any)."""
        self.problems.append(
            RowError(
                file=book.file_name,
                sheet=sheet,
                row=row,
                code=LAYOUT_MISMATCH,
                message=f"様式の {key}: {message}",
            )  # fmt: skip
        )
