"""The synthetic panel generator: deterministic, realistic, and as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bpr.effects.panel import full_fiscal_years
from flows.town.panel import department_names, make_panel


def test_same_seed_same_panel_other_seed_other_panel() -> None:
    a, go_a = make_panel(seed=7)
    b, go_b = make_panel(seed=7)
    c, _ = make_panel(seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert go_a == go_b
    assert not a["overtime_hours"].equals(c["overtime_hours"])


def test_shape_columns_and_fiscal_years() -> None:
    panel, _ = make_panel(departments=12, years=3, start_fy=2022, seed=1)
    assert list(panel.columns) == ["department", "year", "month", "overtime_hours", "headcount"]
    assert len(panel) == 12 * 36
    assert panel["department"].nunique() == 12
    first, last = panel.iloc[0], panel.iloc[35]
    assert (first["year"], first["month"]) == (2022, 4)
    assert (last["year"], last["month"]) == (2025, 3)
    assert full_fiscal_years(panel) == [2022, 2023, 2024]


def test_numbers_look_like_municipal_overtime() -> None:
    panel, _ = make_panel(seed=3)
    per_staff = panel["overtime_hours"] / panel["headcount"]
    assert 10.0 <= per_staff.mean() <= 16.0  # national average ≈ 13 h/month
    assert per_staff.min() >= 0.0 and per_staff.max() <= 45.0  # the monthly cap
    assert panel["headcount"].between(5, 60).all()
    by_month = per_staff.groupby(panel["month"]).mean()
    assert set(by_month.nlargest(2).index) == {3, 4}  # peaks in March and April


def test_headcount_changes_only_in_april() -> None:
    panel, _ = make_panel(seed=4)
    for _, g in panel.groupby("department"):
        changed = g["headcount"].diff().fillna(0) != 0
        assert set(g.loc[changed, "month"]) <= {4}


def test_go_lives_are_staggered_with_months_on_both_sides() -> None:
    panel, go_live = make_panel(departments=30, years=4, treated_share=0.4, seed=5)
    assert len(go_live) == 12
    periods = {d: y * 12 + m - 1 for d, (y, m) in go_live.items()}
    start, end = 2022 * 12 + 3, 2026 * 12 + 2
    assert all(start < p <= end - 5 for p in periods.values())
    assert len(set(periods.values())) > 3


def test_trend_is_common_and_downward() -> None:
    panel, go_live = make_panel(effect=0.0, trend=-1.2, noise=0.1, seed=6)
    control = panel[~panel["department"].isin(go_live)]
    fy = np.where(control["month"] >= 4, control["year"], control["year"] - 1)
    per_staff = (control["overtime_hours"] / control["headcount"]).groupby(fy).mean()
    assert per_staff.diff().dropna().between(-1.5, -0.9).all()


def test_missing_share_drops_rows() -> None:
    full, _ = make_panel(seed=2)
    holed, _ = make_panel(seed=2, missing_share=0.1)
    assert 0.8 * len(full) < len(holed) < 0.97 * len(full)


def test_department_names_are_distinct_beyond_the_list() -> None:
    names = department_names(60)
    assert len(set(names)) == 60
    assert names[0] == "総務課" and all(n.endswith(("課", "局")) for n in names)


def test_refuses_a_panel_too_small_to_have_before_and_after() -> None:
    with pytest.raises(ValueError):
        make_panel(years=1)
