"""Pilot (実証) service: applies the lifecycle rules of `bpr.pilots.rules`, then stores through the repository.

The CLI (`dxi pilot`), the web pilot board and the demo all call these functions, so
a rule is checked in one place; `inventory.db.pilot_repo` only stores and loads.
Callers own the transaction (`session_scope`); nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bpr.errors import PilotError
from bpr.pilots import rules
from inventory.db import pilot_repo as repo
from inventory.db.pilot_tables import Pilot, PilotMeasurement
from inventory.db.web_status_repo import measurement_rows


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
    gate_concern: str | None = None  # why 本格導入 needs --force (realised ≤ 0 or < half the estimate)
    production_reason: str | None = None  # the reason given when it was moved to 本格導入


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
    task = repo.get_task(session=session, task_id=task_id)
    score = repo.latest_score(session=session, task_key=task.task_key)
    estimate = score.expected_hours_saved if score else None
    group_id = None
    if group:
        if score is None or score.group_id is None:
            raise PilotError(
                f"業務ID {task_id}（{task.name}）は最新の採点で横展開グループに入っていません。"
                "--group を付けずに作成してください。"
            )
        group_id = score.group_id
        estimate = repo.group_hours(session=session, run_id=score.run_id, group_id=group_id)
    return repo.insert_pilot(
        session=session, task=task, state=rules.CANDIDATE, actor=actor, reason=reason,
        run_id=score.run_id if score else None, group_id=group_id, tool=tool, vendor=vendor, product=product,
        start_date=start_date, initial_cost=initial_cost, annual_licence=annual_licence,
        development_hours=development_hours, estimate_hours=estimate,
    )  # fmt: skip


def _samples(stored: list[PilotMeasurement]) -> list[rules.Measurement]:
    return [
        rules.Measurement(phase=m.phase, cases=m.cases, minutes=m.minutes, check_minutes=m.check_minutes,
                          method=m.method, measured_on=m.measured_on)
        for m in stored
    ]  # fmt: skip


def _realised(session: Session, pilot: Pilot) -> float | None:
    """Realised annual hours of one pilot over a year of its task's (or group's) cases."""
    stored = repo.measurements_by_pilot(session=session, pilot_ids=[pilot.id]).get(pilot.id, [])
    volume = repo.get_task(session=session, task_id=pilot.task_id).annual_volume
    cases = repo.annual_cases(session=session, pilots=[pilot], volumes={pilot.id: volume})[pilot.id]
    if cases is None:  # the survey stated hours only: no cases a year to multiply
        return None
    return rules.realised_hours(_samples(stored), annual_cases=cases)


def advance_pilot(
    *,
    session: Session,
    pilot_id: int,
    to: str,
    on: date | None = None,
    reason: str | None = None,
    actor: str = "system",
    force: bool = False,
) -> Pilot:
    """Move a pilot to `to` if the lifecycle allows it, effective on `on` (default today).

    実証中 sets the start date when none was given; 効果検証 sets the end date;
    本格導入 records the go-live month (the first of `on`'s month) and the 課 served.
    本格導入 of a pilot whose realised saving is ≤ 0 or below half its estimate needs
    `force` and a reason (`rules.check_gate`); the audit entry records that it was forced.
    The pilot row is locked first, so two people advancing it at once serialise.
    """
    pilot = repo.get_pilot(session=session, pilot_id=pilot_id, lock=True)
    counts = repo.measurement_counts(session=session, pilot_id=pilot.id)
    rules.check_transition(
        pilot.state, to, before_count=counts.get("before", 0), after_count=counts.get("after", 0)
    )
    gate: dict[str, Any] = {}
    if to == rules.PRODUCTION:
        realised = _realised(session, pilot)
        concern = rules.gate_concern(realised=realised, estimate=pilot.estimate_hours)
        rules.check_gate(concern, force=force, reason=reason)
        if concern is not None:
            gate = {"forced": True, "gate_concern": concern, "realised_hours": realised,
                    "estimate_hours": pilot.estimate_hours}  # fmt: skip
    day = on or date.today()
    departments: list[int] = []
    if to == rules.PILOTING:
        pilot.start_date = pilot.start_date or day
        pilot.end_date = None  # a re-run (効果検証 → 実証中) is open again
    elif to == rules.VERIFYING:
        pilot.end_date = day
    elif to == rules.PRODUCTION:
        pilot.go_live_month = day.replace(day=1)
        departments = repo.served_department_ids(session=session, pilot=pilot)
    return repo.save_transition(
        session=session, pilot=pilot, to=to, on=day, department_ids=departments, reason=reason, actor=actor,
        **gate,
    )  # fmt: skip


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
    """Record one before/after sample on a pilot (validated by `bpr.pilots.rules.check_measurement`)."""
    pilot = repo.get_pilot(session=session, pilot_id=pilot_id)
    sample = rules.Measurement(phase=phase, cases=cases, minutes=minutes, check_minutes=check_minutes,
                               method=method, measured_on=measured_on)  # fmt: skip
    rules.check_measurement(pilot.state, sample)
    return repo.insert_measurement(
        session=session, pilot=pilot, actor=actor, phase=phase, cases=cases, minutes=minutes,
        check_minutes=check_minutes, method=method, measured_on=measured_on or date.today(), note=note,
    )  # fmt: skip


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
    rows = repo.pilot_rows(session=session)
    pilots = [row[0] for row in rows]
    ids = [p.id for p in pilots]
    stored = repo.measurements_by_pilot(session=session, pilot_ids=ids)
    samples = {pilot_id: _samples(rows_) for pilot_id, rows_ in stored.items()}
    served = repo.served_departments(session=session, pilot_ids=ids)
    reasons = repo.transition_reasons(session=session, pilot_ids=ids, to_state=rules.PRODUCTION)
    cases = repo.annual_cases(session=session, pilots=pilots, volumes={row[0].id: row[3] for row in rows})
    out = []
    for pilot, department, name, _volume in rows:
        own = samples.get(pilot.id, [])
        year_cases = cases[pilot.id]
        if annualise:
            realised = _annualised(pilot, own)
        elif year_cases is None:  # the task's survey stated hours only: no cases a year to multiply
            realised = None
        else:
            realised = rules.realised_hours(own, annual_cases=year_cases)
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
                departments=served.get(pilot.id, []),
                gate_concern=rules.gate_concern(realised=realised, estimate=pilot.estimate_hours),
                production_reason=reasons.get(pilot.id),
            )  # fmt: skip
        )
    return out


def production_automations(*, session: Session) -> dict[str, tuple[int, int]]:
    """課 name → (year, month) of its earliest 本格導入: the `treated` mapping of the attribution."""
    return repo.first_go_live_by_department(session=session, state=rules.PRODUCTION)


@dataclass
class PilotCard:
    """A pilot with its samples and the moves the lifecycle allows from its state."""

    summary: PilotSummary
    measurements: list[dict[str, Any]]
    next_states: tuple[str, ...]


def pilot_board(*, session: Session, department: str | None = None) -> dict[str, list[PilotCard]]:
    """Pilots grouped by state in lifecycle order (only those serving `department`, when given)."""
    summaries = [
        p for p in list_pilots(session=session)
        if department is None or p.department == department or department in p.departments
    ]  # fmt: skip
    samples = measurement_rows(session=session, pilot_ids=[p.id for p in summaries])
    board: dict[str, list[PilotCard]] = {state: [] for state in rules.STATES}
    for p in summaries:
        board[p.state].append(PilotCard(p, samples.get(p.id, []), rules.allowed_next(p.state)))
    return board


def pilot_department(*, session: Session, pilot_id: int) -> PilotSummary | None:
    """One pilot's summary (for the access check and the confirmation message)."""
    return next((p for p in list_pilots(session=session) if p.id == pilot_id), None)
