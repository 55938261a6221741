"""Open a workbook or CSV for a layout: several sheets, each with its merged-cell ranges.

The same opener as the default template (format sniffing, zip-bomb and DOCTYPE checks,
CSV decoding, calamine for values); calamine also gives the merged ranges, so merged
headings and a 課 cell merged down its tasks read as the clerk sees them.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import python_calamine

from inventory.errors import UnreadableFileError
from inventory.survey.reader import calamine_errors, content_hash, decode_csv, sniff_format

Span = tuple[int, int, int, int]  # first row, first column, last row, last column; 0-based, inclusive


@dataclass(frozen=True)
class Sheet:
    """One sheet's values (row i is Excel row i + 1) and its merged ranges."""

    name: str | None  # None for a CSV
    rows: list[list[object]]
    merged: tuple[Span, ...] = ()
    _by_column: dict[int, tuple[list[int], list[Span]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        spans: dict[int, list[Span]] = defaultdict(list)
        for span in self.merged:
            for column in range(span[1], min(span[3], span[1] + 1000) + 1):
                spans[column].append(span)
        for column, found in spans.items():
            found.sort()
            self._by_column[column] = ([s[0] for s in found], found)

    def value(self, row: int, column: int) -> object:
        """The raw value at a 0-based position; None outside the sheet or for a blank."""
        if 0 <= row < len(self.rows) and 0 <= column < len(self.rows[row]):
            value = self.rows[row][column]
            return None if value == "" else value
        return None

    def span_at(self, row: int, column: int) -> Span | None:
        """The merged range holding a position, if any."""
        index = self._by_column.get(column)
        if index is None:
            return None
        starts, spans = index
        at = bisect.bisect_right(starts, row) - 1  # merged ranges never overlap: one candidate
        return spans[at] if at >= 0 and row <= spans[at][2] else None

    def shown(self, row: int, column: int) -> object:
        """The value the clerk sees at a position: a merged range shows its top-left value."""
        span = self.span_at(row, column)
        return self.value(span[0], span[1]) if span else self.value(row, column)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Book:
    """The sheets of one file a layout reads, by name, in workbook order."""

    file_name: str
    file_format: str
    content_hash: str
    sheet_names: list[str]
    sheets: dict[str | None, Sheet]


SheetChooser = Callable[[list[str]], list[str]]
"""Choose the sheets to load from a workbook's sheet names."""


def read_book_bytes(data: bytes, file_name: str, *, choose: SheetChooser) -> Book:
    """Open xlsx/xlsm/xls/CSV bytes; load the sheets `choose` names. Raises UnreadableFileError."""
    digest = content_hash(data)
    file_format = sniff_format(data, file_name)
    if file_format == "csv":
        text = decode_csv(data, file_name)
        try:
            rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise UnreadableFileError(f"{file_name}: CSVとして読み込めません（{exc}）") from exc
        return Book(file_name, "csv", digest, [], {None: Sheet(None, rows)})
    with calamine_errors(file_name):
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        if not names:
            raise UnreadableFileError(f"{file_name}: シートがありません")
        sheets: dict[str | None, Sheet] = {}
        for name in choose(names):
            found = workbook.get_sheet_by_name(name)
            spans = tuple((a[0], a[1], b[0], b[1]) for a, b in found.merged_cell_ranges or [])
            sheets[name] = Sheet(name, _rows(found), spans)
    return Book(file_name, file_format, digest, names, sheets)


def _rows(sheet: python_calamine.CalamineSheet) -> list[list[object]]:
    """A sheet's rows from A1 (as `inventory.survey.reader.sheet_rows`, on a sheet already open)."""
    if not sheet.height or not sheet.width:
        return []  # calamine panics on a 0-wide range
    return [list(r) for r in sheet.to_python(skip_empty_area=False)]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, AA → 26."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number - 1


def cell_name(row: int, column: int) -> str:
    """0-based position → the Excel cell name, e.g. (6, 4) → E7."""
    return f"{column_letter(column)}{row + 1}"


def cell_position(ref: str) -> tuple[int, int]:
    """ "C5" → (4, 2): 0-based row and column of a cell name."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters) :]) - 1, column_index(letters)
