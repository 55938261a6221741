"""How long a person waits for `dxi` at the desk, each beside the floor measured in the same run.

    python bench/cli.py [--database PATH] [--repeat 5] [--no-serve]

On a copy of the demo's database (1,500 tasks, scored, pilots, overtime; default
DXI_HOME/demo/dxi-demo.sqlite3, built by `make demo`), runs each command as a person
does, the installed `dxi` in a fresh process, `--repeat` times, and prints the median
and the fastest wall time beside the floor: `python -c "import sqlalchemy, pandas"`,
timed the same way in the same run (on a busy machine both grow together). Commands run
with their bytecode cached, as an installed dxi does (the warm-up writes it).

    dxi --help                                  target < 0.5 s
    dxi tasks / rank / pilot list / effects     target < 1.0 s (the default table)
    dxi ingest (one workbook) / dxi score       target < 1.5 s, no Prefect server
    the same two with `dxi serve` running       target < 3 s, each a flow run on its server

Each ingest is a new version of one 課's workbook (a resubmission, 50 tasks), so every
run really stores. With `dxi serve` (started here on a free port in a temporary home,
and stopped at the end) the flow runs are then read back through the Prefect API.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.town.survey import make_town  # noqa: E402
from flows.town.survey_files import write_survey  # noqa: E402

DXI = str(Path(sys.executable).parent / "dxi")
FLOOR = [sys.executable, "-c", "import sqlalchemy, pandas"]
SERVE_TIMEOUT = 300.0


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of argv; a failure stops the bench with the command's own output."""
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(
            f"{' '.join(argv[1:])} failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return elapsed


def measure(label: str, target: str, make_argv: Callable[[int], list[str]], env: dict[str, str],
            repeat: int) -> dict[str, object]:  # fmt: skip
    """Time a command `repeat` times, each right after a floor run, after one warm-up of each."""
    timed(make_argv(-1), env)
    timed(FLOOR, env)
    runs, floors = [], []
    for i in range(repeat):
        floors.append(timed(FLOOR, env))
        runs.append(timed(make_argv(i), env))
    return {"command": label, "target": target, "median": statistics.median(runs), "min": min(runs),
            "floor": statistics.median(floors)}  # fmt: skip


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database whole, with what its WAL still holds (a file copy would lose that)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def workbook(folder: Path, n: int) -> Path:
    """A new version of the first 課's survey (50 tasks): each ingest stores a resubmission."""
    (survey,) = make_town(departments=1, tasks_per_department=50, seed=9000 + n)
    return write_survey(survey, folder / f"v{n + 1}", style="clean", rng_seed=n)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_serve(env: dict[str, str], home: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`dxi serve` on a free port; wait until it has left its API for desk commands."""
    port = free_port()
    log = (home / "serve.log").open("wb")
    serve = subprocess.Popen([DXI, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)  # fmt: skip
    marker, deadline = home / "prefect" / "dxi-serve.json", time.monotonic() + SERVE_TIMEOUT
    while not marker.exists():
        if serve.poll() is not None or time.monotonic() > deadline:
            stop(serve)
            sys.exit(f"dxi serve did not start; log: {home / 'serve.log'}")
        time.sleep(0.5)
    return serve, json.loads(marker.read_text(encoding="utf-8"))["api_url"]


def stop(serve: subprocess.Popen[bytes]) -> None:
    if serve.poll() is None:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()


def last_run_id(database: Path) -> int:
    """The newest run-history id, so that only the runs made against this bench's server are read back."""
    with sqlite3.connect(database) as conn:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM job_runs").fetchone()[0])


def flow_runs(database: Path, api: str, after: int) -> tuple[list[tuple[str, str, str]], int]:
    """(job, flow name, state) of every run the desk commands made on the server, read through its API,
    and how many desk runs in that time ran in their own process only (the server did not answer)."""
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT job, flow_run_id FROM job_runs WHERE via = 'prefect' AND id > ? ORDER BY id", (after,)
        ).fetchall()
        (here,) = conn.execute(
            "SELECT count(*) FROM job_runs WHERE via = 'desk' AND id > ?", (after,)
        ).fetchone()
    found = []
    for job, run_id in rows:
        with urllib.request.urlopen(f"{api}/flow_runs/{run_id}", timeout=10) as response:  # noqa: S310
            run = json.loads(response.read())
        request = urllib.request.Request(f"{api}/flows/{run['flow_id']}")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            flow = json.loads(response.read())
        found.append((job, flow["name"], run["state_type"]))
    return found, int(here)


def print_table(rows: list[dict[str, object]]) -> None:
    print(f"{'command':<44} {'target':>8} {'median':>8} {'fastest':>8} {'floor':>7} {'median/floor':>13}")
    for r in rows:
        median, floor = float(r["median"]), float(r["floor"])  # type: ignore[arg-type]
        print(f"{r['command']:<44} {r['target']:>8} {median:>7.2f}s {float(r['min']):>7.2f}s {floor:>6.2f}s "  # type: ignore[arg-type]
              f"{median / floor:>12.2f}×")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    home_default = Path(os.environ.get("DXI_HOME") or Path.home() / ".local/share/dxi")
    parser.add_argument("--database", type=Path, default=home_default / "demo" / "dxi-demo.sqlite3")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-serve", action="store_true", help="skip the runs with `dxi serve`")
    args = parser.parse_args()
    if not args.database.is_file():
        sys.exit(
            f"no demo database at {args.database}: run `make demo` (or `dxi demo`) first, or give --database"
        )
    with tempfile.TemporaryDirectory(prefix="dxi-bench-cli-") as name:
        folder = Path(name)
        database = folder / "dxi.sqlite3"
        copy_database(args.database, database)
        # As an installed dxi runs: its bytecode cached (`dxi init` writes it at install); a
        # PYTHONDONTWRITEBYTECODE here would have every run compile the project's modules again.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DXI_", "PREFECT_")) and k != "PYTHONDONTWRITEBYTECODE"}  # fmt: skip
        env |= {"DXI_HOME": str(folder / "home"), "DXI_DATABASE_URL": f"sqlite:///{database}",
                "COLUMNS": "120", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}  # fmt: skip
        timed([DXI, "init"], env)  # the copy gets this version's tables
        n = iter(range(1000))
        ingest = lambda _i: [DXI, "ingest", str(workbook(folder / "in", next(n))), "--by", "bench"]  # noqa: E731
        rows = [measure("dxi --help", "< 0.5 s", lambda _i: [DXI, "--help"], env, args.repeat)]
        for command in (["tasks"], ["rank"], ["pilot", "list"], ["effects"]):
            rows.append(measure(f"dxi {' '.join(command)}", "< 1.0 s", lambda _i, c=command: [DXI, *c], env, args.repeat))  # fmt: skip
        rows.append(measure("dxi ingest (one workbook, 50 tasks)", "< 1.5 s", ingest, env, args.repeat))
        rows.append(
            measure("dxi score (1,500 tasks)", "< 1.5 s", lambda _i: [DXI, "score"], env, args.repeat)
        )
        if not args.no_serve:
            started, before = time.perf_counter(), last_run_id(database)
            serve, api = start_serve(env, folder / "home")
            print(f"dxi serve: Prefect server up at {api} after {time.perf_counter() - started:.0f} s")
            try:
                rows.append(measure("dxi ingest, dxi serve running", "< 3 s", ingest, env, args.repeat))
                rows.append(measure("dxi score, dxi serve running", "< 3 s", lambda _i: [DXI, "score"], env, args.repeat))  # fmt: skip
                runs, here = flow_runs(database, api, before)
            finally:
                stop(serve)
        print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.repeat} runs each "
              f"(after one warm-up); floor = python -c \"import sqlalchemy, pandas\", median of the runs beside each\n")  # fmt: skip
        print_table(rows)
        if not args.no_serve:
            states = sorted({(job, flow, state) for job, flow, state in runs})
            print(f"\nflow runs on the served Prefect API: {len(runs)} "
                  f"({', '.join(f'{job} → flow {flow} {state}' for job, flow, state in states)}); "
                  f"desk runs that ran here only (the server did not answer in time): {here}")  # fmt: skip


if __name__ == "__main__":
    main()
