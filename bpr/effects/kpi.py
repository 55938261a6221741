"""Overtime KPI: a fiscal year's overtime against the baseline year, in total and per staff.

The KPI is 山都町's 「職員残業時間数20%削減〔令和4年度比〕」: total overtime hours of a
fiscal year (年度, April–March) against the baseline year. Total is the KPI as written;
per staff is shown beside it because headcount falls every year, and a smaller staff
working the same hours each is not a success the total alone would reveal.

The panel is one row per 課 and month (see `bpr.effects.panel`). A fiscal year is *full*
when every 課 that reports in it reports all 12 months: a 課 with no row at all in a
year is taken not to exist that year (reorganisations happen in April), but a 課 with a
gap is missing data. Only a full year can be the baseline; the default is the earliest.

A year still running is projected from the months so far against the *same months* of
the baseline, never by ×12/months: March and April are the peaks, so three quiet
summer months annualised naively would promise a reduction that the spring takes back.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from bpr.effects.panel import Panel, PanelInput, fiscal_years, listed, missing_months, prepare_panel
from bpr.errors import EffectsError
from inventory.era import era_label


class FiscalYearRow(BaseModel):
    """One fiscal year in the report table; changes are % against the baseline year.

    `change_pct` compares full years only (None for a year still running);
    `same_months_change_pct` compares the months the year has with the same months of
    the baseline and is what a running year's projection rests on. `per_staff_annual`
    is total / mean monthly headcount: for a running year, the hours so far.
    """

    model_config = ConfigDict(frozen=True)

    fiscal_year: int
    label: str
    months: int
    complete: bool
    overtime_total: float
    headcount_mean: float
    per_staff_monthly: float
    per_staff_annual: float
    change_pct: float | None
    same_months_change_pct: float
    per_staff_change_pct: float
    projected_total: float | None
    projected_per_staff_monthly: float | None


class KpiResult(BaseModel):
    """The KPI year against the baseline year, with the per-fiscal-year table.

    Totals are hours; per staff monthly = total / staff-months (mean monthly headcount ×
    months); per staff annual = total / mean monthly headcount. When the KPI year is
    incomplete (`projected`), `change_pct` and the target use the projection.
    `target_met` judges the total, the KPI as written; `target_met_per_staff` the
    per-staff figure. `reduction_pct` = −`change_pct` (positive when overtime fell).
    """

    model_config = ConfigDict(frozen=True)

    kpi_fy: int
    baseline_fy: int
    kpi_label: str
    baseline_label: str
    target_pct: float
    months_observed: int
    projected: bool
    overtime_total: float
    overtime_projected: float | None
    overtime_baseline: float
    headcount_mean: float
    baseline_headcount_mean: float
    per_staff_monthly: float
    per_staff_monthly_projected: float | None
    per_staff_annual: float
    baseline_per_staff_monthly: float
    baseline_per_staff_annual: float
    change_pct: float
    reduction_pct: float
    per_staff_change_pct: float
    per_staff_reduction_pct: float
    target_met: bool
    target_met_per_staff: bool
    years: tuple[FiscalYearRow, ...]
    note: str
    warnings: tuple[str, ...]


def _pct(ratio: float) -> float:
    return (ratio - 1.0) * 100.0


def _year_row(rows: Panel, base: Panel, fy: int, complete: bool) -> FiscalYearRow:
    """Figures of one fiscal year, compared with the (full) baseline year `base`."""
    months = len(np.unique(rows.period))
    total = float(rows.overtime_hours.sum())
    staff_months = float(rows.headcount.sum())
    same = base.where(np.isin(base.month, rows.month))
    base_total, base_staff = float(base.overtime_hours.sum()), float(base.headcount.sum())
    same_total, same_staff = float(same.overtime_hours.sum()), float(same.headcount.sum())
    if same_total <= 0:
        raise EffectsError("基準年度の残業時間が0時間のため、増減率を計算できません。")
    ratio = total / same_total
    ratio_staff = (total / staff_months) / (same_total / same_staff)
    return FiscalYearRow(
        fiscal_year=fy,
        label=era_label(fy),
        months=months,
        complete=complete,
        overtime_total=total,
        headcount_mean=staff_months / months,
        per_staff_monthly=total / staff_months,
        per_staff_annual=total / (staff_months / months),
        change_pct=_pct(total / base_total) if complete else None,
        same_months_change_pct=_pct(ratio),
        per_staff_change_pct=_pct(ratio_staff),
        projected_total=None if complete else ratio * base_total,
        projected_per_staff_monthly=None if complete else ratio_staff * base_total / base_staff,
    )


def _hours(x: float) -> str:
    return f"{x:,.0f}時間"


def _note(r: FiscalYearRow, base: FiscalYearRow, target_pct: float, met: bool, reduction: float) -> str:
    """Say the headline in Japanese: total against the baseline, target, per staff."""
    target = f"目標（{target_pct:g}%削減）"
    since = f"{base.label}（{_hours(base.overtime_total)}）から{abs(reduction):.1f}%"
    staff = -r.per_staff_change_pct
    per_staff = f"職員1人当たりでは{abs(staff):.1f}%の{'削減' if staff >= 0 else '増加'}です。"
    if r.projected_total is None:
        return (
            f"{r.label}の残業時間は合計{_hours(r.overtime_total)}で、{since}{'減りました' if reduction >= 0 else '増えました'}。"
            f"{target}を{'達成しています' if met else '達成していません'}。{per_staff}"
        )
    return (
        f"{r.label}は{r.months}か月分のデータです（{_hours(r.overtime_total)}）。基準年度の同じ月との比から"
        f"年間{_hours(r.projected_total)}と推計され、{since}{'減る' if reduction >= 0 else '増える'}見込みです。"
        f"{target}は{'達成の見込みです' if met else 'このままでは達成できない見込みです'}。{per_staff}"
    )


def kpi(
    panel: PanelInput, *, kpi_fy: int, baseline_fy: int | None = None, target_pct: float = 20.0
) -> KpiResult:
    """Compare the KPI fiscal year's overtime with the baseline year (default: earliest full).

    Raises EffectsError (Japanese message) when the baseline year is missing or not
    full, when no full year exists to default to, or when the KPI year has no data.
    """
    rows = prepare_panel(panel)
    by_fy = {fy: rows.of_year(fy) for fy in fiscal_years(rows)}
    gaps = {fy: missing_months(g) for fy, g in by_fy.items()}
    if baseline_fy is None:
        full = [fy for fy, g in sorted(gaps.items()) if not g]
        if not full:
            raise EffectsError(
                "12か月分そろった年度がないため、基準年度を決められません。基準年度を指定してください。"
            )
        baseline_fy = full[0]
    if baseline_fy not in gaps:
        raise EffectsError(f"基準年度（{era_label(baseline_fy)}）の時間外勤務データがありません。")
    if gaps[baseline_fy]:
        raise EffectsError(
            f"基準年度（{era_label(baseline_fy)}）のデータが12か月そろっていません（不足: {listed(gaps[baseline_fy])}）。"
        )
    if kpi_fy not in gaps:
        raise EffectsError(f"{era_label(kpi_fy)}の時間外勤務データがありません。")
    table = tuple(_year_row(g, by_fy[baseline_fy], fy, complete=not gaps[fy]) for fy, g in by_fy.items())
    row = next(r for r in table if r.fiscal_year == kpi_fy)
    base = next(r for r in table if r.fiscal_year == baseline_fy)
    projected = not row.complete
    change = row.same_months_change_pct if projected else (row.change_pct or 0.0)
    # Exactly 20.0% must count as met; float division may land a hair below it.
    met = -change >= target_pct - 1e-9
    met_staff = -row.per_staff_change_pct >= target_pct - 1e-9
    holes = missing_months(by_fy[kpi_fy], observed_only=True)
    warnings = tuple(f"報告漏れ: {gap}（合計が少なく出ます）" for gap in holes)
    return KpiResult(
        kpi_fy=kpi_fy,
        baseline_fy=baseline_fy,
        kpi_label=row.label,
        baseline_label=base.label,
        target_pct=target_pct,
        months_observed=row.months,
        projected=projected,
        overtime_total=row.overtime_total,
        overtime_projected=row.projected_total,
        overtime_baseline=base.overtime_total,
        headcount_mean=row.headcount_mean,
        baseline_headcount_mean=base.headcount_mean,
        per_staff_monthly=row.per_staff_monthly,
        per_staff_monthly_projected=row.projected_per_staff_monthly,
        per_staff_annual=row.per_staff_annual,
        baseline_per_staff_monthly=base.per_staff_monthly,
        baseline_per_staff_annual=base.per_staff_annual,
        change_pct=change,
        reduction_pct=-change,
        per_staff_change_pct=row.per_staff_change_pct,
        per_staff_reduction_pct=-row.per_staff_change_pct,
        target_met=met,
        target_met_per_staff=met_staff,
        years=table,
        note=_note(row, base, target_pct, met, -change),
        warnings=warnings,
    )
