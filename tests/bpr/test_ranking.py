"""rank(): exact columns, filters, determinism, knocked-out tasks at the bottom."""

from __future__ import annotations

import pandas as pd
import pytest

from bpr.errors import InputError
from bpr.scoring.ranking import RANK_COLUMNS, rank
from bpr.scoring.rollout import find_rollout_groups
from bpr.scoring.score import score_tasks
from tests.bpr.factories import make_tasks

ROWS = [
    {"task_id": 10, "department": "総務課", "name": "旅費の精算", "annual_volume": 3000},
    {"task_id": 11, "department": "税務課", "name": "旅費の精算業務", "annual_volume": 3000},
    {
        "task_id": 12,
        "department": "税務課",
        "name": "課税資料の入力",
        "input_medium": "紙（活字）",
        "annual_volume": 5000,
    },
    {"task_id": 13, "department": "市民課", "name": "窓口相談", "routine": "非定型", "judgement": "あり"},
    {
        "task_id": 14,
        "department": "総務課",
        "name": "廃止予定の集計",
        "abolition_planned": True,
        "annual_volume": 9000,
    },
    {
        "task_id": 15,
        "department": "市民課",
        "name": "証明書の郵送請求の入力",
        "input_medium": "混在",
        "annual_volume": 800,
    },
]


@pytest.fixture
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    tasks = make_tasks(ROWS)
    return tasks, score_tasks(tasks)


def test_columns_are_exactly_the_contract(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    tasks, scored = data
    ranked = rank(scored, tasks)
    assert tuple(ranked.columns) == RANK_COLUMNS
    assert ranked["ease"].isin(["低", "中", "高"]).all()
    assert ranked["group_id"].dtype == "Int64" and ranked["group_id"].isna().all()
    assert ranked["annual_hours"].tolist() == [round(h, 1) for h in ranked["annual_hours"]]


def test_knocked_out_last_and_ties_by_task_id(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    tasks, scored = data
    ranked = rank(scored, tasks)
    assert ranked["knocked_out"].tolist() == [False] * 4 + [True] * 2
    # 10 and 11 are the same task in two 課 with the same numbers: task_id decides.
    ids = ranked["task_id"].tolist()
    assert ids.index(10) + 1 == ids.index(11)


def test_filters_and_top(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    tasks, scored = data
    rpa = rank(scored, tasks, tool="rpa")
    assert set(rpa["recommended_tool"]) <= {"rpa", "ai-ocr+rpa"}
    ocr = rank(scored, tasks, tool="ai-ocr")
    assert set(ocr["recommended_tool"]) <= {"ai-ocr", "ai-ocr+rpa"} and 12 in set(ocr["task_id"])
    taxes = rank(scored, tasks, department="税務課 ")
    assert set(taxes["department"]) == {"税務課"} and taxes["rank"].tolist() == [1, 2]
    top = rank(scored, tasks, top=2)
    assert top["task_id"].tolist() == rank(scored, tasks)["task_id"].tolist()[:2]
    assert rank(scored, tasks, top=0).empty


def test_groups_are_attached(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    tasks, scored = data
    ranked = rank(scored, tasks, groups=find_rollout_groups(tasks)).set_index("task_id")
    assert ranked.loc[[10, 11], "group_id"].tolist() == [1, 1]
    assert ranked["group_id"].notna().sum() == 2
    from_column = rank(scored.assign(group_id=pd.array([1, 1, None, None, None, None], "Int64")), tasks)
    assert from_column.set_index("task_id").loc[11, "group_id"] == 1


def test_bad_arguments_are_japanese_errors(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    tasks, scored = data
    with pytest.raises(InputError, match="tool は rpa / ai-ocr / any"):
        rank(scored, tasks, tool="ocr")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="top は 0 以上"):
        rank(scored, tasks, top=-1)
    with pytest.raises(InputError, match="業務一覧にありません"):
        rank(scored, tasks[tasks["task_id"] != 10])
    with pytest.raises(InputError, match="スコア表に必要な列がありません: priority"):
        rank(scored.drop(columns="priority"), tasks)
