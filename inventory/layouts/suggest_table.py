"""Find the heading rows of a one-task-a-row table and map its columns to task fields.

Every block of one to three rows near the top is tried as the heading: its rows are
joined per column (a merged heading reads in each cell it covers), each joined heading is
matched with the municipal vocabulary, and the block that names the task fields best wins.
Rows under the block that continue it (a units row, the lower half of a merged heading)
join it. Units come from the heading, else from the values (1時間44分 → 自動).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inventory.layouts.book import column_letter
from inventory.layouts.scan import Grid
from inventory.layouts.suggestion import FieldGuess, LeftOut
from inventory.layouts.vocabulary import DEFAULT_UNITS, TIME_FIELDS, HeadingMatch, match_heading

SEARCH_ROWS = 40  # headings sit under at most a title block and a few notes
SAMPLE_ROWS = 30
_WEIGHTS = {
    "name": 3.0,
    "annual_volume": 2.0,
    "minutes_per_case": 2.0,
    "annual_hours": 2.0,
    "hours_after": 1.0,
}
_VOLUME_FIELDS = ("annual_volume", "minutes_per_case", "annual_hours")
_TIME_TEXT = re.compile(r"\d\s*(時間|分|h|hr|min)", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    """The heading rows (0-based) of a table, the joined heading per column and what each names."""

    rows: tuple[int, ...]
    headings: dict[int, str]
    matches: dict[int, HeadingMatch]
    score: float

    @property
    def has_volume(self) -> bool:
        """Whether some column gives cases, minutes or hours."""
        return bool(set(assign(self.matches).values()) & set(_VOLUME_FIELDS))

    def column_of(self, field: str) -> int | None:
        """The column whose heading won `field`, if any."""
        return next((c for c, f in assign(self.matches).items() if f == field), None)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _strings(grid: Grid, row: int) -> int:
    return sum(isinstance(v, str) for v in grid.rows[row]) if row < len(grid.rows) else 0


def _numbers(grid: Grid, row: int) -> int:
    return sum(_is_number(v) for v in grid.rows[row]) if row < len(grid.rows) else 0


def joined_headings(grid: Grid, rows: tuple[int, ...]) -> dict[int, str]:
    """Column → its heading rows' texts joined top to bottom with a space, a merged text read once.

    The same join as the layout reader (`inventory.layouts.headings.column_headings`), so
    the heading written into the layout is the one the intake finds: 処理件数 年間.
    """
    headings: dict[int, str] = {}
    for col in range(grid.width):
        parts: list[str] = []
        for row in rows:
            value = grid.cell(row, col)
            text = "" if value is None else " ".join(str(value).split())
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        if parts:
            headings[col] = " ".join(parts)
    return headings


def assign(matches: dict[int, HeadingMatch]) -> dict[int, str]:
    """Column → field, one column per field: the surest match, then the stronger spelling, then the leftmost."""
    best: dict[str, int] = {}
    for col, match in sorted(matches.items()):
        if match.field is None:
            continue
        held = best.get(match.field)
        if held is None or (match.score, -match.rank) > (matches[held].score, -matches[held].rank):
            best[match.field] = col
    return {col: field for field, col in best.items()}


def _score(matches: dict[int, HeadingMatch]) -> float:
    if "name" not in assign(matches).values():
        return 0.0
    total = sum(_WEIGHTS.get(matches[c].field or "", 0.5) * matches[c].score / 100 for c in assign(matches))
    return total + 0.2 * sum(m.field is None for m in matches.values())


def _header(grid: Grid, rows: tuple[int, ...]) -> Header:
    headings = joined_headings(grid, rows)
    matches = {c: m for c, text in headings.items() if (m := match_heading(text)) is not None}
    return Header(rows, headings, matches, _score(matches))


def _continues(grid: Grid, row: int, above: int, name_col: int) -> bool:
    """Whether `row` continues the heading block that ends at `above` (units, lower half of a merge)."""
    if row >= len(grid.rows) or _numbers(grid, row) or not _strings(grid, row):
        return False
    name = grid.cell(row, name_col)
    return name is None or name == grid.cell(above, name_col)


def _extended(grid: Grid, header: Header) -> Header:
    while (name_col := header.column_of("name")) is not None and len(header.rows) < 4:
        below = header.rows[-1] + 1
        if not _continues(grid, below, header.rows[-1], name_col):
            break
        header = _header(grid, (*header.rows, below))
    return header


def _spans(grid: Grid, row: int, below: int) -> bool:
    """Whether `row` can sit above `below` in one heading block.

    It must cover most of the columns headed below it, or hold only group headings (a
    merged text over several columns); a 所属 | 税務課 line or a note above the table does not.
    """
    cols = [c for c in range(grid.width) if grid.cell(below, c) is not None]
    filled = [c for c in cols if grid.cell(row, c) is not None]
    if len(filled) * 10 >= len(cols) * 6:
        return True
    return bool(filled) and all(
        grid.cell(row, c) in (grid.cell(row, c - 1), grid.cell(row, c + 1)) for c in filled
    )


def find_header(grid: Grid) -> Header | None:
    """The heading block that names the task fields best, or None when no block names a task."""
    best: Header | None = None
    for top in range(min(len(grid.rows), SEARCH_ROWS)):
        if _numbers(grid, top) > 1 or not _strings(grid, top):
            continue
        for height in (1, 2, 3):
            rows = tuple(range(top, top + height))
            if any(_numbers(grid, r) or not _strings(grid, r) for r in rows[1:]):
                break
            if not all(_spans(grid, r, rows[-1]) for r in rows[:-1]):
                break
            header = _extended(grid, _header(grid, rows))
            if header.score > (best.score if best else 0.0):
                best = header
    return best


def data_rows(grid: Grid, header: Header) -> list[int]:
    """The rows under the headings that hold a task name (0-based), in order."""
    name_col = header.column_of("name")
    if name_col is None:
        return []
    start = header.rows[-1] + 1
    return [r for r in range(start, len(grid.rows)) if isinstance(grid.cell(r, name_col), str | int)]


def _unit(field: str, match: HeadingMatch, heading: str, samples: list[object]) -> tuple[str | None, str]:
    if field not in DEFAULT_UNITS:
        return None, ""
    if match.unit:
        return match.unit, "見出し"
    if field in ("annual_hours", "hours_after") and "時間" in match.spelling + heading:
        return "時間", "見出し"
    if field in TIME_FIELDS and any(isinstance(v, str) and _TIME_TEXT.search(v) for v in samples):
        return "自動", "値"
    return DEFAULT_UNITS[field], "既定" if field in TIME_FIELDS else ""


def _seasonal(field: str, samples: list[object]) -> bool:
    """繁忙期 over numbers is a seasonal volume, not the busy months."""
    return field == "peak_months" and sum(_is_number(v) for v in samples) > len(samples) / 2


def map_columns(grid: Grid, header: Header, rows: list[int]) -> tuple[list[FieldGuess], list[LeftOut]]:
    """The fields the table's columns give, and the headings it leaves out with the reason."""
    chosen = assign(header.matches)
    heading_row = header.rows[-1] + 1
    guesses: list[FieldGuess] = []
    left_out: list[LeftOut] = []
    for col, text in sorted(header.headings.items()):
        where = f"{grid.name} {column_letter(col)}{heading_row}".strip()
        match = header.matches.get(col)
        samples = [v for r in rows[:SAMPLE_ROWS] if (v := grid.cell(r, col)) is not None]
        field = chosen.get(col)
        if match is None:
            left_out.append(LeftOut(text, where, "対応する項目がありません"))
        elif field is None and match.field is None:
            left_out.append(LeftOut(text, where, match.reason))
        elif field is None:
            winner = header.headings[header.column_of(match.field or "") or 0]
            left_out.append(LeftOut(text, where, f"同じ項目に「{winner}」の列を使います"))
        elif _seasonal(field, samples):
            left_out.append(LeftOut(text, where, "時期別の値です（年間の列を使います）"))
        else:
            unit, unit_from = _unit(field, match, text, samples)
            guesses.append(
                FieldGuess(
                    field, text, grid.name, heading_row, column_letter(col), unit, unit_from, match.score
                )
            )
    return guesses, left_out
