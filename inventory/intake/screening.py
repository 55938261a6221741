"""Intake of one returned screening workbook (二次調査票): read, match, store in one transaction.

The answers complete the 課's current tasks as a new version of its submission. Any
error (a bad value, a row that finds no task) rejects the whole file: nothing is stored,
the rejection is recorded for the campaign, and the 課 gets the usual error workbook.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from inventory.db.engine import session_scope
from inventory.db.screening_repo import (
    current_submission,
    store_screening,
    submission_by_hash,
    task_refs,
)
from inventory.db.submission_repo import record_rejection
from inventory.era import era_label
from inventory.errors import RowError
from inventory.intake.survey import FileOutcome, error_workbook_path
from inventory.screening.fields import SCREENING_SHEET
from inventory.screening.matching import Where, match_rows
from inventory.screening.reader import ScreeningIn, ScreeningParse
from inventory.survey.error_workbook import write_error_workbook

KIND = "screening"


def _apply(*, session: Session, result: ScreeningParse, screening: ScreeningIn, actor: str) -> FileOutcome:
    """Match and store inside the caller's transaction; a rejected outcome has stored nothing."""
    outcome = FileOutcome(
        screening.file_name, "rejected", department=screening.department,
        fiscal_year=screening.fiscal_year, kind=KIND,
    )  # fmt: skip
    known = submission_by_hash(session=session, content_hash=screening.content_hash)
    if known is not None:
        outcome.status, outcome.submission_id = "unchanged", known.id
        return outcome
    previous = current_submission(
        session=session, department=screening.department, fiscal_year=screening.fiscal_year
    )
    if previous is None:
        message = (
            f"{screening.department}の{era_label(screening.fiscal_year)}の業務量調査票がまだ取り込まれていません。"
            "先に業務量調査票を取り込んでから、二次調査票を取り込んでください"
        )
        outcome.errors = [RowError(file=screening.file_name, code="no_survey", message=message)]
        return outcome
    where = Where(
        file=screening.file_name, sheet=screening.sheet, department=screening.department,
        fiscal_year=screening.fiscal_year, code_header=result.header_of("task_code"),
        name_header=result.header_of("name"),
    )  # fmt: skip
    matches = match_rows(screening.rows, task_refs(session=session, submission_id=previous.id), where)
    if matches.errors:
        outcome.errors = matches.errors
        return outcome
    answers = {matches.by_row[row.source_row]: row.answers for row in screening.rows}
    stored = store_screening(
        session=session, screening=screening, previous=previous, answers=answers, actor=actor
    )
    outcome.status, outcome.task_count = stored.status, stored.task_count
    outcome.submission_id, outcome.superseded_id = stored.submission_id, stored.superseded_id
    return outcome


def store_screening_parsed(*, engine: Engine, result: ScreeningParse, actor: str = "system") -> FileOutcome:
    """Apply an accepted screening (or record the rejection) in one transaction."""
    for attempt in range(3):
        try:
            with session_scope(engine) as session:
                return store_screening_result(session=session, result=result, actor=actor)
        except (IntegrityError, OperationalError):
            if attempt == 2:  # a concurrent intake of the same 課 or file; the retry sees its row
                raise
    raise AssertionError("unreachable")


def store_screening_result(
    *,
    session: Session,
    result: ScreeningParse,
    actor: str,
    department: str | None = None,
    fiscal_year: int | None = None,
) -> FileOutcome:
    """Apply an accepted screening, or record the rejection, inside the caller's transaction.

    `department` and `fiscal_year` name what the file was sent for (the web's 提出 page):
    a rejection is recorded against them rather than against what the file claims.
    """
    screening = result.screening
    if screening is None:
        outcome = FileOutcome(result.raw.file_name, "rejected", errors=result.errors, kind=KIND)
    else:
        outcome = _apply(session=session, result=result, screening=screening, actor=actor)
    if outcome.status == "rejected":
        result.errors = outcome.errors
        stated_year = screening.fiscal_year if screening else None
        record_rejection(
            session=session, file_name=result.raw.file_name, content_hash=result.raw.content_hash,
            error_count=len(outcome.errors), department=department or _cover_text(result, "department"),
            fiscal_year=fiscal_year if fiscal_year is not None else stated_year,
            codes=[e.code for e in outcome.errors], actor=actor, kind="screening",
        )  # fmt: skip
    return outcome


def _cover_text(result: ScreeningParse, field: str) -> str | None:
    if result.screening is not None:
        return result.screening.department
    value = result.raw.cover.get(field)
    return None if value is None else str(value).replace("\x00", "")[:200]


def store_screening_one(
    *, engine: Engine, source: Path, result: ScreeningParse, actor: str, errors_dir: Path | None
) -> FileOutcome:
    """Apply one parsed screening file, or record its rejection and write its error workbook."""
    outcome = store_screening_parsed(engine=engine, result=result, actor=actor)
    if outcome.status == "rejected":
        target = error_workbook_path(source, errors_dir)
        outcome.error_workbook = str(write_screening_errors(result, outcome.errors, target))
    return outcome


def write_screening_errors(result: ScreeningParse, errors: list[RowError], target: Path) -> Path:
    """The error workbook of a rejected screening file: its rows, the bad cells marked, every error."""
    return write_error_workbook(
        target,
        headers=result.headers,
        rows=result.data_rows,
        errors=errors,
        sheet_name=SCREENING_SHEET,
        source_name=result.raw.file_name,
        header_row=result.header_row,
        cover=result.resubmission_cover(),
    )
