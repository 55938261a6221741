"""Shared database helpers of the inventory: the clock, the audit trail, 年度 and 課 rows.

Submissions are stored in `submission_repo`, tasks loaded in `task_repo`. Keyword-only
functions that take a session; callers own the transaction (`session_scope`) and
nothing here commits, so one file is stored all-or-nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.db.tables import (
    AuditEntry,
    Department,
    Division,
    FiscalYear,
)
from inventory.era import era_label


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
