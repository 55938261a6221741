"""Parallel reviewers against a real `dxi web` process: decisions recorded under load, none lost.

    python bench/web_load.py [--reviewers 10] [--decisions 200] [--race-rounds 50]
                             [--departments 10] [--tasks-per-department 30] [--wall 900]
                             [--backends sqlite,postgresql]

For each backend (SQLite in a temporary folder; PostgreSQL in a throw-away database
at 127.0.0.1:5432, skipped with a note when unreachable): the synthetic town's
workbooks are ingested and scored, one reviewer account is made per reviewer, and
`dxi web` runs as its own process on a free 127.0.0.1 port. This process then
drives the reviewers (tests/flows/web/load_driver.py: own session each, CSRF token
from the page, unique reasons, the redirect followed), and afterwards checks the
database by reason: every acknowledged decision recorded exactly once with its
audit entry. Then two reviewers decide the same task at the same instant for
--race-rounds rounds. Prints throughput and p50/p95 of page loads (GET), decisions (POST)
and all requests; the CI version is tests/flows/web/test_load.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inventory.db.engine import make_engine, session_scope  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.db.scoring_tables import Review  # noqa: E402
from tests.flows.web.load_driver import LoadResult, race_same_task, run_load  # noqa: E402
from tests.flows.web.load_server import (  # noqa: E402
    PASSWORD,
    check_stored,
    dxi_web,
    reviewer_names,
    seed_load_town,
    server_log,
)

PG_ADMIN = os.environ.get("DXI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_database() -> str | None:
    """URL of a fresh PostgreSQL database, or None (with a note) when there is no server."""
    name = f"dxi_bench_load_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # any driver or network failure means "no server here"
        print(f"postgresql: skipped, no server at {PG_ADMIN.rsplit('/', 1)[0]} ({type(exc).__name__})")
        return None
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_pg(url: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def print_run(label: str, result: LoadResult, check: dict[str, int]) -> None:
    f = result.figures()
    print(f"  {label}: {f['decisions_acknowledged']} of {f['decisions_sent']} decisions acknowledged "
          f"in {f['elapsed_s']} s ({f['decisions_per_s']} decisions/s, {result.requests} requests), "
          f"visible after the redirect {f['visible_after_redirect']}")  # fmt: skip
    print(f"    pages (GET) p50 {f['page_p50_ms']} ms  p95 {f['page_p95_ms']} ms;  "
          f"decision POST p50 {f['decision_p50_ms']} ms  p95 {f['decision_p95_ms']} ms;  "
          f"all requests p50 {f['request_p50_ms']} ms  p95 {f['request_p95_ms']} ms")  # fmt: skip
    print(f"    database: recorded once {check['recorded_once']}, LOST {check['lost']}, "
          f"stored twice {check['stored_twice']}, wrong values {check['stored_wrong']}, "
          f"stored but not acknowledged {check['stored_unacknowledged']}, audit mismatches {check['audit_mismatch']}")  # fmt: skip
    print(
        f"    errors by status: {f['errors'] or 'none'}"
        + ("  (STOPPED EARLY: limit reached)" if f["stopped_early"] else "")
    )


def race_order_ok(engine: Engine, task_id: int) -> bool:
    """The same task's decisions: id order and decided_at order agree (one 'latest' for every view)."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(Review.decided_at).where(Review.task_id == task_id).order_by(Review.id)
        ).all()
    times = [r[0] for r in rows]
    return times == sorted(times)


def bench_backend(backend: str, url: str, folder: Path, args: argparse.Namespace) -> bool:
    engine = make_engine(url)
    try:
        upgrade(engine)
        start = time.perf_counter()
        task_ids = seed_load_town(engine, folder / "files", reviewers=args.reviewers, departments=args.departments,
                                  tasks_per_department=args.tasks_per_department)  # fmt: skip
        print(f"{backend}: seeded {len(task_ids)} tasks in {args.departments} 課 and {args.reviewers} reviewer "
              f"accounts in {time.perf_counter() - start:.1f} s; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")  # fmt: skip
        users = [(name, PASSWORD) for name in reviewer_names(args.reviewers)]
        home = folder / "server-home"
        with dxi_web(url, home) as base_url:
            load = run_load(base_url, users, task_ids, decisions=args.decisions, wall_seconds=args.wall,
                            max_requests=args.reviewers * (3 * args.decisions + 2), tag="bench")  # fmt: skip
            load_check = check_stored(engine, load.acks, "負荷試験 bench ")
            print_run(f"{args.reviewers} reviewers × {args.decisions} decisions", load, load_check)
            race = race_same_task(
                base_url, users[:2], task_ids[0], rounds=args.race_rounds, wall_seconds=args.wall
            )
            race_check = check_stored(engine, race.acks, "負荷試験 race ")
            print_run(f"2 reviewers on the same task × {args.race_rounds} rounds", race, race_check)
            ordered = race_order_ok(engine, task_ids[0])
            print(f"    same task: id order and decided_at order agree: {'yes' if ordered else 'NO'}")
            log = server_log(home)
        if "Traceback" in log:
            print(f"    server log has tracebacks:\n{log[-2000:]}")
        clean = all(
            c["lost"] == c["stored_twice"] == c["stored_wrong"] == c["audit_mismatch"] == 0
            and c["recorded_once"] == r.decisions_sent
            and not r.errors
            for r, c in ((load, load_check), (race, race_check))
        )
        return clean and ordered
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--decisions", type=int, default=200, help="decisions per reviewer")
    parser.add_argument("--race-rounds", type=int, default=50)
    parser.add_argument("--departments", type=int, default=10)
    parser.add_argument("--tasks-per-department", type=int, default=30)
    parser.add_argument("--wall", type=float, default=900.0, help="wall-time limit per run, seconds")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    verdicts = {}
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            if backend == "sqlite":
                verdicts[backend] = bench_backend(
                    backend, f"sqlite:///{folder / 'bench.sqlite3'}", folder, args
                )
            elif backend == "postgresql":
                url = pg_database()
                if url is None:
                    continue
                try:
                    verdicts[backend] = bench_backend(backend, url, folder, args)
                finally:
                    drop_pg(url)
            else:
                parser.error(f"unknown backend {backend}")
    for backend, ok in verdicts.items():
        print(
            f"verdict {backend}: {'nothing lost, nothing doubled, no errors' if ok else 'PROBLEMS (see above)'}"
        )
    sys.exit(0 if verdicts and all(verdicts.values()) else 1)


if __name__ == "__main__":
    main()
