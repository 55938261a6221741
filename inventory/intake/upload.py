"""The 提出 page's intake: one file sent for one 課 and 年度, read, checked and stored in one transaction.

The file is a 業務量調査票 or a 二次調査票 (screening): it says which, as for `dxi ingest`
(`inventory.intake.dispatch`). `check_upload` reads and validates the bytes (no
database) and adds what only the page knows: the file must be for the 課 and 年度 it
was sent for. `store_upload` then runs
the intake's `store_result` (or `store_screening_result`) inside the caller's transaction (the web request's), keeps
the file, its outcome and, for a rejected file, its error workbook in `uploaded_files`,
and writes one audit entry. A file that could not be opened at all is not kept: only
the rejection and the audit entry record it.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from inventory.db.repository import audit
from inventory.db.upload_repo import UploadIn, add_upload
from inventory.era import era_label
from inventory.errors import RowError
from inventory.intake.dispatch import AnyParse, parse_any
from inventory.intake.screening import store_screening_result, write_screening_errors
from inventory.intake.survey import ERROR_SUFFIX, FileOutcome, store_result, write_errors
from inventory.screening.reader import ScreeningParse
from inventory.survey.error_preview import error_rows
from inventory.survey.per_survey import IntakeOptions
from inventory.survey.stated import Stated, same_department, stated_values

KIND_LABELS = {"survey": "業務量調査票", "screening": "二次調査票"}
MAX_STORED_MESSAGES = 1_000  # the page lists this many; the error workbook holds them all
MAX_NAME_LENGTH = 200
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class Target:
    """What the file is sent for: the 課, the open campaign's 年度, and how to read a 課's own form."""

    department: str
    fiscal_year: int
    layout: str | None = None  # a saved layout's name; None reads the product's template only


@dataclass
class CheckedUpload:
    """A file read and checked, not stored yet."""

    data: bytes
    file_name: str
    target: Target
    result: AnyParse
    other_departments: list[str] = field(default_factory=list)  # 課 the file names besides the target

    @property
    def readable(self) -> bool:
        """False when the file could not be opened at all (corrupt, encrypted, not a workbook)."""
        return not any(e.code == "unreadable_file" for e in self.result.errors)

    @property
    def kind(self) -> str:
        """survey (業務量調査票) or screening (二次調査票)."""
        return "screening" if isinstance(self.result, ScreeningParse) else "survey"


@dataclass(frozen=True)
class StoredUpload:
    """What storing did: the intake's outcome and the kept upload (None when nothing was kept)."""

    outcome: FileOutcome
    upload_id: int | None


def safe_file_name(name: str | None, fallback: str = "提出ファイル.xlsx") -> str:
    """The name to show and keep: no folders, no control or path characters, at most 200 characters."""
    base = re.split(r"[/\\]", name or "")[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")
    if not cleaned:
        return fallback
    if len(cleaned) > MAX_NAME_LENGTH:
        suffix = Path(cleaned).suffix[:10]
        cleaned = cleaned[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return cleaned


def check_upload(data: bytes, file_name: str, target: Target) -> CheckedUpload:
    """Read and validate the file for the target; a file for another 課 or 年度 gets an error saying so."""
    options = IntakeOptions(
        fiscal_year=target.fiscal_year, department=target.department, layout=target.layout
    )
    result = parse_any(data, file_name, options)
    others = [
        s for s in _stated(result, "department") if not same_department(str(s.value), target.department)
    ]
    years = [s for s in _stated(result, "fiscal_year") if s.value != target.fiscal_year]
    problems = [
        RowError(
            file=file_name, sheet=s.sheet, row=s.row, column=s.column, value=str(s.raw), code="other_department",
            message=f"このファイルは「{s.value}」の調査票です。提出先は{target.department}です"
            f"（{target.department}の調査票を選ぶか、提出先の課を選び直してください）",
        )
        for s in others
    ] + [
        RowError(
            file=file_name, sheet=s.sheet, row=s.row, column=s.column, value=str(s.raw), code="other_fiscal_year",
            message=f"このファイルは{era_label(int(str(s.value)))}の調査票です。受付中の調査は"
            f"{era_label(target.fiscal_year)}です（{era_label(target.fiscal_year)}の調査票で提出してください）",
        )
        for s in years
    ]  # fmt: skip
    return CheckedUpload(
        data, file_name, target, _for_target(result, target, problems), [str(s.value) for s in others]
    )


def _stated(result: AnyParse, fld: str) -> list[Stated]:
    """The file's own values of 課 or 年度: its columns and 表紙, and every survey a layout read from it."""
    found = {str(s.value): s for s in stated_values(result, fld)}
    parsed = [result.screening] if isinstance(result, ScreeningParse) else [result.survey, *result.others]
    for item in parsed:
        value = getattr(item, fld, None)
        if value is not None and str(value) not in found:
            found[str(value)] = Stated(
                value, value, result.raw.sheet, None, "課" if fld == "department" else "年度"
            )
    return list(found.values())


def _for_target(result: AnyParse, target: Target, problems: list[RowError]) -> AnyParse:
    """Reject the file with `problems`, or store it under the target's spelling of the 課 (full-width, spaces)."""
    errors = [*result.errors, *problems]
    if isinstance(result, ScreeningParse):
        if problems:
            return replace(result, screening=None, errors=errors, warnings=[])
        if result.screening is not None and result.screening.department != target.department:
            return replace(
                result, screening=result.screening.model_copy(update={"department": target.department})
            )
        return result
    if problems:
        return replace(result, survey=None, errors=errors, warnings=[])
    if result.survey is not None and result.survey.department != target.department:
        return replace(result, survey=result.survey.model_copy(update={"department": target.department}))
    return result


def _store(*, session: Session, checked: CheckedUpload, actor: str) -> FileOutcome:
    """The intake's store in a savepoint, again when a concurrent upload created the same 課 first."""
    for attempt in range(3):
        try:
            with session.begin_nested():
                target = checked.target
                if isinstance(checked.result, ScreeningParse):
                    return store_screening_result(
                        session=session, result=checked.result, actor=actor,
                        department=target.department, fiscal_year=target.fiscal_year,
                    )  # fmt: skip
                return store_result(
                    session=session, result=checked.result, actor=actor,
                    department=target.department, fiscal_year=target.fiscal_year,
                )  # fmt: skip
        except (IntegrityError, OperationalError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def error_workbook_bytes(result: AnyParse, errors: list[RowError]) -> bytes:
    """The marked error workbook of a rejected file, written in a temporary folder and read back."""
    with tempfile.TemporaryDirectory(prefix="dxi-errors-") as folder:
        target = Path(folder) / f"{Path(result.raw.file_name).stem[:100]}{ERROR_SUFFIX}.xlsx"
        if isinstance(result, ScreeningParse):
            return write_screening_errors(result, errors, target).read_bytes()
        return write_errors(result, target).read_bytes()


def _clean(value: object) -> object:
    """JSON the database takes: PostgreSQL refuses NUL in text."""
    if isinstance(value, str):
        return value.replace("\x00", "�")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def report(result: AnyParse, outcome: FileOutcome) -> dict[str, Any]:
    """What the result page shows again later: errors, warnings, the rows in error."""
    errors = outcome.errors if outcome.status == "rejected" else []
    body = {
        "errors": [e.model_dump() for e in errors[:MAX_STORED_MESSAGES]],
        "warnings": [w.model_dump() for w in outcome.warnings[:MAX_STORED_MESSAGES]],
        "preview": error_rows(result.headers, result.data_rows, errors) if errors else None,
    }
    return _clean(body)  # type: ignore[return-value]


def store_upload(*, session: Session, checked: CheckedUpload, actor: str, client: str) -> StoredUpload:
    """Store the checked file through the intake, keep it (when readable) and audit the upload."""
    outcome = _store(session=session, checked=checked, actor=actor)
    target, result = checked.target, checked.result
    upload_id = None
    if checked.readable:
        rejected = outcome.status == "rejected"
        upload_id = add_upload(
            session=session,
            upload=UploadIn(
                kind=checked.kind, department=target.department, fiscal_year=target.fiscal_year,
                file_name=checked.file_name, content_hash=result.raw.content_hash, content=checked.data,
                status=outcome.status, task_count=outcome.task_count, error_count=len(outcome.errors),
                warning_count=len(outcome.warnings), submission_id=outcome.submission_id,
                error_workbook=error_workbook_bytes(result, outcome.errors) if rejected else None,
                report=report(result, outcome), layout=None if isinstance(result, ScreeningParse) else result.layout, uploaded_by=actor,
            ),
        )  # fmt: skip
    audit(
        session=session, actor=actor, action="web.upload", entity="uploaded_file", entity_id=upload_id,
        kind=checked.kind, file=checked.file_name, size=len(checked.data), content_hash=result.raw.content_hash,
        department=target.department, fiscal_year=target.fiscal_year, status=outcome.status,
        errors=len(outcome.errors), tasks=outcome.task_count, kept=upload_id is not None, client=client,
    )  # fmt: skip
    return StoredUpload(outcome, upload_id)
