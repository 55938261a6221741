"""Migrations: head matches the models, and data written at 0001 survives the upgrade."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text

from inventory.db.engine import make_engine
from inventory.db.migrate import current_revision, head_revision, upgrade
from inventory.db.tables import Base


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
    upgrade(blank_engine)
    assert current_revision(blank_engine) == head_revision()
    with blank_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_data_from_the_first_migration_survives_upgrade(blank_engine: Engine) -> None:
    upgrade(blank_engine, "0001")
    now = datetime.now(UTC)
    with blank_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO fiscal_years (year, label, starts_on, ends_on) VALUES (2024, '令和6年度', '2024-04-01', '2025-03-31')"
            )
        )
        conn.execute(
            text("INSERT INTO departments (id, name, created_at) VALUES (1, '税務課', :now)"), {"now": now}
        )
        conn.execute(
            text(
                "INSERT INTO survey_submissions (id, department_id, fiscal_year, file_name, content_hash, file_format,"
                " received_at, status, task_count) VALUES (1, 1, 2024, 'a.xlsx', 'h', 'xlsx', :now, 'current', 2)"
            ),
            {"now": now},
        )
        for task_id, code, name in ((1, "ZM-1", "住民税 申告書入力"), (2, None, "課税台帳の 照会")):
            conn.execute(
                text(
                    "INSERT INTO tasks (id, submission_id, department_id, fiscal_year, source_row, task_code, name,"
                    " routine, judgement, input_medium, annual_volume, minutes_per_case, annual_hours, warnings)"
                    " VALUES (:id, 1, 1, 2024, 2, :code, :name, '定型', 'なし', '電子', 100, 6, 10, '[]')"
                ),
                {"id": task_id, "code": code, "name": name},
            )
    upgrade(blank_engine)
    with blank_engine.connect() as conn:
        keys = conn.execute(text("SELECT id, task_key, name FROM tasks ORDER BY id")).all()
    assert [tuple(r) for r in keys] == [
        (1, "税務課|id:ZM-1", "住民税 申告書入力"),
        (2, "税務課|name:課税台帳の照会", "課税台帳の 照会"),
    ]
