"""`dxi demo`: a synthetic town run through the real flows, start to finish.

Everything lives under `<DXI_HOME>/demo/` with its own SQLite database, so a demo
never touches the team's real inventory.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flows.intake import survey_intake
from flows.scoring import task_scoring
from inventory.db.engine import engine_for, session_scope
from inventory.db.scoring_repo import latest_run, stored_groups, stored_scores
from inventory.intake import FileOutcome
from inventory.synthetic import corrupt, make_town, write_survey, write_town

Step = Callable[[str], None]


@dataclass
class DemoResult:
    """Paths and headline figures the CLI prints at the end."""

    folder: Path
    database_url: str
    first_round: list[FileOutcome] = field(default_factory=list)
    corrections: list[FileOutcome] = field(default_factory=list)
    task_count: int = 0
    knocked_out: int = 0
    expected_hours_saved: float = 0.0
    ranking_workbook: Path | None = None
    top: list[dict[str, object]] = field(default_factory=list)
    group_count: int = 0


def run_demo(
    home: Path, *, departments: int = 30, tasks_per_department: int = 50, fiscal_year: int = 2024, seed: int = 2024,
    step: Step = lambda _: None,
) -> DemoResult:  # fmt: skip
    """Build the town, ingest (with two rejected-then-corrected 課), score and export the ranking."""
    folder = home / "demo"
    if folder.exists():
        shutil.rmtree(folder)
    inbox, corrected, errors = folder / "回収", folder / "再提出", folder / "差し戻し"
    url = f"sqlite:///{folder / 'dxi-demo.sqlite3'}"
    result = DemoResult(folder=folder, database_url=url)

    step("架空の町の調査票を作成")
    town = make_town(
        departments=departments, tasks_per_department=tasks_per_department, fiscal_year=fiscal_year, seed=seed
    )
    late, on_time = town[:2], town[2:]
    write_town(on_time, inbox, seed=seed)
    for i, survey in enumerate(late):
        corrupt(survey, inbox, seed=seed + i, mistakes=3)

    step("調査票を取り込み（1回目）")
    result.first_round = survey_intake(
        paths=[str(inbox)], errors_dir=str(errors), actor="demo", database_url=url
    )

    step("差し戻した課の修正版を取り込み")
    for survey in late:
        write_survey(survey, corrected, style="messy", rng_seed=seed)
    result.corrections = survey_intake(
        paths=[str(corrected)], errors_dir=str(errors), actor="demo", database_url=url
    )

    step("RPA・AI-OCR 適性を採点")
    summary = task_scoring(fiscal_year=fiscal_year, actor="demo", database_url=url)
    result.task_count, result.knocked_out = summary.task_count, summary.knocked_out
    result.expected_hours_saved, result.group_count, result.top = (
        summary.expected_hours_saved, summary.group_count, summary.top,
    )  # fmt: skip

    step("候補一覧（Excel）を作成")
    from bpr.rank_workbook import write_rank_workbook
    from bpr.ranking import rank

    with session_scope(engine_for(url)) as session:
        run = latest_run(session=session, fiscal_year=fiscal_year)
        assert run is not None
        stored = stored_scores(session=session, run_id=run.id)
        groups = stored_groups(session=session, run_id=run.id)
    ranked = rank(stored, stored, groups=stored[["task_id", "group_id"]])
    result.ranking_workbook = write_rank_workbook(
        folder / f"候補一覧_{fiscal_year}.xlsx",
        ranked,
        title=f"{fiscal_year}年度 RPA・AI-OCR 候補一覧（デモ）",
        groups=groups,
    )
    return result
