"""A small inventory written by hand, where the right order is obvious to a person."""

from __future__ import annotations

import pandas as pd
import pytest

from bpr.scoring.ranking import rank
from bpr.scoring.score import score_tasks
from tests.bpr.factories import make_tasks

INVENTORY = [
    # 1. Digital, routine, documented data entry in high volume: the textbook RPA case.
    {
        "task_id": 1,
        "department": "市民課",
        "name": "住民異動届のシステム入力",
        "annual_volume": 6000,
        "minutes_per_case": 10,
        "system_count": 2,
        "verification": "不要",
    },
    # 2. Handwritten application forms, one form, entered into a system: AI-OCR + RPA.
    {
        "task_id": 2,
        "department": "子育て支援課",
        "name": "児童手当認定請求書の入力",
        "input_medium": "紙（手書き）",
        "annual_volume": 3000,
        "minutes_per_case": 15,
        "verification": "一部",
    },
    # 3. Good RPA work but across the whole office with many systems: high value, hard (strategic).
    {
        "task_id": 3,
        "department": "会計課",
        "name": "支出命令書の作成",
        "scope": "全庁共通",
        "annual_volume": 5000,
        "minutes_per_case": 6,
        "system_count": 3,
        "exceptions": "時々",
    },
    # 4. Partly routine, partly judgement, no manual: a modest RPA candidate.
    {
        "task_id": 4,
        "department": "総務課",
        "name": "会計年度任用職員の勤怠集計",
        "routine": "一部定型",
        "judgement": "一部あり",
        "annual_volume": 1200,
        "minutes_per_case": 15,
        "documented": False,
        "exceptions": "時々",
        "verification": "一部",
    },
    # 5. Printed slips but every entry must be checked by eye: the 久慈市 lesson, no tool.
    {
        "task_id": 5,
        "department": "税務課",
        "name": "市県民税納付書の消込",
        "input_medium": "紙（活字）",
        "annual_volume": 2000,
        "minutes_per_case": 3,
        "form_count": 3,
        "verification": "必須",
    },
    # 6. Non-routine drafting with some judgement, no manual, many exceptions: no tool.
    {
        "task_id": 6,
        "department": "企画課",
        "name": "議会答弁書の作成",
        "routine": "非定型",
        "judgement": "一部あり",
        "annual_volume": 300,
        "minutes_per_case": 60,
        "documented": False,
        "exceptions": "多い",
        "verification": "必須",
    },
    # 7. Counselling at the counter: non-routine with judgement, knocked out.
    {
        "task_id": 7,
        "department": "福祉課",
        "name": "窓口での生活相談",
        "routine": "非定型",
        "judgement": "あり",
        "annual_volume": 2000,
        "minutes_per_case": 30,
    },
    # 8. A perfect robot task that is being abolished: knocked out.
    {
        "task_id": 8,
        "department": "情報政策課",
        "name": "旧電算システムの帳票出力",
        "abolition_planned": True,
        "annual_volume": 3000,
        "minutes_per_case": 10,
    },
    # 9. Tiny: 240 × 5 min = 20 h a year, knocked out.
    {
        "task_id": 9,
        "department": "総務課",
        "name": "公用車の鍵の貸出記録",
        "annual_volume": 240,
        "minutes_per_case": 5,
    },
]


@pytest.fixture(scope="module")
def ranked() -> pd.DataFrame:
    tasks = make_tasks(INVENTORY)
    return rank(score_tasks(tasks), tasks)


def test_order_is_the_obvious_one(ranked: pd.DataFrame) -> None:
    # Live tasks by hours saved weighted by ease; no-tool tasks after them (better score
    # first); knocked-out tasks last, among themselves by their (reference) score.
    assert ranked["task_id"].tolist() == [1, 2, 3, 4, 5, 6, 8, 9, 7]
    assert ranked["rank"].tolist() == list(range(1, 10))


def test_recommended_tools(ranked: pd.DataFrame) -> None:
    tools = dict(zip(ranked["task_id"], ranked["recommended_tool"], strict=True))
    assert tools == {
        1: "rpa",
        2: "ai-ocr+rpa",
        3: "rpa",
        4: "rpa",
        5: None,
        6: None,
        7: None,
        8: None,
        9: None,
    }


def test_knockouts_and_reasons(ranked: pd.DataFrame) -> None:
    reasons = ranked.set_index("task_id")["knockout_reason"]
    assert ranked.set_index("task_id")["knocked_out"].to_dict() == {i: i >= 7 for i in range(1, 10)}
    assert reasons[7] == "非定型かつ人の判断ありで自動化に不向き"
    assert reasons[8] == "廃止予定"
    assert reasons[9] == "年間 20.0 時間で基準（50 時間）未満"
    assert reasons[1:6].isna().all()


def test_difficulty_and_quadrants(ranked: pd.DataFrame) -> None:
    by_id = ranked.set_index("task_id")
    assert by_id.loc[[1, 2], "ease"].tolist() == ["低", "低"]
    assert by_id.loc[3, "ease"] == "高"
    assert by_id.loc[[1, 2, 3, 4, 5, 7], "quadrant"].tolist() == [
        "quick_win",
        "quick_win",
        "strategic",
        "strategic",
        "avoid",
        "avoid",
    ]


def test_explanations_say_why(ranked: pd.DataFrame) -> None:
    text = ranked.set_index("task_id")["explanation"]
    assert "年間 6,000 件 × 10 分 = 1,000 時間" in text[1]
    assert "紙（手書き）のため RPA 単独では不可" in text[2]
    assert "全庁共通のため部署横断の調整が必要" in text[3]
    assert "手順書なし" in text[4]
    assert "久慈市" in text[5] and "推奨せず" in text[5]
    assert text[7].startswith("見送り: 非定型かつ人の判断あり")
