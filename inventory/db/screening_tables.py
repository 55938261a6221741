"""The screening workbooks (二次調査票) sent to the 課: which tasks, when, by whom.

What came back is not copied here: a returned screening is a new version of the 課's
submission (`survey_submissions.kind = 'screening'`) and a rejected one an audit entry
(`screening.rejected`), so the campaign view is derived like the survey's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inventory.db.tables import Base, Department


class ScreeningSheet(Base):
    """One screening workbook written for a 課 and 年度, with the task keys it asks about."""

    __tablename__ = "screening_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    folder: Mapped[str] = mapped_column(String(1000))
    task_count: Mapped[int] = mapped_column(Integer)
    task_keys: Mapped[list[Any]] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_by: Mapped[str] = mapped_column(String(200))

    department: Mapped[Department] = relationship(lazy="raise")
