"""Survey intake as plain functions: parse workbooks, store them in input order, report.

A returned workbook is a 業務量調査票 or a 二次調査票 (inventory.intake.dispatch). The
`survey-intake` flow runs `parse_batch` as its parallel task and stores with the same
`store_any`; `ingest` does all of it in the calling process, for a desk command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from inventory.db.engine import engine_for
from inventory.intake.dispatch import AnyParse, parse_any, store_any
from inventory.intake.survey import (
    STATUS_LABELS,
    FileOutcome,
    find_survey_files,
    read_with_retries,
    unreadable,
)
from inventory.screening.reader import ScreeningParse
from inventory.survey.per_survey import IntakeOptions

JOB = "survey-intake"
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
    return slim(parse_any(data, source.name, options))


def parse_batch(paths: list[str], options: IntakeOptions) -> list[AnyParse]:
    """Parse a batch of workbooks (one task of the flow)."""
    return [parse_file(path, options) for path in paths]


def batches(files: list[Path], size: int | None = None) -> list[list[Path]]:
    """Split files, in order, into parse batches (`size` files each; by default see TARGET_BATCHES)."""
    if size is None:
        size = min(MAX_BATCH, -(-len(files) // TARGET_BATCHES))
    size = max(1, size)
    return [files[i : i + size] for i in range(0, len(files), size)]


def slim(result: AnyParse) -> AnyParse:
    """Drop what storing does not read, so less crosses from a worker process.

    The raw sheet is never needed after validation; the data rows only for a rejected
    file's error workbook (a screening may still be rejected when its rows are matched).
    """
    keep = isinstance(result, ScreeningParse) or result.survey is None
    return replace(result, raw=replace(result.raw, rows=[]), data_rows=result.data_rows if keep else [])


def parameters(paths: list[str], fiscal_year: int | None, department: str | None) -> dict[str, object]:
    """What the run history keeps of a run's request: the files (names only), 年度 and 課."""
    return {"files": [Path(p).name for p in paths][:50], "file_count": len(paths),
            "fiscal_year": fiscal_year, "department": department}  # fmt: skip


def summary(outcomes: list[FileOutcome]) -> str:
    """The run's outcome in one Japanese line, for the run history (and the artifact)."""
    rejected = sum(o.status == "rejected" for o in outcomes)
    return f"受理 {len(outcomes) - rejected} 件 / 差し戻し {rejected} 件"


def ingest(
    *, paths: list[str], options: IntakeOptions, database_url: str, actor: str,
    errors_dir: str | None = None, on_progress: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:  # fmt: skip
    """Parse and store each file in the calling process, in input order, one transaction each."""
    engine = engine_for(database_url)
    outcomes = []
    for source in find_survey_files([Path(p) for p in paths]):
        outcome = store_any(
            engine=engine, source=source, result=parse_file(str(source), options), actor=actor,
            errors_dir=Path(errors_dir) if errors_dir else None,
        )  # fmt: skip
        outcomes.append(outcome)
        if on_progress is not None:
            on_progress(outcome)
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
