"""Volume cells in a layout's unit: 件, 分, 時間, 人工, 人日, 人月, %, 自動 and the text's own unit."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.layouts.units import read_quantity


def read(raw: object, unit: str, field: str, hours_per_person_year: float = 1920) -> object:
    cell = read_quantity(raw, unit, field, hours_per_person_year=hours_per_person_year)
    assert cell.problem is None, cell.problem
    return cell.value


@pytest.mark.parametrize(
    ("raw", "unit", "field", "expected"),
    [
        ("1,200件", "件", "annual_volume", 1200),
        ("１，２００", "件", "annual_volume", 1200),
        ("約 1,200 件程度", "件", "annual_volume", 1200),
        ("1.2万件", "件", "annual_volume", 12000),
        (30, "分", "minutes_per_case", 30),
        ("1時間44分", "分", "minutes_per_case", 104),
        ("1時間半", "分", "minutes_per_case", 90),
        ("1h30min", "分", "minutes_per_case", 90),
        ("30分/件", "分", "minutes_per_case", 30),
        (2, "時間", "minutes_per_case", 120),
        (time(1, 30), "分", "minutes_per_case", 90),
        ("約71時間", "時間", "annual_hours", 71),
        ("71時間/年", "時間", "annual_hours", 71),
        ("30分", "時間", "annual_hours", 0.5),
        ("2.5h", "自動", "annual_hours", 2.5),
        (12, "自動", "annual_hours", 12),  # a bare number in an 自動 column: the field's own unit
        ("40", "自動", "minutes_per_case", 40),
        ("1:30", "時間", "annual_hours", 1.5),
        (timedelta(hours=250), "時間", "annual_hours", 250),
        (0.5, "人工", "annual_hours", 960),
        ("0.5人工", "時間", "annual_hours", 960),  # the text's own compatible unit wins
        ("100時間", "人工", "annual_hours", 100),
        (3, "人日", "annual_hours", 24),
        ("2人月", "自動", "annual_hours", 320),
        ("50%", "%", "annual_hours", 960),
        (25, "%", "hours_after", 480),
        ("0.5人工", "人工", "staff_count", 0.5),
        ("2人", "人工", "staff_count", 2),
    ],
)
def test_values_in_every_unit(raw: object, unit: str, field: str, expected: float) -> None:
    assert read(raw, unit, field) == pytest.approx(expected)


def test_person_years_follow_the_configured_hours() -> None:
    assert read(1, "人工", "annual_hours", hours_per_person_year=1860) == 1860
    assert read("10%", "自動", "annual_hours", hours_per_person_year=1860) == pytest.approx(186)


def test_a_range_is_its_midpoint_with_a_warning() -> None:
    cell = read_quantity("20～30時間", "時間", "annual_hours", hours_per_person_year=1920)
    assert cell.value == 25 and cell.warning == "範囲「20～30時間」を中央値 25 としました"
    cell = read_quantity("20〜30", "分", "minutes_per_case", hours_per_person_year=1920)
    assert cell.value == 25


@pytest.mark.parametrize(
    ("raw", "unit", "field", "code", "message"),
    [
        ("不明", "時間", "annual_hours", "bad_unit",
         '"不明" は時間として読めません（例: 71, 71時間, 1時間44分, 約71時間, 0.5人工）'),
        ("30分", "件", "annual_volume", "bad_unit",
         '"30分" の「分」は件数の単位ではありません（例: 1200, 1,200件, 約1200件）'),
        ("3件", "分", "minutes_per_case", "bad_unit",
         '"3件" の「件」は時間の単位ではありません（例: 30, 30分, 1時間30分, 約30分）'),
        ("-5", "時間", "annual_hours", "negative", '"-5" は負の数です。0以上の数を入力してください'),
        (True, "件", "annual_volume", "bad_unit", '"True" は件数として読めません（例: 1200, 1,200件, 約1200件）'),
        (time(1), "件", "annual_volume", "bad_unit",
         '"01:00:00" は件数として読めません（例: 1200, 1,200件, 約1200件）'),
    ],
)  # fmt: skip
def test_unreadable_values_say_what_was_expected(
    raw: object, unit: str, field: str, code: str, message: str
) -> None:
    cell = read_quantity(raw, unit, field, hours_per_person_year=1920)
    assert cell.value is None and cell.problem is not None
    assert (cell.problem.code, cell.problem.message) == (code, message)


def test_blank_is_blank_not_zero() -> None:
    for huge in (10**400, 10**5000):
        assert read_quantity(huge, "件", "annual_volume", hours_per_person_year=1920).problem is not None
    for raw in (None, "", "  "):
        cell = read_quantity(raw, "時間", "annual_hours", hours_per_person_year=1920)
        assert cell.value is None and cell.problem is None


@given(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
    st.sampled_from(["件", "分", "時間", "人工", "人日", "人月", "%", "自動"]),
    st.sampled_from(["annual_volume", "minutes_per_case", "annual_hours", "hours_after", "staff_count"]),
)
def test_never_raises_and_never_returns_a_negative(raw: object, unit: str, field: str) -> None:
    cell = read_quantity(raw, unit, field, hours_per_person_year=1920)
    assert (cell.value is None) or (isinstance(cell.value, float) and cell.value >= 0)
    assert cell.problem is None or cell.value is None
