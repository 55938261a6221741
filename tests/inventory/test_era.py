from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.era import era_label, era_year


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2024, "令和6年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1927, "昭和2年度"),
        (2022, "令和4年度"),
    ],
)
def test_era_label(fiscal_year: int, label: str) -> None:
    assert era_label(fiscal_year) == label


def test_before_showa_is_refused() -> None:
    with pytest.raises(ValueError):
        era_label(1900)


@given(st.integers(min_value=1927, max_value=2200))
def test_era_year_counts_from_one(fiscal_year: int) -> None:
    name, year = era_year(fiscal_year)
    assert year >= 1
    assert name in ("令和", "平成", "昭和")
    assert era_label(fiscal_year).endswith("年度")
