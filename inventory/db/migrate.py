"""Create or upgrade the database schema with alembic (`dxi init`).

Checking that a database is current (every command, before it reads) needs no alembic:
the version table is read with one query and the newest shipped revision from the
migration files, so a read command does not pay alembic's import (as long as sqlalchemy's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError

from inventory.db.engine import DEFERRED
from inventory.errors import DatabaseNotReadyError

if TYPE_CHECKING:
    from alembic.config import Config

VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"
_REVISION = re.compile(r"^revision\s*=\s*[\"']([^\"']+)[\"']", re.M)
_REVISES = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)


def alembic_config() -> Config:
    """Alembic config pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "inventory:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade the schema to `revision`; return (revision before, revision after)."""
    from alembic import command

    config = alembic_config()
    before = current_revision(engine)
    with engine.connect() as connection, _sqlite_foreign_keys_checked_at_end(connection):
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            _check_foreign_keys(connection)
    return before, current_revision(engine)


@contextmanager
def _sqlite_foreign_keys_checked_at_end(connection: Connection) -> Iterator[None]:
    """Let SQLite rebuild a table that other rows point at (its only way to change a column).

    SQLite enforces foreign keys on the DROP of the old table; the pragma cannot change
    inside a transaction, so it is set on the raw connection before, and every key is
    checked before the migration commits (`_check_foreign_keys`).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} rows pointing at missing rows: {broken[:5]}")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    try:  # a deferred read: checking the version never waits for a writer's lock
        with engine.execution_options(**{DEFERRED: True}).connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseNotReadyError(
            f"データベースに接続できません（{where}）: {str(exc.orig).strip()}"
        ) from exc


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest revision shipped with this version of the code: the one no other migration revises.

    Read from the files' `revision` and `down_revision` lines; should they ever not name
    exactly one head (a branch to merge), alembic itself decides (and says what is wrong).
    """
    revisions, revised = set(), set()
    for path in VERSIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found[1])
        if down := _REVISES.search(source):
            revised |= set(re.findall(r"[\"']([^\"']+)[\"']", down[1]))
    heads = revisions - revised
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _sqlite_file(engine: Engine) -> Path | None:
    """The database file of a file-backed SQLite engine, else None."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    return Path(str(database))


def describe(engine: Engine) -> str:
    """The database as a person should see it: the SQLite file, or the URL without password."""
    sqlite_file = _sqlite_file(engine)
    return str(sqlite_file) if sqlite_file is not None else engine.url.render_as_string(hide_password=True)


def not_initialised(engine: Engine) -> DatabaseNotReadyError:
    """The error for a database without our tables, naming the database that was looked at."""
    return DatabaseNotReadyError(
        f"データベースが初期化されていません（{describe(engine)}）。このデータベースでよければ "
        "`dxi init` を実行してください。別のデータベースを使っているはずなら、DXI_HOME・"
        "DXI_DATABASE_URL・dxi.toml の設定を確認してください（`dxi doctor` で表示できます）。"
    )


def require_current(engine: Engine) -> None:
    """Fail with a Japanese hint when the database is missing or older than the code."""
    sqlite_file = _sqlite_file(engine)
    if sqlite_file is not None and not sqlite_file.exists():
        raise not_initialised(engine)
    current = current_revision(engine)
    if current is None:
        raise not_initialised(engine)
    if current != head_revision():
        raise DatabaseNotReadyError(
            f"データベースの構造が古いバージョンです（{describe(engine)}）。"
            "`dxi init` を実行して更新してください。"
        )


def ensure_schema(engine: Engine) -> None:
    """Create the schema on an empty database; refuse to touch an outdated one silently."""
    sqlite_file = _sqlite_file(engine)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    if current_revision(engine) is None:
        upgrade(engine)
    else:
        require_current(engine)
