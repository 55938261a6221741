"""Backup and restore speed on a town-sized database, SQLite and (when reachable) PostgreSQL.

    python bench/backup.py [--departments 30] [--tasks 50] [--runs 3]

Builds the database through the real code (every survey ingested with
`inventory.intake.survey.ingest_file`, then `--runs` scoring runs stored by the scoring flow's
task functions), then prints for each backend: rows, backup seconds and size, restore
seconds into a fresh database, and a round-trip check (every table equal).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.town.survey import make_town  # noqa: E402
from flows.town.survey_files import write_town  # noqa: E402
from inventory.db.backup import row_counts, write_backup  # noqa: E402
from inventory.db.engine import make_engine  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.db.restore import restore_backup  # noqa: E402
from inventory.intake.survey import ingest_file  # noqa: E402
from tests.inventory.db.populate import dump  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def fill(engine: Engine, folder: Path, departments: int, tasks: int, runs: int) -> None:
    from bpr.scoring.config import default_config
    from flows.task_scoring import load_inventory, score, store

    for path in write_town(make_town(departments=departments, tasks_per_department=tasks), folder, seed=1):
        ingest_file(engine=engine, path=path)
    url = engine.url.render_as_string(hide_password=False)
    config = default_config()
    for _ in range(runs):
        year, frame = load_inventory.fn(url, None)
        scored, _groups, ranked, group_ranking = score.fn(frame, config)
        store.fn(url, year, config, frame, scored, ranked, group_ranking, "bench", None)


def pg_database() -> tuple[Engine, str] | None:
    name = f"dxi_bench_{uuid.uuid4().hex[:8]}"
    try:
        with create_engine(
            PG_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        ).connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: bench SQLite only
        print(f"PostgreSQL not reachable ({type(exc).__name__}); SQLite only")
        return None
    return make_engine(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"), name


def drop_pg(name: str) -> None:
    with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def measure(label: str, source: Engine, target: Engine, folder: Path) -> None:
    rows = sum(row_counts(source).values())
    started = time.perf_counter()
    write_backup(engine=source, path=folder / f"{label}.zip")
    backup_s = time.perf_counter() - started
    size = (folder / f"{label}.zip").stat().st_size
    started = time.perf_counter()
    restore_backup(engine=target, path=folder / f"{label}.zip")
    restore_s = time.perf_counter() - started
    same = dump(source) == dump(target)
    print(f"{label:<12} rows {rows:>8,}  backup {backup_s:6.2f} s  {size / 1e6:6.2f} MB  "
          f"restore {restore_s:6.2f} s  ({rows / restore_s:,.0f} rows/s)  round trip equal: {same}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=30)
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_engine(f"sqlite:///{folder / 'source.sqlite3'}")
        upgrade(source)
        started = time.perf_counter()
        fill(source, folder / "town", args.departments, args.tasks, args.runs)
        print(f"built the source database in {time.perf_counter() - started:.1f} s")
        measure("sqlite", source, make_engine(f"sqlite:///{folder / 'target.sqlite3'}"), folder)
        made = pg_database()
        if made is not None:
            target, name = made
            try:
                measure("sqlite→pg", source, target, folder)
                back = make_engine(f"sqlite:///{folder / 'back.sqlite3'}")
                measure("pg→sqlite", target, back, folder)
            finally:
                target.dispose()
                drop_pg(name)


if __name__ == "__main__":
    main()
