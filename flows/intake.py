"""The `survey-intake` flow: one task per workbook, stored in input order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.intake import (
    STATUS_LABELS,
    FileOutcome,
    error_workbook_path,
    find_survey_files,
    parse_bytes,
    read_with_retries,
    store_parsed,
    unreadable,
    write_errors,
)
from inventory.settings import get_settings
from inventory.validate import IntakeOptions, ParseResult


@task(name="parse-survey", cache_policy=NO_CACHE)
def parse_survey(path: str, options: IntakeOptions) -> ParseResult:
    """Read (retrying only the file I/O) and validate one workbook; parallel across workbooks.

    NO_CACHE: Prefect would otherwise hash the inputs for a cache nobody uses.
    """
    source = Path(path)
    try:
        data = read_with_retries(source)
    except OSError as exc:
        return unreadable(source.name, f"ファイルを開けません（{exc.strerror or exc}）")
    return parse_bytes(data, source.name, options)


@flow(name="survey-intake", log_prints=False)
def survey_intake(
    paths: list[str],
    fiscal_year: int | None = None,
    department: str | None = None,
    division: str | None = None,
    errors_dir: str | None = None,
    actor: str = "system",
    database_url: str | None = None,
    on_progress: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Ingest survey files or folders: accepted files are stored, rejected ones get an error workbook."""
    logger = get_run_logger()
    url = database_url or get_settings().db_url
    ensure_schema(engine_for(url))
    options = IntakeOptions(fiscal_year=fiscal_year, department=department, division=division)
    files = find_survey_files([Path(p) for p in paths])
    logger.info("%d 件のファイルを取り込みます", len(files))
    futures = [parse_survey.submit(str(f), options) for f in files]
    engine = engine_for(url)
    outcomes: list[FileOutcome] = []
    # Store in input order, each file in its own transaction, so a corrected file given
    # after its first version wins whatever order the parallel parses finish in.
    for source, future in zip(files, futures, strict=True):
        result = future.result()
        outcome = store_parsed(engine=engine, result=result, actor=actor)
        if outcome.status == "rejected":
            target = error_workbook_path(source, Path(errors_dir) if errors_dir else None)
            outcome.error_workbook = str(write_errors(result, target))
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
        "結果": STATUS_LABELS[outcome.status],
        "課": outcome.department or "",
        "年度": outcome.fiscal_year or "",
        "業務数": outcome.task_count,
        "警告": outcome.warning_count,
        "エラー": len(outcome.errors),
    }


def outcome_json(outcome: FileOutcome) -> dict[str, object]:
    """The JSON shape `dxi ingest --format json` prints for one file."""
    data = {k: v for k, v in vars(outcome).items() if k != "errors"}
    data["errors"] = [
        e.model_dump(include={"sheet", "row", "column", "value", "code", "message"}) for e in outcome.errors
    ]
    return data
