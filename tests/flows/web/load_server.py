"""A seeded database and a real `dxi web` subprocess on a free loopback port, for the load runs.

Shared by tests/flows/web/test_load.py (short, in CI) and bench/web_load.py (long):
the town is real synthetic workbooks (flows/town/survey.py, mixed clerk styles)
ingested file by file as `dxi ingest` does, scored and stored as `dxi score` does,
plus one reviewer account per simulated reviewer. The server is the real command
in its own process with its own DXI_HOME, on the same database URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import Engine, select

from bpr.scoring.config import default_config
from bpr.scoring.ranking import rank
from bpr.scoring.rollout import find_rollout_groups, rank_groups
from bpr.scoring.score import score_tasks
from flows.town.survey import make_town
from flows.town.survey_files import write_town
from flows.web.local_server import free_port
from inventory.db.account_repo import add_user
from inventory.db.engine import session_scope
from inventory.db.scoring_repo import inventory_frame, save_scoring_run
from inventory.db.scoring_tables import Review
from inventory.db.tables import AuditEntry
from inventory.intake.survey import ingest_file
from tests.flows.web.load_driver import Ack

PASSWORD = "load test password"
START_TIMEOUT = 60.0


def reviewer_names(count: int) -> list[str]:
    return [f"reviewer{i:02d}" for i in range(1, count + 1)]


def seed_load_town(engine: Engine, folder: Path, *, reviewers: int, departments: int = 3,
                   tasks_per_department: int = 20, seed: int = 11) -> list[int]:  # fmt: skip
    """Ingest the synthetic town's workbooks, score them, add the reviewers; return the task ids by rank."""
    paths = write_town(make_town(departments=departments, tasks_per_department=tasks_per_department, seed=seed),
                       folder, seed=seed)  # fmt: skip
    for path in paths:
        outcome = ingest_file(engine=engine, path=path, actor="load-test")
        if outcome.status != "accepted":
            raise RuntimeError(f"{path.name}: {outcome.status} {outcome.errors[:3]}")
    config = default_config()
    with session_scope(engine) as session:
        tasks = inventory_frame(session=session, fiscal_year=2024)
        scored = score_tasks(tasks, config)
        groups = find_rollout_groups(tasks, config)
        ranked = rank(scored, tasks, groups=groups)
        save_scoring_run(
            session=session, fiscal_year=2024, config=config.model_dump(mode="json"),
            config_hash=config.config_hash(), ranked=ranked, scored=scored, groups=rank_groups(scored, tasks, groups),
            task_keys=dict(zip(tasks["task_id"].astype(int), tasks["task_key"], strict=True)), actor="load-test",
        )  # fmt: skip
        for name in reviewer_names(reviewers):
            add_user(session=session, name=name, role="reviewer", password=PASSWORD, actor="load-test")
    return [int(t) for t in ranked["task_id"]]


def dxi_command() -> list[str]:
    """The installed `dxi` next to this interpreter, else the same entry point through -c."""
    script = Path(sys.executable).parent / "dxi"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from flows.cli.main import main; sys.exit(main())"]


@contextmanager
def dxi_web(database_url: str, home: Path) -> Iterator[str]:
    """Run `dxi web` on 127.0.0.1 until the block ends; yield its base URL. Always stops it."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "DXI_DATABASE_URL": database_url, "DXI_HOME": str(home)}
    log_path = home / "dxi-web.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*dxi_command(), "web", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[3],
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_up(process, base_url, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def server_log(home: Path) -> str:
    """What the server wrote (warnings and tracebacks), for a failing test's message."""
    path = home / "dxi-web.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"dxi web exited with {process.returncode}: {log_path.read_text(errors='replace')}"
            )
        try:
            if httpx.get(f"{base_url}/login", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"dxi web did not answer within {START_TIMEOUT:.0f} s: {log_path.read_text(errors='replace')}"
    )


def check_stored(engine: Engine, acks: list[Ack], prefix: str) -> dict[str, int]:
    """Compare the acknowledged decisions with the reviews and audit entries whose reason has `prefix`."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(Review.reason, Review.task_id, Review.decision, Review.reviewer).where(
                Review.reason.startswith(prefix)
            )
        ).all()
        audited = [
            e.details.get("reason") for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "review.decided"))
        ]  # fmt: skip
    stored: dict[str, list[tuple[int, str, str]]] = {}
    for reason, task_id, decision, reviewer in rows:
        stored.setdefault(reason, []).append((task_id, decision, reviewer))
    expected = {a.reason: (a.task_id, a.decision, a.reviewer) for a in acks}
    audit_counts = {reason: audited.count(reason) for reason in stored}
    return {
        "acknowledged": len(expected),
        "recorded_once": sum(stored.get(r) == [v] for r, v in expected.items()),
        "lost": sum(r not in stored for r in expected),
        "stored_twice": sum(len(v) > 1 for v in stored.values()),
        "stored_wrong": sum(r in stored and stored[r][0] != v for r, v in expected.items()),
        "stored_unacknowledged": sum(r not in expected for r in stored),
        "audit_mismatch": sum(n != len(stored[r]) for r, n in audit_counts.items()),
    }
