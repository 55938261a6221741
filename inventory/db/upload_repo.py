"""Store and load the files sent through the 提出 page: keyword-only functions that take a session.

Listings never load the bytes (a 課's history of twenty 2 MB files is a few rows of
metadata); only a download asks for a file's content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from inventory.db.repository import now
from inventory.db.upload_tables import UploadedFile


@dataclass(frozen=True)
class UploadIn:
    """What an upload left behind: the file, its outcome and, when rejected, its error workbook."""

    kind: str
    department: str
    fiscal_year: int
    file_name: str
    content_hash: str
    content: bytes
    status: str
    task_count: int
    error_count: int
    warning_count: int
    submission_id: int | None
    error_workbook: bytes | None
    report: dict[str, Any]
    layout: str | None
    uploaded_by: str


@dataclass(frozen=True)
class UploadRow:
    """One upload as 提出履歴 lists it (no bytes)."""

    id: int
    kind: str
    department: str
    fiscal_year: int
    file_name: str
    size: int
    status: str
    task_count: int
    error_count: int
    warning_count: int
    has_error_workbook: bool
    submission_id: int | None
    uploaded_by: str
    uploaded_at: datetime


def add_upload(*, session: Session, upload: UploadIn) -> int:
    """Keep one upload; return its id."""
    row = UploadedFile(
        kind=upload.kind, department=upload.department, fiscal_year=upload.fiscal_year,
        file_name=upload.file_name, content_hash=upload.content_hash, size=len(upload.content),
        content=upload.content, status=upload.status, task_count=upload.task_count,
        error_count=upload.error_count, warning_count=upload.warning_count,
        submission_id=upload.submission_id, error_workbook=upload.error_workbook, report=upload.report,
        layout=upload.layout, uploaded_by=upload.uploaded_by, uploaded_at=now(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def get_upload(*, session: Session, upload_id: int, with_content: bool = False) -> UploadedFile | None:
    """One upload; its file and error workbook are loaded only when asked for."""
    query = select(UploadedFile).where(UploadedFile.id == upload_id)
    if not with_content:
        query = query.options(defer(UploadedFile.content), defer(UploadedFile.error_workbook))
    return session.scalars(query).one_or_none()


_LISTED = (
    UploadedFile.id, UploadedFile.kind, UploadedFile.department, UploadedFile.fiscal_year,
    UploadedFile.file_name, UploadedFile.size, UploadedFile.status, UploadedFile.task_count,
    UploadedFile.error_count, UploadedFile.warning_count, UploadedFile.error_workbook.is_not(None).label("has_error_workbook"),
    UploadedFile.submission_id, UploadedFile.uploaded_by, UploadedFile.uploaded_at,
)  # fmt: skip


def list_uploads(
    *, session: Session, department: str | None = None, fiscal_year: int | None = None, limit: int = 500
) -> list[UploadRow]:
    """Uploads, newest first (of one 課 and 年度 when given)."""
    query = select(*_LISTED).order_by(UploadedFile.id.desc()).limit(limit)
    if department is not None:
        query = query.where(UploadedFile.department == department)
    if fiscal_year is not None:
        query = query.where(UploadedFile.fiscal_year == fiscal_year)
    return [UploadRow(**row) for row in session.execute(query).mappings()]


def upload_years(*, session: Session, department: str | None = None) -> list[int]:
    """年度 with at least one upload (of the 課 when given), newest first."""
    query = select(UploadedFile.fiscal_year).distinct().order_by(UploadedFile.fiscal_year.desc())
    if department is not None:
        query = query.where(UploadedFile.department == department)
    return list(session.scalars(query))
