"""The SQL behind the web UI's status pages: pilot samples, submissions per 課, overtime per 課.

Kept apart from `web_repo` (the ranking and task pages) so each stays readable.
Rejected files leave only an audit entry (no task data is stored from them), so a
submission's error report is rebuilt from that entry: file, time, error count, codes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.db.overtime_tables import OvertimeMonth
from inventory.db.pilot_tables import PilotMeasurement
from inventory.db.tables import AuditEntry, Department, Division, SurveySubmission

REJECTIONS_SCANNED = 5_000  # newest rejection entries looked at (a town has dozens a year)


def measurement_rows(*, session: Session, pilot_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each pilot's samples as plain rows for the pilot board, oldest measurement first."""
    samples: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = session.execute(
        select(PilotMeasurement.pilot_id, PilotMeasurement.phase, PilotMeasurement.cases, PilotMeasurement.minutes,
               PilotMeasurement.check_minutes, PilotMeasurement.method, PilotMeasurement.measured_on)
        .where(PilotMeasurement.pilot_id.in_(pilot_ids))
        .order_by(PilotMeasurement.measured_on, PilotMeasurement.id)
    ).mappings()  # fmt: skip
    for row in rows:
        samples[row["pilot_id"]].append(dict(row))
    return samples


@dataclass
class SubmissionRow:
    """One 課's submission status in a 年度."""

    department: str
    division: str | None
    file_name: str | None = None
    received_at: datetime | None = None
    task_count: int | None = None
    versions: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> str:
        """received / resubmitted / rejected (newest file refused) / missing."""
        last_rejected = self.rejections[0]["at"] if self.rejections else None
        if self.received_at is None:
            return "rejected" if last_rejected else "missing"
        if last_rejected is not None and _naive(last_rejected) > _naive(self.received_at):
            return "rejected"
        return "resubmitted" if self.versions > 1 else "received"


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def rejections(*, session: Session, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """Rejected survey files from the audit log, newest first (id, at, file, 課, 年度, errors, codes)."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "survey.rejected")
        .order_by(AuditEntry.id.desc())
        .limit(REJECTIONS_SCANNED)
    )
    out = []
    for e in entries:
        d = e.details or {}
        if fiscal_year is not None and d.get("fiscal_year") not in (fiscal_year, None):
            continue
        out.append({"id": e.id, "at": e.at, "file": d.get("file"), "department": d.get("department"),
                    "fiscal_year": d.get("fiscal_year"), "errors": d.get("errors"), "codes": d.get("codes") or []})  # fmt: skip
    return out


def rejection(*, session: Session, entry_id: int) -> dict[str, Any] | None:
    """One rejection entry (for its error-report download)."""
    entry = session.get(AuditEntry, entry_id)
    if entry is None or entry.action != "survey.rejected":
        return None
    d = entry.details or {}
    return {"id": entry.id, "at": entry.at, "file": d.get("file"), "department": d.get("department"),
            "fiscal_year": d.get("fiscal_year"), "errors": d.get("errors"), "codes": d.get("codes") or []}  # fmt: skip


def submission_status(
    *, session: Session, fiscal_year: int, department: str | None = None
) -> list[SubmissionRow]:
    """Per 課: the current file of the 年度, how many versions it had, and its rejected files."""
    query = (
        select(Department.name, Division.name).outerjoin(Division, Department.division_id == Division.id)
    ).order_by(Department.name)
    if department is not None:
        query = query.where(Department.name == department)
    rows = {name: SubmissionRow(name, division) for name, division in session.execute(query).all()}
    versions = session.execute(
        select(Department.name, func.count())
        .join(SurveySubmission, SurveySubmission.department_id == Department.id)
        .where(SurveySubmission.fiscal_year == fiscal_year)
        .group_by(Department.name)
    ).all()
    for name, count in versions:
        if name in rows:
            rows[name].versions = int(count)
    current = session.execute(
        select(Department.name, SurveySubmission.file_name, SurveySubmission.received_at, SurveySubmission.task_count)
        .join(SurveySubmission, SurveySubmission.department_id == Department.id)
        .where(SurveySubmission.fiscal_year == fiscal_year, SurveySubmission.status == "current")
    ).all()  # fmt: skip
    for name, file_name, received_at, task_count in current:
        if name in rows:
            rows[name].file_name, rows[name].received_at, rows[name].task_count = (
                file_name,
                received_at,
                task_count,
            )
    for r in rejections(session=session, fiscal_year=fiscal_year):
        if r["department"] in rows:
            rows[r["department"]].rejections.append(r)
    return list(rows.values())


def submission_years(*, session: Session) -> list[int]:
    """年度 with at least one submission, newest first."""
    return list(
        session.scalars(
            select(SurveySubmission.fiscal_year).distinct().order_by(SurveySubmission.fiscal_year.desc())
        )
    )


@dataclass(frozen=True)
class DepartmentOvertime:
    """A 課's overtime in one 年度: total, months reported, and its smallest and mean headcount."""

    department: str
    hours: float
    months: int
    min_headcount: int
    mean_headcount: float


def department_overtime(*, session: Session, fiscal_year: int) -> list[DepartmentOvertime]:
    """Overtime per 課 in a 年度 (the small-cell rule is applied by the caller, per viewer)."""
    rows = session.execute(
        select(Department.name, func.sum(OvertimeMonth.overtime_hours), func.count(),
               func.min(OvertimeMonth.headcount), func.avg(OvertimeMonth.headcount))
        .join(Department, OvertimeMonth.department_id == Department.id)
        .where(OvertimeMonth.fiscal_year == fiscal_year)
        .group_by(Department.name)
    ).all()  # fmt: skip
    out = [DepartmentOvertime(str(n), float(h), int(c), int(lo), float(avg)) for n, h, c, lo, avg in rows]
    return sorted(out, key=lambda r: r.department)


def overtime_years(*, session: Session) -> list[int]:
    """年度 with overtime data, newest first."""
    return list(
        session.scalars(
            select(OvertimeMonth.fiscal_year).distinct().order_by(OvertimeMonth.fiscal_year.desc())
        )
    )


UNKEPT_SCANNED = 2_000  # newest upload entries looked at for files that could not be opened


def unkept_uploads(
    *, session: Session, department: str | None = None, fiscal_year: int | None = None
) -> list[dict[str, Any]]:
    """Uploads the 提出 page could not open (kept nowhere but the audit log), newest first."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "web.upload")
        .order_by(AuditEntry.id.desc())
        .limit(UNKEPT_SCANNED)
    )
    out = []
    for e in entries:
        d = e.details or {}
        if d.get("kept") is not False:
            continue
        if department is not None and d.get("department") != department:
            continue
        if fiscal_year is not None and d.get("fiscal_year") != fiscal_year:
            continue
        out.append({"at": e.at, "actor": e.actor, "file": d.get("file"), "size": d.get("size"),
                    "department": d.get("department"), "fiscal_year": d.get("fiscal_year")})  # fmt: skip
    return out
