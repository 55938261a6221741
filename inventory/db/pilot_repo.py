"""Database access for pilots (実証): keyword-only functions that take a session.

Store and load only: the lifecycle rules and the maths live in `bpr.pilots.rules`, and
`bpr.pilots.service` applies them before calling these functions. Every change is
recorded as a `pilot_events` row and an audit entry. Callers own the transaction
(`session_scope`); nothing here commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.orm import Session

from inventory.db.pilot_tables import Pilot, PilotDepartment, PilotEvent, PilotMeasurement
from inventory.db.repository import audit, now
from inventory.db.scoring_tables import RolloutGroup, TaskScore
from inventory.db.tables import Department, Task
from inventory.errors import NotFoundError


def get_pilot(*, session: Session, pilot_id: int, lock: bool = False) -> Pilot:
    """The pilot row (locked for update with `lock`); NotFoundError when there is none."""
    query = select(Pilot).where(Pilot.id == pilot_id)
    pilot = session.scalars(query.with_for_update() if lock else query).first()
    if pilot is None:
        raise NotFoundError(f"実証ID {pilot_id} は登録されていません")
    return pilot


def get_task(*, session: Session, task_id: int) -> Task:
    """The task row; NotFoundError when there is none."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(f"業務ID {task_id} は登録されていません")
    return task


def latest_score(*, session: Session, task_key: str) -> Row[int, int | None, float] | None:
    """The newest scoring run's (run_id, group_id, expected_hours_saved) for a task, if scored."""
    return session.execute(
        select(TaskScore.run_id, TaskScore.group_id, TaskScore.expected_hours_saved)
        .where(TaskScore.task_key == task_key)
        .order_by(TaskScore.run_id.desc())
        .limit(1)
    ).first()


def group_hours(*, session: Session, run_id: int, group_id: int) -> float | None:
    """A 横展開 group's combined hours saved in a scoring run."""
    return session.scalar(
        select(RolloutGroup.combined_hours_saved).where(
            RolloutGroup.run_id == run_id, RolloutGroup.group_id == group_id
        )
    )


def _group_tasks(session: Session, run_id: int, group_id: int) -> list[Task]:
    query = (
        select(Task)
        .join(TaskScore, TaskScore.task_id == Task.id)
        .where(TaskScore.run_id == run_id, TaskScore.group_id == group_id)
        .order_by(Task.id)
    )
    return list(session.scalars(query))


def group_task_ids(*, session: Session, run_id: int, group_id: int) -> list[int]:
    """The task ids of a 横展開 group in a scoring run."""
    return [t.id for t in _group_tasks(session, run_id, group_id)]


def insert_pilot(
    *, session: Session, task: Task, state: str, actor: str, reason: str | None, **values: Any
) -> Pilot:
    """Store a new pilot in `state` with its first event and audit entry; `values` are Pilot columns."""
    stamp = now()
    pilot = Pilot(
        task_id=task.id, task_key=task.task_key, state=state, created_at=stamp, updated_at=stamp, **values
    )
    session.add(pilot)
    session.flush()
    session.add(PilotEvent(pilot_id=pilot.id, from_state=None, to_state=state,
                           effective_on=stamp.date(), at=stamp, by=actor, reason=reason))  # fmt: skip
    audit(session=session, actor=actor, action="pilot.created", entity="pilot", entity_id=pilot.id,
          task_id=task.id, task_key=task.task_key, tool=pilot.tool, group_id=pilot.group_id, run_id=pilot.run_id,
          estimate_hours=pilot.estimate_hours, reason=reason)  # fmt: skip
    return pilot


def measurement_counts(*, session: Session, pilot_id: int) -> dict[str, int]:
    """Samples per phase (before / after) recorded on a pilot."""
    rows = session.execute(
        select(PilotMeasurement.phase, func.count())
        .where(PilotMeasurement.pilot_id == pilot_id)
        .group_by(PilotMeasurement.phase)
    )
    return {str(phase): int(count) for phase, count in rows.all()}


def served_department_ids(*, session: Session, pilot: Pilot) -> list[int]:
    """The 課 a pilot serves: every 課 of its group's tasks, else its task's 課."""
    if pilot.group_id is not None and pilot.run_id is not None:
        ids = {t.department_id for t in _group_tasks(session, pilot.run_id, pilot.group_id)}
        if ids:
            return sorted(ids)
    task = session.get(Task, pilot.task_id)
    return [task.department_id] if task else []


def save_transition(
    *, session: Session, pilot: Pilot, to: str, on: date, department_ids: Sequence[int] = (),
    reason: str | None = None, actor: str = "system", **details: Any,
) -> Pilot:  # fmt: skip
    """Store a state change decided by the caller: the new state, the 課 served, an event and an audit entry.

    The caller sets the pilot's dates (start, end, go-live month) before calling;
    `details` go into the audit entry as they are (e.g. that a gate was forced).
    """
    if department_ids:
        session.execute(
            insert(PilotDepartment), [{"pilot_id": pilot.id, "department_id": d} for d in department_ids]
        )
    stamp = now()
    before_state = pilot.state
    pilot.state = to
    pilot.updated_at = stamp
    session.add(PilotEvent(pilot_id=pilot.id, from_state=before_state, to_state=to, effective_on=on,
                           at=stamp, by=actor, reason=reason))  # fmt: skip
    audit(session=session, actor=actor, action="pilot.advanced", entity="pilot", entity_id=pilot.id,
          from_state=before_state, to_state=to, effective_on=on.isoformat(), reason=reason,
          go_live_month=pilot.go_live_month.isoformat() if pilot.go_live_month else None,
          **details)  # fmt: skip
    session.flush()
    return pilot


def insert_measurement(
    *, session: Session, pilot: Pilot, actor: str = "system", **values: Any
) -> PilotMeasurement:
    """Store one before/after sample (`values` are PilotMeasurement columns) with an audit entry."""
    row = PilotMeasurement(pilot_id=pilot.id, created_at=now(), **values)
    session.add(row)
    session.flush()
    audit(session=session, actor=actor, action="pilot.measured", entity="pilot", entity_id=pilot.id,
          measurement_id=row.id, phase=row.phase, cases=row.cases, minutes=row.minutes,
          check_minutes=row.check_minutes, method=row.method)  # fmt: skip
    return row


def pilot_rows(*, session: Session) -> list[Row[Pilot, str, str, float | None]]:
    """Every pilot with its 課 name, task name and task's annual volume (None: hours only), oldest first."""
    return list(
        session.execute(
            select(Pilot, Department.name, Task.name, Task.annual_volume)
            .join(Task, Pilot.task_id == Task.id)
            .join(Department, Task.department_id == Department.id)
            .order_by(Pilot.id)
        ).all()
    )


def measurements_by_pilot(*, session: Session, pilot_ids: Sequence[int]) -> dict[int, list[PilotMeasurement]]:
    """The samples of each pilot, in the order they were recorded."""
    out: dict[int, list[PilotMeasurement]] = defaultdict(list)
    query = select(PilotMeasurement).where(PilotMeasurement.pilot_id.in_(pilot_ids))
    for m in session.scalars(query.order_by(PilotMeasurement.id)):
        out[m.pilot_id].append(m)
    return out


def served_departments(*, session: Session, pilot_ids: Sequence[int]) -> dict[int, list[str]]:
    """The names of the 課 each production pilot serves, by name."""
    served: dict[int, list[str]] = defaultdict(list)
    for pilot_id, name in session.execute(
        select(PilotDepartment.pilot_id, Department.name)
        .join(Department, PilotDepartment.department_id == Department.id)
        .where(PilotDepartment.pilot_id.in_(pilot_ids))
        .order_by(Department.name)
    ):
        served[pilot_id].append(name)
    return served


def annual_cases(
    *, session: Session, pilots: Sequence[Pilot], volumes: dict[int, float | None]
) -> dict[int, float | None]:
    """Cases a year per pilot: its task's annual volume, or the sum over its group's tasks.

    None when no task gives a case count (a survey that stated hours only).
    """
    out: dict[int, float | None] = {}
    for pilot in pilots:
        if pilot.group_id is not None and pilot.run_id is not None:
            tasks = _group_tasks(session, pilot.run_id, pilot.group_id)
            out[pilot.id] = sum(t.annual_volume or 0.0 for t in tasks) or volumes[pilot.id]
        else:
            out[pilot.id] = volumes[pilot.id]
    return out


def transition_reasons(*, session: Session, pilot_ids: Sequence[int], to_state: str) -> dict[int, str]:
    """The reason given on each pilot's latest move to `to_state`, where one was given."""
    query = (
        select(PilotEvent.pilot_id, PilotEvent.reason)
        .where(
            PilotEvent.pilot_id.in_(pilot_ids),
            PilotEvent.to_state == to_state,
            PilotEvent.reason.is_not(None),
        )
        .order_by(PilotEvent.id)
    )
    return {int(pilot_id): str(reason) for pilot_id, reason in session.execute(query).all()}


def pilot_events(*, session: Session, pilot_id: int) -> list[PilotEvent]:
    """A pilot's state history, oldest first."""
    get_pilot(session=session, pilot_id=pilot_id)
    return list(
        session.scalars(select(PilotEvent).where(PilotEvent.pilot_id == pilot_id).order_by(PilotEvent.id))
    )


def first_go_live_by_department(*, session: Session, state: str) -> dict[str, tuple[int, int]]:
    """課 name → (year, month) of the earliest go-live among its pilots in `state`."""
    query = (
        select(Department.name, func.min(Pilot.go_live_month))
        .join(PilotDepartment, PilotDepartment.department_id == Department.id)
        .join(Pilot, Pilot.id == PilotDepartment.pilot_id)
        .where(Pilot.state == state, Pilot.go_live_month.is_not(None))
        .group_by(Department.name)
    )
    return {str(name): (first.year, first.month) for name, first in session.execute(query).all() if first}
