"""Pilot (実証) lifecycle and measurement maths: pure functions, no I/O.

States and the moves between them:

    候補 → 選定 → 実証中 → 効果検証 → 本格導入
      ↓      ↓       ↓     ↑   ↓
      └──────┴───────┴→ 見送り ←┘    (効果検証 → 実証中: re-run the pilot)

見送り is reachable from every state that is not final; 本格導入 and 見送り are final
(a dropped pilot that comes back is a new pilot, so its history stays readable).
効果検証 → 実証中 exists because a pilot whose effect could not be shown (too few
cases, a vendor fix pending) is commonly run once more rather than dropped.
Going to 本格導入 needs at least one before and one after measurement: the 本部 is
told what a robot really saved, never only what the scoring expected.

Realised hours follow DOMAIN.md: annual cases × (minutes before − minutes after −
added check minutes) / 60, each phase's minutes being the case-weighted mean of its
samples. Check minutes on a before sample are checks that already existed, so the
*added* check is the after checks minus the before checks; equivalently each phase
costs minutes + check minutes per case. The result may be negative (久慈市's
市県民税収納 took longer with AI-OCR + RPA because every entry needed 目視確認): it is
reported as measured, never clipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from bpr.errors import PilotError, PilotGateError

CANDIDATE: Final = "候補"
SELECTED: Final = "選定"
PILOTING: Final = "実証中"
VERIFYING: Final = "効果検証"
PRODUCTION: Final = "本格導入"
DROPPED: Final = "見送り"

STATES: Final = (CANDIDATE, SELECTED, PILOTING, VERIFYING, PRODUCTION, DROPPED)
FINAL_STATES: Final = frozenset({PRODUCTION, DROPPED})
TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    CANDIDATE: (SELECTED, DROPPED),
    SELECTED: (PILOTING, DROPPED),
    PILOTING: (VERIFYING, DROPPED),
    VERIFYING: (PRODUCTION, PILOTING, DROPPED),
    PRODUCTION: (),
    DROPPED: (),
}
TOOLS: Final = ("rpa", "ai-ocr", "both")
PHASES: Final = ("before", "after")
METHODS: Final = ("実測", "実績記入", "推定")
PHASE_LABELS: Final = {"before": "導入前", "after": "導入後"}
DAYS_PER_YEAR: Final = 365.0
GATE_SHARE: Final = 0.5  # 本格導入 below this share of the estimate needs --force and a reason

Phase = Literal["before", "after"]


def _check_state(state: str) -> None:
    if state not in TRANSITIONS:
        raise PilotError(f"状態「{state}」はありません。使える状態: {'・'.join(STATES)}")


def allowed_next(state: str) -> tuple[str, ...]:
    """The states a pilot in `state` may move to (empty for 本格導入 and 見送り)."""
    _check_state(state)
    return TRANSITIONS[state]


def check_transition(state: str, to: str, *, before_count: int, after_count: int) -> None:
    """Raise PilotError unless `state → to` is allowed with these measurement counts."""
    _check_state(state)
    _check_state(to)
    allowed = TRANSITIONS[state]
    if to not in allowed:
        if not allowed:
            raise PilotError(f"「{state}」は最終の状態のため、「{to}」には変更できません。")
        raise PilotError(f"「{state}」から「{to}」には変更できません。変更できる状態: {'・'.join(allowed)}")
    if to == PRODUCTION and (before_count < 1 or after_count < 1):
        raise PilotError(
            "本格導入にするには導入前と導入後の測定がそれぞれ1件以上必要です"
            f"（現在: 導入前 {before_count} 件、導入後 {after_count} 件）。"
            "`dxi pilot measure` で記録してください。"
        )


def gate_concern(*, realised: float | None, estimate: float | None) -> str | None:
    """Why 本格導入 needs a second look: realised ≤ 0, or below half a positive estimate; None if fine.

    Why a gate: a pilot that made the work slower (久慈市: 1.6 → 16.2 時間) could
    otherwise go to production with no warning, and the 本部 would read it as a success.
    """
    if realised is None:
        return None
    if realised <= 0:
        return f"実測の削減が {realised:,.1f} 時間/年で、導入前より作業時間が減っていません"
    if estimate is not None and estimate > 0 and realised < GATE_SHARE * estimate:
        return (
            f"実測の削減 {realised:,.1f} 時間/年が見込み {estimate:,.1f} 時間/年の半分未満です"
            f"（見込みの {realised / estimate:.0%}）"
        )
    return None


def check_gate(concern: str | None, *, force: bool, reason: str | None) -> None:
    """Raise PilotGateError for a concern unless the move is forced with a reason."""
    if concern is None:
        return
    how = "CLI では --force と --reason、画面では「見込みを下回っても本格導入する」にチェックして理由を記入"
    if not force:
        raise PilotGateError(
            f"本格導入にするには確認が必要です: {concern}。それでも本格導入する場合は、理由を添えて強制してください（{how}）。",
            concern,
        )
    if not (reason and reason.strip()):
        raise PilotGateError(f"強制して本格導入するには理由が必要です: {concern}（{how}）。", concern)


def check_tool(tool: str) -> None:
    """Raise PilotError unless the tool is rpa, ai-ocr or both."""
    if tool not in TOOLS:
        raise PilotError(f"ツールは {' / '.join(TOOLS)} のいずれかです（指定: {tool}）")


@dataclass(frozen=True)
class Measurement:
    """One sample of a phase: `cases` handled at `minutes` per case, plus check minutes per case."""

    phase: str  # before | after (checked by check_measurement)
    cases: float
    minutes: float
    check_minutes: float = 0.0
    method: str = "実測"
    measured_on: date | None = None


def check_measurement(state: str, measurement: Measurement) -> None:
    """Raise PilotError for a sample that cannot be recorded on a pilot in `state`.

    Values must be sane (cases > 0, minutes ≥ 0); a dropped pilot takes no samples;
    an after sample needs the robot running, i.e. the pilot at 実証中 or later.
    """
    _check_state(state)
    m = measurement
    problems: list[str] = []
    if m.phase not in PHASES:
        problems.append(f"測定の区分は before（導入前）/ after（導入後）のいずれかです（指定: {m.phase}）")
    if m.method not in METHODS:
        problems.append(f"測定方法は {' / '.join(METHODS)} のいずれかです（指定: {m.method}）")
    if not m.cases > 0:
        problems.append(f"件数は1以上にしてください（指定: {m.cases}）")
    if not (m.minutes >= 0 and m.check_minutes >= 0):
        problems.append("1件あたりの分数と確認の分数は0以上にしてください")
    if problems:
        raise PilotError("測定を記録できません: " + "、".join(problems))
    if state == DROPPED:
        raise PilotError("見送りになった実証には測定を記録できません。")
    if m.phase == "after" and state in (CANDIDATE, SELECTED):
        raise PilotError(f"導入後の測定は実証中になってから記録してください（現在: {state}）。")


@dataclass(frozen=True)
class PhaseMinutes:
    """Case-weighted per-case minutes of one phase."""

    cases: float
    minutes: float
    check_minutes: float


def phase_minutes(measurements: Iterable[Measurement], phase: Phase) -> PhaseMinutes | None:
    """Case-weighted mean minutes and check minutes of a phase; None without samples."""
    samples = [m for m in measurements if m.phase == phase]
    cases = sum(m.cases for m in samples)
    if not samples or cases <= 0:
        return None
    return PhaseMinutes(
        cases=cases,
        minutes=sum(m.cases * m.minutes for m in samples) / cases,
        check_minutes=sum(m.cases * m.check_minutes for m in samples) / cases,
    )


def realised_hours(
    measurements: Iterable[Measurement], *, annual_cases: float, annualise_from_days: float | None = None
) -> float | None:
    """Annual hours saved as measured; None until both phases have a sample.

    Args:
        annual_cases: cases a year (the task's annual_volume) or, with
            `annualise_from_days`, the cases handled over that many pilot days, scaled
            by 365 / days (つくば市: 116 h in a 3-month pilot ≈ 330 h/year).
    """
    samples = list(measurements)
    before, after = phase_minutes(samples, "before"), phase_minutes(samples, "after")
    if before is None or after is None:
        return None
    cases = annual_cases
    if annualise_from_days is not None:
        if annualise_from_days <= 0:
            raise PilotError(f"年換算の期間（日数）は1日以上にしてください（指定: {annualise_from_days}）")
        cases = annual_cases * DAYS_PER_YEAR / annualise_from_days
    added_check = after.check_minutes - before.check_minutes
    return cases * (before.minutes - after.minutes - added_check) / 60.0


def estimate_accuracy(realised: float | None, estimate: float | None) -> float | None:
    """Realised ÷ estimated hours (1.0 = the scoring was right); None when either is unknown or ≤ 0."""
    if realised is None or estimate is None or estimate <= 0:
        return None
    return realised / estimate


@dataclass(frozen=True)
class CostBenefit:
    """Money view of a pilot: yearly net saving, one-off investment, months to pay it back."""

    net_saving_yen: float | None
    investment_yen: float
    payback_months: float | None


def cost_benefit(
    *,
    realised: float | None,
    initial_cost: float = 0.0,
    annual_licence: float = 0.0,
    development_hours: float = 0.0,
    hourly_cost_yen: float | None = None,
) -> CostBenefit:
    """Yearly net saving = realised hours × hourly cost − annual licence; payback from the investment.

    Development hours are staff time spent once, so they join the initial cost in the
    investment (× hourly cost) rather than being amortised into the yearly saving:
    amortising them too would count them twice in the payback. Payback months =
    investment ÷ (net saving / 12), None when the net saving is not positive (it
    never pays back); 0 when nothing was invested.
    """
    from bpr.scoring.config import default_config  # only for the default rate: listing pilots needs no config

    rate = default_config().economics.hourly_cost_yen if hourly_cost_yen is None else hourly_cost_yen
    investment = initial_cost + development_hours * rate
    if realised is None:
        return CostBenefit(net_saving_yen=None, investment_yen=investment, payback_months=None)
    net = realised * rate - annual_licence
    payback = investment / (net / 12.0) if net > 0 else None
    return CostBenefit(net_saving_yen=net, investment_yen=investment, payback_months=payback)


def pilot_days(start: date | None, end: date | None) -> int | None:
    """Days a pilot ran, both ends included; None without a start or with an end before it."""
    if start is None or end is None or end < start:
        return None
    return (end - start).days + 1
