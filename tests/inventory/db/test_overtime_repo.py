"""Storing overtime months: re-imports replace the same months only, failures store nothing; both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from inventory.db.engine import session_scope
from inventory.db.overtime_repo import (
    PANEL_COLUMNS,
    ImportOutcome,
    known_departments,
    overtime_panel,
    record_overtime_rejection,
    replace_overtime,
)
from inventory.db.overtime_tables import OvertimeMonth
from inventory.db.repository import ensure_department
from inventory.db.submission_repo import store_survey
from inventory.db.tables import AuditEntry
from inventory.errors import NotFoundError
from inventory.overtime.reader import OvertimeMonthIn
from tests.factories import make_survey


def month(department: str, year: int, month: int, hours: float, headcount: int = 10) -> OvertimeMonthIn:
    return OvertimeMonthIn(
        department=department, year=year, month=month, overtime_hours=hours, headcount=headcount
    )


def seed(engine: Engine, *departments: str) -> None:
    with session_scope(engine) as session:
        for name in departments:
            store_survey(session=session, survey=make_survey(department=name, tag=name))


def store(engine: Engine, rows: list[OvertimeMonthIn], name: str = "実績.xlsx") -> ImportOutcome:
    with session_scope(engine) as session:
        return replace_overtime(
            session=session, rows=rows, file_name=name, content_hash=name * 4, actor="人事課"
        )


def panel_rows(engine: Engine, departments: list[str] | None = None) -> list[tuple[object, ...]]:
    with session_scope(engine) as session:
        frame = overtime_panel(session=session, departments=departments)
    assert list(frame.columns) == PANEL_COLUMNS
    return [tuple(r) for r in frame.itertuples(index=False)]


def count(engine: Engine, table: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_known_departments_are_those_with_a_survey(engine: Engine) -> None:
    seed(engine, "財務課", "税務課")
    with session_scope(engine) as session:
        ensure_department(session=session, name="未回答課")
    with session_scope(engine) as session:
        assert known_departments(session=session) == sorted(["財務課", "税務課"])


def test_store_and_read_back_the_panel_with_fiscal_years(engine: Engine) -> None:
    seed(engine, "税務課", "財務課")
    outcome = store(
        engine,
        [
            month("税務課", 2025, 3, 12.5, 8),
            month("税務課", 2024, 4, 3.0, 8),
            month("財務課", 2024, 4, 0.0, 2),
        ],
    )
    assert outcome == ImportOutcome(
        months=3, departments=2, total_hours=15.5, replaced=0, first=(2024, 4), last=(2025, 3)
    )
    assert panel_rows(engine) == [  # ordered by code point, the same on both databases
        ("税務課", 2024, 4, 2024, 3.0, 8),
        ("税務課", 2025, 3, 2024, 12.5, 8),
        ("財務課", 2024, 4, 2024, 0.0, 2),
    ]
    assert panel_rows(engine, ["財務課"]) == [("財務課", 2024, 4, 2024, 0.0, 2)]
    with session_scope(engine) as session:
        frame = overtime_panel(session=session)
    assert str(frame["overtime_hours"].dtype) == "float64" and str(frame["headcount"].dtype) == "int64"


def test_empty_panel_keeps_its_columns(engine: Engine) -> None:
    with session_scope(engine) as session:
        frame = overtime_panel(session=session)
    assert frame.empty and list(frame.columns) == PANEL_COLUMNS


def test_reimport_replaces_the_same_months_and_keeps_the_others(engine: Engine) -> None:
    seed(engine, "税務課", "財務課")
    store(
        engine,
        [month("税務課", 2024, m, 10.0) for m in (4, 5, 6)] + [month("財務課", 2024, 5, 7.0)],
        "first.csv",
    )
    outcome = store(engine, [month("税務課", 2024, m, 20.0, 11) for m in (5, 6, 7)], "second.csv")
    assert outcome.replaced == 2 and outcome.months == 3
    assert panel_rows(engine) == [
        ("税務課", 2024, 4, 2024, 10.0, 10),
        ("税務課", 2024, 5, 2024, 20.0, 11),
        ("税務課", 2024, 6, 2024, 20.0, 11),
        ("税務課", 2024, 7, 2024, 20.0, 11),
        ("財務課", 2024, 5, 2024, 7.0, 10),
    ]
    with session_scope(engine) as session:
        files = sorted(session.scalars(select(OvertimeMonth.source_file).distinct()))
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "overtime.imported").order_by(AuditEntry.id)
        ).all()
        assert files == ["first.csv", "second.csv"]
        assert [e.details["replaced"] for e in entries] == [0, 2]
        assert entries[1].actor == "人事課" and entries[1].details["departments"] == ["税務課"]
        assert entries[1].details["first"] == "2024-05" and entries[1].details["last"] == "2024-07"


def test_a_failing_import_stores_nothing_and_keeps_the_previous_months(engine: Engine) -> None:
    seed(engine, "税務課")
    store(engine, [month("税務課", 2024, 4, 10.0)], "first.csv")
    before = panel_rows(engine)
    # The same 課 × month twice gets past the deletes but breaks the unique constraint on insert.
    with pytest.raises(IntegrityError):
        store(engine, [month("税務課", 2024, 4, 99.0), month("税務課", 2024, 4, 98.0)], "broken.csv")
    assert panel_rows(engine) == before
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        replace_overtime(
            session=session, rows=[month("税務課", 2024, 4, 50.0)], file_name="x", content_hash="h", actor="a"
        )
        raise RuntimeError("crash after the write, before commit")
    assert panel_rows(engine) == before
    assert count(engine, AuditEntry) == 2  # the survey and the first import only


def test_an_unregistered_department_is_refused_before_anything_changes(engine: Engine) -> None:
    seed(engine, "税務課")
    store(engine, [month("税務課", 2024, 4, 10.0)])
    with pytest.raises(NotFoundError, match="未登録課"):
        store(engine, [month("税務課", 2024, 4, 1.0), month("未登録課", 2024, 4, 1.0)])
    assert panel_rows(engine) == [("税務課", 2024, 4, 2024, 10.0, 10)]


def test_rejection_is_audited_without_contents(engine: Engine) -> None:
    with session_scope(engine) as session:
        record_overtime_rejection(
            session=session,
            file_name="bad.csv",
            content_hash="ab" * 32,
            codes=["negative", "negative", "required"],
            actor="cli",
        )
    with session_scope(engine) as session:
        (entry,) = session.scalars(select(AuditEntry)).all()
    assert entry.action == "overtime.rejected"
    assert entry.details == {
        "file": "bad.csv",
        "content_hash": "ab" * 32,
        "errors": 3,
        "codes": ["negative", "required"],
    }
    assert count(engine, OvertimeMonth) == 0
