"""Effect measurement over the monthly overtime panel: the one import for callers.

Two questions, kept apart because they answer different people:
- the KPI (`bpr.effects.kpi`): did overtime fall against the baseline fiscal year, as the
  本部 promised? Everything that moved overtime counts.
- attribution (`bpr.effects.attribution`): how much of that did the automations do? A
  difference-in-differences against 課 without one, with an interval.
`headline` puts the figures the report and its JSON share under their agreed keys.

The panel: one row per 課 and month with department, year, month, overtime_hours
(total for the 課) and headcount; go-lives: 課 → (year, month) of the first
production automation. All functions are pure and leave their inputs untouched.
"""

from __future__ import annotations

from bpr.effects.attribution import DidResult, did
from bpr.effects.groups import Treated, go_live_periods
from bpr.effects.kpi import FiscalYearRow, KpiResult, kpi
from bpr.effects.panel import Panel, PanelInput, fiscal_year, full_fiscal_years, prepare_panel
from bpr.errors import EffectsError

__all__ = [
    "DidResult",
    "EffectsError",
    "FiscalYearRow",
    "KpiResult",
    "Panel",
    "PanelInput",
    "Treated",
    "did",
    "fiscal_year",
    "full_fiscal_years",
    "go_live_periods",
    "headline",
    "kpi",
    "prepare_panel",
]


def headline(k: KpiResult, d: DidResult | None = None) -> dict[str, object]:
    """Return the report's headline figures under the JSON keys of issue 4.

    `overtime_total` is the hours observed; for a year still running,
    `overtime_projected` is the full-year projection that `reduction_pct` and
    `target_met` rest on (`projected` says so).
    """
    return {
        "baseline_fy": k.baseline_fy,
        "kpi_fy": k.kpi_fy,
        "overtime_total": k.overtime_total,
        "overtime_projected": k.overtime_projected,
        "projected": k.projected,
        "months_observed": k.months_observed,
        "overtime_baseline": k.overtime_baseline,
        "reduction_pct": k.reduction_pct,
        "per_staff_reduction_pct": k.per_staff_reduction_pct,
        "target_pct": k.target_pct,
        "target_met": k.target_met,
        "did_estimate": None if d is None else d.estimate,
        "did_ci_low": None if d is None else d.ci_low,
        "did_ci_high": None if d is None else d.ci_high,
        "did_annual_hours": None if d is None else d.annual_hours,
        "naive_before_after": None if d is None else d.naive_before_after,
        "did_note": None if d is None else d.note,
    }
