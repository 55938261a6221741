"""Tabular exports (CSV, xlsx) that are safe to open in Excel and print well.

Text that came from a user and starts with = + - @ or a tab/CR would run as a
formula in Excel (CSV injection, OWASP); it is written with a leading apostrophe
(CSV) or as a literal string with Excel's quote prefix (xlsx, `SafeText`, which every
xlsx writer of the project uses). Real numbers stay numbers.

Every xlsx writer also gives each sheet `set_print_layout` (A4, one page wide, headings
on every page, ページ n / m) and sizes rows of wrapped text with `fit_row` /
`wrapped_height`, since LibreOffice does not grow rows to fit.
"""

from __future__ import annotations

import csv
import io
import math
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded where a workbook is written: a read command or an ingest does not need it
    import xlsxwriter

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
A4 = 9  # xlsxwriter's paper code
PAGE_FOOTER = "&Cページ &P / &N"
FULL_WIDTH_UNITS = 1.85  # column-width units (digits) one full-width character takes
LINE_POINTS = 18.0  # one line of 11pt Japanese text (Excel's row height for 游ゴシック 11pt)
MAX_WIDTH = 40.0  # a column of a table export is at most this wide; longer text wraps
HEADER_WIDTH = 12.0  # a long heading wraps rather than widen a column of short values


def plain_value(value: Any) -> Any:
    """numpy/pandas scalars → plain Python; None, pandas.NA and NaN → None.

    pandas is not imported here (read-only commands start without it): a value can
    only be pandas.NA if pandas is already loaded.
    """
    pandas = sys.modules.get("pandas")
    if value is None or (pandas is not None and value is pandas.NA):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


_NATIVE = frozenset({str, int, bool, list, dict})


def plain_values(column: Any) -> list[Any]:
    """A whole column (Series, array or list) as plain_value gives each cell, at a fraction of its cost.

    `tolist()` turns a numeric column into Python numbers in one step; only cells of
    other types (numpy scalars in an object column, pandas.NA) go through plain_value.
    """
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    return [
        (None if math.isnan(v) else v) if type(v) is float else v if type(v) in _NATIVE else plain_value(v)
        for v in values
    ]


def formula_like(value: object) -> bool:
    """True for text Excel (or LibreOffice) would read as a formula if typed or imported."""
    return isinstance(value, str) and value.startswith(_FORMULA_PREFIXES)


def neutralise(value: object) -> object:
    """Return a value that Excel will never evaluate; numbers and bools pass through."""
    return "'" + value if formula_like(value) and isinstance(value, str) else value


# Attributes that tie an xlsxwriter Format to its slot in the workbook, not to its look.
_FORMAT_SLOT = frozenset({"xf_format_indices", "dxf_format_indices", "xf_index", "dxf_index", "_format_key"})


class SafeText:
    """Write text into xlsxwriter sheets so that Excel shows it but never evaluates it.

    A cell is already stored as a literal string (never a formula), but a user who
    opens such a cell and presses Enter would turn =HYPERLINK(...) into a live formula.
    Text that looks like a formula therefore also gets Excel's quote prefix (the
    apostrophe Excel itself adds to typed text), in a twin of the cell's format. The
    stored value is unchanged, so a template read back gives the same 業務名.
    """

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self._book = book
        self._twins: dict[int, Any] = {}

    def write(self, sheet: Any, row: int, col: int, text: str, fmt: Any = None) -> None:
        """Write one string cell, quote-prefixed when it looks like a formula."""
        sheet.write_string(row, col, text, self.quoted(fmt) if formula_like(text) else fmt)

    def quoted(self, fmt: Any = None) -> Any:
        """The quote-prefixed twin of a format (created once per format)."""
        key = id(fmt)
        if key not in self._twins:
            twin = self._book.add_format()
            for name, value in vars(fmt).items() if fmt is not None else ():
                if name not in _FORMAT_SLOT:
                    setattr(twin, name, value)
            twin.set_quote_prefix()
            self._twins[key] = twin
        return self._twins[key]


def _display(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value


def to_csv(rows: Iterable[Mapping[str, object]], headers: Sequence[str]) -> str:
    """CSV text with a header row; cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise(_display(row.get(h))) for h in headers])
    return buffer.getvalue()


def write_xlsx(
    path: Path,
    rows: Sequence[Mapping[str, object]],
    headers: Sequence[str],
    *,
    sheet: str,
    widths: Mapping[str, int] | None = None,
) -> Path:
    """A plain, readable table workbook: bold frozen header, autofilter, widths, printable.

    Columns are as wide as their content (up to MAX_WIDTH, unless `widths` says), longer
    text wraps in a row tall enough for it, fractions show at most two decimals.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    cells = [[_display(row.get(header)) for header in headers] for row in rows]
    column_widths = [
        (widths or {}).get(header) or _fit_width(header, [values[col] for values in cells])
        for col, header in enumerate(headers)
    ]
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    sheet_ = workbook.add_worksheet(sheet)
    text = SafeText(workbook)
    head = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    whole = workbook.add_format({"valign": "top"})
    fraction = workbook.add_format({"valign": "top", "num_format": "0.0#"})
    for col, header in enumerate(headers):
        sheet_.write_string(0, col, header, head)
        sheet_.set_column(col, col, column_widths[col])
    sheet_.set_row(0, wrapped_height(zip(headers, column_widths, strict=True)))
    for r, values in enumerate(cells, start=1):
        wrapped: list[tuple[str, float]] = []
        for col, value in enumerate(values):
            if isinstance(value, int | float):
                fmt = fraction if isinstance(value, float) and not value.is_integer() else whole
                sheet_.write_number(r, col, value, fmt)
            else:
                text.write(sheet_, r, col, str(value), wrap)
                wrapped.append((str(value), column_widths[col]))
        fit_row(sheet_, r, wrapped)
    sheet_.freeze_panes(1, 0)
    sheet_.autofilter(0, 0, max(len(rows), 1), max(len(headers) - 1, 0))
    set_print_layout(sheet_, last_row=len(rows), last_col=len(headers) - 1, header_rows=(0, 0))
    workbook.close()
    return path


def _fit_width(header: str, values: Sequence[object]) -> float:
    shown = (f"{v:.2f}" if isinstance(v, float) else str(v) for v in values)  # as "0.0#" shows it
    widest = max((display_width(text) for text in shown), default=0.0)
    return min(MAX_WIDTH, max(6.0, min(display_width(header) + 1, HEADER_WIDTH), widest + 2))


def page_setup(
    sheet: Any,
    *,
    landscape: bool = True,
    header_row: int | None = None,
    margins: tuple[float, float] = (0.4, 0.6),
) -> None:
    """A4, fitted to one page wide (any number of pages tall), `header_row` repeated on every page.

    The one page setup every xlsx writer of the project starts from; `margins` are
    (left and right, top and bottom) in inches.
    """
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    side, edge = margins
    sheet.set_margins(left=side, right=side, top=edge, bottom=edge)
    if header_row is not None:
        sheet.repeat_rows(header_row)


def set_print_layout(
    sheet: Any,
    *,
    last_row: int,
    last_col: int,
    header_rows: tuple[int, int] | None = None,
    first_row: int = 0,
    landscape: bool = True,
    gridlines: bool = True,
) -> None:
    """Print a table as a person reads it: `page_setup`, a print area, gridlines and page numbers.

    The print area holds what a person reads or fills in (rows first_row..last_row,
    columns 0..last_col), the footer reads 「ページ 1 / 3」. Tables print their gridlines,
    so the cells of a hand-filled page can be told apart.
    """
    page_setup(sheet, landscape=landscape)
    sheet.print_area(first_row, 0, max(last_row, first_row), max(last_col, 0))
    if header_rows is not None:
        sheet.repeat_rows(*header_rows)
    sheet.set_footer(PAGE_FOOTER)
    if gridlines:
        sheet.hide_gridlines(0)  # 0: shown on screen and printed


def text_lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide.

    A column width counts digits of the default font; a full-width (Japanese) character
    of 11pt 游ゴシック is about 1.85 digits wide in Excel (a little less in LibreOffice),
    and the cell padding takes most of one digit.
    """
    usable = max(width - 0.8, 2.0)
    return sum(max(1, math.ceil(display_width(paragraph) / usable)) for paragraph in text.split("\n"))


def display_width(text: str) -> float:
    """Width of one line of `text` in column-width units (digits of the default font)."""
    return sum(FULL_WIDTH_UNITS if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def fit_row(sheet: Any, row: int, texts: Iterable[tuple[str, float]]) -> None:
    """Make a row tall enough for its wrapped text; a row of one-line cells keeps its height.

    LibreOffice does not grow the rows of an xlsxwriter file to fit wrapped text, so the
    writer sets the height it needs.
    """
    height = wrapped_height(texts)
    if height > LINE_POINTS + 4:
        sheet.set_row(row, height)


def wrapped_height(texts: Iterable[tuple[str, float]], *, line_points: float = LINE_POINTS) -> float:
    """Row height (points) that shows every (text, column width) of a row wrapped in full."""
    lines = max((text_lines(text, width) for text, width in texts), default=1)
    return lines * line_points + 4
