"""The `survey-intake` flow: workbooks parsed in batches, stored in input order.

Parsing is the parallel part and runs on any task runner (flows/runners.py): threads,
worker processes or a Dask cluster. The parse task needs no database and returns a
picklable result (a survey's or a screening's); storing stays in the flow's process, one transaction per file.
The functions are those of flows/jobs/intake.py, which a desk command runs without
Prefect; the run is recorded in the run history either way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.jobs.intake import JOB, batches, parameters, parse_batch, summary
from flows.jobs.intake import outcome_json as outcome_json
from flows.jobs.intake import outcome_row as outcome_row
from flows.jobs.intake import parse_file as parse_file
from flows.jobs.journal import recorded
from flows.runners import callbacks_stay_here, configured_task_runner
from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.intake.dispatch import store_any
from inventory.intake.survey import FileOutcome, find_survey_files
from inventory.layouts.store import resolve_layout
from inventory.settings import get_settings
from inventory.survey.per_survey import IntakeOptions

# NO_CACHE and no persisted result: Prefect would otherwise hash the inputs and keep the
# parsed tables for a cache nobody uses.
parse_surveys = task(name="parse-surveys", cache_policy=NO_CACHE, persist_result=False)(parse_batch)


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
    asked = parameters([str(f) for f in files], fiscal_year, department)
    with recorded(
        database_url=url, job=JOB, actor=actor, parameters=asked, flow_run_id=flow_run.get_id()
    ) as note:
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
        note.summary = summary(outcomes)
    create_table_artifact(
        key="survey-intake", table=[outcome_row(o) for o in outcomes],
        description=f"業務量調査の取り込み結果: {note.summary}",
    )  # fmt: skip
    return outcomes
