"""How accurate the pre-pilot estimates have been, per tool, for the effect report; and the forced go-lives.

The 本部 asks two things of the pilot list: can the scoring's estimates be trusted
(realised ÷ estimated over the measured pilots, per tool, with an interval), and did
any pilot go to 本格導入 although it saved nothing or under half its estimate (the gate
of bpr.pilots.rules, forced with a reason). Pure: plain pilot lines in, rows out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bpr.scoring.calibrate import ratio_interval

ACCURACY_BY_TOOL_NOTE = (
    "実績 ÷ 見込み: 導入前・導入後を測定した実証（見送りを含む）の合計の比。区間は実証 3 件以上のツールについて、"
    "実証を復元抽出した 95% 区間。採点の設定は dxi calibrate でこの比に合わせられます。"
)
GATE_NOTE = (
    "※ 実測の削減が 0 以下、または見込みの半分未満のまま本格導入した案件です。"
    "本格導入には理由の記入が必要で、監査ログに記録されています。"
)


class _Line(Protocol):
    @property
    def tool_label(self) -> str: ...
    @property
    def estimated_hours(self) -> float | None: ...
    @property
    def realised_hours(self) -> float | None: ...


class AccuracyRow(BaseModel):
    """One tool's measured pilots: the sums, the ratio and its interval (percent)."""

    model_config = ConfigDict(frozen=True)

    tool_label: str
    count: int
    estimated_total: float
    realised_total: float
    ratio_pct: float | None
    low_pct: float | None
    high_pct: float | None


def accuracy_by_tool(lines: Sequence[_Line], *, seed: int = 0) -> tuple[AccuracyRow, ...]:
    """Per tool (in first-seen order), the pilots with an estimate and a realised figure."""
    measured = [p for p in lines if p.estimated_hours is not None and p.realised_hours is not None]
    rows = []
    for label in dict.fromkeys(p.tool_label for p in measured):
        group = [p for p in measured if p.tool_label == label]
        estimated = [float(p.estimated_hours or 0.0) for p in group]
        realised = [float(p.realised_hours or 0.0) for p in group]
        ratio, low, high = ratio_interval(estimated, realised, seed=seed)
        rows.append(
            AccuracyRow(
                tool_label=label,
                count=len(group),
                estimated_total=sum(estimated),
                realised_total=sum(realised),
                ratio_pct=None if ratio is None else ratio * 100,
                low_pct=None if low is None else low * 100,
                high_pct=None if high is None else high * 100,
            )  # fmt: skip
        )
    return tuple(rows)
