"""Restore a backup file into an empty database, or over everything with `force`.

The whole file is read and checked first (manifest, every row, every checksum, the
revision), so a damaged file changes nothing. Then ONE transaction drops what is
there, migrates to the backup's revision, loads the tables parents first, upgrades to
head and resets PostgreSQL's sequences: DDL is transactional on both databases, so
any failure leaves the target exactly as it was.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import (
    Connection,
    Engine,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Table,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.ddl import sort_tables_and_constraints

from inventory.db.backup import (
    BATCH,
    VERSION_TABLE,
    BackupSummary,
    Progress,
    app_tables,
    database_file,
    is_app_table,
    row_counts,
)
from inventory.db.backup_format import BackupError, Manifest, iter_rows, open_backup
from inventory.db.migrate import alembic_config, head_revision

log = logging.getLogger(__name__)


def verify_backup(path: Path, on_progress: Progress | None = None) -> Manifest:
    """Read the whole file and check every table's rows and checksum; return its manifest."""
    archive, manifest = open_backup(path)
    with archive:
        _require_known_revision(manifest)
        for entry in manifest.tables:
            done = 0
            for _row in iter_rows(archive, path, entry):
                done += 1
                if on_progress is not None and done % BATCH == 0:
                    on_progress("verify", entry.name, BATCH)
            if on_progress is not None and done % BATCH:
                on_progress("verify", entry.name, done % BATCH)
    return manifest


def _require_known_revision(manifest: Manifest) -> None:
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(manifest.alembic_revision)
    except CommandError:
        raise BackupError(
            f"このバックアップは新しいバージョンの dxi（データベース revision {manifest.alembic_revision}、"
            f"dxi {manifest.app_version}）で作成されています。dxi を更新してから復元してください。"
            "データベースは変更していません。"
        ) from None


def restore_backup(
    *,
    engine: Engine,
    path: Path,
    force: bool = False,
    on_progress: Progress | None = None,
    checked: Manifest | None = None,
) -> BackupSummary:
    """Replace the database's content with the backup; refuse a non-empty target unless `force`.

    `checked`: the manifest `verify_backup` already returned, to skip a second full read
    (the load verifies every checksum again inside its transaction anyway).
    """
    manifest = checked or verify_backup(path, on_progress)
    existing = sum(row_counts(engine).values())
    if existing and not force:
        raise BackupError(
            f"復元先のデータベースにデータがあります（{existing:,} 行）。"
            "すべて置き換えてよい場合は --force を付けて実行してください。"
        )
    sqlite_file = database_file(engine)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    archive, manifest = open_backup(path)
    try:
        with archive, engine.begin() as conn:
            _drop_app_tables(conn)
            _migrate(conn, manifest.alembic_revision)
            _load(conn, archive, path, manifest, on_progress)
            if manifest.alembic_revision != head_revision():
                _migrate(conn, "head")
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
    except SQLAlchemyError as exc:
        raise BackupError(
            f"復元できませんでした（{type(exc).__name__}: {str(exc).splitlines()[0][:300]}）。"
            "データベースは変更していません。"
        ) from exc
    rows = {t.name: t.rows for t in manifest.tables}
    log.info("backup restored: %s (%d tables, %d rows, revision %s)", path.name, len(rows),
             sum(rows.values()), manifest.alembic_revision)  # fmt: skip
    return BackupSummary(
        path=path, revision=manifest.alembic_revision, dialect=manifest.source_dialect, rows=rows
    )


def _drop_app_tables(conn: Connection) -> None:
    reflected = MetaData()
    reflected.reflect(bind=conn, only=lambda name, _meta: is_app_table(name) or name == VERSION_TABLE)
    reflected.drop_all(bind=conn)


def _migrate(conn: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


def _load(
    conn: Connection, archive: zipfile.ZipFile, path: Path, manifest: Manifest, on_progress: Progress | None
) -> None:
    """Insert every table's rows, parents first; self- and cycle references are set afterwards."""
    tables = {t.name: t for t in app_tables(conn)}
    entries = {e.name: e for e in manifest.tables}
    unknown, missing = sorted(set(entries) - set(tables)), sorted(set(tables) - set(entries))
    if unknown or missing:
        raise BackupError(
            f"バックアップの表が revision {manifest.alembic_revision} の表と一致しません"
            f"（余分: {', '.join(unknown) or 'なし'}、不足: {', '.join(missing) or 'なし'}）。データベースは変更していません。"
        )
    ordered = sort_tables_and_constraints(list(tables.values()))  # type: ignore[no-untyped-call]
    cyclic = {fk for table, fks in ordered if table is None for fk in fks}
    for table, _fks in ordered:
        if table is None or table.name not in entries:
            continue
        entry = entries[table.name]
        if entry.columns != [c.name for c in table.columns]:
            raise BackupError(
                f"表 {table.name} の列がバックアップと一致しません（revision {manifest.alembic_revision}）"
            )
        later = _late_columns(table, cyclic)
        _insert_rows(conn, table, iter_rows(archive, path, entry), later, on_progress)


def _late_columns(table: Table, cyclic: set[ForeignKeyConstraint]) -> list[str]:
    """Foreign-key columns that may point at rows not loaded yet (own table, or a cycle)."""
    late = [
        c.name
        for fk in table.foreign_key_constraints
        if fk in cyclic or fk.referred_table is table
        for c in fk.columns
    ]
    if late and not table.primary_key.columns:
        raise BackupError(f"表 {table.name} に主キーがないため復元できません")
    return late


def _insert_rows(conn: Connection, table: Table, rows: Iterator[list[Any]], late: list[str],
                 on_progress: Progress | None) -> None:  # fmt: skip
    names = [c.name for c in table.columns]
    keys = [c.name for c in table.primary_key.columns]
    updates: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if batch:
            conn.execute(table.insert(), batch)
            if on_progress is not None:
                on_progress("load", table.name, len(batch))
            batch.clear()

    for values in rows:
        record = dict(zip(names, values, strict=True))
        if late and any(record[c] is not None for c in late):
            updates.append({**{f"k_{k}": record[k] for k in keys}, **{f"v_{c}": record[c] for c in late}})
            record.update(dict.fromkeys(late))
        batch.append(record)
        if len(batch) >= BATCH:
            flush()
    flush()
    if updates:
        where = [table.c[k] == bindparam(f"k_{k}") for k in keys]
        statement = table.update().where(*where).values({c: bindparam(f"v_{c}") for c in late})
        conn.execute(statement, updates)


def _reset_sequences(conn: Connection) -> None:
    """Point every serial/identity sequence past the largest restored id."""
    prepare = conn.dialect.identifier_preparer
    for table in app_tables(conn):
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": prepare.format_table(table), "column": column.name},
            ).scalar()
            if sequence:
                top = conn.execute(select(func.max(column))).scalar()
                conn.execute(
                    text("SELECT setval(:seq, :value, false)"), {"seq": sequence, "value": (top or 0) + 1}
                )
