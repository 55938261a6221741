"""Which 課 a difference-in-differences compares: treated, controls, and those left out.

Pure, no I/O; the estimator is `bpr.effects.attribution`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from bpr.effects.panel import Panel
from bpr.errors import EffectsError

if TYPE_CHECKING:
    import pandas as pd

Treated: TypeAlias = "Mapping[str, tuple[int, int]] | pd.DataFrame"


def go_live_periods(treated: Treated) -> dict[str, int]:
    """Return department → go-live period (year × 12 + month − 1), the earliest per 課.

    A DataFrame needs columns department, go_live_year, go_live_month (one row per
    production automation; a 課 served by several counts from the first).
    """
    if hasattr(treated, "columns"):  # a DataFrame, read without importing pandas
        frame: Any = treated
        need = ["department", "go_live_year", "go_live_month"]
        if any(c not in frame.columns for c in need):
            raise EffectsError("導入課の表には department, go_live_year, go_live_month の列が必要です。")
        columns = [frame[c].tolist() for c in need]
        items = [(str(d), (int(y), int(m))) for d, y, m in zip(*columns, strict=True)]
    else:
        items = [(str(d), (int(ym[0]), int(ym[1]))) for d, ym in treated.items()]
    out: dict[str, int] = {}
    for dept, (year, month) in items:
        if not 1 <= month <= 12:
            raise EffectsError(f"{dept} の本格導入月が正しくありません（{year}年{month}月）。")
        period = year * 12 + month - 1
        out[dept] = min(period, out.get(dept, period))
    return out


@dataclass(frozen=True)
class Groups:
    """Which 課 are treated, which are controls, and which are left out and why."""

    first: dict[str, int]  # 課 → its first period in the panel
    treated: tuple[str, ...]
    control: tuple[str, ...]
    always: tuple[str, ...]  # treated from their first month: no before to compare
    absent: tuple[str, ...]  # treated but not in the overtime panel

    @classmethod
    def of(cls, rows: Panel, go: dict[str, int]) -> Groups:
        """Sort the 課 of the panel by their go-live against their first and last month."""
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for dept, period in zip(rows.department.tolist(), rows.period.tolist(), strict=True):
            first[dept] = min(period, first.get(dept, period))
            last[dept] = max(period, last.get(dept, period))
        return cls(
            first=first,
            treated=tuple(sorted(d for d in go if d in first and first[d] < go[d] <= last[d])),
            control=tuple(sorted(d for d in first if d not in go or go[d] > last[d])),
            always=tuple(sorted(d for d in go if d in first and go[d] <= first[d])),
            absent=tuple(sorted(d for d in go if d not in first)),
        )

    def excluded_note(self) -> str:
        """Which treated 課 were left out and why, in Japanese; empty when none."""
        extra = ""
        if self.always:
            extra += f"導入前の月のデータがない課（{'、'.join(self.always)}）は推定から除きました。"
        if self.absent:
            extra += f"時間外勤務データにない導入課（{'、'.join(self.absent)}）は除きました。"
        return extra

    def refusal(self, go: dict[str, int], min_control: int) -> str | None:
        """Why no estimate can be made, in Japanese; None when one can."""
        if not self.treated:
            in_panel = [d for d in go if d in self.first]
            why = "本格導入した課がない"
            if in_panel and not self.always:
                why = "本格導入した課の導入後の月のデータがまだない"
            elif in_panel:
                why = "本格導入した課に導入前の月のデータがない"
            return f"{why}ため、効果を推定できません（導入前と導入後の両方の月が必要です）。"
        if len(self.control) < min_control:
            have = f"{len(self.control)}課しかない" if self.control else "ない"
            return f"比較対象となる未導入の課が{have}ため、効果を推定できません（{min_control}課以上必要）。"
        return None
