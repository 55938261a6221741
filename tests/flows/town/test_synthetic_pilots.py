"""Demo pilots: top candidates one per 課, lifecycles the rules allow, 実測 that follows the rates."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from bpr.pilots import rules
from flows.town.pilots import Move, Sample, go_lives, pick_candidates, plan_pilot, plan_pilots


def ranked(rows: int = 12) -> pd.DataFrame:
    """A ranking: 課 A has the two best rows, row 3 is knocked out, row 4 has no tool."""
    depts = ["A", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"][:rows]
    frame = pd.DataFrame(
        {
            "task_id": range(1, rows + 1),
            "department": depts,
            "name": [f"業務{i}" for i in range(rows)],
            "recommended_tool": ["rpa", "ai-ocr", "rpa", None, "ai-ocr+rpa", *["rpa"] * (rows - 5)],
            "knocked_out": [False, False, True, False, *[False] * (rows - 4)],
            "automation_rate": [0.8, 0.4, 0.8, 0.0, 0.55, *[0.55] * (rows - 5)],
            "checking_hours": [10.0, 20.0, 0.0, 0.0, 30.0, *[5.0] * (rows - 5)],
            "annual_volume": [6000.0, 2400.0, 500.0, 100.0, 3000.0, *[1200.0] * (rows - 5)],
            "minutes_per_case": [10.0, 15.0, 5.0, 30.0, 20.0, *[12.0] * (rows - 5)],
        }
    )
    return frame


def replay(plan) -> str:
    """Walk a plan through the pure lifecycle rules, as pilot_repo would; return the final state."""
    state, counts = rules.CANDIDATE, Counter()
    for step in plan.steps:
        if isinstance(step, Move):
            rules.check_transition(state, step.to, before_count=counts["before"], after_count=counts["after"])
            state = step.to
        else:
            rules.check_measurement(
                state, rules.Measurement(step.phase, step.cases, step.minutes, step.check_minutes)
            )
            counts[step.phase] += 1
    return state


def measurements(plan) -> list[rules.Measurement]:
    return [
        rules.Measurement(s.phase, s.cases, s.minutes, s.check_minutes)
        for s in plan.steps
        if isinstance(s, Sample)
    ]


def test_candidates_are_the_best_live_row_of_each_department() -> None:
    chosen = pick_candidates(ranked(), 4)
    assert chosen["task_id"].tolist() == [1, 5, 6, 7]  # A once, B knocked out, C without a tool
    with pytest.raises(ValueError, match="lacks columns"):
        pick_candidates(ranked().drop(columns=["automation_rate"]), 3)


def test_every_plan_is_a_lifecycle_the_rules_allow_and_ends_in_its_outcome() -> None:
    plans = plan_pilots(ranked(), fy=2024, seed=1)
    assert [replay(p) for p in plans] == [p.outcome for p in plans]
    assert len(plans) == 9  # 11 課, one knocked out, one without a tool
    assert Counter(p.outcome for p in plans)[rules.PRODUCTION] == 6
    for plan in plans:
        days = [s.on if isinstance(s, Move) else s.measured_on for s in plan.steps]
        assert days == sorted(days), "samples and moves are in time order"
    assert {p.tool for p in plans} <= {"rpa", "ai-ocr", "both"}


def test_production_pilots_measure_close_to_the_scoring_rate_and_go_live_next_fiscal_year() -> None:
    row = ranked().iloc[0]
    plan = plan_pilot(row, rules.PRODUCTION, fy=2024, index=0, seed=3)
    realised = rules.realised_hours(measurements(plan), annual_cases=row["annual_volume"])
    estimate = (
        row["annual_volume"] * row["minutes_per_case"] / 60 * row["automation_rate"] - row["checking_hours"]
    )
    assert realised is not None and 0.5 * estimate < realised < 1.4 * estimate
    assert plan.go_live == (2025, 4)


def test_a_dropped_pilot_either_lost_its_gain_to_checks_or_never_got_past_selection() -> None:
    row = ranked().iloc[4]
    checked = plan_pilot(row, rules.DROPPED, fy=2024, index=2, seed=0)
    realised = rules.realised_hours(measurements(checked), annual_cases=row["annual_volume"])
    estimate = row["annual_volume"] * row["minutes_per_case"] / 60 * row["automation_rate"]
    assert realised is not None and realised < 0.3 * estimate
    assert rules.VERIFYING in [s.to for s in checked.steps if isinstance(s, Move)]
    early = plan_pilot(row, rules.DROPPED, fy=2024, index=10, seed=0, dropped_early=True)
    assert [s.to for s in early.steps if isinstance(s, Move)] == [rules.SELECTED, rules.DROPPED]
    assert not measurements(early) and early.go_live is None


def test_go_lives_are_the_production_departments_only() -> None:
    plans = plan_pilots(ranked(), fy=2024, seed=1)
    lives = go_lives(plans)
    assert set(lives) == {p.department for p in plans if p.outcome == rules.PRODUCTION}
    assert all(ym[0] == 2025 and 4 <= ym[1] <= 12 for ym in lives.values())


def test_the_pilot_dropped_for_its_checks_is_an_ai_ocr_one() -> None:
    plans = plan_pilots(ranked(), fy=2024, seed=1)
    dropped = [p for p in plans if p.outcome == rules.DROPPED]
    checked = [p for p in dropped if measurements(p)]
    assert len(dropped) == 1 and checked and checked[0].tool == "both"
    assert Counter(p.outcome for p in plans)[rules.PRODUCTION] == 6  # a swap, not a loss
