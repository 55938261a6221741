"""Intake throughput: the full `dxi ingest` path against a bare calamine→pandas floor.

    python bench/intake.py [--departments 40] [--tasks 150] [--seed 0]

Generates realistic survey workbooks (a mix of clean, messy and CSV files), then in
one run measures:
  floor       python-calamine read of every task sheet into a pandas DataFrame
              (CSV: pandas.read_csv); no validation, no database
  parse       our reader + normalisers + validation, no database
  full        `dxi ingest FOLDER` as a user runs it, in a fresh process and a fresh
              SQLite database: Prefect start-up (temporary server), flow, tasks, storage
  full-warm   the same flow again in-process with Prefect already up (new database),
              i.e. the steady cost once `dxi serve` or a worker keeps Prefect running
and prints rows/s for each with the ratio to the floor (goal: full ≥ 1/3 of floor).
Then intake through a layout against the default template on the same rows
(bench/layout_intake.py; target: layout within 1.5×). `--layout-only` runs just that.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import python_calamine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.layout_intake import compare  # noqa: E402
from flows.town.survey import make_town  # noqa: E402
from flows.town.survey_files import write_town  # noqa: E402
from inventory.intake.survey import find_survey_files, parse_bytes  # noqa: E402
from inventory.survey.layout import find_header  # noqa: E402
from inventory.survey.reader import decode_csv  # noqa: E402


def floor(files: list[Path]) -> int:
    """Bare read into pandas: the fastest anything could go."""
    rows = 0
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".csv":
            frame = pd.read_csv(io.StringIO(decode_csv(data, path.name)), header=None, dtype=str)
            values = frame.values.tolist()
        else:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            names = book.sheet_names
            sheet = "業務一覧" if "業務一覧" in names else [n for n in names if n != "表紙"][0]
            values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        header, _ = find_header(values)
        frame = pd.DataFrame(values[(header or 0) + 1 :], columns=values[header or 0])
        rows += len(frame)
    return rows


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--tasks", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layout-only", action="store_true", help="only layout vs template")
    args = parser.parse_args()
    if args.layout_only:
        compare(departments=args.departments, tasks=args.tasks, seed=args.seed)
        return

    work = Path(tempfile.mkdtemp(prefix="dxi-bench-"))
    inbox = work / "inbox"
    inbox.mkdir()
    town = make_town(departments=args.departments, tasks_per_department=args.tasks, seed=args.seed)
    write_town(town, inbox, seed=args.seed)
    files = find_survey_files([inbox])
    expected = sum(len(s.tasks) for s in town)
    print(f"workbooks: {len(files)}  tasks: {expected:,}  folder: {inbox}")

    floor_rows, floor_s = timed("floor", floor, files)

    def parse_all() -> int:
        total = 0
        for path in files:
            result = parse_bytes(path.read_bytes(), path.name)
            assert result.survey is not None, result.errors[:3]
            total += len(result.survey.tasks)
        return total

    parse_rows, parse_s = timed("parse", parse_all)
    assert parse_rows == expected, (parse_rows, expected)

    env = {**os.environ, "DXI_HOME": str(work / "home-cold"), "PREFECT_HOME": str(work / "prefect")}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", PREFECT_LOGGING_LEVEL="WARNING")
    dxi = Path(sys.executable).parent / "dxi"
    start = time.perf_counter()
    subprocess.run(
        [str(dxi), "ingest", str(inbox), "--format", "json"], env=env, check=True, capture_output=True
    )
    full_s = time.perf_counter() - start

    os.environ.update(env)
    os.environ["DXI_HOME"] = str(work / "home-warm1")
    from flows.survey_intake import survey_intake

    survey_intake(paths=[str(inbox)])  # warm-up: starts Prefect's temporary server
    from inventory.settings import get_settings

    os.environ["DXI_HOME"] = str(work / "home-warm2")
    get_settings.cache_clear()
    outcomes, warm_s = timed("warm", lambda: survey_intake(paths=[str(inbox)]))
    warm_rows = sum(o.task_count for o in outcomes)
    assert warm_rows == expected and all(o.status == "accepted" for o in outcomes)

    def line(label: str, rows: int, seconds: float) -> str:
        rate = rows / seconds
        return f"{label:<10} {rows:>7,} rows {seconds:7.2f} s {rate:>10,.0f} rows/s  {rate / (floor_rows / floor_s):6.2f}× floor"

    print(line("floor", floor_rows, floor_s))
    print(line("parse", parse_rows, parse_s))
    print(line("full", expected, full_s) + "   (dxi ingest, fresh process: includes Prefect start-up)")
    print(line("full-warm", warm_rows, warm_s) + "   (same flow, Prefect already running)")
    compare(departments=args.departments, tasks=args.tasks, seed=args.seed)


if __name__ == "__main__":
    main()
