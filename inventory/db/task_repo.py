"""Load stored tasks: the current submissions' tasks, and a 課's answers of an earlier 年度.

Keyword-only functions that take a session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.db.tables import Department, Division, Section, SurveySubmission, Task
from inventory.survey.models import TaskOut

_TASK_COLUMNS = (
    Task.id, Task.fiscal_year, Department.name.label("department"), Division.name.label("division"),
    Section.name.label("section"), Task.task_code, Task.name, Task.category_1, Task.category_2, Task.category_3,
    Task.scope, Task.routine, Task.judgement, Task.input_medium, Task.form_count, Task.system_count,
    Task.annual_volume, Task.minutes_per_case, Task.annual_hours, Task.stated_hours, Task.hours_after,
    Task.staff_count, Task.peak_months,
    Task.documented, Task.verification, Task.check_minutes, Task.automatable_share, Task.exceptions,
    Task.change_expected, Task.abolition_planned, Task.notes, Task.warnings, Task.submission_id,
    SurveySubmission.received_at,
)  # fmt: skip


def list_tasks(
    *,
    session: Session,
    fiscal_year: int | None = None,
    department: str | None = None,
    include_superseded: bool = False,
) -> list[TaskOut]:
    """Return the tasks of current submissions (all versions with include_superseded), in file order."""
    rows = task_rows(
        session=session, fiscal_year=fiscal_year, department=department, include_superseded=include_superseded
    )
    return [TaskOut.model_validate(row) for row in rows]


def task_rows(
    *,
    session: Session,
    fiscal_year: int | None = None,
    department: str | None = None,
    include_superseded: bool = False,
    with_key: bool = False,
) -> list[dict[str, Any]]:
    """`list_tasks` as plain dicts (the TaskOut fields, and task_key with with_key): scoring reads 1,500 at once."""
    query = (
        select(*_TASK_COLUMNS, *([Task.task_key] if with_key else []))
        .join(SurveySubmission, Task.submission_id == SurveySubmission.id)
        .join(Department, Task.department_id == Department.id)
        .outerjoin(Division, Department.division_id == Division.id)
        .outerjoin(Section, Task.section_id == Section.id)
        .order_by(Task.fiscal_year, Department.name, Task.submission_id, Task.source_row)
    )
    if not include_superseded:
        query = query.where(SurveySubmission.status == "current")
    if fiscal_year is not None:
        query = query.where(Task.fiscal_year == fiscal_year)
    if department is not None:
        query = query.where(Department.name == department)
    return [dict(row) for row in session.execute(query).mappings()]


def previous_tasks(*, session: Session, department: str, before_fiscal_year: int) -> list[TaskOut]:
    """The department's current tasks of the latest 年度 before the given one (template pre-fill)."""
    year = session.scalars(
        select(SurveySubmission.fiscal_year)
        .join(Department, SurveySubmission.department_id == Department.id)
        .where(
            Department.name == department,
            SurveySubmission.status == "current",
            SurveySubmission.fiscal_year < before_fiscal_year,
        )
        .order_by(SurveySubmission.fiscal_year.desc())
        .limit(1)
    ).first()
    if year is None:
        return []
    return list_tasks(session=session, fiscal_year=year, department=department)
