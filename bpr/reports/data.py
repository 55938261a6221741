"""The effect report's content, computed once and rendered as table, JSON, HTML, PDF or xlsx.

Why one model: the 本部 compares the PDF on the table with the xlsx the DX team sends
round, so every format must show the same figures. `build_report` is pure: the
panel, the go-lives (`treated`) and the pilot list come in as arguments, so the
report can be built and tested without the pilot tables or a database.

Pilots arrive as plain dicts (id, department, name, tool, state, estimated_hours,
realised_hours) because they cross from the pilot module's repository; states may be
the Japanese labels or their English codes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from bpr.effects.measure import DidResult, KpiResult, PanelInput, Treated, did, headline, kpi, prepare_panel
from bpr.reports.accuracy import AccuracyRow, accuracy_by_tool
from bpr.scoring.labels import TOOL_LABELS

PILOT_STATES: tuple[str, ...] = ("候補", "選定", "実証中", "効果検証", "本格導入", "見送り")
_STATE_CODES = {
    "candidate": "候補",
    "selected": "選定",
    "piloting": "実証中",
    "pilot": "実証中",
    "in_pilot": "実証中",
    "verifying": "効果検証",
    "verification": "効果検証",
    "evaluating": "効果検証",
    "production": "本格導入",
    "dropped": "見送り",
    "rejected": "見送り",
}
FISCAL_MONTHS: tuple[int, ...] = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
DROPPED = "見送り"
PRODUCTION = "本格導入"
# Shown under every pilot table (HTML, PDF, xlsx) so the three formats explain the same way.
ACCURACY_NOTE = (
    "的中率 = 実測 ÷ 見込み。100%を下回る案件は、採点時の見込みが楽観的だったことを示します。"
    "実測の合計は、実測済みの案件だけの見込みと実測を比べたものです。"
)
DROPPED_NOTE = (
    "※ 見送り: 実証の結果、本格導入しなかった案件です。その的中率は参考値で、"
    "マイナスは目視確認などの手間でかえって作業時間が増えたことを示します。"
)


class MonthPoint(BaseModel):
    """One calendar month of the baseline and KPI years, in 年度 order (April first)."""

    model_config = ConfigDict(frozen=True)

    month: int
    label: str
    baseline_total: float | None
    kpi_total: float | None
    target_total: float | None  # baseline × (1 − target): the month's share of the goal
    baseline_per_staff: float | None
    kpi_per_staff: float | None


class PilotLine(BaseModel):
    """A pilot's estimated (scoring) and realised (実測) annual hours saved."""

    model_config = ConfigDict(frozen=True)

    id: int | str
    department: str
    name: str
    tool: str
    tool_label: str  # RPA / AI-OCR / AI-OCR+RPA: what a person reads
    state: str
    estimated_hours: float | None
    realised_hours: float | None
    accuracy_pct: float | None  # realised / estimated × 100: how far the scoring can be trusted
    gate_concern: str | None = None  # realised ≤ 0 or < half the estimate (bpr.pilots.rules.gate_concern)
    production_reason: str | None = None  # the reason given for 本格導入

    @property
    def forced(self) -> bool:
        """True for a 本格導入 pilot that went live although the gate flagged it."""
        return self.state == PRODUCTION and self.gate_concern is not None

    @property
    def dropped(self) -> bool:
        """True for a 見送り pilot, whose 的中率 needs the footnote to be read right."""
        return self.state == DROPPED


class EffectReport(BaseModel):
    """Everything the effect report shows; see `build_report`."""

    model_config = ConfigDict(frozen=True)

    title: str
    kpi: KpiResult
    did: DidResult
    headline: dict[str, object]
    months: tuple[MonthPoint, ...]
    pilots: tuple[PilotLine, ...]
    pipeline: dict[str, int]
    estimated_total: float  # every pilot's estimate, measured or not
    measured_count: int  # pilots with a 実測 figure
    # The estimates of the measured pilots only, and their 実測 (None while none is measured):
    # the 実測 total is compared with measured_estimated_total, never with estimated_total.
    measured_estimated_total: float | None
    realised_total: float | None
    accuracy_by_tool: tuple[AccuracyRow, ...] = ()

    @property
    def forced(self) -> tuple[PilotLine, ...]:
        """The 本格導入 pilots that went live below the gate, with the reason given."""
        return tuple(p for p in self.pilots if p.forced)

    @property
    def measured_accuracy_pct(self) -> float | None:
        """実測 ÷ 見込み over the measured pilots only; None when nothing is measured yet."""
        if (
            self.realised_total is None
            or self.measured_estimated_total is None
            or self.measured_estimated_total <= 0
        ):
            return None
        return self.realised_total / self.measured_estimated_total * 100.0

    @property
    def has_dropped(self) -> bool:
        """True when a 見送り pilot is listed, so the tables carry DROPPED_NOTE."""
        return any(p.dropped for p in self.pilots)

    def to_json_dict(self) -> dict[str, object]:
        """The `dxi effects --format json` document: the headline keys plus the tables."""
        return {
            **self.headline,
            "title": self.title,
            "kpi_note": self.kpi.note,
            "warnings": list(self.kpi.warnings),
            "years": [row.model_dump(mode="json") for row in self.kpi.years],
            "months": [m.model_dump(mode="json") for m in self.months],
            "pilots": [p.model_dump(mode="json") for p in self.pilots],
            "pipeline": dict(self.pipeline),
            "pilots_estimated_total": self.estimated_total,
            "pilots_measured_count": self.measured_count,
            "pilots_measured_estimated_total": self.measured_estimated_total,
            "pilots_realised_total": self.realised_total,
            "accuracy_by_tool": [row.model_dump(mode="json") for row in self.accuracy_by_tool],
            "forced_production": [p.id for p in self.forced],
        }


def state_label(state: object) -> str:
    """Return the Japanese label of a pilot state given as label or English code."""
    text = str(state or "").strip()
    return _STATE_CODES.get(text.lower(), text)


def tool_label(code: object) -> str:
    """Return the Japanese label of a pilot's tool code (rpa, ai-ocr, both)."""
    text = str(code or "").strip().lower()
    return TOOL_LABELS.get("ai-ocr+rpa" if text == "both" else text, str(code or "—"))


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def pilot_line(pilot: Mapping[str, object]) -> PilotLine:
    """Normalise one pilot dict; the accuracy needs a positive estimate and a realised figure."""
    estimated = _number(pilot.get("estimated_hours"))
    realised = _number(pilot.get("realised_hours"))
    accuracy = realised / estimated * 100.0 if estimated and estimated > 0 and realised is not None else None
    raw_id = pilot.get("id")
    return PilotLine(
        id=raw_id if isinstance(raw_id, int | str) else str(raw_id),
        department=str(pilot.get("department") or ""),
        name=str(pilot.get("name") or ""),
        tool=str(pilot.get("tool") or ""),
        tool_label=tool_label(pilot.get("tool")),
        state=state_label(pilot.get("state")),
        estimated_hours=estimated,
        realised_hours=realised,
        accuracy_pct=accuracy,
        gate_concern=str(pilot["gate_concern"]) if pilot.get("gate_concern") else None,
        production_reason=str(pilot["production_reason"]) if pilot.get("production_reason") else None,
    )


def monthly_series(
    panel: PanelInput, *, kpi_fy: int, baseline_fy: int, target_pct: float
) -> list[MonthPoint]:
    """Sum every 課 per month for the two years; per staff = hours / staff that month."""
    rows = prepare_panel(panel)
    totals: dict[tuple[int, int], tuple[float, float]] = {}
    for fy in (baseline_fy, kpi_fy):
        year = rows.of_year(fy)
        for month in set(year.month.tolist()):
            in_month = year.month == month
            # fsum: the month's hours exactly rounded (11,095.9, not 11,095.899999999998)
            totals[(fy, month)] = (
                math.fsum(year.overtime_hours[in_month]),
                math.fsum(year.headcount[in_month]),
            )

    def get(fy: int, month: int) -> tuple[float | None, float | None]:
        if (fy, month) not in totals:
            return None, None
        hours, heads = totals[(fy, month)]
        return hours, hours / heads

    points = []
    for month in FISCAL_MONTHS:
        base, base_staff = get(baseline_fy, month)
        now, now_staff = get(kpi_fy, month)
        points.append(
            MonthPoint(
                month=month,
                label=f"{month}月",
                baseline_total=base,
                kpi_total=now,
                target_total=None if base is None else base * (1.0 - target_pct / 100.0),
                baseline_per_staff=base_staff,
                kpi_per_staff=now_staff,
            )
        )
    return points


def build_report(
    panel: PanelInput,
    treated: Treated,
    pilots: Sequence[Mapping[str, object]],
    *,
    kpi_fy: int | None = None,
    baseline_fy: int | None = None,
    target_pct: float = 20.0,
    n_boot: int = 1000,
    seed: int = 0,
) -> EffectReport:
    """Build the report for `kpi_fy` (default: the latest 年度 in the panel).

    Raises EffectsError (Japanese) when the panel cannot support the KPI; a DiD that
    cannot be estimated is not an error, its note says why.
    """
    rows = prepare_panel(panel)
    fy = int(rows.fiscal_year.max()) if kpi_fy is None else kpi_fy
    k = kpi(rows, kpi_fy=fy, baseline_fy=baseline_fy, target_pct=target_pct)
    d = did(rows, treated, n_boot=n_boot, seed=seed)
    lines = tuple(pilot_line(p) for p in pilots)
    measured = [line for line in lines if line.realised_hours is not None]
    counts = dict.fromkeys(PILOT_STATES, 0)
    for line in lines:
        counts[line.state] = counts.get(line.state, 0) + 1
    return EffectReport(
        title=f"{k.kpi_label} RPA・AI-OCR 導入効果報告",
        kpi=k,
        did=d,
        headline=headline(k, d),
        months=tuple(monthly_series(rows, kpi_fy=fy, baseline_fy=k.baseline_fy, target_pct=target_pct)),
        pilots=lines,
        pipeline=counts,
        estimated_total=sum(p.estimated_hours or 0.0 for p in lines),
        measured_count=len(measured),
        measured_estimated_total=sum(p.estimated_hours or 0.0 for p in measured) if measured else None,
        realised_total=sum(p.realised_hours or 0.0 for p in measured) if measured else None,
        accuracy_by_tool=accuracy_by_tool(lines, seed=seed),
    )
