"""Scoring as plain functions: load a 年度's inventory, score, store the run, summarise.

The `task-scoring` flow wraps each step in a task; `score_year` runs them in the calling
process, for a desk command. Every step takes and returns picklable values (the
database URL, DataFrames, the config), so a worker process or a Dask worker can run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bpr.scoring.config import ScoringConfig, default_config
from bpr.scoring.labels import QUADRANT_LABELS, TOOL_LABELS, missing_short
from bpr.scoring.ranking import rank
from bpr.scoring.rollout import find_rollout_groups, rank_groups
from bpr.scoring.score import score_tasks
from inventory.db.engine import engine_for, session_scope
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

JOB = "task-scoring"
Scored = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]


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

    def line(self) -> str:
        """The run's outcome in one Japanese line, for the run history."""
        if self.skipped:
            return f"{self.fiscal_year}年度: 変更なし（採点ID {self.run_id} のまま）"
        return (
            f"{self.fiscal_year}年度 {self.task_count:,} 業務（採点ID {self.run_id}、"
            f"削減見込み {self.expected_hours_saved:,.0f} 時間/年）"
        )


def load_config(config_path: str | None) -> ScoringConfig:
    """The weights file given, or the bundled default_scoring.toml."""
    return ScoringConfig.from_toml(Path(config_path)) if config_path else default_config()


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


def score(tasks: pd.DataFrame, config: ScoringConfig) -> Scored:
    """Score, group and rank (pure work, one step for the whole inventory)."""
    scored = score_tasks(tasks, config)
    groups = find_rollout_groups(tasks, config)
    ranked = rank(scored, tasks, groups=groups)
    group_ranking = rank_groups(scored, tasks, groups)
    return scored, groups, ranked, group_ranking


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


def summarise(run_id: int, fiscal_year: int, scored: Scored, top: int) -> ScoringSummary:
    """The stored run's figures and its `top` candidates (a knocked-out task is no candidate)."""
    tasks_scored, _groups, ranked, group_ranking = scored
    head = ranked[~ranked["knocked_out"].astype(bool)].head(top)
    top_rows: list[dict[str, object]] = [
        {
            "順位": int(r["rank"]),
            "課": r["department"],
            "業務名": r["name"],
            "推奨": TOOL_LABELS.get(str(r["recommended_tool"]), "—"),
            "RPA": round(float(r["rpa_score"])),
            "AI-OCR": round(float(r["ocr_score"])),
            "削減時間/年": round(float(r["expected_hours_saved"]), 1),
            "区分": QUADRANT_LABELS.get(str(r["quadrant"]), str(r["quadrant"])),
            "属性未確認": missing_short(r["missing_attributes"]),
        }
        for r in head.to_dict("records")
    ]
    live = ~tasks_scored["knocked_out"].astype(bool)
    return ScoringSummary(
        run_id=run_id, fiscal_year=fiscal_year, task_count=len(tasks_scored), knocked_out=int((~live).sum()),
        group_count=len(group_ranking), expected_hours_saved=float(tasks_scored.loc[live, "expected_hours_saved"].sum()),
        top=top_rows, unconfirmed=int(tasks_scored["missing_attributes"].map(bool).sum()),
    )  # fmt: skip


def score_year(
    *, database_url: str, fiscal_year: int | None, config: ScoringConfig, actor: str, top: int = 20
) -> ScoringSummary:
    """Score and store in the calling process: what the flow does, without Prefect."""
    year, tasks = load_inventory(database_url, fiscal_year)
    scored = score(tasks, config)
    run_id = store(database_url, year, config, tasks, scored[0], scored[2], scored[3], actor, None)
    return summarise(run_id, year, scored, top)
