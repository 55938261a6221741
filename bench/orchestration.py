"""Orchestration overhead: the survey-intake flow against the same code without Prefect.

    python bench/orchestration.py [--workbooks 200] [--tasks 30] [--seed 0] [--runners thread,process,dask,dask-up]

Writes N realistic workbooks (40 課 × as many 年度 as needed, mixed clean / messy / CSV
styles from flows/town/survey.py), starts Prefect's temporary server once (timed and
reported on its own), warms the flow up on two files, then ingests the same N files
into a fresh SQLite database per run:
  plain     parse_surveys.fn + store_one for each file in input order: the flow's own
            parse and store code, no Prefect (the floor the flow is measured against)
  thread    the survey-intake flow, default task runner (DXI_TASK_RUNNER=thread)
  process   the same flow on ProcessPoolTaskRunner (DXI_TASK_RUNNER=process)
  dask      the same flow on a local Dask cluster, 2 workers (DXI_TASK_RUNNER=dask?workers=2),
            cluster start-up included
  dask-up   the same flow on a Dask cluster that is already running (DXI_TASK_RUNNER=tcp://…),
            2 worker processes started and warmed once before timing, as beside `dxi serve`
and prints wall time, workbooks/s and the ratio to plain (the orchestration overhead;
goal for thread: ≤ 1.3× at 200 workbooks). Every run must store the same tasks.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.town.survey import make_town, next_year  # noqa: E402
from flows.town.survey_files import write_town  # noqa: E402

RUNNER_SPECS = {"thread": "thread", "process": "process", "dask": "dask?workers=2"}


def write_workbooks(folder: Path, *, count: int, tasks: int, seed: int) -> int:
    """Write `count` workbooks: 40 課 per 年度, successive 年度 until there are enough."""
    surveys = make_town(departments=40, tasks_per_department=tasks, seed=seed)
    written = 0
    year = 0
    while written < count:
        batch = surveys[: count - written]
        write_town(batch, folder, seed=seed + year)
        written += len(batch)
        surveys = next_year(surveys, seed=seed + year)
        year += 1
    return written


def stored_tasks(url: str) -> int:
    from sqlalchemy import func, select

    from inventory.db.engine import engine_for, session_scope
    from inventory.db.tables import Task

    with session_scope(engine_for(url)) as session:
        return int(session.scalar(select(func.count()).select_from(Task)) or 0)


def plain(paths: list[Path], url: str) -> int:
    """The flow's body with Prefect taken out: same find, parse and store functions."""
    from flows.survey_intake import batches, parse_surveys
    from inventory.db.engine import engine_for
    from inventory.db.migrate import ensure_schema
    from inventory.intake.survey import find_survey_files, store_one
    from inventory.survey.per_survey import IntakeOptions

    engine = engine_for(url)
    ensure_schema(engine)
    options = IntakeOptions()
    outcomes = []
    for group in batches(find_survey_files(paths)):
        results = parse_surveys.fn([str(f) for f in group], options)
        for source, result in zip(group, results, strict=True):
            outcomes.append(
                store_one(engine=engine, source=source, result=result, actor="bench", errors_dir=None)
            )
    return len(outcomes)


def through_flow(paths: list[Path], url: str, spec: str) -> int:
    from flows.runners import with_task_runner
    from flows.survey_intake import survey_intake

    outcomes = with_task_runner(survey_intake, spec)(
        paths=[str(p) for p in paths], actor="bench", database_url=url
    )
    return len(outcomes)


class Clock:
    """Wall time, and CPU time of this process and all its children (Prefect server, workers)."""

    def __init__(self) -> None:
        self.me = psutil.Process()

    def cpu(self) -> float:
        finished = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for children: pool workers
        live = 0.0
        for child in self.me.children(recursive=True):
            try:
                live += sum(child.cpu_times()[:2])
            except psutil.Error:  # exited between listing and reading
                pass
        return time.process_time() + finished.ru_utime + finished.ru_stime + live

    def measure(self, fn: Callable[[], int]) -> tuple[int, float, float]:
        wall, cpu = time.perf_counter(), self.cpu()
        result = fn()
        return result, time.perf_counter() - wall, self.cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workbooks", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=30, help="tasks per workbook")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, interleaved; the best is shown")
    parser.add_argument("--runners", default="thread,process,dask,dask-up")
    args = parser.parse_args()
    runners = [r for r in args.runners.split(",") if r]

    work = Path(tempfile.mkdtemp(prefix="dxi-bench-orch-"))
    inbox = work / "inbox"
    count = write_workbooks(inbox, count=args.workbooks, tasks=args.tasks, seed=args.seed)
    os.environ.update(DXI_HOME=str(work / "home"), PREFECT_HOME=str(work / "prefect"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # busy shared machines
    from flows.runtime import prepare_prefect

    prepare_prefect()
    print(f"workbooks: {count} × {args.tasks} tasks  folder: {inbox}  cpus: {os.cpu_count()}  "
          f"load: {os.getloadavg()[0]:.1f}")  # fmt: skip

    start = time.perf_counter()
    from flows.runners import share_api_with_workers

    share_api_with_workers()  # the temporary server, once, before anything is timed
    server_s = time.perf_counter() - start
    clock = Clock()
    warm = sorted(inbox.iterdir())[:2]
    _, warm_s, _ = clock.measure(lambda: through_flow(warm, f"sqlite:///{work / 'warm.sqlite3'}", "thread"))

    cluster = None
    if "dask-up" in runners:
        from distributed import LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
        )
        RUNNER_SPECS["dask-up"] = cluster.scheduler_address
        through_flow(warm, f"sqlite:///{work / 'warm-dask.sqlite3'}", cluster.scheduler_address)

    results: dict[str, list[tuple[float, float, int]]] = {}
    for rep in range(args.repeat):
        for label in ["plain", *runners]:
            url = f"sqlite:///{work / f'{label}-{rep}.sqlite3'}"
            if label == "plain":
                files, wall, cpu = clock.measure(lambda url=url: plain([inbox], url))
            else:
                spec = RUNNER_SPECS[label]
                files, wall, cpu = clock.measure(lambda url=url, spec=spec: through_flow([inbox], url, spec))
            assert files == count, (label, files, count)
            results.setdefault(label, []).append((wall, cpu, stored_tasks(url)))

    if cluster is not None:
        cluster.close()
    print(f"prefect temporary server start-up: {server_s:.2f} s   first flow run (2 files): {warm_s:.2f} s   "
          f"load after: {os.getloadavg()[0]:.1f}")  # fmt: skip
    base_wall = min(r[0] for r in results["plain"])
    base_cpu = min(r[1] for r in results["plain"])
    print(f"{'run':<8} {'DXI_TASK_RUNNER':<22} {'best s':>7} {'median s':>9} {'wb/s':>6} {'× plain':>8} "
          f"{'CPU s':>7} {'CPU ×':>6} {'tasks':>7}")  # fmt: skip
    for label, runs in results.items():
        walls = sorted(r[0] for r in runs)
        best = (walls[0], min(r[1] for r in runs), runs[0][2])
        spec = RUNNER_SPECS.get(label, "(no Prefect)")
        print(f"{label:<8} {spec:<22} {best[0]:7.2f} {statistics.median(walls):9.2f} {count / best[0]:6.1f} "
              f"{best[0] / base_wall:8.2f} {best[1]:7.2f} {best[1] / base_cpu:6.2f} {best[2]:>7,}")  # fmt: skip
    print("best = fastest of the runs (wall and CPU separately); CPU s = this process and its children")
    print("(Prefect server, worker processes), so other load on the machine does not count")
    if len({r[2] for runs in results.values() for r in runs}) != 1:
        raise SystemExit("runs stored different task counts")


if __name__ == "__main__":
    main()
