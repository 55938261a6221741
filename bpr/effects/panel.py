"""The overtime panel the effect maths read: one row per 課 and month, checked and typed.

`prepare_panel` refuses a panel that cannot be trusted (missing columns, bad numbers,
duplicate 課-months) with a Japanese message; `missing_months` and `full_fiscal_years`
say which fiscal years (April–March) are complete. Pure pandas, no I/O.
"""

from __future__ import annotations

import math

import pandas as pd

from bpr.errors import EffectsError

PANEL_COLUMNS = ("department", "year", "month", "overtime_hours", "headcount")
_SHOWN = 5  # problems or months listed in one message


def fiscal_year(year: int, month: int) -> int:
    """Return the fiscal year (年度) a calendar month belongs to: 2025-03 → 2024."""
    return year if month >= 4 else year - 1


def listed(items: list[str]) -> str:
    """The first few items joined for a message, with how many more there are."""
    more = f" ほか{len(items) - _SHOWN}件" if len(items) > _SHOWN else ""
    return "、".join(items[:_SHOWN]) + more


def prepare_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Validate the monthly panel and return a new frame with derived columns.

    Adds `period` (months since year 0, a sortable month key), `fiscal_year` and
    `per_staff` (overtime hours per staff that month). Every problem is collected into
    one Japanese message, so a caller fixing the data sees them all at once.
    """
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise EffectsError(f"時間外勤務データに必要な列がありません: {', '.join(missing)}")
    if panel.empty:
        raise EffectsError("時間外勤務データが1件もありません。")
    frame = pd.DataFrame({c: panel[c] for c in PANEL_COLUMNS}).reset_index(drop=True)
    problems: list[str] = []
    dept_ok = frame["department"].map(lambda v: isinstance(v, str) and v.strip() != "")
    if not dept_ok.all():
        problems.append(f"課の名前が空の行があります（{int((~dept_ok).sum())}行）")
    numbers = {c: pd.to_numeric(frame[c], errors="coerce") for c in PANEL_COLUMNS[1:]}
    year, month, hours, heads = (numbers[c].astype("float64") for c in PANEL_COLUMNS[1:])
    checks = {
        "年が整数でない": year.isna() | (year != year.round()),
        "月が1〜12の整数でない": ~month.isin(range(1, 13)),
        "時間外勤務時間が0以上の数値でない": ~(hours.notna() & (hours >= 0) & (hours < math.inf)),
        "職員数が1以上の整数でない": ~(heads.notna() & (heads >= 1) & (heads == heads.round())),
    }
    for label, bad in checks.items():
        if bad.any():
            rows = [str(i + 1) for i in bad[bad].index]
            problems.append(f"{label}行があります（{listed(rows)}行目）")
    if problems:
        raise EffectsError("時間外勤務データに誤りがあります: " + "。".join(problems) + "。")
    out = pd.DataFrame(
        {
            "department": frame["department"].astype(str),
            "year": year.astype("int64"),
            "month": month.astype("int64"),
            "overtime_hours": hours,
            "headcount": heads,
        }
    )
    dup = out.duplicated(["department", "year", "month"], keep=False)
    if dup.any():
        shown = sorted(
            {
                f"{d} {y}年{m}月"
                for d, y, m in out.loc[dup, ["department", "year", "month"]].itertuples(index=False)
            }
        )
        raise EffectsError(f"同じ課・同じ月の行が重複しています: {listed(shown)}")
    out["period"] = out["year"] * 12 + out["month"] - 1
    out["fiscal_year"] = out["year"].where(out["month"] >= 4, out["year"] - 1)
    out["per_staff"] = out["overtime_hours"] / out["headcount"]
    return out


def fiscal_years(rows: pd.DataFrame) -> list[int]:
    return sorted({int(fy) for fy in rows["fiscal_year"].tolist()})


def missing_months(rows: pd.DataFrame, *, observed_only: bool = False) -> list[str]:
    """List '課 YYYY年M月' missing for a 課 that reports in that fiscal year.

    With observed_only, only months some other 課 reported count: the holes in a year
    still running, not the months still to come.
    """
    gaps: list[str] = []
    for fy in fiscal_years(rows):
        in_fy = rows[rows["fiscal_year"] == fy]
        months = [(fy + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]
        if observed_only:
            seen = set(zip(in_fy["year"], in_fy["month"], strict=True))
            months = [ym for ym in months if ym in seen]
        for dept, g in in_fy.groupby("department", sort=True):
            have = set(zip(g["year"], g["month"], strict=True))
            gaps += [f"{dept} {y}年{m}月" for y, m in months if (y, m) not in have]
    return gaps


def full_fiscal_years(panel: pd.DataFrame) -> list[int]:
    """Return the fiscal years in which every reporting 課 has all 12 months, ascending."""
    rows = prepare_panel(panel)
    return [fy for fy in fiscal_years(rows) if not missing_months(rows[rows["fiscal_year"] == fy])]
