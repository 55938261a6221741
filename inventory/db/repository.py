"""Database access for the inventory: keyword-only functions that take a session.

Callers own the transaction (`session_scope`); nothing here commits, so one file is
stored all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from inventory.db.tables import (
    AuditEntry,
    Base,
    Department,
    Division,
    FiscalYear,
    Section,
    SurveySubmission,
    Task,
    task_key,
)
from inventory.era import era_label
from inventory.survey.models import SurveyIn, TaskOut

StoreStatus = Literal["accepted", "resubmitted", "unchanged"]


@dataclass(frozen=True)
class StoreOutcome:
    """What storing a survey did."""

    status: StoreStatus
    submission_id: int
    superseded_id: int | None
    task_count: int


def now() -> datetime:
    """Timezone-aware current time (stored as UTC)."""
    return datetime.now(UTC)


def audit(
    *, session: Session, actor: str, action: str, entity: str, entity_id: object = None, **details: Any
) -> None:
    """Append an audit entry in the caller's transaction."""
    session.add(
        AuditEntry(
            at=now(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            details=details,
        )
    )


def ensure_fiscal_year(*, session: Session, year: int) -> FiscalYear:
    """Return the 年度 row, creating it (April 1 – March 31) when new."""
    fiscal_year = session.get(FiscalYear, year)
    if fiscal_year is None:
        fiscal_year = FiscalYear(
            year=year, label=era_label(year), starts_on=date(year, 4, 1), ends_on=date(year + 1, 3, 31)
        )
        session.add(fiscal_year)
        session.flush()
    return fiscal_year


def ensure_department(
    *, session: Session, name: str, division: str | None = None, lock: bool = False
) -> Department:
    """Return the 課, creating it (and its 部) when new; `lock` serialises writers per 課."""
    query = select(Department).where(Department.name == name)
    if lock:
        query = query.with_for_update()
    department = session.scalars(query).one_or_none()
    division_id = _ensure_division(session=session, name=division) if division else None
    if department is None:
        department = Department(name=name, division_id=division_id, created_at=now())
        session.add(department)
        session.flush()
    elif division_id is not None and department.division_id != division_id:
        department.division_id = division_id
    return department


def _ensure_division(*, session: Session, name: str) -> int:
    division_id = session.scalars(select(Division.id).where(Division.name == name)).one_or_none()
    if division_id is None:
        division = Division(name=name)
        session.add(division)
        session.flush()
        division_id = division.id
    return division_id


def _ensure_sections(*, session: Session, department_id: int, names: set[str]) -> dict[str, int]:
    existing = dict(
        session.execute(
            select(Section.name, Section.id).where(
                Section.department_id == department_id, Section.name.in_(names)
            )
        ).all()
    )
    for name in sorted(names - existing.keys()):
        section = Section(department_id=department_id, name=name)
        session.add(section)
        session.flush()
        existing[name] = section.id
    return existing


def store_survey(*, session: Session, survey: SurveyIn, actor: str = "system") -> StoreOutcome:
    """Store a validated survey: same bytes → unchanged; a new file for the 課 and 年度 supersedes."""
    known = session.scalars(
        select(SurveySubmission).where(SurveySubmission.content_hash == survey.content_hash)
    ).first()
    if known is not None:
        return StoreOutcome("unchanged", known.id, None, known.task_count)

    ensure_fiscal_year(session=session, year=survey.fiscal_year)
    department = ensure_department(
        session=session, name=survey.department, division=survey.division, lock=True
    )
    previous = session.scalars(
        select(SurveySubmission).where(
            SurveySubmission.department_id == department.id,
            SurveySubmission.fiscal_year == survey.fiscal_year,
            SurveySubmission.status == "current",
        )
    ).one_or_none()
    if previous is not None:
        # Free the one-current-per-課-and-年度 slot before the new row takes it.
        previous.status = "superseded"
        session.flush()

    submission = SurveySubmission(
        department_id=department.id,
        fiscal_year=survey.fiscal_year,
        file_name=survey.file_name,
        content_hash=survey.content_hash,
        file_format=survey.file_format,
        sheet=survey.sheet,
        submitter=survey.respondent,
        answered_on=survey.answered_on,
        received_at=now(),
        status="current",
        task_count=len(survey.tasks),
    )
    session.add(submission)
    session.flush()
    if previous is not None:
        session.execute(
            update(SurveySubmission)
            .where(SurveySubmission.id == previous.id)
            .values(superseded_by_id=submission.id)
        )

    sections = _ensure_sections(
        session=session, department_id=department.id, names={t.section for t in survey.tasks if t.section}
    )
    rows = [
        {
            **task.model_dump(exclude={"section", "division"}),
            "submission_id": submission.id,
            "department_id": department.id,
            "section_id": sections.get(task.section) if task.section else None,
            "fiscal_year": survey.fiscal_year,
            "annual_hours": task.annual_hours,
            "task_key": task_key(survey.department, task.task_code, task.name),
        }
        for task in survey.tasks
    ]
    if rows:
        # Core executemany: one statement for the file, not an ORM insert per row.
        session.execute(insert(Base.metadata.tables["tasks"]), rows)
    status: StoreStatus = "resubmitted" if previous is not None else "accepted"
    audit(
        session=session,
        actor=actor,
        action=f"survey.{status}",
        entity="survey_submission",
        entity_id=submission.id,
        file=survey.file_name,
        content_hash=survey.content_hash,
        department=survey.department,
        fiscal_year=survey.fiscal_year,
        tasks=len(rows),
        superseded=previous.id if previous else None,
    )
    return StoreOutcome(status, submission.id, previous.id if previous else None, len(rows))


def record_rejection(
    *,
    session: Session,
    file_name: str,
    content_hash: str,
    error_count: int,
    department: str | None,
    fiscal_year: int | None,
    codes: Sequence[str],
    actor: str = "system",
) -> None:
    """Keep a trace of a rejected file (no task data) so campaigns can show who must resend."""
    audit(
        session=session,
        actor=actor,
        action="survey.rejected",
        entity="survey_file",
        entity_id=content_hash[:16],
        file=file_name,
        content_hash=content_hash,
        department=department,
        fiscal_year=fiscal_year,
        errors=error_count,
        codes=sorted(set(codes)),
    )


_TASK_COLUMNS = (
    Task.id, Task.fiscal_year, Department.name.label("department"), Division.name.label("division"),
    Section.name.label("section"), Task.task_code, Task.name, Task.category_1, Task.category_2, Task.category_3,
    Task.scope, Task.routine, Task.judgement, Task.input_medium, Task.form_count, Task.system_count,
    Task.annual_volume, Task.minutes_per_case, Task.annual_hours, Task.stated_hours, Task.hours_after,
    Task.staff_count, Task.peak_months,
    Task.documented, Task.verification, Task.exceptions, Task.change_expected, Task.abolition_planned,
    Task.notes, Task.warnings, Task.submission_id, SurveySubmission.received_at,
)  # fmt: skip


def list_tasks(
    *,
    session: Session,
    fiscal_year: int | None = None,
    department: str | None = None,
    include_superseded: bool = False,
) -> list[TaskOut]:
    """Return the tasks of current submissions (all versions with include_superseded), in file order."""
    query = (
        select(*_TASK_COLUMNS)
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
    return [TaskOut.model_validate(dict(row)) for row in session.execute(query).mappings()]


def list_submissions(*, session: Session, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """Every stored submission with its department, newest first."""
    query = (
        select(
            SurveySubmission.id, Department.name.label("department"), SurveySubmission.fiscal_year,
            SurveySubmission.file_name, SurveySubmission.status, SurveySubmission.superseded_by_id,
            SurveySubmission.task_count, SurveySubmission.received_at, SurveySubmission.content_hash,
        )
        .join(Department, SurveySubmission.department_id == Department.id)
        .order_by(SurveySubmission.received_at.desc(), SurveySubmission.id.desc())
    )  # fmt: skip
    if fiscal_year is not None:
        query = query.where(SurveySubmission.fiscal_year == fiscal_year)
    return [dict(row) for row in session.execute(query).mappings()]


def latest_fiscal_year(*, session: Session) -> int | None:
    """The newest 年度 with a current submission."""
    return session.scalars(
        select(SurveySubmission.fiscal_year)
        .where(SurveySubmission.status == "current")
        .order_by(SurveySubmission.fiscal_year.desc())
        .limit(1)
    ).first()


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
