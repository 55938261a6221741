"""Rank scored tasks into the candidate list the DX team reviews.

Order: live tasks first, always (a knocked-out task is never above a live one), then
priority (hours saved weighted by ease), then the better of the two scores, then
task_id, so equal inputs give the same list on every run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bpr.errors import InputError
from bpr.scoring.inputs import check_columns
from bpr.scoring.selection import TOOL_FILTER, Tool, check_selection, same_department

RANK_COLUMNS: tuple[str, ...] = (
    "task_id",
    "department",
    "name",
    "annual_hours",
    "rpa_score",
    "ocr_score",
    "recommended_tool",
    "knocked_out",
    "knockout_reason",
    "expected_hours_saved",
    "ease",
    "quadrant",
    "rank",
    "group_id",
    "explanation",
    "missing_attributes",
)

SCORED_NEEDS = (
    "task_id",
    "knocked_out",
    "knockout_reason",
    "rpa_score",
    "ocr_score",
    "recommended_tool",
    "expected_hours_saved",
    "difficulty",
    "quadrant",
    "priority",
    "explanation",
)


def _annual_hours(tasks: pd.DataFrame) -> pd.Series:
    if "annual_hours" in tasks:
        hours = pd.to_numeric(tasks["annual_hours"], errors="coerce").astype(float)
    else:
        hours = pd.Series(np.nan, index=tasks.index)
    if {"annual_volume", "minutes_per_case"} <= set(tasks.columns):
        derived = pd.to_numeric(tasks["annual_volume"], errors="coerce") * pd.to_numeric(
            tasks["minutes_per_case"], errors="coerce"
        )
        hours = hours.fillna(derived.astype(float) / 60.0)
    return hours


def _group_ids(scored: pd.DataFrame, tasks: pd.DataFrame, groups: pd.DataFrame | None) -> pd.DataFrame:
    """task_id → group_id from `groups`, else a group_id column in scored or tasks."""
    if groups is not None:
        check_columns(groups, ("task_id", "group_id"), "横展開グループ表")
        source = groups
    elif "group_id" in scored:
        source = scored
    elif "group_id" in tasks:
        source = tasks
    else:
        return pd.DataFrame(
            {"task_id": scored["task_id"], "group_id": pd.array([pd.NA] * len(scored), "Int64")}
        )
    return source[["task_id", "group_id"]].astype({"group_id": "Int64"})


def rank(
    scored: pd.DataFrame,
    tasks: pd.DataFrame,
    *,
    tool: Tool = "any",
    department: str | None = None,
    top: int | None = None,
    groups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the ranked candidate list with RANK_COLUMNS; rank is 1..n within the result.

    Args:
        scored: the output of `score_tasks`.
        tasks: the task table that was scored (department, name, annual hours).
        tool: 'rpa' keeps tasks recommended for RPA or AI-OCR+RPA, 'ai-ocr' those for
            AI-OCR or AI-OCR+RPA; 'any' keeps every task, knocked-out ones at the bottom.
        department: keep one 課 (compared after NFKC, ignoring spaces).
        top: keep the first N after ranking.
        groups: `find_rollout_groups` output; without it group_id comes from a
            group_id column of scored or tasks, else stays empty.
    """
    check_selection(tool, top)
    check_columns(scored, SCORED_NEEDS, "スコア表")
    check_columns(tasks, ("task_id", "department", "name"), "業務一覧")
    info = pd.DataFrame(
        {"task_id": tasks["task_id"], "department": tasks["department"], "name": tasks["name"]}
    ).assign(annual_hours=_annual_hours(tasks).round(1))
    # 属性未確認: absent from runs stored before it was recorded (None = not known).
    needs = scored[list(SCORED_NEEDS)].assign(missing_attributes=scored.get("missing_attributes"))
    frame = needs.merge(info, on="task_id", how="left", validate="one_to_one", indicator=True)
    unknown = frame.loc[frame["_merge"] != "both", "task_id"]
    if len(unknown):
        raise InputError(f"スコア表の task_id が業務一覧にありません: {unknown.head(5).tolist()}")
    frame = frame.drop(columns="_merge").merge(
        _group_ids(scored, tasks, groups), on="task_id", how="left", validate="one_to_one"
    )

    keep = np.ones(len(frame), dtype=bool)
    if tool != "any":
        keep &= frame["recommended_tool"].isin(TOOL_FILTER[tool]).to_numpy()
    if department is not None:
        wanted = department
        keep &= frame["department"].map(lambda name: same_department(name, wanted)).to_numpy(bool)
    frame = frame.loc[keep]

    best = np.maximum(frame["rpa_score"].to_numpy(float), frame["ocr_score"].to_numpy(float))
    order = np.lexsort(
        (
            frame["task_id"].to_numpy(),
            -np.nan_to_num(best),
            -np.nan_to_num(frame["priority"].to_numpy(float)),
            frame["knocked_out"].to_numpy(bool),
        )
    )
    frame = frame.iloc[order].reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    frame = frame.rename(columns={"difficulty": "ease"})
    if top is not None:
        frame = frame.head(top)
    return frame[list(RANK_COLUMNS)]
