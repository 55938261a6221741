"""Find a survey table's header row, its columns and its data rows."""

from __future__ import annotations

from collections.abc import Sequence

from inventory.survey.row_errors import ErrorSink, cell_text, is_empty
from inventory.survey.schema import HEADERS, REQUIRED_HEADER_FIELDS, TOTAL_ROW_NAMES, nfkc_key
from inventory.survey.volume import missing_required

_TOTAL_KEYS = frozenset(nfkc_key(n) for n in TOTAL_ROW_NAMES)


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int | None, list[str]]:
    """Return (row index, missing required fields) of the header row.

    The header is the first row naming every required field (年間時間 may stand in for
    年間件数 and 処理時間); when none does, the row naming the most fields is taken to
    report what is missing.
    """
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[:200]):
        fields = {HEADERS.field_for(cell) for cell in row if isinstance(cell, str)}
        if not missing_required({f for f in fields if f is not None}):
            return index, []
        score = len(fields - {None})
        if score and (best is None or score > best[1]):
            best = (index, score)
    if best is None:
        return None, list(REQUIRED_HEADER_FIELDS)
    row_fields = {HEADERS.field_for(cell) for cell in rows[best[0]] if isinstance(cell, str)}
    return best[0], missing_required({f for f in row_fields if f is not None})


def map_columns(
    header_cells: Sequence[object], header_row: int, sink: ErrorSink
) -> tuple[list[str], dict[str, int]]:
    """Return the header texts and field → position; a second column of one field is an error."""
    headers = [cell_text(c) for c in header_cells]
    columns: dict[str, int] = {}
    for position, cell in enumerate(header_cells):
        fld = HEADERS.field_for(cell) if isinstance(cell, str) else None
        if fld is None:
            continue
        if fld in columns:
            first = headers[columns[fld]]
            sink.add(
                "duplicate_column",
                f"列「{headers[position]}」は「{first}」と同じ項目です（どちらか一方にしてください）",
                row=header_row,
                column=headers[position],
            )
            continue
        columns[fld] = position
    return headers, columns


def data_rows(
    rows: Sequence[list[object]], header_index: int, name_at: int
) -> list[tuple[int, list[object]]]:
    """Return (Excel row number, cells) of each task row below the header: no blank or 合計 rows."""
    found: list[tuple[int, list[object]]] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if all(is_empty(c) for c in row):
            continue
        name_key = nfkc_key(cell_text(row[name_at])) if name_at < len(row) else ""
        if name_key in _TOTAL_KEYS or (
            not name_key and any(isinstance(c, str) and nfkc_key(c) in _TOTAL_KEYS for c in row)
        ):
            continue
        found.append((index + 1, row))
    return found
