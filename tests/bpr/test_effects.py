"""KPI against a hand computation; DiD recovery, calibration, invariances and refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpr.effects.attribution import did
from bpr.effects.measure import EffectsError, fiscal_year, full_fiscal_years, headline, kpi
from bpr.effects.twfe import balanced_twfe, bootstrap_weights, general_twfe, twfe
from flows.town.panel import make_panel

# 年度, 課, 職員数, hours April … March. Sums written out for the reader:
#   FY2022  総務課 1,400 + 税務課 2,700 = 4,100 h, 30 staff → 360 staff-months
#   FY2023  総務課 1,120 + 税務課 2,160 = 3,280 h, 26 staff → 312 staff-months
HAND = [
    (2022, "総務課", 10, [150, 110, 100, 90, 80, 90, 100, 100, 100, 110, 120, 250]),
    (2022, "税務課", 20, [300, 200, 200, 180, 160, 180, 200, 200, 220, 260, 300, 300]),
    (2023, "総務課", 10, [130, 90, 80, 70, 60, 70, 80, 80, 80, 90, 100, 190]),
    (2023, "税務課", 16, [250, 160, 150, 140, 120, 140, 160, 160, 180, 210, 240, 250]),
]


def hand_panel(months: int = 12) -> pd.DataFrame:
    """The 2 課 × 24 months above; FY2023 cut to its first `months` months."""
    rows = []
    for fy, dept, staff, hours in HAND:
        for k, h in enumerate(hours[: months if fy == 2023 else 12]):
            month = (k + 3) % 12 + 1
            rows.append((dept, fy + (month < 4), month, float(h), staff))
    return pd.DataFrame(rows, columns=["department", "year", "month", "overtime_hours", "headcount"])


def test_hand_fixture_sums() -> None:
    assert [sum(h) for *_, h in HAND] == [1400, 2700, 1120, 2160]


def test_kpi_full_year_equals_hand_computation() -> None:
    panel = hand_panel()
    before = panel.copy()
    r = kpi(panel, kpi_fy=2023)
    pd.testing.assert_frame_equal(panel, before)  # input untouched
    assert (r.baseline_fy, r.baseline_label, r.kpi_label) == (2022, "令和4年度", "令和5年度")
    assert (r.overtime_total, r.overtime_baseline) == (3280.0, 4100.0)
    assert r.months_observed == 12 and not r.projected and r.overtime_projected is None
    assert r.change_pct == pytest.approx(-20.0) and r.reduction_pct == pytest.approx(20.0)
    assert r.target_met  # exactly 20% counts as met
    assert r.headcount_mean == 26 and r.baseline_headcount_mean == 30
    assert r.per_staff_monthly == pytest.approx(3280 / 312)
    assert r.baseline_per_staff_monthly == pytest.approx(4100 / 360)
    assert r.per_staff_annual == pytest.approx(3280 / 26)
    assert r.baseline_per_staff_annual == pytest.approx(4100 / 30)
    # Staff fell from 30 to 26: per staff overtime fell only 7.7%.
    assert r.per_staff_change_pct == pytest.approx((3280 / 312) / (4100 / 360) * 100 - 100)
    assert r.per_staff_reduction_pct == pytest.approx(7.6923, abs=1e-4)
    assert not r.target_met_per_staff
    assert r.note == (
        "令和5年度の残業時間は合計3,280時間で、令和4年度（4,100時間）から20.0%減りました。"
        "目標（20%削減）を達成しています。職員1人当たりでは7.7%の削減です。"
    )
    assert r.warnings == ()


def test_kpi_projects_a_running_year_from_the_same_months_of_the_baseline() -> None:
    # FY2023 April–June only: 300 + 560 = 860 h; baseline April–June 360 + 700 = 1,060 h.
    r = kpi(hand_panel(months=3), kpi_fy=2023)
    assert r.projected and r.months_observed == 3
    assert r.overtime_total == 860.0
    assert r.overtime_projected == pytest.approx(860 / 1060 * 4100)  # 3,326.4, not 860 × 4 = 3,440
    assert r.change_pct == pytest.approx((860 / 1060 - 1) * 100)  # −18.9%
    assert not r.target_met
    # Per staff: (860 / 78) / (1060 / 90) applied to the baseline's 4,100 / 360.
    ratio = (860 / 78) / (1060 / 90)
    assert r.per_staff_monthly == pytest.approx(860 / 78)
    assert r.per_staff_monthly_projected == pytest.approx(ratio * 4100 / 360)
    assert r.per_staff_change_pct == pytest.approx((ratio - 1) * 100)
    assert r.note == (
        "令和5年度は3か月分のデータです（860時間）。基準年度の同じ月との比から年間3,326時間と推計され、"
        "令和4年度（4,100時間）から18.9%減る見込みです。目標（20%削減）はこのままでは達成できない見込みです。"
        "職員1人当たりでは6.4%の削減です。"
    )


def test_fiscal_year_table() -> None:
    r = kpi(hand_panel(months=3), kpi_fy=2023)
    base, running = r.years
    assert (base.fiscal_year, base.months, base.complete, base.change_pct) == (2022, 12, True, 0.0)
    assert base.per_staff_annual == pytest.approx(4100 / 30)
    assert (running.months, running.complete, running.change_pct) == (3, False, None)
    assert running.same_months_change_pct == pytest.approx((860 / 1060 - 1) * 100)
    assert running.projected_total == pytest.approx(860 / 1060 * 4100)


def test_fiscal_year_boundary() -> None:
    assert fiscal_year(2025, 3) == 2024
    assert fiscal_year(2025, 4) == 2025
    assert fiscal_year(2025, 1) == 2024
    panel = hand_panel()
    # 2023-03 (250 + 190 h in 税務課/総務課 FY2022/FY2023 files) belongs to FY2022.
    r = kpi(panel, kpi_fy=2022)
    march_2023 = panel[(panel["year"] == 2023) & (panel["month"] == 3)]["overtime_hours"].sum()
    assert march_2023 == 550.0 and r.overtime_total == 4100.0


def test_default_baseline_is_the_earliest_full_year() -> None:
    panel = hand_panel()
    late_start = panel[~((panel["year"] == 2022) & (panel["month"] == 4))]
    assert full_fiscal_years(late_start) == [2023]
    assert kpi(late_start, kpi_fy=2023).baseline_fy == 2023
    # A 課 with a gap makes its year not full, though every month has some row.
    gap = panel[~((panel["department"] == "税務課") & (panel["year"] == 2022) & (panel["month"] == 8))]
    assert full_fiscal_years(gap) == [2023]
    with pytest.raises(EffectsError, match=r"税務課 2022年8月"):
        kpi(gap, kpi_fy=2023, baseline_fy=2022)


def test_a_new_department_does_not_break_a_full_year() -> None:
    extra = pd.DataFrame(
        [("情報政策課", 2023 + (m < 4), m, 5.0, 3) for m in (*range(4, 13), 1, 2, 3)],
        columns=["department", "year", "month", "overtime_hours", "headcount"],
    )
    assert full_fiscal_years(pd.concat([hand_panel(), extra])) == [2022, 2023]


def test_kpi_reports_holes_in_the_running_year() -> None:
    panel = hand_panel(months=3)
    holed = panel[~((panel["department"] == "総務課") & (panel["year"] == 2023) & (panel["month"] == 5))]
    assert kpi(holed, kpi_fy=2023).warnings == ("報告漏れ: 総務課 2023年5月（合計が少なく出ます）",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpi_fy": 2023, "baseline_fy": 2020}, "基準年度（令和2年度）の時間外勤務データがありません"),
        ({"kpi_fy": 2025}, "令和7年度の時間外勤務データがありません"),
    ],
)
def test_kpi_refuses_missing_years(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(EffectsError, match=message):
        kpi(hand_panel(), **kwargs)


def test_kpi_refuses_when_no_year_is_full() -> None:
    with pytest.raises(EffectsError, match="12か月分そろった年度がない"):
        kpi(hand_panel(months=3).iloc[1:], kpi_fy=2023)


def test_bad_panel_lists_every_problem() -> None:
    panel = hand_panel()
    panel.loc[0, "overtime_hours"] = -1.0
    panel.loc[1, "month"] = 13
    panel.loc[2, "headcount"] = 0
    with pytest.raises(EffectsError) as info:
        kpi(panel, kpi_fy=2023)
    assert all(
        s in info.value.message for s in ("1行目", "2行目", "3行目", "時間外勤務時間", "月が", "職員数")
    )
    with pytest.raises(EffectsError, match="重複"):
        kpi(pd.concat([hand_panel(), hand_panel().iloc[:1]]), kpi_fy=2023)
    with pytest.raises(EffectsError, match="headcount"):
        kpi(hand_panel().drop(columns="headcount"), kpi_fy=2023)


# --- attribution -------------------------------------------------------------------


def dummy_regression(panel: pd.DataFrame, go_live: dict[str, tuple[int, int]]) -> float:
    """The textbook TWFE: least squares on 課 and year-month dummies."""
    y = (panel["overtime_hours"] / panel["headcount"]).to_numpy()
    period = panel["year"] * 12 + panel["month"] - 1
    start = panel["department"].map({d: y_ * 12 + m - 1 for d, (y_, m) in go_live.items()})
    d = (period >= start).astype(float).to_numpy()
    x = np.column_stack(
        [
            d,
            pd.get_dummies(panel["department"]).to_numpy(float),
            pd.get_dummies(period).to_numpy(float)[:, 1:],
        ]
    )
    return float(np.linalg.lstsq(x, y, rcond=None)[0][0])


def test_did_equals_the_dummy_regression_on_an_unbalanced_panel() -> None:
    panel, go_live = make_panel(departments=10, years=2, treated_share=0.5, missing_share=0.15, seed=11)
    r = did(panel, go_live, n_boot=10)
    assert r.estimate == pytest.approx(dummy_regression(panel, go_live), abs=1e-9)


def test_bootstrap_weights_equal_duplicated_departments() -> None:
    rng = np.random.default_rng(0)
    m = (rng.random((5, 8)) > 0.2).astype(float)
    m[:, 0] = 1.0
    y = rng.normal(10, 2, (5, 8)) * m
    d = np.zeros((5, 8))
    d[:2, 4:] = 1.0
    d *= m
    w = np.array([2.0, 1.0, 0.0, 3.0, 1.0])
    rows = [(f"{i}-{k}", t, y[i, t]) for i in range(5) for k in range(int(w[i])) for t in range(8) if m[i, t]]
    dup = pd.DataFrame(rows, columns=["department", "t", "y"])
    dup["year"], dup["month"] = 2024 + dup["t"] // 12, dup["t"] % 12 + 1
    dup["headcount"] = 1
    dup["overtime_hours"] = dup["y"]
    go = {f"{i}-{k}": (2024, 5) for i in range(2) for k in range(int(w[i]))}
    assert twfe(y, d, m, w[None, :])[0] == pytest.approx(dummy_regression(dup, go), abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_the_balanced_closed_form_equals_the_general_solve(seed: int) -> None:
    # Every 課 every month (the demo, most towns): twfe takes balanced_twfe, which must
    # give general_twfe's β for the estimate and for every bootstrap replicate.
    rng = np.random.default_rng(seed)
    n, t, treated = int(rng.integers(5, 31)), int(rng.integers(6, 49)), int(rng.integers(1, 4))
    y = rng.normal(12, 3, (n, t))
    d = np.zeros((n, t))
    for i in range(treated):
        d[i, int(rng.integers(1, t - 1)) :] = 1.0
    w = np.vstack([np.ones(n), bootstrap_weights(treated, n - treated, 200, seed)])
    m = np.ones((n, t))
    general = general_twfe(y, d, m, w)
    assert np.isfinite(general).all()
    np.testing.assert_allclose(balanced_twfe(y, d, w), general, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(twfe(y, d, m, w), balanced_twfe(y, d, w))


def test_did_recovers_the_planted_effect_on_a_quiet_panel() -> None:
    panel, go_live = make_panel(departments=40, years=5, noise=0.05, effect=-3.0, seed=2)
    r = did(panel, go_live, n_boot=200)
    assert r.estimate is not None
    assert r.estimate == pytest.approx(-3.0, abs=0.05)
    assert r.ci_low is not None and r.ci_high is not None and r.ci_low <= -3.0 <= r.ci_high
    assert r.naive_before_after is not None and r.naive_before_after < -3.5  # the trend, credited to robots
    assert (r.n_treated, r.n_control, r.n_boot_used) == (16, 24, 200)
    assert r.annual_hours == pytest.approx(r.estimate * r.treated_headcount * 12)
    assert "と推定されます" in r.note and "95%区間" in r.note


@pytest.mark.parametrize("effect", [-3.0, 0.0])
def test_interval_calibration_over_20_seeds(effect: float) -> None:
    """Issue 4: coverage ≥ 90% (bench/effects_calibration.py runs 100 seeds)."""
    covered, estimates, naive = 0, [], []
    for seed in range(20):
        panel, go_live = make_panel(effect=effect, seed=seed + (0 if effect else 500))
        r = did(panel, go_live, n_boot=1000, seed=seed)
        assert r.estimate is not None and r.ci_low is not None and r.ci_high is not None
        assert r.naive_before_after is not None
        covered += r.ci_low <= effect <= r.ci_high
        estimates.append(r.estimate)
        naive.append(r.naive_before_after)
    assert covered >= 16
    assert abs(np.mean(estimates) - effect) < 0.15
    assert np.mean(naive) < effect - 1.0  # the plain before/after is visibly biased downward


def test_too_few_controls_gives_no_estimate_and_says_why() -> None:
    panel, go_live = make_panel(departments=6, years=3, treated_share=0.5, seed=1)
    keep = set(go_live) | set(sorted(set(panel["department"]) - set(go_live))[:2])
    r = did(panel[panel["department"].isin(keep)], go_live)
    assert r.estimate is None and r.ci_low is None and r.naive_before_after is None
    assert r.note == "比較対象となる未導入の課が2課しかないため、効果を推定できません（3課以上必要）。"
    assert (r.n_treated, r.n_control) == (3, 2)


def test_no_treated_department_gives_no_estimate() -> None:
    panel, _ = make_panel(departments=6, years=2, seed=1)
    assert did(panel, {}).note.startswith("本格導入した課がないため")
    assert did(panel, {"総務課": (2030, 4)}).note.startswith("本格導入した課の導入後の月のデータがまだない")
    assert did(panel, {"総務課": (2020, 4)}).note.startswith("本格導入した課に導入前の月のデータがない")


def test_always_treated_and_unknown_departments_are_left_out() -> None:
    panel, go_live = make_panel(departments=12, years=3, seed=4)
    r = did(panel, {**go_live, "企画財政課": (2020, 4), "存在しない課": (2024, 4)}, n_boot=50)
    assert r.estimate is not None
    assert r.excluded_departments == ("企画財政課", "存在しない課")
    assert "企画財政課" not in r.control_departments and "推定から除きました" in r.note


def test_go_lives_as_a_dataframe_take_the_earliest_per_department() -> None:
    panel, go_live = make_panel(departments=12, years=3, seed=4)
    frame = pd.DataFrame(
        [(d, y, m) for d, (y, m) in go_live.items()] + [(next(iter(go_live)), 2030, 1)],
        columns=["department", "go_live_year", "go_live_month"],
    )
    assert did(panel, frame, n_boot=50) == did(panel, go_live, n_boot=50)
    with pytest.raises(EffectsError, match="本格導入月"):
        did(panel, {"総務課": (2024, 13)})


def test_headline_keys() -> None:
    panel, go_live = make_panel(departments=12, years=3, seed=4)
    h = headline(kpi(panel, kpi_fy=2024), did(panel, go_live, n_boot=50))
    keys = {"baseline_fy", "kpi_fy", "overtime_total", "overtime_baseline", "reduction_pct", "target_pct"}
    keys |= {"target_met", "did_estimate", "did_ci_low", "did_ci_high", "naive_before_after"}
    assert keys <= set(h)


# --- invariances -------------------------------------------------------------------

small_panels = st.builds(
    lambda seed, miss: make_panel(departments=8, years=2, treated_share=0.5, missing_share=miss, seed=seed),
    st.integers(0, 10_000),
    st.sampled_from([0.0, 0.1]),
)


@settings(max_examples=25, deadline=None)
@given(data=small_panels, shift=st.floats(0.0, 50.0), which=st.integers(0, 7))
def test_a_department_level_shift_leaves_the_estimate_unchanged(data, shift: float, which: int) -> None:
    panel, go_live = data
    dept = sorted(panel["department"].unique())[which]
    moved = panel.copy()
    rows = moved["department"] == dept
    moved.loc[rows, "overtime_hours"] += shift * moved.loc[rows, "headcount"]
    a, b = did(panel, go_live, n_boot=30), did(moved, go_live, n_boot=30)
    assert b.estimate == pytest.approx(a.estimate, abs=1e-8)
    assert b.ci_low == pytest.approx(a.ci_low, abs=1e-8)


@settings(max_examples=25, deadline=None)
@given(data=small_panels, factor=st.floats(0.1, 10.0))
def test_scaling_hours_scales_the_estimate(data, factor: float) -> None:
    panel, go_live = data
    scaled = panel.assign(overtime_hours=panel["overtime_hours"] * factor)
    a, b = did(panel, go_live, n_boot=30), did(scaled, go_live, n_boot=30)
    assert a.estimate is not None and a.ci_high is not None
    assert b.estimate == pytest.approx(a.estimate * factor, rel=1e-8, abs=1e-8)
    assert b.ci_high == pytest.approx(a.ci_high * factor, rel=1e-8, abs=1e-8)


@settings(max_examples=15, deadline=None)
@given(data=small_panels, order=st.randoms(use_true_random=False))
def test_row_order_does_not_matter(data, order) -> None:
    panel, go_live = data
    index = list(panel.index)
    order.shuffle(index)
    assert did(panel.loc[index], go_live, n_boot=30) == did(panel, go_live, n_boot=30)
