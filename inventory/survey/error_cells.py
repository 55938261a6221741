"""Cell formats, value writing and print setup shared by the error workbook's sheets."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from inventory.errors import RowError
from inventory.export import SafeText, page_setup
from inventory.export import display_width as text_width

BAD_FILL = "#FFC7CE"
BAD_FONT = "#9C0006"


class Formats:
    """Cell formats of one workbook, created once per (number format, bad, wrap) as needed."""

    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._cache: dict[tuple[str | None, bool, bool, bool], Any] = {}
        self.text = SafeText(wb)  # the department's own values: never a live formula
        self.header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.banner = wb.add_format({"bold": True, "font_size": 14, "font_color": "#C00000"})
        self.bold = wb.add_format({"bold": True})

    def get(
        self, num_format: str | None = None, *, bad: bool = False, wrap: bool = False, centre: bool = False
    ) -> Any:
        key = (num_format, bad, wrap, centre)
        if key not in self._cache:
            props: dict[str, object] = {"valign": "top"}
            if num_format:
                props["num_format"] = num_format
            if bad:
                props.update(bg_color=BAD_FILL, font_color=BAD_FONT)
            if wrap:
                props["text_wrap"] = True
            if centre:
                props["align"] = "center"
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


def describe(error: RowError) -> str:
    """The error as a person reads it: the column, then what is wrong (never the code)."""
    if error.column and error.column not in error.message:
        return f"{error.column}: {error.message}"
    return error.message


def display_width(value: object) -> int:
    """Width of the longest line of a cell's value in Excel column units, rounded up."""
    text = "" if value is None else str(value)
    return math.ceil(max((text_width(line) for line in text.splitlines()), default=0.0))


def _number_format(value: object) -> str | None:
    if isinstance(value, datetime):
        return "yyyy/m/d h:mm" if value.time() != time(0) else "yyyy/m/d"
    if isinstance(value, date):
        return "yyyy/m/d"
    if isinstance(value, time):
        return "h:mm"
    if isinstance(value, timedelta):
        return "[h]:mm"
    return None


def write_value(ws: Any, row: int, col: int, value: object, formats: Formats, *, bad: bool) -> None:
    """Write one raw cell: numbers stay numbers, dates dates, everything else a literal string."""
    if value is None or value == "":
        ws.write_blank(row, col, None, formats.get(bad=bad))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, formats.get(bad=bad))
    elif isinstance(value, int | float) and math.isfinite(value):
        ws.write_number(row, col, value, formats.get(bad=bad))
    elif isinstance(value, date | time | timedelta) and not (isinstance(value, date) and value.year < 1900):
        ws.write_datetime(row, col, value, formats.get(_number_format(value), bad=bad))
    else:
        formats.text.write(ws, row, col, str(value), formats.get(bad=bad))


def print_one_page_wide(ws: Any, *, first_row: int, last_row: int, last_col: int, header_row: int) -> None:
    """A4 landscape, fitted to one page wide, the header row repeated on every page, centred."""
    page_setup(ws, header_row=header_row, margins=(0.4, 0.5))
    ws.print_area(first_row, 0, max(last_row, header_row), last_col)
    ws.center_horizontally()
