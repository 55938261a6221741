"""Intake through a layout against intake through the default template, on the same rows.

    python bench/intake.py --layout-only [--departments 40] [--tasks 150] [--seed 0]

The town's workbooks in the product's own template are read twice: as the template
(header found by its wording, 表紙 pairs) and through a layout that names the same
headings and cells (`LAYOUT`). Both run in-process, read → check → store into a fresh
SQLite database, one transaction per file, no Prefect. Printed: rows/s of each and the
layout's time over the template's (target: at most 1.5×).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from flows.town.survey import make_town
from flows.town.survey_files import write_town
from inventory.db.engine import make_engine
from inventory.db.migrate import upgrade
from inventory.intake.survey import find_survey_files, ingest_file, parse_bytes
from inventory.layouts.model import Layout, parse_layout
from inventory.survey.schema import COLUMNS

_NOT_MAPPED = (
    "fiscal_year",
    "department",
    "division",
    "annual_hours",
    "hours_after",
)  # the town has no hours columns
LAYOUT = (
    'version = 1\nname = "本製品の調査票と同じ見出し"\n[sheets]\ninclude = ["業務一覧"]\n'
    "[table]\nheader_rows = [1]\n[fields]\n"
    + "".join(f'{c.field} = {{ heading = "{c.header}" }}\n' for c in COLUMNS if c.field not in _NOT_MAPPED)
    + '[fiscal_year]\nsource = "cell"\nsheet = "表紙"\ncell = "B1"\n'
    + '[division]\nsource = "cell"\nsheet = "表紙"\ncell = "B2"\n'
    + '[department]\nsource = "cell"\nsheet = "表紙"\ncell = "B3"\n'
)


def _parse(files: list[Path], layout: Layout | None) -> int:
    rows = 0
    for path in files:
        result = parse_bytes(path.read_bytes(), path.name, None, layout)
        assert result.survey is not None, result.errors[:3]
        rows += sum(len(s.tasks) for s in (result.survey, *result.others))
    return rows


def _ingest(files: list[Path], layout: Layout | None, folder: Path) -> int:
    """Read → check → store every file into a new SQLite database in `folder`."""
    engine = make_engine(f"sqlite:///{tempfile.mkstemp(suffix='.sqlite3', dir=folder)[1]}")
    upgrade(engine)
    rows = 0
    for path in files:
        outcome = ingest_file(engine=engine, path=path, layout=layout)
        assert outcome.status == "accepted", outcome.errors[:3]
        rows += outcome.task_count
    engine.dispose()
    return rows


def _best(fn, *args, repeat: int = 3) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """The fastest of `repeat` runs: the machine is shared, the minimum is the honest figure."""
    best = float("inf")
    rows = 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = fn(*args)
        best = min(best, time.perf_counter() - start)
    return rows, best


def compare(*, departments: int, tasks: int, seed: int) -> None:
    """Print template vs layout throughput for parse and for read → check → store."""
    work = Path(tempfile.mkdtemp(prefix="dxi-bench-layout-"))
    town = make_town(departments=departments, tasks_per_department=tasks, seed=seed)
    write_town(town, work / "in", seed=seed, style="clean")
    files = find_survey_files([work / "in"])
    layout = parse_layout(LAYOUT)
    expected = sum(len(s.tasks) for s in town)
    print(f"layout vs template: workbooks {len(files)}  tasks {expected:,}  (same files, best of 3)")
    results = {}
    for label, chosen in (("template", None), ("layout", layout)):
        parsed = _best(_parse, files, chosen)
        stored = _best(_ingest, files, chosen, work)
        assert parsed[0] == stored[0] == expected, (label, parsed[0], stored[0], expected)
        results[label] = (parsed[1], stored[1])
    for stage, index in (("parse", 0), ("intake", 1)):
        for label in ("template", "layout"):
            seconds = results[label][index]
            print(
                f"{stage:<7} {label:<9} {expected:>7,} rows {seconds:7.2f} s {expected / seconds:>10,.0f} rows/s"
            )
        ratio = results["layout"][index] / results["template"][index]
        verdict = "ok" if ratio <= 1.5 else "SLOWER THAN TARGET"
        print(f"{stage:<7} layout / template: {ratio:.2f}×  (target ≤ 1.5×: {verdict})")
