"""The hours-saved estimate (issue 14): automatable share, checks that scale, fixed costs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpr.scoring.config import ScoringConfig
from bpr.scoring.ranking import rank
from bpr.scoring.savings import TOOLS, tool_options
from bpr.scoring.score import score_tasks
from tests.bpr.factories import make_tasks
from tests.bpr.test_properties import task_rows


@settings(max_examples=80, deadline=None)
@given(task_rows, st.floats(0.01, 1.0), st.booleans())
def test_a_full_check_on_a_case_shorter_than_the_check_never_saves(
    row: dict[str, Any], fraction: float, stated: bool
) -> None:
    """久慈市: when checking one case takes longer than the case itself, no tool gains."""
    cfg = ScoringConfig()
    floor = min(cfg.checking.rpa.required_minutes, cfg.checking.ai_ocr.required_minutes)
    if stated:  # the survey states its own check minutes per case
        case = {**row, "verification": "必須", "check_minutes": row["minutes_per_case"] / fraction}
    else:
        case = {**row, "verification": "必須", "minutes_per_case": floor * fraction * 0.999}
    tasks = make_tasks([case])
    options = tool_options(tasks, cfg)
    assert (options.gross - options.checking <= 1e-9).all()
    scored = score_tasks(tasks, cfg).iloc[0]
    assert scored["recommended_tool"] is None and scored["expected_hours_saved"] == 0


@settings(max_examples=80, deadline=None)
@given(task_rows, st.floats(0, 1), st.floats(0, 1))
def test_a_larger_automatable_share_never_lowers_the_saving(row: dict[str, Any], a: float, b: float) -> None:
    low, high = sorted((a, b))
    scored = score_tasks(make_tasks([{**row, "automatable_share": low}, {**row, "automatable_share": high}]))
    saved = scored["expected_hours_saved"].tolist()
    assert saved[1] >= saved[0]
    net = scored["net_hours"].fillna(-np.inf).tolist()
    assert net[1] >= net[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(task_rows, min_size=1, max_size=20))
def test_net_hours_are_gross_minus_checks_minus_fixed_costs(rows: list[dict[str, Any]]) -> None:
    cfg = ScoringConfig()
    o = tool_options(make_tasks(rows), cfg)
    np.testing.assert_allclose(o.net, o.gross - o.checking - o.fixed)
    c = cfg.costs
    rpa_fixed = c.rpa.maintenance_hours + c.rpa.build_hours / c.amortisation_years
    rpa_fixed += c.rpa.licence_yen / cfg.economics.hourly_cost_yen
    np.testing.assert_allclose(o.fixed[:, TOOLS.index("rpa")], rpa_fixed)
    scored = score_tasks(make_tasks(rows), cfg)
    recommended = scored["recommended_tool"].notna().to_numpy()
    np.testing.assert_allclose(
        scored["expected_hours_saved"].to_numpy()[recommended], scored["net_hours"].to_numpy()[recommended]
    )


# 久慈市 (NTT東日本 岩手支店, 2019-11): ふるさと納税ワンストップ特例申請書 年間約 2 万件、AI-OCR で読取り
# RPA が転記、最後に人がチェック: 19.8 → 4.2 時間（−78%、年 190 時間）。市県民税収納: 紙の納税済み
# 通知書を同様に転記、ミスが許されず全件目視: 1.6 → 16.2 時間。https://japan.zdnet.com/article/35153196/
KUJI = [
    {"task_id": 1, "name": "ふるさと納税ワンストップ特例申請書の転記", "input_medium": "紙（手書き）",
     "verification": "一部", "annual_volume": 20_000, "minutes_per_case": 190 / 0.78 * 60 / 20_000},
    {"task_id": 2, "name": "市県民税収納（納税済み通知書の転記）", "input_medium": "紙（活字）",
     "verification": "必須", "annual_volume": 12_000, "minutes_per_case": 0.5},  # volume assumed
]  # fmt: skip


def test_kuji_orders_its_two_tasks_right() -> None:
    tasks = make_tasks(KUJI)
    o = tool_options(tasks, ScoringConfig())
    combo = TOOLS.index("ai-ocr+rpa")
    reduction = (o.gross[:, combo] - o.checking[:, combo]) / o.hours
    assert reduction[0] > 0.5  # published: 78%
    assert reduction[1] < 0  # published: the work took ten times longer
    scored = score_tasks(tasks).set_index("task_id")
    assert scored.loc[1, "recommended_tool"] is not None
    assert scored.loc[2, "recommended_tool"] is None and scored.loc[2, "net_hours"] < 0
    assert "目視確認が削減を上回るため推奨せず（久慈市の例）" in scored.loc[2, "explanation"]
    ranked = rank(scored.reset_index(), tasks)
    assert ranked["task_id"].tolist() == [1, 2]


def test_a_tiny_task_with_a_large_build_cost_ranks_low() -> None:
    costly = ScoringConfig.from_mapping({"costs": {"rpa": {"build_hours": 300.0}}})
    tasks = make_tasks(
        [
            {"task_id": 1, "name": "小さな入力作業", "annual_volume": 360, "minutes_per_case": 10},  # 60 h
            {"task_id": 2, "name": "大きな入力作業", "annual_volume": 1800, "minutes_per_case": 10},  # 300 h
            {"task_id": 3, "name": "相談記録の整理", "annual_volume": 600, "minutes_per_case": 10},  # 100 h
        ]
    )
    free = ScoringConfig.from_mapping({"costs": {"rpa": {"build_hours": 0.0, "licence_yen": 0.0}}})
    assert score_tasks(tasks, free).set_index("task_id").loc[1, "recommended_tool"] == "rpa"
    scored = score_tasks(tasks, costly).set_index("task_id")
    assert scored.loc[1, "recommended_tool"] is None and scored.loc[1, "net_hours"] < 0
    assert "固定費が削減を上回るため推奨せず" in scored.loc[1, "explanation"]
    assert scored.loc[2, "recommended_tool"] == "rpa"
    o, rpa = tool_options(tasks, costly), TOOLS.index("rpa")
    c, hourly = costly.costs.rpa, costly.economics.hourly_cost_yen
    running = (o.gross[1, rpa] - o.checking[1, rpa] - c.maintenance_hours) * hourly - c.licence_yen
    assert scored.loc[2, "payback_months"] == pytest.approx(300 * hourly / running * 12, abs=0.05)
    assert f"作成費の回収 {scored.loc[2, 'payback_months']:,.1f} か月" in scored.loc[2, "explanation"]
    ranked = rank(scored.reset_index(), tasks)
    assert ranked["task_id"].tolist()[0] == 2 and ranked["task_id"].tolist().index(1) > 0


def test_the_explanation_shows_the_share_and_where_it_comes_from() -> None:
    scored = score_tasks(
        make_tasks(
            [
                {"task_id": 1, "name": "住民異動届のシステム入力", "annual_volume": 6000},
                {"task_id": 2, "name": "窓口での届出の受付", "annual_volume": 6000},
                {"task_id": 3, "name": "業務", "annual_volume": 6000, "automatable_share": 0.4},
                {
                    "task_id": 4,
                    "name": "施設稼働状況入力",
                    "notes": "施設の報告を加工して集計",
                    "annual_volume": 6000,
                },
            ]
        )
    ).set_index("task_id")["explanation"]
    assert "自動化対象 90%（仮定: 入力・転記・定型処理の既定値）" in scored[1]
    assert "自動化対象 30%（仮定: 窓口・相談の既定値）" in scored[2]
    assert "自動化対象 40%（調査票）" in scored[3]
    assert "自動化対象 60%（仮定: 加工・整理・文書作成の既定値）" in scored[4]  # the lower kind wins
