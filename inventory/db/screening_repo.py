"""Database access for the two-stage survey: keyword-only functions that take a session.

A returned screening (二次調査票) is stored as a new version of the 課's submission: the
current version's tasks are copied with the answered attributes filled in, the old
version is marked superseded and stays in history, exactly as a resubmitted survey.
Callers own the transaction (`session_scope`); nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from inventory.campaign.screening import (
    ScreeningAttempt,
    ScreeningStatus,
    SheetSent,
    awaiting_keys,
    screening_statuses,
)
from inventory.db.repository import audit, ensure_department, now
from inventory.db.scoring_tables import ScoringRun, TaskScore
from inventory.db.screening_tables import ScreeningSheet
from inventory.db.submission_repo import StoreOutcome
from inventory.db.tables import AuditEntry, Base, Department, Division, SurveySubmission, Task
from inventory.screening.matching import TaskRef
from inventory.screening.reader import ScreeningIn

SCREENING = "screening"
_TASKS = Base.metadata.tables["tasks"]


def submission_by_hash(*, session: Session, content_hash: str) -> SurveySubmission | None:
    """The stored submission of exactly these bytes, if any."""
    query = select(SurveySubmission).where(SurveySubmission.content_hash == content_hash)
    return session.scalars(query).first()


def current_submission(*, session: Session, department: str, fiscal_year: int) -> SurveySubmission | None:
    """The 課's current submission of the 年度, the 課 locked so no other writer supersedes it meanwhile."""
    found = session.scalars(
        select(Department).where(Department.name == department).with_for_update()
    ).one_or_none()
    if found is None:
        return None
    return session.scalars(
        select(SurveySubmission).where(
            SurveySubmission.department_id == found.id,
            SurveySubmission.fiscal_year == fiscal_year,
            SurveySubmission.status == "current",
        )
    ).one_or_none()


def task_refs(*, session: Session, submission_id: int) -> list[TaskRef]:
    """The tasks of a submission, as matching needs them."""
    query = select(Task.id, Task.task_code, Task.name).where(Task.submission_id == submission_id)
    return [TaskRef(id, code, name) for id, code, name in session.execute(query.order_by(Task.source_row))]


def store_screening(
    *,
    session: Session,
    screening: ScreeningIn,
    previous: SurveySubmission,
    answers: Mapping[int, Mapping[str, Any]],
    actor: str = "system",
) -> StoreOutcome:
    """Store the 課's tasks again as a new version, with `answers` (task id → attributes) applied."""
    previous.status = "superseded"
    session.flush()  # frees the one-current-per-課-and-年度 slot
    submission = SurveySubmission(
        department_id=previous.department_id, fiscal_year=previous.fiscal_year, file_name=screening.file_name,
        content_hash=screening.content_hash, file_format=screening.file_format, sheet=screening.sheet,
        submitter=screening.respondent, answered_on=screening.answered_on, received_at=now(),
        status="current", task_count=previous.task_count, kind=SCREENING,
    )  # fmt: skip
    session.add(submission)
    session.flush()
    session.execute(
        update(SurveySubmission)
        .where(SurveySubmission.id == previous.id)
        .values(superseded_by_id=submission.id)
    )
    rows, keys = [], []
    for old in session.execute(select(_TASKS).where(_TASKS.c.submission_id == previous.id)).mappings():
        row = {k: v for k, v in old.items() if k != "id"} | {"submission_id": submission.id}
        rows.append(row | dict(answers.get(old["id"], {})))
        if old["id"] in answers:
            keys.append(str(old["task_key"]))
    if rows:
        session.execute(insert(_TASKS), rows)
    audit(
        session=session, actor=actor, action="screening.accepted", entity="survey_submission",
        entity_id=submission.id, file=screening.file_name, content_hash=screening.content_hash,
        department=screening.department, fiscal_year=screening.fiscal_year, tasks=len(answers),
        superseded=previous.id, task_keys=keys,
    )  # fmt: skip
    return StoreOutcome("accepted", submission.id, previous.id, len(answers))


def record_sent(
    *, session: Session, fiscal_year: int, sheets: Sequence[SheetSent], folder: str, actor: str = "system"
) -> None:
    """Record the screening workbooks written for the 年度 (one row per 課)."""
    for sheet in sheets:
        department = ensure_department(session=session, name=sheet.department, division=sheet.division)
        session.add(
            ScreeningSheet(
                fiscal_year=fiscal_year, department_id=department.id, file_name=sheet.file_name, folder=folder,
                task_count=len(sheet.task_keys), task_keys=list(sheet.task_keys), sent_at=sheet.sent_at,
                sent_by=actor,
            )
        )  # fmt: skip
    session.flush()
    audit(
        session=session, actor=actor, action="screening.sent", entity="screening_sheets", fiscal_year=fiscal_year,
        folder=folder, departments=[s.department for s in sheets], tasks=sum(len(s.task_keys) for s in sheets),
    )  # fmt: skip


def ranked_task_keys(*, session: Session, fiscal_year: int) -> list[str] | None:
    """The task keys of the 年度's latest scoring run in rank order, knocked-out tasks left out."""
    run_id = session.scalars(
        select(ScoringRun.id)
        .where(ScoringRun.fiscal_year == fiscal_year)
        .order_by(ScoringRun.id.desc())
        .limit(1)
    ).first()
    if run_id is None:
        return None
    query = (
        select(TaskScore.task_key)
        .where(TaskScore.run_id == run_id, TaskScore.knocked_out.is_(False))
        .order_by(TaskScore.rank, TaskScore.id)
    )
    return list(session.scalars(query))


def sent_sheets(*, session: Session, fiscal_year: int) -> list[SheetSent]:
    """The latest screening workbook sent to each 課 for the 年度, by 課."""
    latest: dict[str, SheetSent] = {}
    query = (
        select(Department.name, Division.name, ScreeningSheet)
        .join(Department, ScreeningSheet.department_id == Department.id)
        .outerjoin(Division, Department.division_id == Division.id)
        .where(ScreeningSheet.fiscal_year == fiscal_year)
        .order_by(ScreeningSheet.id)
    )
    for name, division, sheet in session.execute(query).all():
        keys = tuple(str(k) for k in sheet.task_keys)
        latest[name] = SheetSent(name, division, sheet.file_name, keys, sheet.sent_at)
    return [latest[name] for name in sorted(latest)]


def screening_progress(*, session: Session, fiscal_year: int) -> list[ScreeningStatus]:
    """Where each 課 stands with its latest screening workbook of the 年度."""
    sheets = sent_sheets(session=session, fiscal_year=fiscal_year)
    if not sheets:
        return []
    return screening_statuses(sheets, screening_attempts(session=session, fiscal_year=fiscal_year))


def awaiting_screening(*, session: Session, fiscal_year: int) -> set[str]:
    """Task keys of the 年度 still waiting for their screening workbook (二次調査待ち)."""
    return awaiting_keys(screening_progress(session=session, fiscal_year=fiscal_year))


def screening_attempts(*, session: Session, fiscal_year: int) -> list[ScreeningAttempt]:
    """Every screening file sent back for the 年度: applied versions and rejections."""
    applied = session.execute(
        select(Department.name, SurveySubmission.file_name, SurveySubmission.received_at)
        .join(Department, SurveySubmission.department_id == Department.id)
        .where(SurveySubmission.fiscal_year == fiscal_year, SurveySubmission.kind == SCREENING)
    ).all()
    attempts = [ScreeningAttempt(name, file, at, accepted=True) for name, file, at in applied]
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.rejected")):
        details = entry.details
        if details.get("fiscal_year") in (None, fiscal_year):
            named = details.get("department")
            attempts.append(
                ScreeningAttempt(
                    str(named) if named else None, str(details.get("file", "")), entry.at,
                    accepted=False, error_count=int(details.get("errors", 0)),
                )
            )  # fmt: skip
    return attempts
