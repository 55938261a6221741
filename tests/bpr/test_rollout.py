"""横展開 groups on realistic names: the same task in several 課, and look-alikes that are not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from bpr.scoring.config import ScoringConfig
from bpr.scoring.rollout import GROUP_COLUMNS, components, find_rollout_groups, normalise_name, rank_groups
from bpr.scoring.score import score_tasks
from tests.bpr.factories import make_tasks

NOISE = ScoringConfig().rollout.noise_words


def grouped(pairs: list[tuple[str, str]], **extra: object) -> list[object]:
    tasks = make_tasks([{"name": name, "department": dept, **extra} for name, dept in pairs])
    return find_rollout_groups(tasks)["group_id"].tolist()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("支出命令書の作成", "支出命令の作成"),
        ("支出命令書の作成", "支出命令書作成業務"),
        ("会計年度任用職員の勤怠集計", "会計年度任用職員 勤怠集計"),
        ("会計年度任用職員の勤怠集計", "勤怠集計（会計年度任用職員）"),
        ("時間外勤務の集計に関する事務", "時間外勤務集計"),
        ("ＲＰＡ研修の受付", "RPA研修の受付"),
    ],
)
def test_same_task_in_two_departments_is_grouped(a: str, b: str) -> None:
    assert grouped([(a, "総務課"), (b, "税務課")]) == [1, 1]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("支出命令書の作成", "支出負担行為"),
        ("支出命令書の作成", "支出負担行為の起案"),
        ("会計年度任用職員の勤怠集計", "勤怠集計"),
        ("住民票の発行", "証明書の発行"),
        ("児童手当の受付", "児童扶養手当の受付"),
        ("固定資産税の賦課", "軽自動車税の賦課"),
    ],
)
def test_look_alikes_are_not_grouped(a: str, b: str) -> None:
    assert grouped([(a, "総務課"), (b, "税務課")]) == [pd.NA, pd.NA]


def test_one_department_alone_is_not_a_rollout() -> None:
    assert grouped([("旅費の精算", "総務課"), ("旅費の精算業務", "総務課")]) == [pd.NA, pd.NA]


def test_category_must_match_when_both_have_one() -> None:
    tasks = make_tasks(
        [
            {"name": "文書の収受", "department": "総務課", "category_1": "庶務"},
            {"name": "文書の収受", "department": "税務課", "category_1": "会計"},
            {"name": "文書収受", "department": "市民課", "category_1": None},
        ]
    )
    assert find_rollout_groups(tasks.iloc[:2])["group_id"].isna().all()
    # A task without a category links to either (union-find closes the group).
    assert find_rollout_groups(tasks)["group_id"].tolist() == [1, 1, 1]


def test_fiscal_years_are_not_mixed() -> None:
    tasks = make_tasks(
        [
            {"name": "旅費の精算", "department": "総務課", "fiscal_year": 2023},
            {"name": "旅費の精算", "department": "税務課", "fiscal_year": 2024},
        ]
    )
    assert find_rollout_groups(tasks)["group_id"].isna().all()


def test_group_ids_are_numbered_by_first_task() -> None:
    names = [("郵便物の発送", "A課"), ("旅費の精算", "B課"), ("郵便物発送業務", "C課"), ("旅費精算", "D課")]
    assert grouped(names) == [1, 2, 1, 2]


def test_threshold_is_configurable() -> None:
    pairs = [("支出命令書の作成", "総務課"), ("支出命令の作成", "税務課")]
    tasks = make_tasks([{"name": n, "department": d} for n, d in pairs])
    strict = ScoringConfig.from_mapping({"rollout": {"threshold": 99.0}})
    assert find_rollout_groups(tasks, strict)["group_id"].isna().all()


def test_normalise_name() -> None:
    assert normalise_name("勤怠集計（会計年度任用職員）に関する事務", NOISE) == "会計年度任用職員 勤怠集計"
    assert normalise_name(None, NOISE) == ""


def test_union_find_closes_chains() -> None:
    roots = components(6, np.array([4, 2, 0], dtype=np.int64), np.array([5, 4, 3], dtype=np.int64))
    assert roots.tolist() == [0, 1, 2, 0, 2, 2]


def test_blocks_split_when_large() -> None:
    # Many names sharing a first character exercise the block split; grouping still works.
    rows = [{"name": f"支出{i:04d}の確認", "department": f"{i}課"} for i in range(150)]
    rows += [
        {"name": "支出命令書の作成", "department": "総務課"},
        {"name": "支出命令の作成", "department": "税務課"},
    ]
    small_blocks = ScoringConfig.from_mapping({"rollout": {"max_block": 100}})
    groups = find_rollout_groups(make_tasks(rows), small_blocks)["group_id"]
    assert groups.iloc[-1] == groups.iloc[-2]
    assert pd.notna(groups.iloc[-1])


def test_rank_groups() -> None:
    rows: list[dict[str, Any]] = [
        {"name": "支出命令書の作成", "department": "総務課", "annual_volume": 3000},
        {"name": "支出命令書の作成", "department": "税務課", "annual_volume": 2000},
        {"name": "支出命令の作成", "department": "市民課", "annual_volume": 1000},
        {"name": "郵便物の発送", "department": "総務課", "annual_volume": 600},
        {"name": "郵便物発送", "department": "市民課", "annual_volume": 600, "abolition_planned": True},
        {"name": "窓口相談", "department": "市民課"},
    ]
    tasks = make_tasks(rows)
    scored = score_tasks(tasks)
    groups = find_rollout_groups(tasks)
    ranked = rank_groups(scored, tasks, groups)
    assert tuple(ranked.columns) == GROUP_COLUMNS
    first = ranked.iloc[0]
    assert first["representative_name"] == "支出命令書の作成"
    assert first["departments"] == ["市民課", "税務課", "総務課"]
    assert (first["task_count"], first["department_count"], first["best_tool"]) == (3, 3, "rpa")
    members = scored[scored["task_id"].isin([1, 2, 3])]
    assert first["expected_hours_saved"] == pytest.approx(members["expected_hours_saved"].sum(), abs=0.1)
    assert first["annual_hours"] == pytest.approx(1000.0)
    assert ranked["rank"].tolist() == [1, 2]
    assert rank_groups(scored, tasks, groups, top=1)["group_id"].tolist() == [first["group_id"]]
