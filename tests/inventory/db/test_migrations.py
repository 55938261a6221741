"""Migrations: head matches the models; data written at 0001 survives the upgrade and head then works."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, MetaData, create_engine, select, text

from inventory.db.engine import make_engine, session_scope
from inventory.db.migrate import current_revision, head_revision, upgrade
from inventory.db.tables import Base
from inventory.db.task_repo import list_tasks
from inventory.intake.survey import ingest_file
from tests.inventory.workbooks import HEADER, write_xlsx


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An empty database (no tables at all) on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('mig') / 'm.sqlite3'}")
        yield engine
        engine.dispose()
        return
    url: str = request.getfixturevalue("pg_url")
    name = f"dxi_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_head_schema_matches_the_models(blank_engine: Engine) -> None:
    assert current_revision(blank_engine) is None
    upgrade(blank_engine)
    assert current_revision(blank_engine) == head_revision()
    ours = current_revision(blank_engine)  # read without alembic, as alembic reads it
    with blank_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == ours
    with blank_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


PARTIAL_UNIQUE = {  # the models name only sqlite_where (start-up time): the database has both
    "uq_survey_submissions_current": "status = 'current'",
    "uq_campaigns_open_fiscal_year": "status = 'open'",
}


def test_the_one_current_and_one_open_indexes_are_partial_on_both_databases(blank_engine: Engine) -> None:
    upgrade(blank_engine)
    with blank_engine.connect() as conn:
        if blank_engine.dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname, indexdef FROM pg_indexes"
        found = {name: sql for name, sql in conn.execute(text(query)) if name in PARTIAL_UNIQUE}
    assert set(found) == set(PARTIAL_UNIQUE)
    for name, where in PARTIAL_UNIQUE.items():
        squeezed = (
            found[name]
            .replace("(", "")
            .replace(")", "")
            .replace("::text", "")
            .replace("::character varying", "")
        )
        assert "UNIQUE" in found[name].upper() and f"WHERE {where}" in squeezed, found[name]


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from inventory.db.migrate import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


TABLES_AT_0001 = (
    "audit_log",
    "divisions",
    "fiscal_years",
    "departments",
    "sections",
    "survey_submissions",
    "tasks",
)


def _task(submission: int, department: int, row: int, name: str, **values: Any) -> dict[str, Any]:
    base = {"submission_id": submission, "department_id": department, "fiscal_year": 2024, "source_row": row,
            "name": name, "routine": "定型", "judgement": "なし", "input_medium": "電子", "annual_volume": 100.0,
            "minutes_per_case": 6.0, "annual_hours": 10.0, "warnings": []}  # fmt: skip
    return base | values


def _fill_at_0001(engine: Engine) -> None:
    """Every table of revision 0001, written as the 0001 code did: ids from the database's sequences."""
    at_0001 = MetaData()
    at_0001.reflect(bind=engine)
    t = at_0001.tables
    stamp = datetime(2024, 5, 1, 0, 30, tzinfo=UTC)

    def insert(conn: Connection, table: str, row: dict[str, Any]) -> int:
        key = t[table].primary_key.columns.values()[0]
        return int(conn.execute(t[table].insert().returning(key), row).scalar_one())

    with engine.begin() as conn:
        conn.execute(t["fiscal_years"].insert(), {"year": 2024, "label": "令和6年度",
                     "starts_on": date(2024, 4, 1), "ends_on": date(2025, 3, 31)})  # fmt: skip
        division = insert(conn, "divisions", {"name": "総務部"})
        tax = insert(conn, "departments", {"name": "税務課", "division_id": division, "created_at": stamp})
        citizens = insert(conn, "departments", {"name": "市民課", "division_id": None, "created_at": stamp})
        section = insert(conn, "sections", {"department_id": tax, "name": "市民税係"})
        submission = {"fiscal_year": 2024, "file_format": "xlsx", "sheet": "業務一覧", "submitter": "山田",
                      "answered_on": date(2024, 5, 1), "received_at": stamp, "task_count": 2}  # fmt: skip
        first = insert(conn, "survey_submissions", submission | {"department_id": tax, "file_name": "税務課_v1.xlsx",
                       "content_hash": "a" * 64, "status": "superseded"})  # fmt: skip
        second = insert(conn, "survey_submissions", submission | {"department_id": tax, "file_name": "税務課_v2.xlsx",
                        "content_hash": "b" * 64, "status": "current"})  # fmt: skip
        conn.execute(t["survey_submissions"].update().where(t["survey_submissions"].c.id == first),
                     {"superseded_by_id": second})  # fmt: skip
        other = insert(conn, "survey_submissions", submission | {"department_id": citizens, "file_name": "市民課.xlsx",
                       "content_hash": "c" * 64, "status": "current", "task_count": 1})  # fmt: skip
        for task in (
            _task(first, tax, 2, "住民税 申告書入力", task_code="ZM-1"),
            _task(second, tax, 2, "住民税 申告書入力", task_code="ZM-1", section_id=section, peak_months=[1, 2, 3],
                  documented=True, change_expected=False, notes="繁忙期は①〜③月"),
            _task(second, tax, 3, "課税台帳の 照会", staff_count=1.5, abolition_planned=None),
            _task(other, citizens, 2, "転入届の受付", input_medium="紙（手書き）", warnings=["annual_volume_rounded"]),
        ):  # fmt: skip
            insert(conn, "tasks", task)
        insert(conn, "audit_log", {"at": stamp, "actor": "cli", "action": "survey.accepted", "entity": "submission",
                                   "entity_id": str(second), "details": {"tasks": 2, "superseded": first}})  # fmt: skip


def _rows(engine: Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    reflected = MetaData()
    reflected.reflect(bind=engine)
    with engine.connect() as conn:
        return {
            name: [tuple(r) for r in conn.execute(
                select(*(reflected.tables[name].c[c] for c in cols))
                .order_by(*reflected.tables[name].primary_key.columns)
            )]
            for name, cols in columns.items()
        }  # fmt: skip


def test_data_from_the_first_migration_survives_upgrade_and_head_works(
    blank_engine: Engine, tmp_path: Path
) -> None:
    upgrade(blank_engine, "0001")
    _fill_at_0001(blank_engine)
    at_0001 = MetaData()
    at_0001.reflect(bind=blank_engine)
    assert set(TABLES_AT_0001) == set(at_0001.tables) - {"alembic_version"}
    columns = {name: [c.name for c in at_0001.tables[name].columns] for name in TABLES_AT_0001}
    before = _rows(blank_engine, columns)
    assert all(before[name] for name in TABLES_AT_0001)

    upgrade(blank_engine)

    assert _rows(blank_engine, columns) == before  # every row of every 0001 table, column by column
    with blank_engine.connect() as conn:
        keys = conn.execute(text("SELECT source_row, task_key, name FROM tasks ORDER BY id")).all()
    assert [tuple(r) for r in keys] == [
        (2, "税務課|id:ZM-1", "住民税 申告書入力"),
        (2, "税務課|id:ZM-1", "住民税 申告書入力"),
        (3, "税務課|name:課税台帳の照会", "課税台帳の 照会"),
        (2, "市民課|name:転入届の受付", "転入届の受付"),
    ]
    # Head behaves on the upgraded data: a resubmission supersedes the 0001 submission.
    path = write_xlsx(
        tmp_path / "税務課_v3.xlsx", [HEADER, ["住民税の申告書入力", "定型", "なし", "電子", 300, 5]]
    )
    outcome = ingest_file(engine=blank_engine, path=path)
    assert outcome.status == "resubmitted" and outcome.superseded_id == 2
    with session_scope(blank_engine) as session:
        current = list_tasks(session=session, fiscal_year=2024)
    assert sorted((t.department, t.name) for t in current) == [
        ("市民課", "転入届の受付"),
        ("税務課", "住民税の申告書入力"),
    ]
