"""The `survey-intake` flow: workbooks parsed in batches, stored in input order.

Parsing is the parallel part and runs on any task runner (flows/runners.py): threads,
worker processes or a Dask cluster. The parse task needs no database and returns a
picklable ParseResult; storing stays in the flow's process, one transaction per file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.runners import callbacks_stay_here, configured_task_runner
from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.intake.dispatch import AnyParse, parse_any, store_any
from inventory.intake.survey import (
    STATUS_LABELS,
    FileOutcome,
    find_survey_files,
    read_with_retries,
    unreadable,
)
from inventory.layouts.store import resolve_layout
from inventory.screening.reader import ScreeningParse
from inventory.settings import get_settings
from inventory.survey.per_survey import IntakeOptions

# Workbooks per parse task. A Prefect task run costs ~15 ms of bookkeeping in a thread
# and ~0.5 s in a worker process (Prefect rebuilds its settings there for every task),
# as much as parsing 1 to 25 workbooks: folders go in about TARGET_BATCHES batches
# (COMMON: one task per workbook or batch), at most MAX_BATCH workbooks each.
TARGET_BATCHES = 8
MAX_BATCH = 25


def parse_file(path: str, options: IntakeOptions) -> AnyParse:
    """Read (retrying only the file I/O) and check one workbook, a survey or a screening; no database."""
    source = Path(path)
    try:
        data = read_with_retries(source)
    except OSError as exc:
        return unreadable(source.name, f"ファイルを開けません（{exc.strerror or exc}）")
    return _slim(parse_any(data, source.name, options))


@task(name="parse-surveys", cache_policy=NO_CACHE, persist_result=False)
def parse_surveys(paths: list[str], options: IntakeOptions) -> list[AnyParse]:
    """Parse a batch of workbooks; batches run in parallel on the flow's task runner.

    NO_CACHE and no persisted result: Prefect would otherwise hash the inputs and keep the
    parsed tables for a cache nobody uses.
    """
    return [parse_file(path, options) for path in paths]


def batches(files: list[Path], size: int | None = None) -> list[list[Path]]:
    """Split files, in order, into parse batches (`size` files each; by default see TARGET_BATCHES)."""
    if size is None:
        size = min(MAX_BATCH, -(-len(files) // TARGET_BATCHES))
    size = max(1, size)
    return [files[i : i + size] for i in range(0, len(files), size)]


def _slim(result: AnyParse) -> AnyParse:
    """Drop what storing does not read, so less crosses from a worker process.

    The raw sheet is never needed after validation; the data rows only for a rejected
    file's error workbook (a screening may still be rejected when its rows are matched).
    """
    keep = isinstance(result, ScreeningParse) or result.survey is None
    return replace(result, raw=replace(result.raw, rows=[]), data_rows=result.data_rows if keep else [])


@flow(name="survey-intake", log_prints=False, task_runner=configured_task_runner())
def survey_intake(
    paths: list[str],
    fiscal_year: int | None = None,
    department: str | None = None,
    division: str | None = None,
    errors_dir: str | None = None,
    actor: str = "system",
    database_url: str | None = None,
    on_progress: Callable[[FileOutcome], None] | None = None,
    batch_size: int | None = None,
    layout: str | None = None,
) -> list[FileOutcome]:
    """Ingest survey files or folders: accepted files are stored, rejected ones get an error workbook.

    `batch_size` workbooks go to one parse task (default: about 8 tasks, at most 25 each);
    a bigger Dask cluster wants smaller batches. `layout` (a layout file or a saved
    layout's name) reads a municipality's own workbooks; a bad one stops the run first.
    """
    logger = get_run_logger()
    settings = get_settings()
    url = database_url or settings.db_url
    if layout:
        resolve_layout(layout, home=settings.home)
    engine = engine_for(url)
    ensure_schema(engine)
    options = IntakeOptions(fiscal_year=fiscal_year, department=department, division=division, layout=layout)
    files = find_survey_files([Path(p) for p in paths])
    logger.info("%d 件のファイルを取り込みます", len(files))
    groups = batches(files, batch_size)
    with callbacks_stay_here():  # on_progress runs here, in the flow's process
        futures = [parse_surveys.submit([str(f) for f in group], options) for group in groups]
    outcomes: list[FileOutcome] = []
    # Store in input order, each file in its own transaction, so a corrected file given
    # after its first version wins whatever order the parallel parses finish in.
    for group, future in zip(groups, futures, strict=True):
        for source, result in zip(group, future.result(), strict=True):
            outcome = store_any(
                engine=engine, source=source, result=result, actor=actor,
                errors_dir=Path(errors_dir) if errors_dir else None,
            )  # fmt: skip
            outcomes.append(outcome)
            if on_progress is not None:
                on_progress(outcome)
    create_table_artifact(
        key="survey-intake",
        table=[outcome_row(o) for o in outcomes],
        description=f"業務量調査の取り込み結果: 受理 {sum(o.status != 'rejected' for o in outcomes)} 件 / "
        f"差し戻し {sum(o.status == 'rejected' for o in outcomes)} 件",
    )
    return outcomes


def outcome_row(outcome: FileOutcome) -> dict[str, object]:
    """One line of the intake artifact and the CLI table."""
    return {
        "ファイル": outcome.file,
        "結果": STATUS_LABELS[outcome.status] + ("（二次調査票）" if outcome.kind == "screening" else ""),
        "課": outcome.department or "",
        "年度": outcome.fiscal_year or "",
        "業務数": outcome.task_count,
        "警告": outcome.warning_count,
        "エラー": len(outcome.errors),
    }


def outcome_json(outcome: FileOutcome) -> dict[str, object]:
    """The JSON shape `dxi ingest --format json` prints for one file."""
    fields = {"sheet", "row", "column", "value", "code", "message"}
    data = {k: v for k, v in vars(outcome).items() if k not in ("errors", "warnings")}
    data["errors"] = [e.model_dump(include=fields) for e in outcome.errors]
    data["warnings"] = [w.model_dump(include=fields) for w in outcome.warnings]
    return data
