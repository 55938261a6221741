"""SQLAlchemy tables of the inventory: organisation, fiscal years, submissions, tasks, audit.

Relationships are `lazy="raise"`: a hidden per-row query fails loudly instead of
quietly making a 1,500-task listing do 1,500 round trips.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations are stable on both databases."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def task_key(department: str, task_code: str | None, name: str) -> str:
    """Stable identity of a task across resubmissions and years: 課 + 業務ID, else 課 + name."""
    if task_code:
        return f"{department}|id:{task_code}"
    return f"{department}|name:{''.join(name.split())}"


class Division(Base):
    """部: a group of departments."""

    __tablename__ = "divisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Department(Base):
    """課: the unit that answers the survey and reports overtime."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    division: Mapped[Division | None] = relationship(lazy="raise")


class Section(Base):
    """係: a team inside a department."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("department_id", "name", name="uq_sections_department_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    name: Mapped[str] = mapped_column(String(200))


class FiscalYear(Base):
    """年度: April 1 to March 31, keyed by its Western start year."""

    __tablename__ = "fiscal_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class SurveySubmission(Base):
    """One accepted survey file; at most one per 課 and 年度 is current."""

    __tablename__ = "survey_submissions"
    __table_args__ = (
        Index(
            "uq_survey_submissions_current",
            "department_id",
            "fiscal_year",
            unique=True,
            # Partial on both databases; PostgreSQL's WHERE is in the migration. Naming it here
            # (postgresql_where) would load SQLAlchemy's PostgreSQL dialect in every SQLite command.
            sqlite_where=text("status = 'current'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"))
    file_name: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_format: Mapped[str] = mapped_column(String(10))
    sheet: Mapped[str | None] = mapped_column(String(200))
    submitter: Mapped[str | None] = mapped_column(String(200))
    answered_on: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))  # current | superseded
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("survey_submissions.id"))
    task_count: Mapped[int] = mapped_column(Integer)
    # survey: a 業務量調査票 | screening: a 二次調査票 that completed the previous version's attributes
    kind: Mapped[str] = mapped_column(String(20), default="survey", server_default="survey")

    department: Mapped[Department] = relationship(lazy="raise")


class Task(Base):
    """One 業務 of one submission, every field of the survey spec, normalised."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_fy_department", "fiscal_year", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("survey_submissions.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    fiscal_year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"))
    source_row: Mapped[int] = mapped_column(Integer)
    task_code: Mapped[str | None] = mapped_column(String(100))
    task_key: Mapped[str] = mapped_column(String(300), index=True)
    name: Mapped[str] = mapped_column(Text)
    category_1: Mapped[str | None] = mapped_column(String(200))
    category_2: Mapped[str | None] = mapped_column(String(200))
    category_3: Mapped[str | None] = mapped_column(String(200))
    scope: Mapped[str | None] = mapped_column(String(20))
    routine: Mapped[str | None] = mapped_column(String(20))  # suitability: NULL = unknown
    judgement: Mapped[str | None] = mapped_column(String(20))
    input_medium: Mapped[str | None] = mapped_column(String(20))
    form_count: Mapped[int | None] = mapped_column(Integer)
    system_count: Mapped[int | None] = mapped_column(Integer)
    annual_volume: Mapped[float | None] = mapped_column(Float)
    minutes_per_case: Mapped[float | None] = mapped_column(Float)
    # The task's hours: stated_hours when the survey stated them, else cases × minutes / 60.
    annual_hours: Mapped[float] = mapped_column(Float)
    stated_hours: Mapped[float | None] = mapped_column(Float)  # hours as stated (人工 etc. converted)
    hours_after: Mapped[float | None] = mapped_column(Float)  # set: the work is already automated
    staff_count: Mapped[float | None] = mapped_column(Float)
    peak_months: Mapped[list[Any] | None] = mapped_column(JSON)
    documented: Mapped[bool | None] = mapped_column(Boolean)
    verification: Mapped[str | None] = mapped_column(String(20))
    check_minutes: Mapped[float | None] = mapped_column(Float)  # 目視確認時間 (minutes per case)
    automatable_share: Mapped[float | None] = mapped_column(Float)  # 自動化できる割合 0–1
    exceptions: Mapped[str | None] = mapped_column(String(20))
    change_expected: Mapped[bool | None] = mapped_column(Boolean)
    abolition_planned: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[Any]] = mapped_column(JSON)

    submission: Mapped[SurveySubmission] = relationship(lazy="raise")
    department: Mapped[Department] = relationship(lazy="raise")
    section: Mapped[Section | None] = relationship(lazy="raise")


class AuditEntry(Base):
    """Who did what, when and why: every change the DX team may have to explain."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    entity: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
