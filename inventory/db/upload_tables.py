"""The files 課 send through the web room's 提出 page, kept in the database and nowhere else.

One row per upload that could be read: the bytes as sent (for 提出履歴's download),
the outcome, and for a rejected file its error workbook and the report the result
page shows (every error and warning, the rows in error). What the file *says* is
stored by the intake (`survey_submissions`, `tasks`); a file that could not be opened
at all (corrupt, encrypted, a zip bomb) is not kept: only its audit entry says it came.

課 and 年度 are plain values, not foreign keys: a rejected upload must not create the
課 or 年度 rows that only an accepted survey creates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db.tables import Base

UPLOAD_STATUSES = ("accepted", "resubmitted", "unchanged", "rejected")


class UploadedFile(Base):
    """One file a person sent through the 提出 page, for a 課 and a 年度."""

    __tablename__ = "uploaded_files"
    __table_args__ = (
        CheckConstraint("status IN ('accepted', 'resubmitted', 'unchanged', 'rejected')", name="status"),
        Index("ix_uploaded_files_department_fiscal_year", "department", "fiscal_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # survey: 業務量調査票
    department: Mapped[str] = mapped_column(String(200))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20))
    task_count: Mapped[int] = mapped_column(Integer)
    error_count: Mapped[int] = mapped_column(Integer)
    warning_count: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("survey_submissions.id"))
    error_workbook: Mapped[bytes | None] = mapped_column(LargeBinary)
    report: Mapped[dict[str, Any]] = mapped_column()
    layout: Mapped[str | None] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
