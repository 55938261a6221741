"""Pilots for the demo town: which top candidates a DX team would try, and what 実測 would show.

Pure: a ranked candidate frame in, plans out; `flows/demo.py` applies them through
`inventory.db.pilot_repo` like a person at `dxi pilot`. The numbers follow the scoring
they came from: a pilot's measured time cut is the task's own automation rate (set by
the published rates in `bpr/scoring/default_scoring.toml`) times a pilot factor around 0.9,
since pilots tend to fall a little short of the estimate; checking minutes come from
the task's checking hours. One pilot in each few repeats 久慈市's lesson: the robot
works, but every entry still needs a visual check, so it is dropped (見送り) after
効果検証 with what it really measured, often a loss.

Timeline for a survey of 年度 `fy` (answered in July): 選定 in September, 実証中 for three
months from October, 効果検証 in January, 本格導入 from April of the next 年度 (a few
later), the months the overtime panel plants the robots' effect in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from bpr.pilots.rules import DROPPED, PILOTING, PRODUCTION, SELECTED, VERIFYING

TOOLS = {"rpa": "rpa", "ai-ocr": "ai-ocr", "ai-ocr+rpa": "both"}
# Outcome of the n-th pilot, in rank order; the pattern repeats for more pilots.
OUTCOMES: tuple[str, ...] = (
    PRODUCTION, PRODUCTION, DROPPED, PRODUCTION, PRODUCTION, VERIFYING,
    PRODUCTION, SELECTED, PRODUCTION, PILOTING, DROPPED,
)  # fmt: skip
GO_LIVE_MONTHS = (4, 4, 6, 4, 7, 4)  # of the next 年度's April-based calendar
PATH = (SELECTED, PILOTING, VERIFYING, PRODUCTION)
NEEDED = ("task_id", "department", "name", "recommended_tool", "knocked_out", "automation_rate",
          "checking_hours", "annual_volume", "minutes_per_case")  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """One 実測 sample: `cases` handled at `minutes` each, plus check minutes per case."""

    phase: str
    cases: float
    minutes: float
    check_minutes: float
    measured_on: date


@dataclass(frozen=True)
class Move:
    """One lifecycle step, effective on `on`."""

    to: str
    on: date
    reason: str | None = None


@dataclass(frozen=True)
class PilotPlan:
    """A pilot from creation to its final (or current) state, with its samples in time order."""

    task_id: int
    department: str
    name: str
    tool: str
    created: date
    steps: tuple[Move | Sample, ...]
    outcome: str

    @property
    def go_live(self) -> tuple[int, int] | None:
        """(year, month) of 本格導入, or None."""
        day = next((s.on for s in self.steps if isinstance(s, Move) and s.to == PRODUCTION), None)
        return None if day is None else (day.year, day.month)


def pick_candidates(ranked: pd.DataFrame, count: int) -> pd.DataFrame:
    """The best-ranked live candidate of each 課, best first, at most `count` of them.

    One pilot per 課 keeps the treated 課 of the effect estimate distinct, as a small DX
    team would spread its first pilots.
    """
    if missing := [c for c in NEEDED if c not in ranked.columns]:
        raise ValueError(f"candidate frame lacks columns {missing}")
    live = ranked[~ranked["knocked_out"].astype(bool) & ranked["recommended_tool"].isin(list(TOOLS))]
    live = live[(live["automation_rate"] > 0) & (live["annual_volume"] > 0)]
    return live.drop_duplicates("department").head(count).reset_index(drop=True)


def _samples(
    phase: str, cases: float, minutes: float, check: float, days: Sequence[date], rng: random.Random
) -> list[Sample]:
    """Two samples a phase, each about a fortnight of the task's cases, minutes ±10%."""
    n = max(5.0, round(cases / 24))
    return [Sample(phase, n, round(minutes * rng.uniform(0.9, 1.1), 1), round(check, 2), day) for day in days]


def plan_pilot(
    row: pd.Series, outcome: str, *, fy: int, index: int, seed: int, dropped_early: bool = False
) -> PilotPlan:
    """Plan one pilot of a candidate row ending in `outcome` (see the module's timeline).

    A 見送り pilot is dropped after 効果検証 for its checks (久慈市), or with
    `dropped_early` at 選定, before any measurement, for its cost.
    """
    rng = random.Random(f"pilot|{seed}|{row['task_id']}")
    tool = TOOLS[str(row["recommended_tool"])]
    volume, minutes = float(row["annual_volume"]), float(row["minutes_per_case"])
    wave = 0 if outcome in (PRODUCTION, DROPPED) else 1  # pilots still running started a year later
    start = date(fy + wave, 10, 1)
    created, selected = date(fy + wave, 8, 20), date(fy + wave, 9, 1)
    before = minutes * rng.uniform(0.85, 1.2)  # the survey's minutes were a clerk's guess
    rate = float(row["automation_rate"]) * rng.uniform(0.75, 1.05)
    check = float(row["checking_hours"]) * 60 / volume * rng.uniform(0.8, 1.4)
    if outcome == DROPPED and not dropped_early:
        rate, check = rate * 0.5, before * rate * 0.6  # 久慈市: every entry still checked by eye
    steps: list[Move | Sample] = []
    if outcome == DROPPED and dropped_early:
        reason = "ベンダーの見積額が予算を上回り、費用対効果が見込めないため"
        steps += [Move(SELECTED, selected), Move(DROPPED, date(fy + wave, 9, 25), reason)]
        return PilotPlan(int(row["task_id"]), str(row["department"]), str(row["name"]), tool, created, tuple(steps), outcome)  # fmt: skip
    steps.append(Move(SELECTED, selected))
    steps += _samples("before", volume, before, 0.0, [date(fy + wave, 9, 5), date(fy + wave, 9, 19)], rng)
    if outcome != SELECTED:
        steps.append(Move(PILOTING, start))
        after = [date(fy + wave, 11, 5), date(fy + wave, 12, 3)]
        steps += _samples("after", volume, before * (1 - rate), check, after, rng)
    if outcome in (VERIFYING, PRODUCTION, DROPPED):
        steps.append(Move(VERIFYING, date(fy + wave + 1, 1, 10)))
    if outcome == PRODUCTION:
        month = GO_LIVE_MONTHS[index % len(GO_LIVE_MONTHS)]
        steps.append(Move(PRODUCTION, date(fy + 1, month, 1), "効果を確認し、本格導入を決定"))
    elif outcome == DROPPED:
        reason = "導入後も全件の目視確認が必要で、削減効果が見込みを大きく下回ったため（久慈市の事例と同様）"
        steps.append(Move(DROPPED, date(fy + 1, 2, 15), reason))
    return PilotPlan(int(row["task_id"]), str(row["department"]), str(row["name"]), tool, created, tuple(steps), outcome)  # fmt: skip


def plan_pilots(
    ranked: pd.DataFrame,
    *,
    fy: int,
    count: int | None = None,
    outcomes: Sequence[str] = OUTCOMES,
    seed: int = 0,
) -> list[PilotPlan]:
    """Plan pilots for the top candidates of a ranking of 年度 `fy`, outcomes in rank order.

    Every second 見送り is dropped early (cost); the others are dropped for their checks,
    and those go to an AI-OCR pilot (a production outcome swaps places) where there is one.
    """
    n = len(outcomes) if count is None else count
    chosen = pick_candidates(ranked, n)
    wanted = [outcomes[i % len(outcomes)] for i in range(len(chosen))]
    early = [False] * len(wanted)
    drops = [i for i, o in enumerate(wanted) if o == DROPPED]
    for k, i in enumerate(drops):
        early[i] = k % 2 == 1
    # The 久慈市 lesson is about reading paper: give that 見送り to a pilot with AI-OCR.
    tools = chosen["recommended_tool"].astype(str).tolist()
    for i in [i for i in drops if not early[i] and tools[i] == "rpa"]:
        later = [j for j, o in enumerate(wanted) if o == PRODUCTION and tools[j] != "rpa"]
        swap = later[-1] if later else None  # the smallest such pilot: the flagship still goes live
        if swap is not None:
            wanted[i], wanted[swap] = wanted[swap], wanted[i]
            early[i], early[swap] = early[swap], early[i]
    return [
        plan_pilot(row, wanted[i], fy=fy, index=i, seed=seed, dropped_early=early[i])
        for i, (_, row) in enumerate(chosen.iterrows())
    ]


def go_lives(plans: Sequence[PilotPlan]) -> dict[str, tuple[int, int]]:
    """課 → first 本格導入 month: where the overtime panel must plant the effect."""
    out: dict[str, tuple[int, int]] = {}
    for plan in plans:
        if plan.go_live is not None:
            out[plan.department] = min(plan.go_live, out.get(plan.department, plan.go_live))
    return out
