"""Backup and restore: every table round-trips on SQLite and PostgreSQL and across them;
damaged files and failing loads leave the target exactly as it was."""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from flows.town.survey import make_town
from flows.town.survey_files import write_survey
from inventory.db.backup import row_counts, write_backup
from inventory.db.backup_format import BackupError, Manifest
from inventory.db.engine import make_engine, session_scope
from inventory.db.migrate import current_revision, head_revision, upgrade
from inventory.db.restore import restore_backup
from inventory.db.submission_repo import store_survey
from inventory.intake.survey import ingest_file
from tests.factories import make_survey
from tests.inventory.db.populate import dump, populate

FreshDb = Callable[[str], Engine]


@pytest.fixture
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FreshDb]:
    """Make empty databases (no tables at all) on either backend; dropped afterwards."""
    made: list[tuple[Engine, str | None]] = []

    def make(kind: str) -> Engine:
        if kind == "sqlite":
            engine = make_engine(f"sqlite:///{tmp_path / f'fresh_{len(made)}.sqlite3'}")
            made.append((engine, None))
            return engine
        url: str = request.getfixturevalue("pg_url")
        name = f"dxi_bk_{uuid.uuid4().hex[:8]}"
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(url.rsplit("/", 1)[0] + f"/{name}")
        made.append((engine, url))
        return engine

    yield make
    for engine, admin_url in made:
        engine.dispose()
        if admin_url is not None:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{engine.url.database}" WITH (FORCE)'))
            admin.dispose()


def _ingest_one_more(engine: Engine, folder: Path) -> None:
    """Head behaves after a restore: a new intake gets fresh ids (sequences reset on PostgreSQL)."""
    (survey,) = make_town(departments=5, tasks_per_department=6, seed=99)[4:]
    outcome = ingest_file(engine=engine, path=write_survey(survey, folder, style="clean"))
    assert outcome.status == "accepted" and outcome.task_count == 6


def test_round_trip_restores_every_table_row_by_row(engine: Engine, fresh: FreshDb, tmp_path: Path) -> None:
    populate(engine, tmp_path)
    before = dump(engine)
    seen: dict[str, int] = {}
    summary = write_backup(
        engine=engine,
        path=tmp_path / "b.zip",
        on_progress=lambda _phase, table, rows: seen.__setitem__(table, seen.get(table, 0) + rows),
    )
    assert summary.rows == row_counts(engine) and summary.revision == head_revision()
    assert {t: n for t, n in seen.items() if n} == {t: n for t, n in summary.rows.items() if n}
    assert all(
        summary.rows[t] > 0 for t in ("tasks", "task_scores", "pilots", "pilot_events", "overtime_months")
    )
    target = fresh(engine.dialect.name)
    restore_backup(engine=target, path=tmp_path / "b.zip")
    assert dump(target) == before
    _ingest_one_more(target, tmp_path / "more")


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgresql_and_back(fresh: FreshDb, tmp_path: Path) -> None:
    source = fresh("sqlite")
    upgrade(source)
    populate(source, tmp_path)
    before = dump(source)
    write_backup(engine=source, path=tmp_path / "from_sqlite.zip")
    postgres = fresh("postgresql")
    restore_backup(engine=postgres, path=tmp_path / "from_sqlite.zip")
    assert dump(postgres) == before
    write_backup(engine=postgres, path=tmp_path / "from_pg.zip")
    back = fresh("sqlite")
    restore_backup(engine=back, path=tmp_path / "from_pg.zip")
    assert dump(back) == before
    _ingest_one_more(postgres, tmp_path / "more")


def _small_backup(engine: Engine, path: Path) -> Path:
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag="v1"))
        store_survey(session=session, survey=make_survey(tag="v2"))
    write_backup(engine=engine, path=path)
    return path


def _rewrite(source: Path, target: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Copy a backup zip, passing each member through `edit` (a valid zip with other content)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, edit(info.filename, old.read(info)))
    return target


def _damaged_files(good: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """Each damaged variant of `good`, with the message it must be refused with."""
    data = good.read_bytes()
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("tables/tasks.jsonl")
    local_header = data[info.header_offset : info.header_offset + 30]
    start = (
        info.header_offset
        + 30
        + int.from_bytes(local_header[26:28], "little")
        + int.from_bytes(local_header[28:30], "little")
    )
    flipped = bytearray(data)
    flipped[start + info.compress_size // 2] ^= 0xFF  # inside the compressed rows of tasks
    manifest = json.loads(zipfile.ZipFile(good).read("manifest.json"))
    newer = {**manifest, "alembic_revision": "9999"}

    def other_row(name: str, content: bytes) -> bytes:
        return (
            content.replace("税務課".encode(), "財務課".encode())
            if name.endswith("departments.jsonl")
            else content
        )

    def drop_line(name: str, content: bytes) -> bytes:
        return b"".join(content.splitlines(keepends=True)[1:]) if name.endswith("tasks.jsonl") else content

    (folder / "truncated.zip").write_bytes(data[: len(data) // 2])
    (folder / "flipped.zip").write_bytes(bytes(flipped))
    (folder / "text.zip").write_text("これはバックアップではありません", encoding="utf-8")
    with zipfile.ZipFile(folder / "foreign.zip", "w") as foreign:
        foreign.writestr("xl/workbook.xml", "<workbook/>")
    return {
        "truncated": (folder / "truncated.zip", "zip 形式ではありません"),
        "flipped byte": (folder / "flipped.zip", "壊れています"),
        "not a zip": (folder / "text.zip", "zip 形式ではありません"),
        "foreign zip": (folder / "foreign.zip", "manifest.json がありません"),
        "edited rows": (_rewrite(good, folder / "edited.zip", other_row), "チェックサム"),
        "missing row": (_rewrite(good, folder / "short.zip", drop_line), "行数が manifest と違います"),
        "newer revision": (
            _rewrite(
                good,
                folder / "newer.zip",
                lambda n, c: json.dumps(newer).encode() if n == "manifest.json" else c,
            ),  # fmt: skip
            "新しいバージョンの dxi",
        ),
    }


def test_damaged_files_are_refused_and_change_nothing(engine: Engine, fresh: FreshDb, tmp_path: Path) -> None:
    good = _small_backup(engine, tmp_path / "good.zip")
    populated = dump(engine)
    empty = fresh(engine.dialect.name)
    for label, (path, message) in _damaged_files(good, tmp_path).items():
        with pytest.raises(BackupError, match=message) as refused:
            restore_backup(engine=empty, path=path)
        assert "変更していません" in refused.value.message, label
        assert row_counts(empty) == {} and current_revision(empty) is None, label
        with pytest.raises(BackupError, match=message):
            restore_backup(engine=engine, path=path, force=True)
        assert dump(engine) == populated, label


def test_non_empty_target_needs_force_then_is_replaced(
    engine: Engine, fresh: FreshDb, tmp_path: Path
) -> None:
    backup = _small_backup(engine, tmp_path / "ours.zip")
    target = fresh(engine.dialect.name)
    upgrade(target)  # as after `dxi init`: tables but no rows, so no --force needed
    restore_backup(engine=target, path=backup)
    assert dump(target) == dump(engine)
    with session_scope(target) as session:
        store_survey(session=session, survey=make_survey(tag="other", department="福祉課"))
    theirs = dump(target)
    with pytest.raises(BackupError, match="--force"):
        restore_backup(engine=target, path=backup)
    assert dump(target) == theirs
    restore_backup(engine=target, path=backup, force=True)
    assert dump(target) == dump(engine)


def test_a_load_that_fails_halfway_rolls_back_schema_and_data(
    engine: Engine, fresh: FreshDb, tmp_path: Path
) -> None:
    """A file whose checksums are right but whose rows break a constraint (two tasks with one id)."""
    good = _small_backup(engine, tmp_path / "good.zip")
    manifest = Manifest.model_validate_json(zipfile.ZipFile(good).read("manifest.json"))
    with zipfile.ZipFile(good) as archive:
        rows = archive.read("tables/tasks.jsonl").splitlines(keepends=True)
    duplicate = rows + [rows[0]]

    for entry in manifest.tables:
        if entry.name == "tasks":
            entry.rows, entry.sha256 = len(duplicate), hashlib.sha256(b"".join(duplicate)).hexdigest()
    bad = _rewrite(good, tmp_path / "dup.zip", lambda n, c: (
        manifest.model_dump_json().encode() if n == "manifest.json"
        else b"".join(duplicate) if n == "tables/tasks.jsonl" else c
    ))  # fmt: skip
    empty = fresh(engine.dialect.name)
    with pytest.raises(BackupError, match="復元できませんでした.*変更していません"):
        restore_backup(engine=empty, path=bad)
    assert row_counts(empty) == {} and current_revision(empty) is None
    populated = dump(engine)
    with pytest.raises(BackupError, match="復元できませんでした"):
        restore_backup(engine=engine, path=bad, force=True)
    assert dump(engine) == populated and current_revision(engine) == head_revision()


def test_a_backup_of_an_old_revision_is_upgraded_after_loading(fresh: FreshDb, tmp_path: Path) -> None:
    old = fresh("sqlite")
    upgrade(old, "0001")
    with old.begin() as conn:
        conn.execute(text("INSERT INTO fiscal_years VALUES (2024, '令和6年度', '2024-04-01', '2025-03-31')"))
        conn.execute(
            text("INSERT INTO departments (name, created_at) VALUES ('税務課', '2024-05-01 00:00:00')")
        )
        conn.execute(text(
            "INSERT INTO survey_submissions (department_id, fiscal_year, file_name, content_hash, file_format,"
            " received_at, status, task_count) VALUES (1, 2024, 'a.xlsx', 'h', 'xlsx', '2024-05-01', 'current', 1)"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO tasks (submission_id, department_id, fiscal_year, source_row, task_code, name, routine,"
            " judgement, input_medium, annual_volume, minutes_per_case, annual_hours, warnings)"
            " VALUES (1, 1, 2024, 2, 'ZM-1', '住民税 申告書入力', '定型', 'なし', '電子', 100, 6, 10, '[]')"
        ))  # fmt: skip
    summary = write_backup(engine=old, path=tmp_path / "old.zip")
    assert summary.revision == "0001"
    target = fresh("sqlite")
    restore_backup(engine=target, path=tmp_path / "old.zip")
    assert current_revision(target) == head_revision()
    with target.connect() as conn:
        assert conn.execute(text("SELECT task_key FROM tasks")).scalar() == "税務課|id:ZM-1"


def test_backup_reads_one_snapshot_while_an_intake_commits(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag="v1"))
    before = dump(engine)
    wrote: list[str] = []

    def write_meanwhile(_phase: str, _table: str, _rows: int) -> None:
        if not wrote:  # the first table is read: another connection commits a whole survey now
            with session_scope(engine) as session:
                store_survey(session=session, survey=make_survey(tag="later", department="市民課"))
            wrote.append("done")

    write_backup(engine=engine, path=tmp_path / "snap.zip", on_progress=write_meanwhile)
    assert wrote and dump(engine) != before
    target = make_engine(f"sqlite:///{tmp_path / 'snap.sqlite3'}")
    restore_backup(engine=target, path=tmp_path / "snap.zip")
    assert dump(target) == before
    target.dispose()


def test_tables_that_are_not_ours_are_left_alone(engine: Engine, fresh: FreshDb, tmp_path: Path) -> None:
    """A database shared with something else (a Prefect server, say): only our tables move."""
    backup = _small_backup(engine, tmp_path / "ours.zip")
    target = fresh(engine.dialect.name)
    with target.begin() as conn:
        conn.execute(text("CREATE TABLE other_app (id INTEGER PRIMARY KEY, note TEXT)"))
        conn.execute(text("INSERT INTO other_app VALUES (1, 'keep me')"))
    assert row_counts(target) == {}
    restore_backup(engine=target, path=backup)
    restore_backup(engine=target, path=backup, force=True)
    with target.connect() as conn:
        assert conn.execute(text("SELECT note FROM other_app")).scalar() == "keep me"
    write_backup(engine=target, path=tmp_path / "again.zip")
    with zipfile.ZipFile(tmp_path / "again.zip") as archive:
        assert "tables/tasks.jsonl" in archive.namelist()
        assert "tables/other_app.jsonl" not in archive.namelist()
