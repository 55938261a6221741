"""Back up the application database into one portable file (SQLite ↔ PostgreSQL).

Every table in the database is read in one consistent snapshot (a read transaction
on SQLite, REPEATABLE READ on PostgreSQL), so a backup taken while an intake runs
holds the whole file or none of it. The file format is in `backup_format`; putting
it back is `restore`.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    MetaData,
    Table,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from inventory.db.all_tables import metadata as app_metadata
from inventory.db.backup_format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    Manifest,
    TableEntry,
    TableWriter,
)
from inventory.db.migrate import not_initialised
from inventory.errors import DatabaseNotReadyError

log = logging.getLogger(__name__)

VERSION_TABLE = "alembic_version"
BATCH = 1000
# (phase, table, rows just done): phase is "read" (backup), "verify" or "load" (restore).
Progress = Callable[[str, str, int], None]


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore handled."""

    path: Path
    revision: str
    dialect: str
    rows: dict[str, int]  # table → rows, in dependency order


def app_version() -> str:
    """The installed version of dx-task-inventory."""
    try:
        return version("dx-task-inventory")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def database_file(engine: Engine) -> Path | None:
    """The file of a file-backed SQLite database, else None."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    return Path(str(database))


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection inside one read transaction that sees a single point in time."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn
        return
    # The app's SQLite engine begins IMMEDIATE (a write lock); a backup only needs a
    # deferred read transaction, which in WAL mode is a snapshot that blocks no writer.
    reader = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(reader, "connect")
    def _manual_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(reader, "begin")
    def _begin_deferred(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    try:
        with reader.connect() as conn, conn.begin():
            yield conn
    finally:
        reader.dispose()


def is_app_table(name: str, _metadata: object = None) -> bool:
    """A table of this application (registered on Base.metadata through `all_tables`)."""
    return name in app_metadata.tables


def app_tables(conn: Connection) -> list[Table]:
    """Our tables as they are in the database (reflected), parents before children.

    Other tables sharing the database (a Prefect server's, say) are neither backed up,
    counted nor dropped.
    """
    reflected = MetaData()
    reflected.reflect(bind=conn, only=is_app_table)
    return list(reflected.sorted_tables)


def _naive_is_utc(table: Table) -> list[bool]:
    """Per column: a zone-less datetime here means UTC (SQLite keeps no zone for aware columns)."""
    model = app_metadata.tables.get(table.name)
    flags = []
    for column in table.columns:
        declared = model.columns.get(column.name) if model is not None else None
        kind = declared.type if declared is not None else column.type
        flags.append(isinstance(kind, DateTime) and bool(kind.timezone))
    return flags


def _revision(conn: Connection, tables: list[str]) -> str | None:
    if VERSION_TABLE not in tables:
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def write_backup(*, engine: Engine, path: Path, on_progress: Progress | None = None) -> BackupSummary:
    """Write a backup of every table to `path` (replaced only when the new file is complete)."""
    sqlite_file = database_file(engine)
    if sqlite_file is not None and not sqlite_file.exists():
        raise DatabaseNotReadyError(f"データベースファイルがありません: {sqlite_file}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    rows: dict[str, int] = {}
    try:
        with _snapshot(engine) as conn, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            names = conn.dialect.get_table_names(conn)
            revision = _revision(conn, names)
            if revision is None:
                raise not_initialised(engine)
            entries: list[TableEntry] = []
            for table in app_tables(conn):
                entries.append(_dump_table(conn, archive, table, on_progress))
                rows[table.name] = entries[-1].rows
            manifest = Manifest(
                format=FORMAT, format_version=FORMAT_VERSION, app_version=app_version(),
                alembic_revision=revision, created_at=datetime.now(UTC),
                source_dialect=engine.dialect.name, tables=entries,
            )  # fmt: skip
            archive.writestr(MANIFEST_NAME, manifest.model_dump_json(indent=2))
        os.replace(partial, path)
    except OperationalError as exc:
        partial.unlink(missing_ok=True)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseNotReadyError(f"データベースに接続できません（{where}）: {exc.orig}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    log.info("backup written: %s (%d tables, %d rows)", path.name, len(rows), sum(rows.values()))
    return BackupSummary(path=path, revision=revision, dialect=engine.dialect.name, rows=rows)


def _dump_table(
    conn: Connection, archive: zipfile.ZipFile, table: Table, on_progress: Progress | None
) -> TableEntry:
    order = list(table.primary_key.columns) or list(table.columns)
    file_name = f"tables/{table.name}.jsonl"
    result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    info = zipfile.ZipInfo(file_name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as stream:
        writer = TableWriter(stream, _naive_is_utc(table))
        for batch in result.partitions():
            for row in batch:
                writer.write(tuple(row))
            if on_progress is not None:
                on_progress("read", table.name, len(batch))
    return TableEntry(
        name=table.name, file=file_name, columns=[c.name for c in table.columns],
        rows=writer.rows, sha256=writer.sha256,
    )  # fmt: skip


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table in a database (empty for a database with no tables or no file yet)."""
    sqlite_file = database_file(engine)
    if sqlite_file is not None and not sqlite_file.exists():
        return {}
    try:
        with engine.connect() as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in app_tables(conn)
            }
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseNotReadyError(f"データベースに接続できません（{where}）: {exc}") from exc
