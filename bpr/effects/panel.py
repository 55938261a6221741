"""The overtime panel the effect maths read: one row per 課 and month, checked and typed.

`prepare_panel` refuses a panel that cannot be trusted (missing columns, bad numbers,
duplicate 課-months) with a Japanese message and returns a `Panel` of numpy columns;
`missing_months` and `full_fiscal_years` say which fiscal years (April–March) are
complete. Pure numpy, no I/O: `dxi effects` answers without loading pandas, and a
DataFrame with the columns is still accepted (read column by column, never imported).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import numpy.typing as npt

from bpr.errors import EffectsError

if TYPE_CHECKING:
    import pandas as pd

PANEL_COLUMNS = ("department", "year", "month", "overtime_hours", "headcount")
_SHOWN = 5  # problems or months listed in one message

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Panel:
    """A checked panel: equal-length columns, in the order the rows came.

    `period` is months since year 0 (a sortable month key), `fiscal_year` the 年度 of
    the month and `per_staff` the overtime hours per staff that month.
    """

    department: npt.NDArray[np.object_]
    year: IntArray
    month: IntArray
    overtime_hours: FloatArray
    headcount: FloatArray
    period: IntArray
    fiscal_year: IntArray
    per_staff: FloatArray

    def __len__(self) -> int:
        return len(self.period)

    def where(self, mask: BoolArray) -> Panel:
        """The rows where mask is true, in their order."""
        return Panel(**{name: getattr(self, name)[mask] for name in self.__dataclass_fields__})

    def of_year(self, fy: int) -> Panel:
        return self.where(self.fiscal_year == fy)


PanelInput: TypeAlias = "Panel | pd.DataFrame | Sequence[Mapping[str, Any]]"


def fiscal_year(year: int, month: int) -> int:
    """Return the fiscal year (年度) a calendar month belongs to: 2025-03 → 2024."""
    return year if month >= 4 else year - 1


def listed(items: list[str]) -> str:
    """The first few items joined for a message, with how many more there are."""
    more = f" ほか{len(items) - _SHOWN}件" if len(items) > _SHOWN else ""
    return "、".join(items[:_SHOWN]) + more


def _columns(panel: PanelInput) -> dict[str, list[Any]]:
    """The five columns as lists, from a DataFrame (duck-typed) or from records."""
    if hasattr(panel, "columns"):
        frame: Any = panel
        missing = [c for c in PANEL_COLUMNS if c not in frame.columns]
        if missing:
            raise EffectsError(f"時間外勤務データに必要な列がありません: {', '.join(missing)}")
        return {c: frame[c].tolist() for c in PANEL_COLUMNS}
    records: Sequence[Mapping[str, Any]] = panel  # type: ignore[assignment]
    missing = [c for c in PANEL_COLUMNS if any(c not in r for r in records)]
    if missing:
        raise EffectsError(f"時間外勤務データに必要な列がありません: {', '.join(missing)}")
    return {c: [r[c] for r in records] for c in PANEL_COLUMNS}


def _number(value: object) -> float:
    """A cell as a float; NaN when it is no number (as pandas.to_numeric(errors='coerce'))."""
    if isinstance(value, bool) or value is None:
        return math.nan
    if isinstance(value, str):
        value = value.strip()
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _whole(x: float, low: float) -> bool:
    return x >= low and x < math.inf and x == round(x)


def prepare_panel(panel: PanelInput) -> Panel:
    """Validate the monthly panel and return it as a `Panel` (a `Panel` is returned as is).

    Every problem is collected into one Japanese message, so a caller fixing the data
    sees them all at once; rows are numbered from 1 in the order given.
    """
    if isinstance(panel, Panel):
        return panel
    cols = _columns(panel)
    if not cols["department"]:
        raise EffectsError("時間外勤務データが1件もありません。")
    year, month, hours, heads = ([_number(v) for v in cols[c]] for c in PANEL_COLUMNS[1:])
    checks = {
        "年が整数でない": [not _whole(y, -math.inf) for y in year],
        "月が1〜12の整数でない": [not (_whole(m, 1) and m <= 12) for m in month],
        "時間外勤務時間が0以上の数値でない": [not (0 <= h < math.inf) for h in hours],
        "職員数が1以上の整数でない": [not _whole(n, 1) for n in heads],
    }
    problems: list[str] = []
    blank = sum(1 for d in cols["department"] if not (isinstance(d, str) and d.strip()))
    if blank:
        problems.append(f"課の名前が空の行があります（{blank}行）")
    for label, bad in checks.items():
        rows = [str(i + 1) for i, b in enumerate(bad) if b]
        if rows:
            problems.append(f"{label}行があります（{listed(rows)}行目）")
    if problems:
        raise EffectsError("時間外勤務データに誤りがあります: " + "。".join(problems) + "。")
    depts = [str(d) for d in cols["department"]]
    keys = list(zip(depts, (int(y) for y in year), (int(m) for m in month), strict=True))
    twice = sorted({f"{d} {y}年{m}月" for (d, y, m), n in Counter(keys).items() if n > 1})
    if twice:
        raise EffectsError(f"同じ課・同じ月の行が重複しています: {listed(twice)}")
    y_arr, m_arr = np.array(year, dtype=np.int64), np.array(month, dtype=np.int64)
    h_arr, n_arr = np.array(hours, dtype=np.float64), np.array(heads, dtype=np.float64)
    return Panel(
        department=np.array(depts, dtype=object),
        year=y_arr,
        month=m_arr,
        overtime_hours=h_arr,
        headcount=n_arr,
        period=y_arr * 12 + m_arr - 1,
        fiscal_year=np.where(m_arr >= 4, y_arr, y_arr - 1),
        per_staff=h_arr / n_arr,
    )


def fiscal_years(rows: Panel) -> list[int]:
    return sorted({int(fy) for fy in rows.fiscal_year.tolist()})


def missing_months(rows: Panel, *, observed_only: bool = False) -> list[str]:
    """List '課 YYYY年M月' missing for a 課 that reports in that fiscal year.

    With observed_only, only months some other 課 reported count: the holes in a year
    still running, not the months still to come.
    """
    gaps: list[str] = []
    for fy in fiscal_years(rows):
        in_fy = rows.of_year(fy)
        months = [(fy + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]
        have: dict[str, set[tuple[int, int]]] = {}
        for d, y, m in zip(in_fy.department.tolist(), in_fy.year.tolist(), in_fy.month.tolist(), strict=True):
            have.setdefault(d, set()).add((y, m))
        if observed_only:
            seen = set().union(*have.values())
            months = [ym for ym in months if ym in seen]
        for dept in sorted(have):
            gaps += [f"{dept} {y}年{m}月" for y, m in months if (y, m) not in have[dept]]
    return gaps


def full_fiscal_years(panel: PanelInput) -> list[int]:
    """Return the fiscal years in which every reporting 課 has all 12 months, ascending."""
    rows = prepare_panel(panel)
    return [fy for fy in fiscal_years(rows) if not missing_months(rows.of_year(fy))]
