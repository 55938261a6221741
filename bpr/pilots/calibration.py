"""Gather this town's measured pilots for `dxi calibrate`: the config's estimate beside the realised hours.

A service: it loads pilots, their samples and their tasks through the repositories and
hands plain `PilotOutcome`s to the pure `bpr.scoring.calibrate`. The estimate is what
the given config says now for the tool the pilot used (not the snapshot taken when the
pilot was created), so the factors calibrate that config.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from bpr.pilots import rules
from bpr.scoring.calibrate import PilotOutcome
from bpr.scoring.config import ScoringConfig
from bpr.scoring.savings import BANDS, TOOLS, tool_options
from inventory.db import pilot_repo as repo
from inventory.db.pilot_tables import Pilot, PilotMeasurement
from inventory.db.task_repo import list_tasks

SCORING_TOOL = {"rpa": "rpa", "ai-ocr": "ai-ocr", "both": "ai-ocr+rpa"}


def _in_year(stored: list[PilotMeasurement], fiscal_year: int | None) -> bool:
    """True when an after sample was measured in the 年度 (April–March), or no 年度 is asked."""
    if fiscal_year is None:
        return True
    start, end = date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)
    return any(m.phase == "after" and start <= m.measured_on <= end for m in stored)


def _task_frame(session: Session, task_ids: set[int], years: set[int]) -> pd.DataFrame:
    tasks = [
        t
        for year in sorted(years)
        for t in list_tasks(session=session, fiscal_year=year, include_superseded=True)
    ]
    frame = pd.DataFrame([t.model_dump() for t in tasks if t.id in task_ids])
    return frame.rename(columns={"id": "task_id"})


def measured_outcomes(
    *, session: Session, config: ScoringConfig, fiscal_year: int | None = None
) -> list[PilotOutcome]:
    """Every pilot with before and after samples (after samples in `fiscal_year`, when given)."""
    rows = repo.pilot_rows(session=session)
    pilots: list[Pilot] = [row[0] for row in rows]
    stored = repo.measurements_by_pilot(session=session, pilot_ids=[p.id for p in pilots])
    measured = [
        p for p in pilots
        if {m.phase for m in stored.get(p.id, [])} == {"before", "after"} and _in_year(stored[p.id], fiscal_year)
    ]  # fmt: skip
    if not measured:
        return []
    volumes = {row[0].id: row[3] for row in rows}
    cases = repo.annual_cases(session=session, pilots=measured, volumes=volumes)
    members = {
        p.id: repo.group_task_ids(session=session, run_id=p.run_id, group_id=p.group_id) or [p.task_id]
        if p.group_id is not None and p.run_id is not None else [p.task_id]
        for p in measured
    }  # fmt: skip
    ids = {task_id for group in members.values() for task_id in group}
    years = {repo.get_task(session=session, task_id=p.task_id).fiscal_year for p in measured}
    frame = _task_frame(session, ids, years)
    options = tool_options(frame, config)
    row_of = {int(task_id): i for i, task_id in enumerate(frame["task_id"].tolist())}
    outcomes = []
    for p in measured:
        samples = [rules.Measurement(phase=m.phase, cases=m.cases, minutes=m.minutes, check_minutes=m.check_minutes)
                   for m in stored[p.id]]  # fmt: skip
        year_cases = cases[p.id]
        realised = None if year_cases is None else rules.realised_hours(samples, annual_cases=year_cases)
        tool = SCORING_TOOL[p.tool]
        column = TOOLS.index(tool)
        rows_ = [row_of[t] for t in members[p.id] if t in row_of]
        own = row_of.get(p.task_id, rows_[0] if rows_ else None)
        if realised is None or own is None:
            continue
        outcomes.append(
            PilotOutcome(
                pilot_id=p.id,
                tool=tool,
                band=BANDS[int(options.band[own, column])],
                gross=float(options.gross[rows_, column].sum()),
                checking=float(options.checking[rows_, column].sum()),
                fixed=float(options.fixed[own, column]),
                realised=realised,
            )  # fmt: skip
        )
    return outcomes
