"""Tiny factories for tests: valid objects with overridable fields."""

from __future__ import annotations

import hashlib
from typing import Any

from inventory.survey.models import SurveyIn, TaskIn


def make_task(**overrides: Any) -> TaskIn:
    """A valid task; any field can be overridden."""
    values: dict[str, Any] = {
        "source_row": 2,
        "name": "支出命令書の作成",
        "routine": "定型",
        "judgement": "なし",
        "input_medium": "電子",
        "annual_volume": 1200.0,
        "minutes_per_case": 30.0,
    }
    values.update(overrides)
    return TaskIn.model_validate(values)


def make_survey(*, tasks: list[TaskIn] | None = None, tag: str = "v1", **overrides: Any) -> SurveyIn:
    """A valid survey whose content hash derives from `tag` (same tag = same bytes)."""
    values: dict[str, Any] = {
        "file_name": f"税務課_{tag}.xlsx",
        "content_hash": hashlib.sha256(tag.encode()).hexdigest(),
        "file_format": "xlsx",
        "sheet": "業務一覧",
        "fiscal_year": 2024,
        "department": "税務課",
        "division": "総務部",
        "tasks": tasks
        if tasks is not None
        else [make_task(source_row=2), make_task(source_row=3, name="課税台帳の照会")],
    }
    values.update(overrides)
    return SurveyIn.model_validate(values)


def score_year(session: Any, fiscal_year: int = 2024) -> Any:
    """Score the 年度's current inventory and store the run, as `dxi score` does (without Prefect).

    Returns the inventory frame that was scored (task_id, task_key, department, name …).
    """
    from bpr.scoring.config import default_config
    from bpr.scoring.ranking import rank
    from bpr.scoring.rollout import find_rollout_groups, rank_groups
    from bpr.scoring.score import score_tasks
    from inventory.db.scoring_repo import inventory_frame, save_scoring_run

    config = default_config()
    tasks = inventory_frame(session=session, fiscal_year=fiscal_year)
    scored = score_tasks(tasks, config)
    groups = find_rollout_groups(tasks, config)
    save_scoring_run(
        session=session, fiscal_year=fiscal_year, config=config.model_dump(mode="json"),
        config_hash=config.config_hash(), ranked=rank(scored, tasks, groups=groups), scored=scored,
        groups=rank_groups(scored, tasks, groups),
        task_keys=dict(zip(tasks["task_id"].astype(int), tasks["task_key"], strict=True)), actor="test",
    )  # fmt: skip
    return tasks
