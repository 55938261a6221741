"""Table of monthly overtime per 課: the panel the effect measurement runs on.

One row per 課 × calendar month, unique, so a re-import of a month replaces it
rather than adding to it. Per-staff files arrive already summed: no staff id, clear
or pseudonymised, has a column here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inventory.db.tables import Base, Department


class OvertimeMonth(Base):
    """時間外勤務実績: one 課's overtime hours and headcount in one month."""

    __tablename__ = "overtime_months"
    __table_args__ = (
        UniqueConstraint("department_id", "year", "month", name="uq_overtime_months_department_year_month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("overtime_hours >= 0", name="hours_not_negative"),
        CheckConstraint("headcount > 0", name="headcount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    overtime_hours: Mapped[float] = mapped_column(Float)
    headcount: Mapped[int] = mapped_column(Integer)
    source_file: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    department: Mapped[Department] = relationship(lazy="raise")
