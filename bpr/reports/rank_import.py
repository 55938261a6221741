"""Read the decisions the DX team marked in a ranking workbook (判断 / 理由 columns)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bpr.reports.rank_workbook import (
    CANDIDATE_SHEET,
    DECISION_HEADER,
    ID_HEADER,
    REASON_HEADER,
    REVIEWER_HEADER,
)
from bpr.review.rule import review_problems
from inventory.errors import RowError, UnreadableFileError
from inventory.survey.cells import parse_text
from inventory.survey.reader import read_table_bytes


@dataclass(frozen=True)
class MarkedDecision:
    """One row of the sheet with a decision filled in."""

    row: int
    task_id: int
    decision: str
    reason: str
    reviewer: str | None


def _text_at(row: Sequence[object], at: int | None) -> str | None:
    """The cell's normalised text; a text too long to normalise comes back as typed, for the rule to judge."""
    if at is None or at >= len(row):
        return None
    cell = parse_text(row[at])
    if cell.problem is not None:
        return str(row[at]).strip()
    return None if cell.value is None else str(cell.value)


def read_marked_decisions(data: bytes, file_name: str) -> tuple[list[MarkedDecision], list[RowError]]:
    """Return every filled-in decision and every problem (all rows, one pass)."""
    errors: list[RowError] = []

    def error(
        code: str, message: str, row: int | None = None, column: str | None = None, value: object = None
    ) -> None:
        errors.append(
            RowError(
                file=file_name,
                sheet=CANDIDATE_SHEET,
                row=row,
                column=column,
                value=None if value is None else str(value),
                code=code,
                message=message,
            )
        )

    try:  # the shared opener: zip-bomb, sheet-extent and DOCTYPE checks before calamine sees it
        rows = read_table_bytes(data, file_name, pick_sheet=lambda _names: CANDIDATE_SHEET).rows
    except UnreadableFileError:
        error(
            "unreadable_file",
            f"「{CANDIDATE_SHEET}」シートのある順位表（dxi rank --format xlsx で作ったもの）を読み込めません",
        )
        return [], errors
    header_at = next((i for i, r in enumerate(rows[:20]) if ID_HEADER in r and DECISION_HEADER in r), None)
    if header_at is None:
        error("missing_column", f"見出し「{ID_HEADER}」「{DECISION_HEADER}」が見つかりません")
        return [], errors
    header = [str(c) for c in rows[header_at]]
    col = {
        name: header.index(name)
        for name in (ID_HEADER, DECISION_HEADER, REASON_HEADER, REVIEWER_HEADER)
        if name in header
    }
    marked: list[MarkedDecision] = []
    for index in range(header_at + 1, len(rows)):
        row, excel_row = rows[index], index + 1
        decision = _text_at(row, col.get(DECISION_HEADER))
        if decision is None:
            continue
        raw_id = row[col[ID_HEADER]]
        if not isinstance(raw_id, int | float) or not float(raw_id).is_integer():
            error(
                "bad_task_id",
                "業務IDが数値ではありません（列を書き換えないでください）",
                excel_row,
                ID_HEADER,
                raw_id,
            )
            continue
        reason = _text_at(row, col.get(REASON_HEADER))
        if problems := review_problems(decision, reason):
            for p in problems:
                at = (DECISION_HEADER, decision) if p.field == "decision" else (REASON_HEADER, reason or "")
                error(p.code, p.message, excel_row, *at)
            continue
        marked.append(
            MarkedDecision(
                excel_row, int(raw_id), decision, str(reason).strip(), _text_at(row, col.get(REVIEWER_HEADER))
            )
        )
    return marked, errors
