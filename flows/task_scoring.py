"""The `task-scoring` flow: score a 年度's current inventory and store the run.

Runs on any task runner (flows/runners.py): every task takes and returns picklable
values (the database URL, DataFrames, the config), so a worker process or a Dask worker
on another machine can run it. Scoring is one vectorised task: it does not split.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from bpr.scoring.config import ScoringConfig, default_config
from bpr.scoring.labels import QUADRANT_LABELS, TOOL_LABELS, missing_short
from bpr.scoring.ranking import rank
from bpr.scoring.rollout import find_rollout_groups, rank_groups
from bpr.scoring.score import score_tasks
from flows.runners import configured_task_runner
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import ensure_schema
from inventory.db.scoring_repo import (
    inventory_frame,
    latest_run,
    refresh_statistics,
    run_is_current,
    run_totals,
    save_scoring_run,
)
from inventory.db.submission_repo import latest_fiscal_year
from inventory.errors import NotFoundError
from inventory.settings import get_settings


@dataclass(frozen=True)
class ScoringSummary:
    """What a scoring run produced, for the CLI and the demo."""

    run_id: int
    fiscal_year: int
    task_count: int
    knocked_out: int
    group_count: int
    expected_hours_saved: float
    top: list[dict[str, object]]
    unconfirmed: int = 0  # tasks scored with attributes assumed neutral (属性未確認)
    skipped: bool = False  # the latest run already scored this inventory with this config


# NO_CACHE / persist_result=False: Prefect would otherwise hash whole DataFrames for a
# cache key and keep them as results; a rescoring must always read the current inventory.
@task(name="load-inventory", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def load_inventory(database_url: str, fiscal_year: int | None) -> tuple[int, pd.DataFrame]:
    """Read the 年度's current tasks (the latest 年度 when none is given)."""
    with session_scope(engine_for(database_url)) as session:
        year = fiscal_year if fiscal_year is not None else latest_fiscal_year(session=session)
        if year is None:
            raise NotFoundError("採点する業務がありません。先に `dxi ingest` で調査票を取り込んでください。")
        frame = inventory_frame(session=session, fiscal_year=year)
    if frame.empty:
        raise NotFoundError(f"{year}年度の業務がありません。先に調査票を取り込んでください。")
    return year, frame


@task(name="score-tasks", cache_policy=NO_CACHE, persist_result=False)
def score(
    tasks: pd.DataFrame, config: ScoringConfig
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Score, group and rank (pure work, one task for the whole inventory)."""
    scored = score_tasks(tasks, config)
    groups = find_rollout_groups(tasks, config)
    ranked = rank(scored, tasks, groups=groups)
    group_ranking = rank_groups(scored, tasks, groups)
    return scored, groups, ranked, group_ranking


@task(name="store-scoring-run", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def store(
    database_url: str, fiscal_year: int, config: ScoringConfig, tasks: pd.DataFrame, scored: pd.DataFrame,
    ranked: pd.DataFrame, group_ranking: pd.DataFrame, actor: str, run_name: str | None,
) -> int:  # fmt: skip
    """Store the run in one transaction."""
    keys = dict(zip(tasks["task_id"].astype(int), tasks["task_key"], strict=True))
    with session_scope(engine_for(database_url)) as session:
        run_id = save_scoring_run(
            session=session, fiscal_year=fiscal_year, config=config.model_dump(mode="json"),
            config_hash=config.config_hash(), ranked=ranked, scored=scored, groups=group_ranking,
            task_keys=keys, actor=actor, flow_run_id=run_name,
        )  # fmt: skip
    with session_scope(engine_for(database_url)) as session:
        refresh_statistics(session=session)
    return run_id


@task(name="find-current-run", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def current_run(
    database_url: str, fiscal_year: int, tasks: pd.DataFrame, config: ScoringConfig
) -> ScoringSummary | None:
    """The latest run's summary when it already scored exactly this inventory with this config."""
    with session_scope(engine_for(database_url)) as session:
        run = latest_run(session=session, fiscal_year=fiscal_year)
        if run is None or not run_is_current(
            session=session, run=run, task_ids=tasks["task_id"].tolist(), config_hash=config.config_hash()
        ):
            return None
        groups, saved = run_totals(session=session, run_id=run.id)
        return ScoringSummary(
            run_id=run.id, fiscal_year=fiscal_year, task_count=run.task_count, knocked_out=run.knocked_out_count,
            group_count=groups, expected_hours_saved=saved, top=[], skipped=True,
        )  # fmt: skip


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
    config = ScoringConfig.from_toml(Path(config_path)) if config_path else default_config()
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
    scored, groups, ranked, group_ranking = score.submit(tasks, config).result()
    run_id = store(
        url, year, config, tasks, scored, ranked, group_ranking, actor, str(flow_run.get_id() or "")
    )
    head = ranked[~ranked["knocked_out"].astype(bool)].head(top)  # a knocked-out task is no candidate
    top_rows: list[dict[str, object]] = [
        {
            "順位": int(r["rank"]),
            "課": r["department"],
            "業務名": r["name"],
            "推奨": TOOL_LABELS.get(str(r["recommended_tool"]), "—"),
            "RPA": round(float(r["rpa_score"])),
            "AI-OCR": round(float(r["ocr_score"])),
            "削減見込み(時間/年)": round(float(r["expected_hours_saved"]), 1),
            "区分": QUADRANT_LABELS.get(str(r["quadrant"]), str(r["quadrant"])),
            "属性未確認": missing_short(r["missing_attributes"]),
        }
        for r in head.to_dict("records")
    ]
    live = ~scored["knocked_out"].astype(bool)
    total_saved = float(scored.loc[live, "expected_hours_saved"].sum())
    create_table_artifact(
        key="task-scoring-top",
        table=top_rows,
        description=f"{year}年度 RPA・AI-OCR 候補 上位{len(top_rows)}件（採点ID {run_id}、削減見込み合計 {total_saved:,.0f} 時間/年）",
    )
    return ScoringSummary(
        run_id=run_id, fiscal_year=year, task_count=len(scored), knocked_out=int((~live).sum()),
        group_count=len(group_ranking), expected_hours_saved=total_saved, top=top_rows,
        unconfirmed=int(scored["missing_attributes"].map(bool).sum()),
    )  # fmt: skip
