"""Shared fixtures: isolated settings, SQLite and PostgreSQL engines, Prefect's harness.

Database tests take the `engine` fixture and run once per backend. PostgreSQL runs
against 127.0.0.1:5432 (trust auth) in a throw-away database; when the server is not
reachable those tests skip with the reason, unless DXI_REQUIRE_POSTGRES=1 (set by
.ci/run), where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from inventory.db import (
    account_tables,  # noqa: F401  (registers the web UI's tables on Base)
    all_tables,  # noqa: F401  (every *_tables.py, as env.py and the backup see them)
    campaign_tables,  # noqa: F401  (registers the campaign tables on Base)
)
from inventory.db.engine import make_engine
from inventory.db.migrate import upgrade
from inventory.db.tables import Base
from inventory.settings import get_settings

PG_ADMIN_URL = os.environ.get("DXI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own DXI_HOME and a fresh settings cache."""
    monkeypatch.setenv("DXI_HOME", str(tmp_path / "dxi-home"))
    monkeypatch.delenv("DXI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("DXI_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (DXI_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason}); start it to run these tests")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"dxi_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any driver or network failure means "no server here"
        _postgres_unavailable(type(exc).__name__ + ": " + str(exc).splitlines()[0])
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    upgrade(engine)
    yield engine
    engine.dispose()


# Ids start again at 1 on PostgreSQL, as they do on SQLite once its tables are empty: a test
# sees the same ids (and an ID column as wide) whichever tests ran before it.
_RESTART_SEQUENCES = """
DO $$ DECLARE s record; BEGIN
  FOR s IN SELECT schemaname, sequencename FROM pg_sequences LOOP
    EXECUTE format('ALTER SEQUENCE %I.%I RESTART', s.schemaname, s.sequencename);
  END LOOP;
END $$"""


def _empty_all_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            conn.execute(text(_RESTART_SEQUENCES))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated database, empty at the start of each test; once on SQLite, once on PostgreSQL."""
    engine: Engine = request.getfixturevalue("_sqlite_engine" if request.param == "sqlite" else "_pg_engine")
    _empty_all_tables(engine)
    yield engine
    _empty_all_tables(engine)


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One Prefect test harness (temporary server) for the whole session's flow tests."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["PREFECT_LOGGING_LEVEL"] = (
        "WARNING"  # the server's shutdown INFO line hits pytest's closed stream
    )
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
