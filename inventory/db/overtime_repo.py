"""Database access for monthly overtime: keyword-only functions that take a session.

Callers own the transaction (`session_scope`); nothing here commits, so a file's
months are replaced all-or-nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from inventory.db.overtime_tables import OvertimeMonth
from inventory.db.repository import audit, now
from inventory.db.tables import Department, SurveySubmission
from inventory.errors import NotFoundError

if TYPE_CHECKING:
    import pandas as pd

    from inventory.overtime.reader import OvertimeMonthIn

PANEL_COLUMNS = ["department", "year", "month", "fiscal_year", "overtime_hours", "headcount"]


@dataclass(frozen=True)
class ImportOutcome:
    """What storing an overtime file did."""

    months: int  # 課 × month rows stored
    departments: int
    total_hours: float
    replaced: int  # of those, rows that replaced an earlier import of the same 課 × month
    first: tuple[int, int] | None  # earliest (year, month) in the file
    last: tuple[int, int] | None


def known_departments(*, session: Session) -> list[str]:
    """Names of the 課 that have sent at least one survey: the only ones overtime may name."""
    query = (
        select(Department.name)
        .join(SurveySubmission, SurveySubmission.department_id == Department.id)
        .distinct()
        .order_by(Department.name)
    )
    return list(session.scalars(query))


def replace_overtime(
    *, session: Session, rows: Sequence[OvertimeMonthIn], file_name: str, content_hash: str, actor: str
) -> ImportOutcome:
    """Store a file's months, replacing the same 課 × months of earlier imports; other months stay.

    The 課 rows are locked first (in id order, so two imports cannot deadlock), which
    serialises concurrent imports touching the same 課 on PostgreSQL.
    """
    names = sorted({row.department for row in rows})
    locked = session.execute(
        select(Department.name, Department.id)
        .where(Department.name.in_(names))
        .order_by(Department.id)
        .with_for_update()
    )
    ids: dict[str, int] = dict(locked.all())
    if missing := [name for name in names if name not in ids]:
        raise NotFoundError(f"登録されていない課があります: {', '.join(missing)}")
    months_by_department: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        months_by_department[ids[row.department]].add(row.year * 100 + row.month)
    replaced = 0
    for department_id, months in months_by_department.items():
        result = session.execute(
            delete(OvertimeMonth).where(
                OvertimeMonth.department_id == department_id,
                (OvertimeMonth.year * 100 + OvertimeMonth.month).in_(sorted(months)),
            )
        )
        replaced += result.rowcount  # type: ignore[attr-defined]
    imported_at = now()
    values = [
        {
            "department_id": ids[row.department], "year": row.year, "month": row.month,
            "fiscal_year": row.fiscal_year, "overtime_hours": row.overtime_hours, "headcount": row.headcount,
            "source_file": file_name, "content_hash": content_hash, "imported_at": imported_at,
        }
        for row in rows
    ]  # fmt: skip
    if values:
        session.execute(insert(OvertimeMonth), values)
    periods = sorted((row.year, row.month) for row in rows)
    outcome = ImportOutcome(
        months=len(rows),
        departments=len(names),
        total_hours=round(math.fsum(row.overtime_hours for row in rows), 6),
        replaced=replaced,
        first=periods[0] if periods else None,
        last=periods[-1] if periods else None,
    )
    audit(
        session=session,
        actor=actor,
        action="overtime.imported",
        entity="overtime_file",
        entity_id=content_hash[:16],
        file=file_name,
        content_hash=content_hash,
        months=outcome.months,
        departments=names,
        total_hours=outcome.total_hours,
        replaced=replaced,
        first=_label(outcome.first),
        last=_label(outcome.last),
    )
    return outcome


def record_overtime_rejection(
    *, session: Session, file_name: str, content_hash: str, codes: Sequence[str], actor: str
) -> None:
    """Keep a trace of a rejected overtime file: its name, hash and error codes, never its contents."""
    audit(
        session=session,
        actor=actor,
        action="overtime.rejected",
        entity="overtime_file",
        entity_id=content_hash[:16],
        file=file_name,
        content_hash=content_hash,
        errors=len(codes),
        codes=sorted(set(codes)),
    )


def overtime_rows(*, session: Session, departments: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The department × month panel as records, ordered by 課 (code point), year, month.

    Keys: department, year, month, fiscal_year, overtime_hours (float), headcount (int).
    What `dxi effects` reads: the effect maths take records, no pandas needed.
    """
    query = (
        select(
            Department.name.label("department"), OvertimeMonth.year, OvertimeMonth.month,
            OvertimeMonth.fiscal_year, OvertimeMonth.overtime_hours, OvertimeMonth.headcount,
        )
        .join(Department, OvertimeMonth.department_id == Department.id)
    )  # fmt: skip
    if departments is not None:
        query = query.where(Department.name.in_(list(departments)))
    records = [
        {**row, "overtime_hours": float(row["overtime_hours"]), "headcount": int(row["headcount"])}
        for row in session.execute(query).mappings()
    ]
    # Sorted here, not in SQL: PostgreSQL's collation would order 課 names unlike SQLite.
    return sorted(records, key=lambda r: (r["department"], r["year"], r["month"]))


def overtime_panel(*, session: Session, departments: Collection[str] | None = None) -> pd.DataFrame:
    """`overtime_rows` as a DataFrame (columns in PANEL_COLUMNS; empty with them when nothing is stored)."""
    import pandas as pd

    frame = pd.DataFrame.from_records(
        overtime_rows(session=session, departments=departments), columns=PANEL_COLUMNS
    )
    return frame.astype(
        {"department": "str", "year": "int64", "month": "int64", "fiscal_year": "int64",
         "overtime_hours": "float64", "headcount": "int64"}
    )  # fmt: skip


def _label(period: tuple[int, int] | None) -> str | None:
    return None if period is None else f"{period[0]}-{period[1]:02d}"
