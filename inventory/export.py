"""Tabular exports (CSV, xlsx) that are safe to open in Excel.

Text that came from a user and starts with = + - @ or a tab/CR would run as a
formula in Excel (CSV injection, OWASP); it is written with a leading apostrophe
(CSV) or as a literal string with Excel's quote prefix (xlsx, `SafeText`, which every
xlsx writer of the project uses). Real numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
    """A plain, readable table workbook: bold frozen header, autofilter, widths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    sheet_ = workbook.add_worksheet(sheet)
    text = SafeText(workbook)
    head = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    for col, header in enumerate(headers):
        sheet_.write_string(0, col, header, head)
        sheet_.set_column(col, col, (widths or {}).get(header, max(10, min(40, len(header) * 2 + 2))))
    for r, row in enumerate(rows, start=1):
        for col, header in enumerate(headers):
            value = _display(row.get(header))
            if isinstance(value, int | float):
                sheet_.write_number(r, col, value)
            else:
                text.write(sheet_, r, col, str(value))
    sheet_.freeze_panes(1, 0)
    sheet_.autofilter(0, 0, max(len(rows), 1), max(len(headers) - 1, 0))
    workbook.close()
    return path
