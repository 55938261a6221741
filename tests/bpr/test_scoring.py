"""score_tasks: output shape, knock-outs, unknowns, the 久慈市 lesson, money and time."""

from __future__ import annotations

import pandas as pd
import pytest

from bpr.errors import InputError
from bpr.scoring.config import ScoringConfig
from bpr.scoring.labels import QUADRANT_LABELS
from bpr.scoring.score import SCORE_COLUMNS, score_tasks
from tests.bpr.factories import make_tasks


def one(**fields: object) -> pd.Series:
    return score_tasks(make_tasks([fields])).iloc[0]


def test_columns_and_types() -> None:
    scored = score_tasks(make_tasks([{}, {"abolition_planned": True}]))
    assert tuple(scored.columns) == SCORE_COLUMNS
    assert scored["knocked_out"].dtype == bool
    assert scored["knockout_reason"].tolist()[0] is None
    assert scored["recommended_tool"].tolist() == ["rpa", None]
    assert scored["difficulty"].isin(["低", "中", "高"]).all()
    assert set(scored["quadrant"]) <= set(QUADRANT_LABELS)


def test_empty_inventory() -> None:
    scored = score_tasks(make_tasks([]))
    assert scored.empty and tuple(scored.columns) == SCORE_COLUMNS


def test_only_required_columns_counts_everything_else_unknown() -> None:
    tasks = pd.DataFrame({"task_id": [1], "annual_volume": [1200.0], "minutes_per_case": [10.0]})
    row = score_tasks(tasks).iloc[0]
    assert 0 < row["rpa_score"] < 100
    assert "不明のため中立" in row["explanation"]


def test_missing_required_column_is_a_japanese_error() -> None:
    with pytest.raises(InputError, match="必要な列がありません: minutes_per_case"):
        score_tasks(pd.DataFrame({"task_id": [1], "annual_volume": [1.0]}))
    with pytest.raises(InputError, match="task_id が重複"):
        score_tasks(make_tasks([{"task_id": 1}, {"task_id": 1}]))


def test_every_knockout_reason_is_listed() -> None:
    row = one(
        abolition_planned=True, routine="非定型", judgement="あり", annual_volume=10, minutes_per_case=6
    )
    assert row["knocked_out"]
    assert (
        row["knockout_reason"]
        == "廃止予定・年間 1.0 時間で基準（50 時間）未満・非定型かつ人の判断ありで自動化に不向き"
    )
    assert row["expected_hours_saved"] == 0 and row["quadrant"] == "avoid" and row["priority"] == 0


def test_unknown_hours_are_knocked_out_not_a_crash() -> None:
    row = one(annual_volume=None, minutes_per_case=10.0)
    assert row["knocked_out"]
    assert "不明" in row["knockout_reason"]


def test_unknowns_are_neutral_and_said_so() -> None:
    known = one(documented=True)
    unknown = one(documented=None)
    assert unknown["rpa_score"] == known["rpa_score"] - 5.0  # half of the 10-point weight
    assert "手順書の有無が不明のため中立" in unknown["explanation"]


def test_digital_input_has_no_ocr_score() -> None:
    row = one(input_medium="電子")
    assert row["ocr_score"] == 0
    ocr = [f for f in row["factors"] if f["tool"] == "ai-ocr"]
    assert ocr == [
        {"factor": "paper", "tool": "ai-ocr", "points": 0.0, "note": "電子入力のため AI-OCR の対象外"}
    ]


def test_printed_beats_handwritten_and_fewer_forms_beat_many() -> None:
    scored = score_tasks(
        make_tasks(
            [
                {"input_medium": "紙（活字）"},
                {"input_medium": "紙（手書き）"},
                {"input_medium": "紙（手書き）", "form_count": 8},
            ]
        )
    )
    printed, handwritten, many_forms = scored["ocr_score"].tolist()
    assert printed > handwritten > many_forms


def test_mandatory_visual_check_can_cancel_ai_ocr() -> None:
    """久慈市: every AI-OCR entry checked by eye ate the whole gain."""
    case = {"input_medium": "紙（活字）", "annual_volume": 12_000, "minutes_per_case": 1.0}
    easy = one(**case, verification="不要")
    checked = one(**case, verification="必須")
    assert easy["recommended_tool"] in ("ai-ocr", "ai-ocr+rpa") and easy["expected_hours_saved"] > 50
    assert checked["recommended_tool"] is None and checked["expected_hours_saved"] == 0
    assert checked["net_hours"] < 0  # shown, not floored
    assert "久慈市" in checked["explanation"] and "推奨せず" in checked["explanation"]


def _fixed_hours(cfg: ScoringConfig, tool: str = "rpa") -> float:
    c = cfg.costs.rpa if tool == "rpa" else cfg.costs.ai_ocr
    years = cfg.costs.amortisation_years
    return c.maintenance_hours + c.build_hours / years + c.licence_yen / cfg.economics.hourly_cost_yen


def test_hours_person_years_and_yen() -> None:
    cfg = ScoringConfig()
    row = one(annual_volume=19_200, minutes_per_case=6, system_count=2, verification="不要")  # 1,920 h
    rate = cfg.automatable.default * cfg.rates.rpa.high  # the name 業務 names no kind of work
    net = round(1920 * rate - _fixed_hours(cfg), 1)
    assert row["recommended_tool"] == "rpa" and row["automation_rate"] == pytest.approx(rate)
    assert row["expected_hours_saved"] == pytest.approx(net)
    assert row["person_years"] == round(net / 1920, 3)
    assert row["yen_saved"] == round(net * 2650)
    years = row["person_years"]
    assert (
        f"純削減 {net:,.0f} 時間/年（{years:.2f} 人年, 約 {net * 2650 / 10_000:,.0f} 万円"
        in row["explanation"]
    )
    assert "自動化対象 75%（仮定: 既定値）" in row["explanation"]


def test_checking_time_is_subtracted() -> None:
    cfg = ScoringConfig()
    row = one(annual_volume=6000, minutes_per_case=10, verification="必須")
    check = 6000 * max(cfg.checking.rpa.required_share * 10, cfg.checking.rpa.required_minutes) / 60
    assert row["checking_hours"] == pytest.approx(check)
    expected = 1000 * row["automation_rate"] - check - _fixed_hours(cfg)
    assert row["expected_hours_saved"] == pytest.approx(expected, abs=0.06)


def test_config_changes_the_numbers() -> None:
    tasks = make_tasks([{"annual_volume": 120, "minutes_per_case": 30}])  # 60 h
    assert not score_tasks(tasks)["knocked_out"].iloc[0]
    strict = ScoringConfig.from_mapping({"knockout": {"min_annual_hours": 100.0}})
    assert score_tasks(tasks, strict)["knocked_out"].iloc[0]


def test_cross_department_or_process_change_is_hard() -> None:
    assert one(scope="全庁共通")["difficulty"] == "高"
    assert one(change_expected=True)["difficulty"] == "高"
    assert one(exceptions="多い")["difficulty"] == "高"
    assert one(documented=False)["difficulty"] == "中"
    assert one()["difficulty"] == "低"
