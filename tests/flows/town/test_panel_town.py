"""make_panel for the demo town: named 課, chosen go-lives and headcounts, busy-month calendar."""

from __future__ import annotations

import numpy as np
import pytest

from flows.town.panel import ALL_DEPARTMENTS, ELECTION_OFFICE, make_panel, town_calendar

NAMES = ["市民課", "税務課", "会計課", ELECTION_OFFICE, "福祉課", "建設課"]


def per_staff(panel):
    return (panel["overtime_hours"] / panel["headcount"]).to_numpy().reshape(len(NAMES), -1)


def test_the_effect_is_planted_exactly_where_and_when_asked() -> None:
    go_live = {"税務課": (2025, 4), "福祉課": (2024, 10)}
    base, none = make_panel(names=NAMES, go_live={}, effect=0.0, noise=0.0, seed=5)
    panel, planted = make_panel(names=NAMES, go_live=go_live, effect=-3.0, noise=0.0, seed=5)
    assert none == {} and planted == go_live
    diff = per_staff(panel) - per_staff(base)
    changed = {(NAMES[i], k) for i, k in zip(*np.nonzero(np.abs(diff) > 0.05), strict=True)}
    tax_from, welfare_from = 36, 30  # months since April 2022
    assert changed == {("税務課", k) for k in range(tax_from, 48)} | {
        ("福祉課", k) for k in range(welfare_from, 48)
    }
    assert np.allclose(diff[np.abs(diff) > 0.05], -3.0, atol=0.1)  # rounding to 0.1 h of the 課 total


def test_headcounts_start_where_given_and_names_set_the_size() -> None:
    panel, _ = make_panel(names=NAMES, go_live={}, headcounts={"市民課": 40, "会計課": 8}, seed=2)
    first = panel[(panel["year"] == 2022) & (panel["month"] == 4)].set_index("department")["headcount"]
    assert (first["市民課"], first["会計課"]) == (40, 8)
    assert set(panel["department"]) == set(NAMES)
    with pytest.raises(ValueError, match="not in the panel"):
        make_panel(names=NAMES, go_live={"秘書課": (2024, 4)})


def test_the_calendar_adds_tax_season_and_elections() -> None:
    calendar = town_calendar(NAMES, start_fy=2022, years=4)
    assert calendar["税務課"][(2024, 3)] == 8.0 and (2024, 4) not in calendar["税務課"]
    assert calendar[ELECTION_OFFICE][(2024, 10)] == 20.0 and calendar[ELECTION_OFFICE][(2024, 9)] == 8.0
    assert set(calendar[ALL_DEPARTMENTS]) == {(2022, 7), (2023, 4), (2024, 10), (2025, 7)}
    base, _ = make_panel(names=NAMES, go_live={}, noise=0.0, seed=1)
    busy, _ = make_panel(names=NAMES, go_live={}, noise=0.0, seed=1, calendar=calendar)
    diff = per_staff(busy) - per_staff(base)
    office, tax = NAMES.index(ELECTION_OFFICE), NAMES.index("税務課")
    assert diff[office, 30] == pytest.approx(
        21.5, abs=0.2
    )  # October 2024: the office's 20 h + everyone's 1.5 h
    assert diff[tax, 11] == pytest.approx(8.0, abs=0.2)  # March 2023: 確定申告
    assert abs(diff[NAMES.index("建設課"), 5]) < 0.05  # September 2022: nothing special
