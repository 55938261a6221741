"""What a survey file says it is for (課, 年度), read from its columns and 表紙 even when it has errors.

The 提出 page sends a file for one 課 and one 年度; a file written for another must be
refused as such, also when other errors keep it from being read as a survey. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from inventory.survey.cells import Cell, parse_text
from inventory.survey.dates import parse_fiscal_year
from inventory.survey.reader import RawTable
from inventory.survey.schema import COLUMNS_BY_FIELD, COVER_SHEET, HEADERS, nfkc_key

_PARSERS: dict[str, Callable[[object], Cell]] = {"department": parse_text, "fiscal_year": parse_fiscal_year}


class ReadFile(Protocol):
    """What any checked file keeps of its reading (a survey's ParseResult, a screening's ScreeningParse)."""

    @property
    def raw(self) -> RawTable: ...

    @property
    def headers(self) -> list[str]: ...

    @property
    def data_rows(self) -> list[tuple[int, list[object]]]: ...


@dataclass(frozen=True)
class Stated:
    """One value the file gives for 課 or 年度, and where: (sheet, Excel row or None for the 表紙)."""

    value: object
    raw: object
    sheet: str | None
    row: int | None
    column: str


def stated_values(result: ReadFile, fld: str) -> list[Stated]:
    """Every distinct readable value of `fld` ("department" or "fiscal_year"), first place it appears."""
    parse = _PARSERS[fld]
    found: dict[object, Stated] = {}
    position = next((i for i, h in enumerate(result.headers) if HEADERS.field_for(h) == fld), None)
    if position is not None:
        for number, row in result.data_rows:
            raw = row[position] if position < len(row) else None
            cell = parse(raw)
            if cell.problem is None and cell.value is not None:
                key = _key(cell.value)
                if key not in found:
                    found[key] = Stated(cell.value, raw, result.raw.sheet, number, result.headers[position])
    cover = result.raw.cover.get(fld)
    cell = parse(cover)
    if cell.problem is None and cell.value is not None and _key(cell.value) not in found:
        header = COLUMNS_BY_FIELD[fld].header
        found[_key(cell.value)] = Stated(cell.value, cover, COVER_SHEET, None, header)
    return list(found.values())


def _key(value: object) -> object:
    return nfkc_key(value) if isinstance(value, str) else value


def same_department(a: str, b: str) -> bool:
    """Two spellings of one 課 (full-width, spaces)."""
    return nfkc_key(a) == nfkc_key(b)
