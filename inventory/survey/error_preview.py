"""The rows in error of a rejected file, as the 提出 page previews them: each cell as text, bad cells marked.

Columns are put in the order a clerk needs on a narrow screen: the row's 業務名, the
columns with an error (`lead` columns in all), then the rest of the row. Pure and
JSON-ready (plain dicts, lists and strings), so the preview is stored with the upload
and the result page shows the same thing whenever it is opened again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from inventory.errors import RowError
from inventory.survey.schema import HEADERS, nfkc_key

MAX_PREVIEW_ROWS = 50
MAX_CELL_CHARS = 120


def cell_text(value: object) -> str:
    """A cell the way a clerk reads it: 1200.0 → 1200, a date without its midnight, long text cut."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    text = "".join(c if c.isprintable() or c in "\n\t" else "�" for c in text)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _column_of(error: RowError, headers: Sequence[object]) -> int | None:
    """The position of the error's column: its header as written, else the same header spelled otherwise."""
    if error.column is None:
        return None
    texts = ["" if h is None else str(h) for h in headers]
    if error.column in texts:
        return texts.index(error.column)
    key = nfkc_key(error.column)
    return next((i for i, t in enumerate(texts) if t and nfkc_key(t) == key), None)


def _order(headers: Sequence[object], bad_columns: set[int], width: int) -> tuple[list[int], int]:
    """Column positions to show, and how many come before the error messages: 業務名, bad columns, the rest."""
    name = next((i for i, h in enumerate(headers) if HEADERS.field_for(h) == "name"), None)
    lead = ([name] if name is not None and name not in bad_columns else []) + sorted(bad_columns)
    rest = [i for i in range(width) if i not in lead]
    return lead + rest, len(lead)


def error_rows(
    headers: Sequence[object],
    rows: Sequence[tuple[int, Sequence[object]]],
    errors: Sequence[RowError],
    *,
    limit: int = MAX_PREVIEW_ROWS,
) -> dict[str, Any]:
    """Up to `limit` rows in error: headers, rows [{row, cells: [{text, bad, messages}]}], lead, more."""
    by_row: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for error in errors:
        col = _column_of(error, headers) if error.row is not None else None
        if error.row is not None and col is not None:
            by_row[error.row][col].append(error.message)
    picked = [(number, values) for number, values in rows if number in by_row][:limit]
    bad_columns = {c for number, _ in picked for c in by_row[number]}
    width = max([len(headers), *(c + 1 for c in bad_columns)])
    order, lead = _order(headers, bad_columns, width)
    shown = []
    for number, values in picked:
        bad = by_row[number]
        cells = [
            {
                "text": cell_text(values[c] if c < len(values) else None),
                "bad": c in bad,
                "messages": bad.get(c, []),
            }
            for c in order
        ]
        shown.append({"row": number, "cells": cells})
    return {
        "headers": [cell_text(headers[c]) if c < len(headers) else "" for c in order],
        "rows": shown,
        "lead": lead,
        "more": sum(1 for number, _ in rows if number in by_row) - len(shown),
    }
