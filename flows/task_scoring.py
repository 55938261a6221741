"""The `task-scoring` flow: score a 年度's current inventory and store the run.

Runs on any task runner (flows/runners.py): every task takes and returns picklable
values (the database URL, DataFrames, the config), so a worker process or a Dask worker
on another machine can run it. Scoring is one vectorised task: it does not split. The
tasks wrap the functions of flows/jobs/scoring.py, which a desk command runs without
Prefect; the run is recorded in the run history either way.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from bpr.scoring.config import ScoringConfig
from flows.jobs import scoring as steps
from flows.jobs.journal import recorded
from flows.jobs.scoring import JOB, load_config, summarise
from flows.jobs.scoring import ScoringSummary as ScoringSummary
from flows.runners import configured_task_runner
from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.settings import get_settings

# NO_CACHE / persist_result=False: Prefect would otherwise hash whole DataFrames for a
# cache key and keep them as results; a rescoring must always read the current inventory.
load_inventory = task(
    name="load-inventory", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False
)(steps.load_inventory)
score = task(name="score-tasks", cache_policy=NO_CACHE, persist_result=False)(steps.score)
store = task(
    name="store-scoring-run", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False
)(steps.store)
current_run = task(
    name="find-current-run", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False
)(steps.current_run)


@flow(name="task-scoring", task_runner=configured_task_runner())
def task_scoring(
    fiscal_year: int | None = None,
    config_path: str | None = None,
    actor: str = "system",
    database_url: str | None = None,
    top: int = 20,
    skip_unchanged: bool = False,
) -> ScoringSummary:
    """Score the current inventory of a 年度, store the run with its config, publish the top candidates.

    skip_unchanged (the nightly schedule sets it): when the latest run already scored
    exactly the current tasks with the same config, store nothing and return that run.
    Each run keeps every task's scores (about 1.8 kB a task), so scoring an unchanged
    inventory every night would only grow the database.
    """
    url = database_url or get_settings().db_url
    ensure_schema(engine_for(url))
    config = load_config(config_path)
    run_name = str(flow_run.get_id() or "")
    asked = {"fiscal_year": fiscal_year, "config": config_path, "skip_unchanged": skip_unchanged}
    with recorded(
        database_url=url, job=JOB, actor=actor, parameters=asked, flow_run_id=run_name or None
    ) as note:
        summary = _score(url, fiscal_year, config, actor, run_name, top, skip_unchanged)
        note.summary = summary.line()
    return summary


def _score(
    url: str, fiscal_year: int | None, config: ScoringConfig, actor: str, run_name: str, top: int,
    skip_unchanged: bool,
) -> ScoringSummary:  # fmt: skip
    year, tasks = load_inventory(url, fiscal_year)
    if skip_unchanged:
        existing = current_run(url, year, tasks, config)
        if existing is not None:
            create_markdown_artifact(
                key="task-scoring-top",
                markdown=f"{year}年度の業務一覧と採点設定は前回の採点（採点ID {existing.run_id}）から変わっていないため、"
                "採点し直しませんでした。",
            )
            return existing
    # The pure scoring goes to the task runner (a worker process or a Dask worker when
    # configured); reading and storing stay here, next to the database.
    scored = score.submit(tasks, config).result()
    run_id = store(url, year, config, tasks, scored[0], scored[2], scored[3], actor, run_name)
    summary = summarise(run_id, year, scored, top)
    create_table_artifact(
        key="task-scoring-top",
        table=summary.top,
        description=f"{year}年度 RPA・AI-OCR 候補 上位{len(summary.top)}件（採点ID {run_id}、"
        f"削減見込み合計 {summary.expected_hours_saved:,.0f} 時間/年）",
    )
    return summary
