"""Invariants of scoring and ranking, over generated inventories (hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bpr.scoring.ranking import rank
from bpr.scoring.score import score_tasks
from inventory.survey.schema import EXCEPTIONS, INPUT_MEDIUM, JUDGEMENT, ROUTINE, SCOPE, VERIFICATION
from tests.bpr.factories import make_tasks


def maybe(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from([*values, None])


task_rows = st.fixed_dictionaries(
    {
        "department": st.sampled_from(["総務課", "税務課", "市民課"]),
        "scope": maybe(SCOPE),
        "routine": maybe(ROUTINE),
        "judgement": maybe(JUDGEMENT),
        "input_medium": maybe(INPUT_MEDIUM),
        "verification": maybe(VERIFICATION),
        "exceptions": maybe(EXCEPTIONS),
        "documented": maybe((True, False)),
        "change_expected": maybe((True, False)),
        "abolition_planned": maybe((True, False)),
        "form_count": st.one_of(st.none(), st.integers(0, 30)),
        "system_count": st.one_of(st.none(), st.integers(0, 8)),
        "annual_volume": st.floats(0, 200_000, allow_nan=False),
        "minutes_per_case": st.floats(0.1, 480, allow_nan=False),
    }
)
inventories = st.lists(task_rows, min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(inventories)
def test_scores_stay_within_0_and_100(rows: list[dict[str, Any]]) -> None:
    scored = score_tasks(make_tasks(rows))
    for column in ("rpa_score", "ocr_score", "rpa_after_ocr_score", "ease_score"):
        assert scored[column].between(0, 100).all(), column
    assert (scored["expected_hours_saved"] >= 0).all()
    hours = make_tasks(rows)["annual_hours"].to_numpy(float)
    assert (scored["expected_hours_saved"].to_numpy() <= hours + 0.05).all()
    assert scored["explanation"].map(lambda e: isinstance(e, str) and len(e) > 0).all()


@settings(max_examples=60, deadline=None)
@given(inventories)
def test_points_sum_to_the_score(rows: list[dict[str, Any]]) -> None:
    scored = score_tasks(make_tasks(rows))
    columns = ("factors", "rpa_score", "ocr_score", "ease_score")
    for factors, rpa, ocr, ease in zip(*(scored[c].tolist() for c in columns), strict=True):
        sums: dict[str, float] = dict.fromkeys(("rpa", "ai-ocr", "ease"), 0.0)
        for factor in factors:
            assert set(factor) == {"factor", "tool", "points", "note"}
            sums[factor["tool"]] += factor["points"]
        assert rpa == np.clip(round(sums["rpa"], 1), 0, 100)
        assert ocr == np.clip(round(sums["ai-ocr"], 1), 0, 100)
        assert ease == np.clip(round(100 + sums["ease"], 1), 0, 100)


@settings(max_examples=80, deadline=None)
@given(task_rows, st.floats(1.0, 50.0))
def test_more_volume_never_lowers_expected_hours(row: dict[str, Any], factor: float) -> None:
    more = {**row, "annual_volume": row["annual_volume"] * factor}
    saved = score_tasks(make_tasks([row, more]))["expected_hours_saved"].tolist()
    assert saved[1] >= saved[0]


@settings(max_examples=80, deadline=None)
@given(task_rows)
def test_handwritten_paper_lowers_rpa_and_raises_ocr(row: dict[str, Any]) -> None:
    digital, paper = {**row, "input_medium": "電子"}, {**row, "input_medium": "紙（手書き）"}
    scored = score_tasks(make_tasks([digital, paper]))
    rpa, ocr = scored["rpa_score"].tolist(), scored["ocr_score"].tolist()
    assert rpa[1] < rpa[0]
    assert ocr[1] > ocr[0] == 0.0
    assert scored["recommended_tool"].iloc[1] != "rpa"


@settings(max_examples=60, deadline=None)
@given(
    inventories,
    st.sampled_from(["rpa", "ai-ocr", "any"]),
    st.one_of(st.none(), st.sampled_from(["総務課", "税務課"])),
)
def test_knocked_out_is_never_ranked_above_a_live_task(
    rows: list[dict[str, Any]], tool: Any, dept: Any
) -> None:
    tasks = make_tasks(rows)
    ranked = rank(score_tasks(tasks), tasks, tool=tool, department=dept)
    knocked = ranked["knocked_out"].to_numpy(bool)
    if knocked.any() and (~knocked).any():
        assert np.flatnonzero(~knocked).max() < np.flatnonzero(knocked).min()
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))


@settings(max_examples=30, deadline=None)
@given(inventories)
def test_scoring_is_pure_and_deterministic(rows: list[dict[str, Any]]) -> None:
    tasks = make_tasks(rows)
    before = tasks.copy(deep=True)
    first = score_tasks(tasks)
    pd.testing.assert_frame_equal(tasks, before)
    pd.testing.assert_frame_equal(first, score_tasks(tasks))
    shuffled = tasks.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(rank(first, tasks), rank(score_tasks(shuffled), shuffled))
