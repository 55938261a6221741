"""Japanese era (和暦) labels for fiscal years.

A 年度 is named after the era in force for most of it: FY2019 (April 2019 – March
2020) is 令和元年度 although April 2019 was still 平成, which is how municipalities
write it. Ten lines of table beat a dependency here.
"""

from __future__ import annotations

# (era name, first fiscal year named after it, year 0 of the era), newest first.
# 昭和元年 lasted a week (Dec 1926), so the first 昭和 fiscal year is 昭和2年度.
_ERAS: tuple[tuple[str, int, int], ...] = (
    ("令和", 2019, 2018),
    ("平成", 1989, 1988),
    ("昭和", 1927, 1925),
)


def era_year(fiscal_year: int) -> tuple[str, int]:
    """Return (era name, year within the era) for a Western fiscal year."""
    for name, first, offset in _ERAS:
        if fiscal_year >= first:
            return name, fiscal_year - offset
    raise ValueError(f"fiscal year {fiscal_year} is before 昭和2年度 (1927)")


def era_label(fiscal_year: int) -> str:
    """Return the 和暦 label of a fiscal year: 2024 → 令和6年度, 2019 → 令和元年度."""
    name, year = era_year(fiscal_year)
    return f"{name}{'元' if year == 1 else year}年度"
