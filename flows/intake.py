"""The `survey-intake` flow: one task per workbook, stored in input order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.intake import (
    STATUS_LABELS,
    FileOutcome,
    error_workbook_path,
    find_survey_files,
    parse_bytes,
    store_parsed,
    write_errors,
)
from inventory.models import RowError
from inventory.settings import get_settings
from inventory.validate import IntakeOptions, ParseResult


# Inputs are large (file bytes, parsed tables): no input hashing for a cache nobody uses.
@task(name="read-survey-file", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_file(path: str) -> bytes:
    """Read a file's bytes; retried because shared folders hiccup (locks, network drives)."""
    return Path(path).read_bytes()


@task(name="parse-survey", cache_policy=NO_CACHE)
def parse_survey(data: bytes, file_name: str, options: IntakeOptions) -> ParseResult:
    """Read and validate one workbook (pure work: parallel across workbooks)."""
    return parse_bytes(data, file_name, options)


@task(name="store-survey", cache_policy=NO_CACHE)
def store_survey_task(
    result: ParseResult, source: str, database_url: str, errors_dir: str | None, actor: str
) -> FileOutcome:
    """Store one parsed workbook in its own transaction, or write its error workbook."""
    outcome = store_parsed(engine=engine_for(database_url), result=result, actor=actor)
    if outcome.status == "rejected":
        target = error_workbook_path(Path(source), Path(errors_dir) if errors_dir else None)
        outcome.error_workbook = str(write_errors(result, target))
    return outcome


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
    # Prefect resolves the read future before parsing; its stubs do not model that.
    parsed = [parse_survey.submit(read_file.submit(str(f)), f.name, options) for f in files]  # type: ignore[call-overload]
    outcomes: list[FileOutcome] = []
    # Store in input order, so a corrected file given after its first version wins.
    for source, future in zip(files, parsed, strict=True):
        try:
            result = future.result()
        except OSError as exc:
            error = RowError(
                file=source.name, code="unreadable_file", message=f"ファイルを開けません（{exc.strerror}）"
            )
            outcome = FileOutcome(source.name, "rejected", errors=[error])
        else:
            # quote(): Prefect would otherwise walk every cell of the table looking for futures;
            # it hands the task the unquoted value, which its stubs do not model.
            outcome = store_survey_task(quote(result), str(source), url, errors_dir, actor)  # type: ignore[call-overload]
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
