"""Pilot lifecycle and measurement maths: the full state × state matrix, hand-computed figures."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpr.errors import PilotError
from bpr.pilots.rules import (
    STATES,
    Measurement,
    allowed_next,
    check_measurement,
    check_transition,
    cost_benefit,
    estimate_accuracy,
    phase_minutes,
    pilot_days,
    realised_hours,
)
from bpr.scoring.config import default_config

ALLOWED = {
    ("候補", "選定"), ("候補", "見送り"),
    ("選定", "実証中"), ("選定", "見送り"),
    ("実証中", "効果検証"), ("実証中", "見送り"),
    ("効果検証", "本格導入"), ("効果検証", "実証中"), ("効果検証", "見送り"),
}  # fmt: skip
MATRIX = list(itertools.product(STATES, STATES))


@pytest.mark.parametrize(("state", "to"), [pair for pair in MATRIX if pair in ALLOWED])
def test_allowed_transition_passes(state: str, to: str) -> None:
    check_transition(state, to, before_count=1, after_count=1)
    assert to in allowed_next(state)


@pytest.mark.parametrize(("state", "to"), [pair for pair in MATRIX if pair not in ALLOWED])
def test_refused_transition_names_the_allowed_states(state: str, to: str) -> None:
    with pytest.raises(PilotError) as caught:
        check_transition(state, to, before_count=5, after_count=5)
    message = caught.value.message
    assert state in message and to in message
    if allowed_next(state):
        assert all(s in message for s in allowed_next(state))
    else:
        assert "最終" in message


def test_matrix_is_complete_and_final_states_are_final() -> None:
    assert len(MATRIX) == 36 and len(ALLOWED) == 9
    assert allowed_next("本格導入") == () and allowed_next("見送り") == ()
    assert all("見送り" in allowed_next(s) for s in STATES if s not in ("本格導入", "見送り"))


@pytest.mark.parametrize(("before", "after"), [(0, 0), (1, 0), (0, 1)])
def test_production_needs_a_before_and_an_after_measurement(before: int, after: int) -> None:
    with pytest.raises(PilotError, match="導入前と導入後の測定"):
        check_transition("効果検証", "本格導入", before_count=before, after_count=after)


def test_unknown_state_is_refused_in_japanese() -> None:
    with pytest.raises(PilotError, match="状態「完了」はありません"):
        check_transition("効果検証", "完了", before_count=1, after_count=1)
    with pytest.raises(PilotError):
        allowed_next("完了")


def test_measurement_rules() -> None:
    after = Measurement(phase="after", cases=10, minutes=2)
    with pytest.raises(PilotError, match="実証中になってから"):
        check_measurement("選定", after)
    with pytest.raises(PilotError, match="見送り"):
        check_measurement("見送り", Measurement(phase="before", cases=10, minutes=2))
    check_measurement("実証中", after)
    check_measurement("候補", Measurement(phase="before", cases=10, minutes=2))
    with pytest.raises(PilotError) as caught:
        check_measurement("実証中", Measurement(phase="later", cases=0, minutes=-1, method="勘"))
    assert all(word in caught.value.message for word in ("before", "実測", "件数", "0以上"))


def test_realised_hours_by_hand() -> None:
    samples = [
        Measurement("before", cases=100, minutes=10),
        Measurement("before", cases=300, minutes=6),  # weighted mean (1000 + 1800) / 400 = 7 min
        Measurement("after", cases=200, minutes=1, check_minutes=0.5),
        Measurement("after", cases=200, minutes=2, check_minutes=0.5),  # 1.5 min + 0.5 check
    ]
    assert phase_minutes(samples, "before").minutes == pytest.approx(7.0)  # type: ignore[union-attr]
    # 1,200 cases × (7 − 1.5 − 0.5) / 60 = 100 h
    assert realised_hours(samples, annual_cases=1200) == pytest.approx(100.0)
    assert realised_hours(samples[:2], annual_cases=1200) is None  # no after sample yet


def test_existing_checks_count_against_only_the_added_check() -> None:
    samples = [
        Measurement("before", cases=10, minutes=5, check_minutes=1),
        Measurement("after", cases=10, minutes=1, check_minutes=2),
    ]
    # 600 × (5 − 1 − (2 − 1)) / 60 = 30 h
    assert realised_hours(samples, annual_cases=600) == pytest.approx(30.0)


def test_checks_can_make_a_pilot_cost_time() -> None:
    # 久慈市: every AI-OCR entry needed 目視確認, so the task took longer.
    samples = [Measurement("before", 100, 1.0), Measurement("after", 100, 0.5, check_minutes=9.0)]
    assert realised_hours(samples, annual_cases=600) == pytest.approx(-85.0)


def test_annualise_from_pilot_period() -> None:
    # つくば市-like: 116 h saved over a 3-month pilot scales to a year by 365 / days.
    samples = [Measurement("before", 1, 10), Measurement("after", 1, 4)]
    period_cases = 116 * 60 / 6  # 1,160 cases in the pilot, 6 min saved each = 116 h
    hours = realised_hours(samples, annual_cases=period_cases, annualise_from_days=92)
    assert hours == pytest.approx(116 * 365 / 92)
    assert 400 < hours < 500  # type: ignore[operator]
    with pytest.raises(PilotError):
        realised_hours(samples, annual_cases=10, annualise_from_days=0)
    assert pilot_days(date(2025, 4, 1), date(2025, 6, 30)) == 91
    assert pilot_days(date(2025, 4, 1), None) is None


def test_estimate_accuracy() -> None:
    assert estimate_accuracy(80.0, 100.0) == pytest.approx(0.8)
    assert estimate_accuracy(None, 100.0) is None
    assert estimate_accuracy(80.0, 0.0) is None
    assert estimate_accuracy(80.0, None) is None


def test_cost_benefit_by_hand() -> None:
    money = cost_benefit(
        realised=400, initial_cost=500_000, annual_licence=240_000, development_hours=40, hourly_cost_yen=2500
    )
    # net = 400 × 2,500 − 240,000 = 760,000 yen/year; investment = 500,000 + 40 × 2,500 = 600,000
    assert money.net_saving_yen == pytest.approx(760_000)
    assert money.investment_yen == pytest.approx(600_000)
    assert money.payback_months == pytest.approx(600_000 / (760_000 / 12))


def test_cost_benefit_edges_and_default_rate() -> None:
    rate = default_config().economics.hourly_cost_yen
    assert cost_benefit(realised=10).net_saving_yen == pytest.approx(10 * rate)
    assert cost_benefit(realised=10).payback_months == 0
    never = cost_benefit(realised=10, annual_licence=1_000_000, initial_cost=1)
    assert never.net_saving_yen < 0 and never.payback_months is None  # type: ignore[operator]
    unknown = cost_benefit(realised=None, initial_cost=100)
    assert unknown.net_saving_yen is None and unknown.payback_months is None and unknown.investment_yen == 100


sizes = st.floats(min_value=1, max_value=10_000, allow_nan=False)
minutes = st.floats(min_value=0, max_value=600, allow_nan=False)
before_samples = st.lists(st.builds(Measurement, st.just("before"), sizes, minutes, minutes), min_size=1)
after_samples = st.lists(st.builds(Measurement, st.just("after"), sizes, minutes, minutes), min_size=1)


@given(before=before_samples, after=after_samples, annual_cases=sizes)
def test_realised_never_exceeds_all_of_the_before_time(
    before: list[Measurement], after: list[Measurement], annual_cases: float
) -> None:
    hours = realised_hours(before + after, annual_cases=annual_cases)
    spent = phase_minutes(before, "before")
    assert hours is not None and spent is not None
    ceiling = annual_cases * (spent.minutes + spent.check_minutes) / 60
    assert hours <= ceiling * (1 + 1e-9) + 1e-9
