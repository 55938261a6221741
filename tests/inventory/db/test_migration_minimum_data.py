"""0007_minimum_data rebuilds `tasks` (SQLite's only way to drop NOT NULL) under rows that point at it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, text

from inventory.db.engine import session_scope
from inventory.db.migrate import upgrade
from inventory.db.task_repo import list_tasks
from inventory.intake.survey import ingest_file
from tests.inventory.db.test_migrations import blank_engine  # noqa: F401  (the fixture)
from tests.inventory.workbooks import write_xlsx

STAMP = datetime(2024, 6, 1, tzinfo=UTC)


def _fill_at_0006(engine: Engine) -> None:
    """A task with a score and a review pointing at it, written as the 0006 code did."""
    at_0006 = MetaData()
    at_0006.reflect(bind=engine)
    t = at_0006.tables

    def insert(conn: Connection, table: str, row: dict[str, Any]) -> int:
        return int(conn.execute(t[table].insert().returning(t[table].c.id), row).scalar_one())

    with engine.begin() as conn:
        conn.execute(t["fiscal_years"].insert(), {"year": 2024, "label": "令和6年度",
                     "starts_on": date(2024, 4, 1), "ends_on": date(2025, 3, 31)})  # fmt: skip
        dept = insert(conn, "departments", {"name": "税務課", "created_at": STAMP})
        sub = insert(conn, "survey_submissions", {"department_id": dept, "fiscal_year": 2024, "file_name": "a.xlsx",
                     "content_hash": "a" * 64, "file_format": "xlsx", "received_at": STAMP, "status": "current",
                     "task_count": 1})  # fmt: skip
        task = insert(conn, "tasks", {"submission_id": sub, "department_id": dept, "fiscal_year": 2024,
                      "source_row": 2, "task_key": "税務課|name:申告書入力", "name": "申告書入力", "routine": "定型",
                      "judgement": "なし", "input_medium": "電子", "annual_volume": 1200.0, "minutes_per_case": 5.0,
                      "annual_hours": 100.0, "warnings": []})  # fmt: skip
        run = insert(conn, "scoring_runs", {"fiscal_year": 2024, "created_at": STAMP, "actor": "t", "config": {},
                     "config_hash": "c" * 64, "task_count": 1, "knocked_out_count": 0})  # fmt: skip
        insert(conn, "task_scores", {"run_id": run, "task_id": task, "task_key": "税務課|name:申告書入力",
               "rpa_score": 80.0, "ocr_score": 0.0, "knocked_out": False, "expected_hours_saved": 60.0,
               "person_years": 0.03, "yen_saved": 150000.0, "ease_score": 90.0, "difficulty": "低",
               "quadrant": "later", "priority": 55.0, "rank": 1, "explanation": "推奨 RPA", "factors": []})  # fmt: skip
        insert(conn, "reviews", {"task_key": "税務課|name:申告書入力", "task_id": task, "fiscal_year": 2024,
               "decision": "採用", "reason": "定型", "reviewer": "山田", "decided_at": STAMP, "run_id": run,
               "source": "cli"})  # fmt: skip


def test_upgrade_keeps_the_rows_pointing_at_tasks_and_head_takes_hours_only(
    blank_engine: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    upgrade(blank_engine, "0006")
    _fill_at_0006(blank_engine)

    upgrade(blank_engine)

    with blank_engine.connect() as conn:
        task = conn.execute(
            text("SELECT id, routine, annual_hours, stated_hours, hours_after FROM tasks")
        ).one()
        pointers = conn.execute(
            text("SELECT (SELECT task_id FROM reviews), (SELECT task_id FROM task_scores)")
        ).one()
        unknowns = conn.execute(text("SELECT missing_attributes FROM task_scores")).scalar_one()
        if blank_engine.dialect.name == "sqlite":  # keys are enforced again once the migration is done
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    assert tuple(task) == (1, "定型", 100.0, None, None) and tuple(pointers) == (1, 1) and unknowns is None

    rows = [["業務名", "年間時間"], ["窓口相談", "約300時間"]]
    outcome = ingest_file(engine=blank_engine, path=write_xlsx(tmp_path / "税務課_v2.xlsx", rows))
    assert outcome.status == "resubmitted", outcome
    with session_scope(blank_engine) as session:
        (current,) = list_tasks(session=session, fiscal_year=2024)
    assert (current.name, current.annual_hours, current.routine) == ("窓口相談", 300.0, None)
