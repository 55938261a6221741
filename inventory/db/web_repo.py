"""The SQL behind the web UI's pages: the ranking paged in SQL, a task's detail and history.

Every filter is a bound parameter and the sort column comes from a whitelist, so a
filter value such as `' ; -- % _` is only ever a value. The ranking is paged with
LIMIT/OFFSET and counted with one COUNT, so a 20,000-task inventory never reaches
Python as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from inventory.db.pilot_tables import Pilot
from inventory.db.scoring_tables import Review, ScoringRun, TaskScore
from inventory.db.tables import Department, Division, Section, SurveySubmission, Task

UNDECIDED = "未判断"
NO_TOOL = "none"
PER_PAGE_CHOICES = (20, 50, 100)
EXPORT_LIMIT = 100_000
SORTS: dict[str, Any] = {
    "rank": TaskScore.rank,
    "priority": TaskScore.priority,
    "saved": TaskScore.expected_hours_saved,
    "rpa": TaskScore.rpa_score,
    "ocr": TaskScore.ocr_score,
    "ease": TaskScore.ease_score,
    "hours": Task.annual_hours,
    "department": Department.name,
    "name": Task.name,
}


@dataclass(frozen=True)
class RankingFilter:
    """What the 候補一覧 shows: one run (the 年度's newest), filtered, sorted and paged."""

    fiscal_year: int | None = None
    department: str | None = None
    tool: str | None = None  # rpa | ai-ocr | ai-ocr+rpa | none
    quadrant: str | None = None
    decision: str | None = None  # 採用 | 保留 | 不採用 | 未判断
    knocked_out: bool | None = None
    q: str | None = None  # part of the 業務名
    sort: str = "rank"
    descending: bool = False
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class RunInfo:
    """The scoring run a ranking comes from."""

    id: int
    fiscal_year: int
    created_at: datetime
    task_count: int


@dataclass
class RankingPage:
    """One page of the ranking with the total the filters match."""

    run: RunInfo | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


_ROW_COLUMNS = (
    TaskScore.task_id, TaskScore.task_key, TaskScore.rank, Department.name.label("department"),
    Task.name, Task.annual_hours, TaskScore.rpa_score, TaskScore.ocr_score, TaskScore.recommended_tool,
    TaskScore.knocked_out, TaskScore.knockout_reason, TaskScore.expected_hours_saved, TaskScore.ease_score,
    TaskScore.difficulty, TaskScore.quadrant, TaskScore.priority, TaskScore.group_id, TaskScore.explanation,
    TaskScore.missing_attributes, Review.decision, Review.reviewer, Review.decided_at, Review.rpa_score_at_decision,
    Review.ocr_score_at_decision,
)  # fmt: skip


def scored_fiscal_years(*, session: Session) -> list[int]:
    """年度 that have a scoring run, newest first."""
    return list(
        session.scalars(select(ScoringRun.fiscal_year).distinct().order_by(ScoringRun.fiscal_year.desc()))
    )


def department_names(*, session: Session) -> list[str]:
    """Every 課 known, by name."""
    return list(session.scalars(select(Department.name).order_by(Department.name)))


def newest_run(*, session: Session, fiscal_year: int | None = None) -> RunInfo | None:
    """The newest scoring run (of the 年度, when given)."""
    query = select(ScoringRun.id, ScoringRun.fiscal_year, ScoringRun.created_at, ScoringRun.task_count)
    if fiscal_year is not None:
        query = query.where(ScoringRun.fiscal_year == fiscal_year)
    row = session.execute(query.order_by(ScoringRun.id.desc()).limit(1)).first()
    return RunInfo(*row) if row else None


def _conditions(f: RankingFilter, run: RunInfo, *, tasks_joined: bool = True) -> list[ColumnElement[bool]]:
    if f.department:
        # `run_id + 0` keeps SQLite from walking the whole run in rank order through
        # ix_task_scores_run_rank: the 課's few tasks come from ix_tasks_fy_department instead
        # (measured on 20,000 tasks: 65 ms → 0.3 ms). Every task of a run is of the run's 年度.
        where: list[ColumnElement[bool]] = [TaskScore.run_id + 0 == run.id, Department.name == f.department]
    else:
        where = [TaskScore.run_id == run.id]
    if tasks_joined:
        where.append(Task.fiscal_year == run.fiscal_year)
    if f.tool == NO_TOOL:
        where.append(TaskScore.recommended_tool.is_(None))
    elif f.tool:
        where.append(TaskScore.recommended_tool == f.tool)
    if f.quadrant:
        where.append(TaskScore.quadrant == f.quadrant)
    if f.knocked_out is not None:
        where.append(TaskScore.knocked_out.is_(f.knocked_out))
    if f.decision == UNDECIDED:
        where.append(TaskScore.task_key.not_in(select(Review.task_key)))
    elif f.decision:
        newest = select(func.max(Review.id)).group_by(Review.task_key)
        decided = select(Review.task_key).where(Review.id.in_(newest), Review.decision == f.decision)
        where.append(TaskScore.task_key.in_(decided))
    if f.q:
        where.append(Task.name.contains(f.q, autoescape=True))
    return where


def _ranking_query(
    f: RankingFilter, run: RunInfo, columns: Sequence[Any], *, narrow: bool = False, sort: str | None = None
) -> Select[Any]:
    """The ranking's SELECT; `narrow` joins only what the filters and the sort need (COUNT, page ids)."""
    tasks = not narrow or bool(f.department or f.q) or sort in ("hours", "name", "department")
    departments = not narrow or bool(f.department) or sort == "department"
    query = select(*columns).select_from(TaskScore)
    if tasks:
        query = query.join(Task, TaskScore.task_id == Task.id)
    if departments:
        query = query.join(Department, Task.department_id == Department.id)
    if not narrow:  # the latest decision, shown on each row (filters use subqueries, see _conditions)
        latest = (
            select(Review.task_key, func.max(Review.id).label("review_id"))
            .group_by(Review.task_key)
            .subquery()
        )
        query = query.outerjoin(latest, latest.c.task_key == TaskScore.task_key).outerjoin(
            Review, Review.id == latest.c.review_id
        )
    return query.where(*_conditions(f, run, tasks_joined=tasks))


def ranking_page(*, session: Session, filters: RankingFilter, export: bool = False) -> RankingPage:
    """The filtered ranking of the 年度's newest run: one page, or every row (`export`).

    A page is found in two steps: the ids of the page, sorted on a narrow join (only
    the sort key and the filters), then the wide rows (names, explanations, latest
    decision) of those ids only. Sorting 20,000 wide rows to keep 50 cost ~150 ms.
    """
    run = newest_run(session=session, fiscal_year=filters.fiscal_year)
    if run is None:
        return RankingPage(run=None)
    column = SORTS.get(filters.sort, TaskScore.rank)
    order = [column.desc() if filters.descending else column.asc(), TaskScore.rank.asc()]
    if export:
        query = _ranking_query(filters, run, _ROW_COLUMNS).order_by(*order).limit(EXPORT_LIMIT)
        rows = [dict(r) for r in session.execute(query).mappings()]
        return RankingPage(run=run, rows=rows, total=len(rows))
    total = int(session.scalar(_ranking_query(filters, run, [func.count()], narrow=True)) or 0)
    per_page = filters.per_page if filters.per_page in PER_PAGE_CHOICES else 50
    offset = (max(filters.page, 1) - 1) * per_page
    ids = list(
        session.scalars(
            _ranking_query(filters, run, [TaskScore.id], narrow=True, sort=filters.sort)
            .order_by(*order)
            .limit(per_page)
            .offset(offset)
        )
    )
    wide = _ranking_query(filters, run, [TaskScore.id.label("score_id"), *_ROW_COLUMNS]).where(
        TaskScore.id.in_(ids)
    )
    by_id = {r["score_id"]: dict(r) for r in session.execute(wide).mappings()}
    return RankingPage(run=run, rows=[by_id[i] for i in ids if i in by_id], total=total)


def task_department(*, session: Session, task_id: int) -> str | None:
    """The 課 a task belongs to (for the access check before anything else is read)."""
    return session.scalar(
        select(Department.name).join(Task, Task.department_id == Department.id).where(Task.id == task_id)
    )


@dataclass
class TaskDetail:
    """Everything the 業務詳細 page shows."""

    task: dict[str, Any]
    score: dict[str, Any] | None
    years: list[dict[str, Any]]
    reviews: list[Review]
    pilots: list[dict[str, Any]]


def task_detail(*, session: Session, task_id: int) -> TaskDetail | None:
    """A task's survey values, newest score (with factors), history across years, reviews and pilots."""
    row = session.execute(
        select(Task, Department.name, Division.name, Section.name, SurveySubmission.file_name,
               SurveySubmission.status, SurveySubmission.received_at)
        .join(Department, Task.department_id == Department.id)
        .outerjoin(Division, Department.division_id == Division.id)
        .outerjoin(Section, Task.section_id == Section.id)
        .join(SurveySubmission, Task.submission_id == SurveySubmission.id)
        .where(Task.id == task_id)
    ).first()  # fmt: skip
    if row is None:
        return None
    task, department, division, section, file_name, status, received_at = row
    facts = {c.key: getattr(task, c.key) for c in Task.__table__.columns}
    facts.update(department=department, division=division, section=section, file_name=file_name,
                 submission_status=status, received_at=received_at)  # fmt: skip
    scores = session.execute(
        select(TaskScore, ScoringRun.fiscal_year, ScoringRun.created_at)
        .join(ScoringRun, TaskScore.run_id == ScoringRun.id)
        .where(TaskScore.task_key == task.task_key)
        .order_by(TaskScore.run_id.desc())
    ).all()
    newest_by_task: dict[int, dict[str, Any]] = {}
    for score, year, created in scores:
        if score.task_id not in newest_by_task:
            newest_by_task[score.task_id] = {
                **{c.key: getattr(score, c.key) for c in TaskScore.__table__.columns},
                "run_fiscal_year": year, "run_created_at": created,
            }  # fmt: skip
    own = newest_by_task.get(task.id)
    if own is None and scores:  # not scored itself (e.g. a newer resubmission): its key's newest score
        own = newest_by_task[scores[0][0].task_id]
    years = [
        {"task_id": r.id, "fiscal_year": r.fiscal_year, "annual_volume": r.annual_volume,
         "minutes_per_case": r.minutes_per_case, "annual_hours": r.annual_hours, "status": r.status,
         "received_at": r.received_at, "score": newest_by_task.get(r.id)}
        for r in session.execute(
            select(Task.id, Task.fiscal_year, Task.annual_volume, Task.minutes_per_case, Task.annual_hours,
                   SurveySubmission.status, SurveySubmission.received_at)
            .join(SurveySubmission, Task.submission_id == SurveySubmission.id)
            .where(Task.task_key == task.task_key)
            .order_by(Task.fiscal_year, SurveySubmission.received_at, Task.id)
        )
    ]  # fmt: skip
    reviews = list(
        session.scalars(select(Review).where(Review.task_key == task.task_key).order_by(Review.id))
    )
    pilots = [
        dict(r)
        for r in session.execute(
            select(Pilot.id, Pilot.state, Pilot.tool, Pilot.created_at)
            .where(Pilot.task_key == task.task_key)
            .order_by(Pilot.id)
        ).mappings()
    ]
    return TaskDetail(task=facts, score=own, years=years, reviews=reviews, pilots=pilots)
