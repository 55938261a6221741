"""Tables of pilots (実証): the pilot, the 課 it serves, its measurements and its state history.

A pilot keeps a snapshot of the scoring estimate it was started on (`estimate_hours`),
so "estimate vs realised" stays fixed when the inventory is rescored later. Every
state change is a `pilot_events` row (and an audit entry): the 本部 may ask who moved
a pilot to 本格導入, when and why.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db.tables import Base


class Pilot(Base):
    """One 実証 of a tool on a task, or on every task of a 横展開 group."""

    __tablename__ = "pilots"
    __table_args__ = (
        CheckConstraint("tool IN ('rpa', 'ai-ocr', 'both')", name="tool"),
        CheckConstraint("initial_cost >= 0 AND annual_licence >= 0 AND development_hours >= 0", name="costs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    task_key: Mapped[str] = mapped_column(String(300), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scoring_runs.id"))
    group_id: Mapped[int | None] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), index=True)
    vendor: Mapped[str | None] = mapped_column(String(200))
    product: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    go_live_month: Mapped[date | None] = mapped_column(Date)  # first day of the month
    initial_cost: Mapped[float] = mapped_column(Float)
    annual_licence: Mapped[float] = mapped_column(Float)
    development_hours: Mapped[float] = mapped_column(Float)
    estimate_hours: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PilotDepartment(Base):
    """A 課 a production automation serves: the 課 the effect attribution treats."""

    __tablename__ = "pilot_departments"

    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class PilotMeasurement(Base):
    """One before/after sample: cases handled, minutes per case, added check minutes per case."""

    __tablename__ = "pilot_measurements"
    __table_args__ = (
        CheckConstraint("phase IN ('before', 'after')", name="phase"),
        CheckConstraint("cases > 0 AND minutes >= 0 AND check_minutes >= 0", name="values"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(10))
    cases: Mapped[float] = mapped_column(Float)
    minutes: Mapped[float] = mapped_column(Float)
    check_minutes: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(10))
    measured_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PilotEvent(Base):
    """A state change of a pilot (creation has from_state NULL), with who, when and why."""

    __tablename__ = "pilot_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(10))
    to_state: Mapped[str] = mapped_column(String(10))
    effective_on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
