"""Intake of one survey file: read, validate, store in one transaction, or reject whole.

The flow in `flows/survey_intake.py` calls these per workbook; tests and the benchmark call
them directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from inventory.db.engine import session_scope
from inventory.db.submission_repo import StoreOutcome, record_rejection, store_survey
from inventory.errors import RowError, UnreadableFileError
from inventory.layouts.model import Layout
from inventory.layouts.store import resolve_layout
from inventory.settings import get_settings
from inventory.survey.cells import parse_text
from inventory.survey.error_workbook import is_untouched_error_workbook, write_error_workbook
from inventory.survey.models import SurveyIn
from inventory.survey.per_survey import IntakeOptions
from inventory.survey.reader import RawTable, content_hash, read_survey_bytes
from inventory.survey.validate import ParseResult, validate_table

ERROR_SUFFIX = "_エラー"  # 税務課.xlsx → 税務課_エラー.xlsx
OutcomeStatus = Literal["accepted", "resubmitted", "unchanged", "rejected"]
STATUS_LABELS: dict[str, str] = {
    "accepted": "受理",
    "resubmitted": "再提出（前回分を置換）",
    "unchanged": "変更なし（同一ファイル）",
    "rejected": "差し戻し",
}


@dataclass
class FileOutcome:
    """The result of one file's intake, as the CLI and the flow artifact report it."""

    file: str
    status: OutcomeStatus
    department: str | None = None
    fiscal_year: int | None = None
    task_count: int = 0
    warning_count: int = 0
    submission_id: int | None = None
    superseded_id: int | None = None
    errors: list[RowError] = field(default_factory=list)
    error_workbook: str | None = None
    warnings: list[RowError] = field(default_factory=list)
    kind: str = "survey"  # survey: 業務量調査票 | screening: 二次調査票


def unreadable(file_name: str, message: str, data: bytes = b"") -> ParseResult:
    """A ParseResult that rejects the whole file with one file-level error."""
    raw = RawTable(file_name, Path(file_name).suffix.lstrip(".").lower(), content_hash(data), None, [])
    return ParseResult(raw, None, [RowError(file=file_name, code="unreadable_file", message=message)])


def read_with_retries(path: Path, *, attempts: int = 3, delay: float = 0.5) -> bytes:
    """Read a file, retrying transient errors (a file still being copied, a locked share).

    A missing file or a folder is not transient: it fails at once.
    """
    for attempt in range(1, attempts + 1):
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise
        except OSError:
            if attempt == attempts:
                raise
            time.sleep(delay * attempt)
    raise AssertionError("unreachable")


def parse_bytes(
    data: bytes, file_name: str, options: IntakeOptions | None = None, layout: Layout | None = None
) -> ParseResult:
    """Read and validate a file's bytes; an unreadable file becomes a file-level error.

    With a layout (given, or named by `options.layout`), the file is read through it,
    unless it is a workbook we wrote (the product's own template always takes the default
    path). A layout named in the options that cannot be read raises LayoutError.
    """
    if layout is None and options is not None and options.layout:
        layout = resolve_layout(options.layout, home=get_settings().home)
    if layout is not None:
        from inventory.intake.layout import (  # the layout readers, when used
            is_own_template,
            parse_with_layout,
        )

        if not is_own_template(data):
            return parse_with_layout(data, file_name, layout, options)
    try:
        raw = read_survey_bytes(data, file_name)
    except UnreadableFileError as exc:
        return unreadable(file_name, exc.message, data)
    return validate_table(raw, options)


def store_parsed(*, engine: Engine, result: ParseResult, actor: str = "system") -> FileOutcome:
    """Store an accepted survey (or record the rejection) in one transaction."""
    for attempt in range(3):
        try:
            with session_scope(engine) as session:
                return store_result(session=session, result=result, actor=actor)
        except (IntegrityError, OperationalError):
            # A concurrent intake created the same 課 or file first; the retry sees its row.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def store_result(
    *,
    session: Session,
    result: ParseResult,
    actor: str,
    department: str | None = None,
    fiscal_year: int | None = None,
) -> FileOutcome:
    """Store an accepted survey, or record the rejection, inside the caller's transaction.

    Every (課, 年度) of a file read through a layout is stored, or none. `department` and
    `fiscal_year` name what the file was sent for (the web's 提出 page knows them): a
    rejection is then recorded against them, not against whatever its 表紙 claims, so a
    課 cannot mark another 課's survey as rejected.
    """
    if result.survey is None:
        record_rejection(
            session=session,
            file_name=result.raw.file_name,
            content_hash=result.raw.content_hash,
            error_count=len(result.errors),
            department=department or _label(result.raw.cover.get("department")),
            fiscal_year=fiscal_year,
            codes=[e.code for e in result.errors],
            actor=actor,
        )
        return FileOutcome(
            result.raw.file_name, "rejected", department=department, fiscal_year=fiscal_year,
            errors=result.errors,
        )  # fmt: skip
    surveys = [result.survey, *result.others]
    stored = [store_survey(session=session, survey=s, actor=actor) for s in surveys]
    return _outcome(result, surveys, stored)


def _outcome(result: ParseResult, surveys: list[SurveyIn], stored: list[StoreOutcome]) -> FileOutcome:
    """One line per file: a file with several 課 names them all and adds up their tasks."""
    statuses = {s.status for s in stored}
    status: OutcomeStatus = (
        "unchanged"
        if statuses == {"unchanged"}
        else "resubmitted"
        if "resubmitted" in statuses
        else "accepted"
    )
    return FileOutcome(
        file=surveys[0].file_name,
        status=status,
        department="、".join(dict.fromkeys(s.department for s in surveys)),
        fiscal_year=surveys[0].fiscal_year,
        task_count=sum(s.task_count for s in stored),
        warning_count=len(result.warnings),
        warnings=result.warnings,
        submission_id=stored[0].submission_id,
        superseded_id=next((s.superseded_id for s in stored if s.superseded_id is not None), None),
    )


def _label(value: object) -> str | None:
    """A cover value fit for the audit trail: cleaned (PostgreSQL refuses NUL) and short."""
    text = parse_text(value).value if value is not None else None
    return None if text is None else str(text)[:200]


def error_workbook_path(source: Path, errors_dir: Path | None) -> Path:
    """Where a rejected file's error workbook goes: beside it, or in errors_dir.

    An earlier error workbook of ours is replaced; one a clerk has fixed and saved (their
    resubmission, perhaps waiting in the same folder) never is: the next free name is used.
    """
    folder = errors_dir or source.parent
    target = folder / f"{source.stem}{ERROR_SUFFIX}.xlsx"
    number = 1
    while target.exists() and not is_untouched_error_workbook(target):
        number += 1
        target = folder / f"{source.stem}{ERROR_SUFFIX}_{number}.xlsx"
    return target


def write_errors(result: ParseResult, target: Path) -> Path:
    """Write the error workbook the department gets back (complete or not at all)."""
    return write_error_workbook(
        target,
        headers=result.headers,
        rows=result.data_rows,
        errors=result.errors,
        sheet_name=result.raw.sheet or "業務一覧",
        source_name=result.raw.file_name,
        header_row=result.header_row,
        cover=result.resubmission_cover(),
        errors_only=result.layout is not None,
    )


def ingest_file(
    *,
    engine: Engine,
    path: Path,
    options: IntakeOptions | None = None,
    errors_dir: Path | None = None,
    actor: str = "system",
    layout: Layout | None = None,
) -> FileOutcome:
    """Ingest one file end to end (through `layout` if given); a rejected file gets its error workbook."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        error = RowError(
            file=path.name, code="unreadable_file", message=f"ファイルを開けません（{exc.strerror}）"
        )
        return FileOutcome(path.name, "rejected", errors=[error])
    return store_one(
        engine=engine,
        source=path,
        result=parse_bytes(data, path.name, options, layout),
        actor=actor,
        errors_dir=errors_dir,
    )


def store_one(
    *, engine: Engine, source: Path, result: ParseResult, actor: str, errors_dir: Path | None
) -> FileOutcome:
    """Store one parsed file, or record its rejection and write its error workbook."""
    outcome = store_parsed(engine=engine, result=result, actor=actor)
    if outcome.status == "rejected":
        target = error_workbook_path(source, errors_dir)
        try:
            written = write_errors(result, target)
        except PermissionError:  # the last one is open in Excel, which locks it on Windows
            written = write_errors(result, next_free_name(target))
        outcome.error_workbook = str(written)
    return outcome


def next_free_name(path: Path) -> Path:
    """`name_2.xlsx`, `name_3.xlsx` …: the first that does not exist yet."""
    number = 2
    while (candidate := path.with_name(f"{path.stem}_{number}{path.suffix}")).exists():
        number += 1
    return candidate


SURVEY_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


def find_survey_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their survey files, in a stable order.

    Excel's lock files (~$…) are skipped, and so are our own error workbooks as we wrote
    them. An error workbook that has been fixed and saved is a department's resubmission,
    and is taken whatever its name.
    Files named explicitly are kept whatever their suffix: the reader says what is wrong.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates = [
                p
                for p in sorted(path.iterdir())
                if p.is_file() and p.suffix.lower() in SURVEY_SUFFIXES and not p.name.startswith("~$")
            ]
            found.extend(p for p in candidates if not is_untouched_error_workbook(p))
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())
