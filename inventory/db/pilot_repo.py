"""Database access for pilots (実証): keyword-only functions that take a session.

The lifecycle rules live in `bpr.pilots` (pure); this module loads what they need,
applies them and records every change as a `pilot_events` row and an audit entry.
Callers own the transaction (`session_scope`); nothing here commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bpr import pilots as rules
from bpr.errors import PilotError
from inventory.db.bpr_tables import RolloutGroup, TaskScore
from inventory.db.pilot_tables import Pilot, PilotDepartment, PilotEvent, PilotMeasurement
from inventory.db.repository import audit, now
from inventory.db.tables import Department, Task
from inventory.errors import NotFoundError


@dataclass(frozen=True)
class PilotSummary:
    """A pilot as `dxi pilot list` shows it: estimate beside realised, and the money view."""

    id: int
    task_id: int
    department: str
    name: str
    tool: str
    state: str
    vendor: str | None
    product: str | None
    estimated_hours: float | None
    realised_hours: float | None
    accuracy: float | None
    net_saving_yen: float | None
    payback_months: float | None
    go_live_month: date | None
    departments: list[str] = field(default_factory=list)


def _pilot(session: Session, pilot_id: int, *, lock: bool = False) -> Pilot:
    query = select(Pilot).where(Pilot.id == pilot_id)
    pilot = session.scalars(query.with_for_update() if lock else query).first()
    if pilot is None:
        raise NotFoundError(f"実証ID {pilot_id} は登録されていません")
    return pilot


def _group_tasks(session: Session, run_id: int, group_id: int) -> list[Task]:
    query = (
        select(Task)
        .join(TaskScore, TaskScore.task_id == Task.id)
        .where(TaskScore.run_id == run_id, TaskScore.group_id == group_id)
        .order_by(Task.id)
    )
    return list(session.scalars(query))


def create_pilot(
    *,
    session: Session,
    task_id: int,
    tool: str,
    vendor: str | None = None,
    product: str | None = None,
    start_date: date | None = None,
    initial_cost: float = 0.0,
    annual_licence: float = 0.0,
    development_hours: float = 0.0,
    group: bool = False,
    actor: str = "system",
    reason: str | None = None,
) -> Pilot:
    """Start a pilot at 候補, snapshotting the latest scoring estimate (of the task, or of its group).

    With `group`, the pilot covers the task's 横展開 group in the newest scoring run that
    scored the task; its estimate is the group's combined hours saved.
    """
    rules.check_tool(tool)
    if min(initial_cost, annual_licence, development_hours) < 0:
        raise PilotError("費用と開発時間は0以上にしてください")
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(f"業務ID {task_id} は登録されていません")
    score = session.execute(
        select(TaskScore.run_id, TaskScore.group_id, TaskScore.expected_hours_saved)
        .where(TaskScore.task_key == task.task_key)
        .order_by(TaskScore.run_id.desc())
        .limit(1)
    ).first()
    estimate = score.expected_hours_saved if score else None
    group_id = None
    if group:
        if score is None or score.group_id is None:
            raise PilotError(
                f"業務ID {task_id}（{task.name}）は最新の採点で横展開グループに入っていません。"
                "--group を付けずに作成してください。"
            )
        group_id = score.group_id
        estimate = session.scalar(
            select(RolloutGroup.combined_hours_saved).where(
                RolloutGroup.run_id == score.run_id, RolloutGroup.group_id == group_id
            )
        )
    stamp = now()
    pilot = Pilot(
        task_id=task.id, task_key=task.task_key, run_id=score.run_id if score else None, group_id=group_id,
        tool=tool, state=rules.CANDIDATE, vendor=vendor, product=product, start_date=start_date,
        initial_cost=initial_cost, annual_licence=annual_licence, development_hours=development_hours,
        estimate_hours=estimate, created_at=stamp, updated_at=stamp,
    )  # fmt: skip
    session.add(pilot)
    session.flush()
    session.add(PilotEvent(pilot_id=pilot.id, from_state=None, to_state=rules.CANDIDATE,
                           effective_on=stamp.date(), at=stamp, by=actor, reason=reason))  # fmt: skip
    audit(session=session, actor=actor, action="pilot.created", entity="pilot", entity_id=pilot.id,
          task_id=task.id, task_key=task.task_key, tool=tool, group_id=group_id, run_id=pilot.run_id,
          estimate_hours=estimate, reason=reason)  # fmt: skip
    return pilot


def _measurement_counts(session: Session, pilot_id: int) -> dict[str, int]:
    rows = session.execute(
        select(PilotMeasurement.phase, func.count())
        .where(PilotMeasurement.pilot_id == pilot_id)
        .group_by(PilotMeasurement.phase)
    )
    return {str(phase): int(count) for phase, count in rows.all()}


def _served_department_ids(session: Session, pilot: Pilot) -> list[int]:
    """The 課 a production pilot serves: every 課 of its group's tasks, else its task's 課."""
    if pilot.group_id is not None and pilot.run_id is not None:
        ids = {t.department_id for t in _group_tasks(session, pilot.run_id, pilot.group_id)}
        if ids:
            return sorted(ids)
    task = session.get(Task, pilot.task_id)
    return [task.department_id] if task else []


def advance_pilot(
    *,
    session: Session,
    pilot_id: int,
    to: str,
    on: date | None = None,
    reason: str | None = None,
    actor: str = "system",
) -> Pilot:
    """Move a pilot to `to` if the lifecycle allows it, effective on `on` (default today).

    実証中 sets the start date when none was given; 効果検証 sets the end date;
    本格導入 records the go-live month (the first of `on`'s month) and the 課 served.
    The pilot row is locked first, so two people advancing it at once serialise.
    """
    pilot = _pilot(session, pilot_id, lock=True)
    counts = _measurement_counts(session, pilot.id)
    before_state = pilot.state
    rules.check_transition(
        before_state, to, before_count=counts.get("before", 0), after_count=counts.get("after", 0)
    )
    day = on or date.today()
    if to == rules.PILOTING:
        pilot.start_date = pilot.start_date or day
        pilot.end_date = None  # a re-run (効果検証 → 実証中) is open again
    elif to == rules.VERIFYING:
        pilot.end_date = day
    elif to == rules.PRODUCTION:
        pilot.go_live_month = day.replace(day=1)
        departments = _served_department_ids(session, pilot)
        session.execute(
            insert(PilotDepartment), [{"pilot_id": pilot.id, "department_id": d} for d in departments]
        )
    stamp = now()
    pilot.state = to
    pilot.updated_at = stamp
    session.add(PilotEvent(pilot_id=pilot.id, from_state=before_state, to_state=to, effective_on=day,
                           at=stamp, by=actor, reason=reason))  # fmt: skip
    audit(session=session, actor=actor, action="pilot.advanced", entity="pilot", entity_id=pilot.id,
          from_state=before_state, to_state=to, effective_on=day.isoformat(), reason=reason,
          go_live_month=pilot.go_live_month.isoformat() if pilot.go_live_month else None)  # fmt: skip
    session.flush()
    return pilot


def add_measurement(
    *,
    session: Session,
    pilot_id: int,
    phase: str,
    cases: float,
    minutes: float,
    check_minutes: float = 0.0,
    method: str = "実測",
    measured_on: date | None = None,
    note: str | None = None,
    actor: str = "system",
) -> PilotMeasurement:
    """Record one before/after sample on a pilot (validated by `bpr.pilots.check_measurement`)."""
    pilot = _pilot(session, pilot_id)
    sample = rules.Measurement(phase=phase, cases=cases, minutes=minutes, check_minutes=check_minutes,
                               method=method, measured_on=measured_on)  # fmt: skip
    rules.check_measurement(pilot.state, sample)
    row = PilotMeasurement(
        pilot_id=pilot.id, phase=phase, cases=cases, minutes=minutes, check_minutes=check_minutes, method=method,
        measured_on=measured_on or date.today(), note=note, created_at=now(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit(session=session, actor=actor, action="pilot.measured", entity="pilot", entity_id=pilot.id,
          measurement_id=row.id, phase=phase, cases=cases, minutes=minutes, check_minutes=check_minutes,
          method=method)  # fmt: skip
    return row


def _annual_cases(session: Session, pilots: Sequence[Pilot], volumes: dict[int, float]) -> dict[int, float]:
    """Cases a year per pilot: its task's annual volume, or the sum over its group's tasks."""
    out: dict[int, float] = {}
    for pilot in pilots:
        if pilot.group_id is not None and pilot.run_id is not None:
            tasks = _group_tasks(session, pilot.run_id, pilot.group_id)
            out[pilot.id] = sum(t.annual_volume for t in tasks) or volumes[pilot.id]
        else:
            out[pilot.id] = volumes[pilot.id]
    return out


def _annualised(pilot: Pilot, samples: list[rules.Measurement]) -> float | None:
    """Realised hours from the after-phase cases of the pilot period (start → end, or today), × 365 / days."""
    days = rules.pilot_days(pilot.start_date, pilot.end_date or date.today())
    if days is None:
        return None
    period_cases = sum(m.cases for m in samples if m.phase == "after")
    return rules.realised_hours(samples, annual_cases=period_cases, annualise_from_days=days)


def list_pilots(
    *, session: Session, annualise: bool = False, hourly_cost_yen: float | None = None
) -> list[PilotSummary]:
    """Every pilot with its estimate, realised hours, accuracy and cost-benefit, oldest first.

    Realised hours use a year of the task's (or group's) cases; with `annualise`, the
    after-phase cases of the pilot period instead, scaled to 365 days (None while the
    pilot has no start date).
    """
    rows = session.execute(
        select(Pilot, Department.name, Task.name, Task.annual_volume)
        .join(Task, Pilot.task_id == Task.id)
        .join(Department, Task.department_id == Department.id)
        .order_by(Pilot.id)
    ).all()
    pilots = [row[0] for row in rows]
    ids = [p.id for p in pilots]
    samples: dict[int, list[rules.Measurement]] = defaultdict(list)
    for m in session.scalars(select(PilotMeasurement).where(PilotMeasurement.pilot_id.in_(ids))):
        samples[m.pilot_id].append(
            rules.Measurement(phase=m.phase, cases=m.cases, minutes=m.minutes,
                              check_minutes=m.check_minutes, method=m.method, measured_on=m.measured_on)
        )  # fmt: skip
    served: dict[int, list[str]] = defaultdict(list)
    for pilot_id, name in session.execute(
        select(PilotDepartment.pilot_id, Department.name)
        .join(Department, PilotDepartment.department_id == Department.id)
        .where(PilotDepartment.pilot_id.in_(ids))
        .order_by(Department.name)
    ):
        served[pilot_id].append(name)
    cases = _annual_cases(session, pilots, {row[0].id: row[3] for row in rows})
    out = []
    for pilot, department, name, _volume in rows:
        if annualise:
            realised = _annualised(pilot, samples[pilot.id])
        else:
            realised = rules.realised_hours(samples[pilot.id], annual_cases=cases[pilot.id])
        money = rules.cost_benefit(
            realised=realised, initial_cost=pilot.initial_cost, annual_licence=pilot.annual_licence,
            development_hours=pilot.development_hours, hourly_cost_yen=hourly_cost_yen,
        )  # fmt: skip
        out.append(
            PilotSummary(
                id=pilot.id,
                task_id=pilot.task_id,
                department=department,
                name=name,
                tool=pilot.tool,
                state=pilot.state,
                vendor=pilot.vendor,
                product=pilot.product,
                estimated_hours=pilot.estimate_hours,
                realised_hours=realised,
                accuracy=rules.estimate_accuracy(realised, pilot.estimate_hours),
                net_saving_yen=money.net_saving_yen,
                payback_months=money.payback_months,
                go_live_month=pilot.go_live_month,
                departments=served[pilot.id],
            )  # fmt: skip
        )
    return out


def pilot_events(*, session: Session, pilot_id: int) -> list[PilotEvent]:
    """A pilot's state history, oldest first."""
    _pilot(session, pilot_id)
    return list(
        session.scalars(select(PilotEvent).where(PilotEvent.pilot_id == pilot_id).order_by(PilotEvent.id))
    )


def production_automations(*, session: Session) -> dict[str, tuple[int, int]]:
    """課 name → (year, month) of its earliest 本格導入: the `treated` mapping of the attribution."""
    query = (
        select(Department.name, func.min(Pilot.go_live_month))
        .join(PilotDepartment, PilotDepartment.department_id == Department.id)
        .join(Pilot, Pilot.id == PilotDepartment.pilot_id)
        .where(Pilot.state == rules.PRODUCTION, Pilot.go_live_month.is_not(None))
        .group_by(Department.name)
    )
    return {str(name): (first.year, first.month) for name, first in session.execute(query).all() if first}
