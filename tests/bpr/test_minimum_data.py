"""Minimum data (issue 13): hours-only tasks score, blank attributes are neutral and named, automated work is no candidate."""

from __future__ import annotations

import pytest

from bpr.errors import InputError
from bpr.scoring.labels import ATTRIBUTE_LABELS, SCORED_ATTRIBUTES, missing_text
from bpr.scoring.ranking import rank
from bpr.scoring.score import score_tasks
from tests.bpr.factories import make_tasks

UNKNOWN: dict[str, object] = dict.fromkeys(SCORED_ATTRIBUTES)
HOURS_ONLY: dict[str, object] = {
    **UNKNOWN,
    "annual_volume": None,
    "minutes_per_case": None,
    "annual_hours": 600.0,
}


def test_an_hours_only_task_is_scored_and_names_every_attribute_it_assumed() -> None:
    scored = score_tasks(make_tasks([{"name": "申告書入力", **HOURS_ONLY}]))
    row = scored.iloc[0]
    assert not row["knocked_out"] and row["recommended_tool"] is not None and row["expected_hours_saved"] > 0
    assert row["missing_attributes"] == [ATTRIBUTE_LABELS[f] for f in SCORED_ATTRIBUTES]
    assert "年間 600 時間" in row["explanation"]
    sentence = (
        "属性未確認（" + "・".join(ATTRIBUTE_LABELS[f] for f in SCORED_ATTRIBUTES) + "）: 中立の値を仮定"
    )
    assert sentence in row["explanation"]
    assert missing_text(row["missing_attributes"]) == f"全項目（{len(SCORED_ATTRIBUTES)}）"


def test_a_fully_surveyed_task_assumes_nothing() -> None:
    row = score_tasks(make_tasks([{}])).iloc[0]
    assert row["missing_attributes"] == []
    assert "属性未確認" not in row["explanation"]
    assert missing_text(row["missing_attributes"]) == ""


def test_only_the_blank_attributes_are_named() -> None:
    row = score_tasks(make_tasks([{"input_medium": None, "documented": None}])).iloc[0]
    assert row["missing_attributes"] == ["入力媒体", "手順書"]
    assert missing_text(row["missing_attributes"]) == "入力媒体・手順書"


@pytest.mark.parametrize(
    ("field", "middle"),
    [("routine", "一部定型"), ("judgement", "一部あり"), ("exceptions", "時々"), ("verification", "一部")],
)
def test_a_blank_attribute_scores_as_the_neutral_middle(field: str, middle: str) -> None:
    """default unknown_level 0.5 = the middle answer of a three-step attribute: never a guess either way."""
    blank, neutral = score_tasks(make_tasks([{field: None}, {field: middle}])).to_dict("records")
    assert (blank["rpa_score"], blank["ocr_score"]) == (neutral["rpa_score"], neutral["ocr_score"])


def test_hours_before_and_after_mark_automated_work_kept_at_the_bottom() -> None:
    tasks = make_tasks(
        [
            {"name": "口座振替データの取込", **HOURS_ONLY, "annual_hours": 5000.0, "hours_after": 400.0},
            {"name": "支出命令書の作成", "annual_volume": 600.0, "minutes_per_case": 10.0},
        ]
    )
    scored = score_tasks(tasks)
    done = scored.iloc[0]
    assert done["knocked_out"] and done["quadrant"] == "automated" and done["recommended_tool"] is None
    assert done["expected_hours_saved"] == 0 and done["knockout_reason"].startswith(
        "自動化済み（年間 5,000→400 時間）"
    )
    assert done["explanation"].startswith("自動化済み") and "属性未確認（" not in done["explanation"]
    assert done["missing_attributes"]  # still said: the attributes are unknown
    ranked = rank(scored, tasks)
    assert ranked["name"].tolist() == [
        "支出命令書の作成",
        "口座振替データの取込",
    ]  # 5,000 h yet below a live task
    assert ranked["missing_attributes"].tolist() == [[], done["missing_attributes"]]


def test_a_table_needs_one_volume() -> None:
    hours_only = make_tasks([HOURS_ONLY]).drop(columns=["annual_volume", "minutes_per_case"])
    assert score_tasks(hours_only).iloc[0]["expected_hours_saved"] > 0
    with pytest.raises(InputError, match="annual_volume, minutes_per_case（または annual_hours）"):
        score_tasks(make_tasks([{}]).drop(columns=["annual_volume", "minutes_per_case", "annual_hours"]))


def test_a_ranking_of_runs_stored_before_missing_attributes_were_kept_says_nothing() -> None:
    tasks = make_tasks([{}])
    scored = score_tasks(tasks).drop(columns=["missing_attributes"])
    assert rank(scored, tasks)["missing_attributes"].tolist() == [None]


def test_a_terminal_table_lists_a_few_attributes_and_counts_many() -> None:
    from bpr.scoring.labels import missing_short

    assert missing_short(["入力媒体", "手順書"]) == "入力媒体・手順書"
    assert missing_short(["入力媒体", "手順書", "様式数"]) == "3項目"
    assert missing_short(list(ATTRIBUTE_LABELS.values())) == f"全項目（{len(SCORED_ATTRIBUTES)}）"
    assert missing_short([]) == missing_short(None) == ""
