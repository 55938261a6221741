"""Store and list survey submissions: a file's tasks all-or-nothing, a resubmission superseding.

Keyword-only functions that take a session; callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from inventory.db.repository import audit, ensure_department, ensure_fiscal_year, now
from inventory.db.tables import Base, Department, Section, SurveySubmission, task_key
from inventory.survey.models import SurveyIn

StoreStatus = Literal["accepted", "resubmitted", "unchanged"]


@dataclass(frozen=True)
class StoreOutcome:
    """What storing a survey did."""

    status: StoreStatus
    submission_id: int
    superseded_id: int | None
    task_count: int


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
    kind: Literal["survey", "screening"] = "survey",
) -> None:
    """Keep a trace of a rejected file (no task data, no answers) so campaigns can show who must resend.

    `kind` says which: a 業務量調査票 (survey.rejected) or a 二次調査票 (screening.rejected).
    """
    audit(
        session=session, actor=actor, action=f"{kind}.rejected", entity=f"{kind}_file",
        entity_id=content_hash[:16], file=file_name, content_hash=content_hash, department=department,
        fiscal_year=fiscal_year, errors=error_count, codes=sorted(set(codes)),
    )  # fmt: skip


def list_submissions(
    *, session: Session, fiscal_year: int | None = None, department: str | None = None
) -> list[dict[str, Any]]:
    """Every stored submission with its department, newest first (of one 年度 and 課 when given)."""
    query = (
        select(
            SurveySubmission.id, Department.name.label("department"), SurveySubmission.fiscal_year,
            SurveySubmission.file_name, SurveySubmission.status, SurveySubmission.superseded_by_id,
            SurveySubmission.task_count, SurveySubmission.received_at, SurveySubmission.content_hash,
            SurveySubmission.kind, SurveySubmission.submitter,
        )
        .join(Department, SurveySubmission.department_id == Department.id)
        .order_by(SurveySubmission.received_at.desc(), SurveySubmission.id.desc())
    )  # fmt: skip
    if fiscal_year is not None:
        query = query.where(SurveySubmission.fiscal_year == fiscal_year)
    if department is not None:
        query = query.where(Department.name == department)
    return [dict(row) for row in session.execute(query).mappings()]


def latest_fiscal_year(*, session: Session) -> int | None:
    """The newest 年度 with a current submission."""
    return session.scalars(
        select(SurveySubmission.fiscal_year)
        .where(SurveySubmission.status == "current")
        .order_by(SurveySubmission.fiscal_year.desc())
        .limit(1)
    ).first()
