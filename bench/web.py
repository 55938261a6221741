"""Web UI response times on a 20,000-task inventory with a real scoring run.

    python bench/web.py [--tasks 20000] [--rounds 30] [--database-url postgresql+psycopg://…/db]

Seeds a fresh database (SQLite in a temporary folder unless --database-url names an
empty PostgreSQL database): the synthetic tasks of bench/scoring.py stored as one
survey per 課, scored and stored exactly as `dxi score` does (score → 横展開 → rank →
save_scoring_run), 300 review decisions, one admin and one dept account (and, on
PostgreSQL, ANALYZE, as autovacuum does shortly after a bulk insert). Then it
logs in through the login form and times the main pages in-process (FastAPI's
TestClient: the full app, middleware, SQL and templates; no network) and prints
p50/p95 wall time and the median CPU time per page (other processes on the 2 cores
inflate wall time; CPU time shows the work). Goal: 候補一覧 p50 < 200 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scoring import make_tasks  # noqa: E402
from bpr.scoring.config import default_config  # noqa: E402
from bpr.scoring.ranking import rank  # noqa: E402
from bpr.scoring.rollout import find_rollout_groups, rank_groups  # noqa: E402
from bpr.scoring.score import score_tasks  # noqa: E402
from inventory.db.account_repo import add_user  # noqa: E402
from inventory.db.engine import make_engine, session_scope  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.db.scoring_repo import inventory_frame, record_review, save_scoring_run  # noqa: E402
from inventory.db.submission_repo import store_survey  # noqa: E402
from inventory.settings import Settings  # noqa: E402
from inventory.survey.models import SurveyIn, TaskIn  # noqa: E402

PASSWORD = "bench password 1"
TASK_FIELDS = [f for f in TaskIn.model_fields if f not in ("source_row", "task_code", "warnings")]


def seed(url: str, n: int, seed_value: int) -> dict[str, object]:
    engine = make_engine(url)
    upgrade(engine)
    frame = make_tasks(n, seed_value)
    start = time.perf_counter()
    with session_scope(engine) as session:
        for department, rows in frame.groupby("department", sort=True):
            survey_tasks: list[TaskIn] = []
            for i, record in enumerate(rows.to_dict("records"), start=2):
                values = {f: record.get(f) for f in TASK_FIELDS if record.get(f) is not None}
                values = {k: v for k, v in values.items() if v == v}  # drop NaN / NA
                survey_tasks.append(
                    TaskIn.model_validate({**values, "source_row": i, "task_code": f"B{record['task_id']}"})
                )
            digest = hashlib.sha256(f"{department}{n}{seed_value}".encode()).hexdigest()
            store_survey(session=session, survey=SurveyIn(
                file_name=f"{department}.xlsx", content_hash=digest, file_format="xlsx", sheet="業務一覧",
                fiscal_year=2024, department=str(department), tasks=survey_tasks))  # fmt: skip
    stored = time.perf_counter()
    config = default_config()
    with session_scope(engine) as session:
        tasks = inventory_frame(session=session, fiscal_year=2024)
        scored = score_tasks(tasks, config)
        groups = find_rollout_groups(tasks, config)
        run_id = save_scoring_run(
            session=session, fiscal_year=2024, config=config.model_dump(mode="json"),
            config_hash=config.config_hash(), ranked=rank(scored, tasks, groups=groups), scored=scored,
            groups=rank_groups(scored, tasks, groups),
            task_keys=dict(zip(tasks["task_id"].astype(int), tasks["task_key"], strict=True)), actor="bench",
        )  # fmt: skip
        ids = tasks["task_id"].astype(int).tolist()
        for k, task_id in enumerate(ids[:: max(len(ids) // 300, 1)][:300]):
            record_review(session=session, task_id=task_id, decision=("採用", "保留", "不採用")[k % 3],
                          reason="bench", reviewer="bench", source="web")  # fmt: skip
        department = str(tasks["department"].iloc[0])
        add_user(session=session, name="admin", role="admin", password=PASSWORD)
        add_user(session=session, name="dept", role="dept", department=department, password=PASSWORD)
    if engine.dialect.name == "postgresql":
        # Autovacuum analyses a table within about a minute of a bulk insert; without those
        # statistics the first minute's plans are nested loops (seconds, not milliseconds).
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    print(f"seeded {len(ids):,} tasks in {frame['department'].nunique()} 課: stored {stored - start:.1f} s, "
          f"scored and saved run {run_id} in {time.perf_counter() - stored:.1f} s")  # fmt: skip
    return {"engine": engine, "task_id": ids[len(ids) // 2], "department": department}


def client_for(engine: object, user: str):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from flows.web.app import create_app

    client = TestClient(create_app(settings=Settings(), engine=engine), follow_redirects=False)  # type: ignore[arg-type]
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client


def measure(client, path: str, rounds: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """p50 and p95 wall milliseconds, and the median CPU milliseconds of this process (all threads)."""
    client.get(path)  # warm: first template compile, SQL plan
    walls, cpus = [], []
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    walls.sort()
    return (
        statistics.median(walls),
        walls[min(len(walls) - 1, int(len(walls) * 0.95))],
        statistics.median(cpus),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20240401)
    parser.add_argument(
        "--database-url", default=None, help="an empty database; default: SQLite in a temp folder"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DXI_HOME"] = folder
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        seeded = seed(url, args.tasks, args.seed)
        admin = client_for(seeded["engine"], "admin")
        dept = client_for(seeded["engine"], "dept")
        pages = [
            ("候補一覧（既定: 順位順 50件）", admin, "/ranking"),
            ("候補一覧 絞り込み（AI-OCR・対象外除く・削減見込み順）", admin, "/ranking?tool=ai-ocr&ko=exclude&sort=saved&order=desc"),
            ("候補一覧 業務名検索（%入力）", admin, "/ranking?q=入力"),
            ("候補一覧 判断=未判断 100件 20ページ目", admin, "/ranking?decision=未判断&per=100&page=20"),
            ("候補一覧 dept ユーザー（自課のみ）", dept, "/ranking"),
            ("業務詳細", admin, f"/tasks/{seeded['task_id']}"),
            ("ダッシュボード", admin, "/"),
            ("実証", admin, "/pilots"),
            ("提出状況", admin, "/submissions"),
            ("CSV 書き出し（AI-OCR の全件）", admin, "/ranking/download.csv?tool=ai-ocr"),
        ]  # fmt: skip
        load = os.getloadavg()[0]
        print(
            f"backend {url.split(':', 1)[0]}, {args.rounds} rounds per page, load average {load:.2f} on {os.cpu_count()} cores"
        )
        results = {}
        for label, client, path in pages:
            p50, p95, cpu = measure(client, path, args.rounds)
            results[label] = p50
            print(f"{label:<48} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   CPU {cpu:6.1f} ms")
        first = results[pages[0][0]]
        print(
            f"goal     候補一覧 p50 < 200 ms: {'OK' if first < 200 else 'SLOWER THAN GOAL'} ({first:.0f} ms)"
        )
        seeded["engine"].dispose()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
