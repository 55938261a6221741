"""The demo's steps outside the three real flows, as plain functions the `demo` flow's tasks wrap.

Each opens its session at the edge and calls the same domain and repository code a
person at the keyboard would reach through `dxi overtime import` and `dxi pilot`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bpr.pilots.service import PilotSummary, add_measurement, advance_pilot, create_pilot, list_pilots
from bpr.review.service import record_decision
from flows.town.overtime import write_overtime_files
from flows.town.panel import make_panel, town_calendar
from flows.town.pilots import Move, PilotPlan
from inventory.db.engine import engine_for, session_scope
from inventory.db.scoring_repo import inventory_frame, latest_run, stored_groups, stored_scores
from inventory.errors import NotFoundError
from inventory.intake.overtime import import_overtime

# Yearly licence and one-off build effort of a pilot's tool (yen, staff hours): typical quotes.
COSTS = {"rpa": (600_000.0, 40.0), "ai-ocr": (1_200_000.0, 24.0), "both": (1_800_000.0, 60.0)}


@dataclass(frozen=True)
class OvertimeOutcome:
    """One HR file: accepted with its 課-months, or rejected with its first error."""

    file: str
    status: str
    months: int = 0
    per_staff: bool = False
    error: str | None = None


def _ranking(url: str, fiscal_year: int) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    from bpr.scoring.ranking import rank

    with session_scope(engine_for(url)) as session:
        run = latest_run(session=session, fiscal_year=fiscal_year)
        if run is None:
            raise NotFoundError(f"{fiscal_year}年度の採点結果がありません")
        stored = stored_scores(session=session, run_id=run.id)
        groups = stored_groups(session=session, run_id=run.id)
    return rank(stored, stored, groups=stored[["task_id", "group_id"]]), stored, groups


def ranking_workbook(url: str, fiscal_year: int, folder: Path) -> Path:
    """Write the stored ranking as the 候補一覧 workbook."""
    from bpr.reports.rank_workbook import write_rank_workbook

    ranked, _stored, groups = _ranking(url, fiscal_year)
    return write_rank_workbook(
        folder / f"候補一覧_{fiscal_year}.xlsx",
        ranked,
        title=f"{fiscal_year}年度 RPA・AI-OCR 候補一覧（デモ）",
        groups=groups,
    )


def candidate_frame(url: str, fiscal_year: int) -> pd.DataFrame:
    """The stored ranking, best first, with each task's rate, checks, cases and minutes."""
    ranked, stored, _groups = _ranking(url, fiscal_year)
    with session_scope(engine_for(url)) as session:
        tasks = inventory_frame(session=session, fiscal_year=fiscal_year)
    return (
        ranked.sort_values("rank", kind="stable")
        .merge(stored[["task_id", "automation_rate", "checking_hours"]], on="task_id", how="left")
        .merge(tasks[["task_id", "annual_volume", "minutes_per_case"]], on="task_id", how="left")
    )


def overtime_files(
    names: Sequence[str], staff: dict[str, int], treated: dict[str, tuple[int, int]], folder: Path, *,
    start_fy: int, years: int, effect: float, seed: int,
) -> list[Path]:  # fmt: skip
    """Generate the town's panel (effect planted in `treated`) and write it as HR files."""
    panel, planted = make_panel(
        names=names, years=years, start_fy=start_fy, go_live=treated, headcounts=staff, effect=effect,
        calendar=town_calendar(names, start_fy=start_fy, years=years), seed=seed,
    )  # fmt: skip
    assert planted == treated, "the panel must plant the effect exactly where the pilots went live"
    return write_overtime_files(panel, folder, per_staff_from=start_fy + 2, seed=seed)


def import_overtime_file(url: str, path: Path, *, pseudonym_key: Callable[[], bytes]) -> OvertimeOutcome:
    """Read, validate and store one HR file (the same `import_overtime` as `dxi overtime import`)."""
    result = import_overtime(
        engine=engine_for(url), data=path.read_bytes(), file_name=path.name,
        pseudonym_key=pseudonym_key, actor="人事課",
    )  # fmt: skip
    if result.stored is None:
        errors = result.parsed.errors
        where = f"{errors[0].row}行目 " if errors[0].row else ""
        return OvertimeOutcome(
            path.name, "rejected", error=f"{where}{errors[0].message}（ほか {len(errors) - 1} 件）"
        )
    return OvertimeOutcome(
        path.name, "accepted", months=result.stored.months, per_staff=result.parsed.per_staff
    )


def apply_plans(url: str, plans: Sequence[PilotPlan], *, actor: str) -> list[PilotSummary]:
    """Create each pilot and replay its samples and moves; return every pilot as `dxi pilot list` shows it."""
    with session_scope(engine_for(url)) as session:
        for plan in plans:
            # As in a real 検討会議: the candidate is adopted first, then piloted.
            record_decision(
                session=session, task_id=plan.task_id, decision="採用", reviewer="DX推進本部 検討会議",
                reason="業務量調査の上位候補。トライアル導入で効果を検証する", source="demo",
            )  # fmt: skip
            licence, build = COSTS[plan.tool]
            pilot = create_pilot(
                session=session, task_id=plan.task_id, tool=plan.tool, initial_cost=200_000.0,
                annual_licence=licence, development_hours=build, actor=actor, reason="業務量調査の上位候補",
            )  # fmt: skip
            for step in plan.steps:
                if isinstance(step, Move):
                    advance_pilot(session=session, pilot_id=pilot.id, to=step.to, on=step.on, reason=step.reason, actor=actor)  # fmt: skip
                else:
                    add_measurement(
                        session=session, pilot_id=pilot.id, phase=step.phase, cases=step.cases, minutes=step.minutes,
                        check_minutes=step.check_minutes, method="実測", measured_on=step.measured_on, actor=actor,
                    )  # fmt: skip
    with session_scope(engine_for(url)) as session:
        return list_pilots(session=session)
