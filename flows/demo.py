"""`dxi demo`: a synthetic town run through the whole loop with the real flows, start to finish.

業務量調査 (two 課 rejected, then corrected) → scoring and the ranking workbook →
pilots on the top candidates, moved through 選定 → 実証中 → 効果検証 → 本格導入 with
実測 before/after → four 年度 of monthly overtime sent as HR files (one rejected for an
old 課 name) → the effect report against the baseline 年度. One `demo` flow wraps the
real `survey-intake`, `task-scoring` and `effect-report` flows as subflows, so one
Prefect server start serves all of it. The overtime panel plants the robots' effect
in exactly the 課 and months where the pilots went live, so the DiD can be checked
against a known truth.

Everything lives under `<DXI_HOME>/demo/` with its own SQLite database, so a demo
never touches the team's real inventory.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from bpr.pilots.service import PilotSummary
from flows import demo_steps
from flows.demo_steps import OvertimeOutcome
from flows.effect_report import EffectReportSummary, effect_report
from flows.survey_intake import survey_intake
from flows.task_scoring import task_scoring
from flows.town.pilots import PilotPlan, go_lives, plan_pilots
from flows.town.survey import SyntheticSurvey, make_town
from flows.town.survey_files import corrupt, write_survey, write_town
from inventory.intake.survey import FileOutcome
from inventory.settings import get_settings

Step = Callable[[str], None]
STEPS = (
    "架空の町の調査票を作成", "調査票を取り込み（1回目）", "差し戻した課の修正版を取り込み",
    "RPA・AI-OCR 適性を採点", "候補一覧（Excel）を作成", "上位候補で実証を計画",
    "時間外勤務実績（人事給与システム）を作成", "時間外勤務実績を取り込み", "実証を記録（選定 → 本格導入）",
    "効果報告（HTML・PDF・Excel）を作成",
)  # fmt: skip
ACTOR = "DX推進課"
OLD_NAME = ("税務課", "市民税課")  # HR still used the 課's name from before the 組織改編


@dataclass
class DemoResult:
    """Paths and headline figures the CLI prints at the end."""

    folder: Path
    database_url: str
    fiscal_year: int = 0
    first_round: list[FileOutcome] = field(default_factory=list)
    corrections: list[FileOutcome] = field(default_factory=list)
    task_count: int = 0
    knocked_out: int = 0
    expected_hours_saved: float = 0.0
    ranking_workbook: Path | None = None
    top: list[dict[str, object]] = field(default_factory=list)
    group_count: int = 0
    overtime: list[OvertimeOutcome] = field(default_factory=list)
    pilots: list[PilotSummary] = field(default_factory=list)
    planted_effect: float = 0.0
    go_lives: dict[str, tuple[int, int]] = field(default_factory=dict)
    effects: EffectReportSummary | None = None


def headcounts(town: Sequence[SyntheticSurvey]) -> dict[str, int]:
    """Staff per 課 from its surveyed hours: busier 課 are bigger (6–45, as in a town of ~50,000)."""
    return {
        s.department: min(45, max(6, round(5 + 4 * sum(t.annual_hours for t in s.tasks) / 1600)))
        for s in town
    }


@task(name="write-town", cache_policy=NO_CACHE)
def write_surveys(town: list[SyntheticSurvey], inbox: Path, late: int, seed: int) -> None:
    """Write every 課's workbook as it would arrive; the `late` first ones with mistakes."""
    write_town(town[late:], inbox, seed=seed)
    for i, survey in enumerate(town[:late]):
        corrupt(survey, inbox, seed=seed + i, mistakes=3)


@task(name="write-corrections", cache_policy=NO_CACHE)
def write_corrections(surveys: list[SyntheticSurvey], folder: Path, seed: int) -> None:
    """The corrected workbooks the rejected 課 send back."""
    for survey in surveys:
        write_survey(survey, folder, style="messy", rng_seed=seed)


@task(name="write-ranking-workbook", cache_policy=NO_CACHE)
def write_ranking(url: str, fiscal_year: int, folder: Path) -> Path:
    """The stored ranking as the team's workbook."""
    return demo_steps.ranking_workbook(url, fiscal_year, folder)


@task(name="plan-pilots", cache_policy=NO_CACHE)
def plan(url: str, fiscal_year: int, count: int | None, seed: int) -> list[PilotPlan]:
    """Pick the top candidates of the stored ranking and plan their pilots (pure after the read)."""
    return plan_pilots(demo_steps.candidate_frame(url, fiscal_year), fy=fiscal_year, count=count, seed=seed)


@task(name="write-overtime-files", cache_policy=NO_CACHE)
def write_overtime(
    names: list[str], staff: dict[str, int], treated: dict[str, tuple[int, int]], folder: Path,
    start_fy: int, years: int, effect: float, seed: int,
) -> list[Path]:  # fmt: skip
    """Four 年度 of monthly overtime with the robots' effect planted where pilots went live."""
    return demo_steps.overtime_files(
        names, staff, treated, folder, start_fy=start_fy, years=years, effect=effect, seed=seed
    )


@task(name="import-overtime-file", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def import_overtime(url: str, path: Path) -> OvertimeOutcome:
    """Import one HR file as `dxi overtime import` does: all of it, or nothing and a rejection."""
    return demo_steps.import_overtime_file(url, path, pseudonym_key=get_settings().pseudonym_secret)


@task(name="record-pilots", cache_policy=NO_CACHE)
def record_pilots(url: str, plans: list[PilotPlan]) -> list[PilotSummary]:
    """Create the pilots, record their samples and moves through `pilot_repo`, in one transaction."""
    return demo_steps.apply_plans(url, plans, actor=ACTOR)


@flow(name="demo", log_prints=False)
def demo_flow(
    home: str, departments: int = 30, tasks_per_department: int = 50, fiscal_year: int = 2024, seed: int = 2024,
    late: int = 2, pilots: int | None = None, effect: float = -3.0, step: Step | None = None,
) -> DemoResult:  # fmt: skip
    """Run the whole loop on a synthetic town under `<home>/demo/` (see the module docstring)."""
    say = step or (lambda _: None)
    folder = Path(home) / "demo"
    if folder.exists():
        shutil.rmtree(folder)
    inbox, corrected, errors = folder / "回収", folder / "再提出", folder / "差し戻し"
    url = f"sqlite:///{folder / 'dxi-demo.sqlite3'}"
    result = DemoResult(folder=folder, database_url=url, fiscal_year=fiscal_year)

    say(STEPS[0])
    town = make_town(departments=departments, tasks_per_department=tasks_per_department, fiscal_year=fiscal_year, seed=seed)  # fmt: skip
    write_surveys(town, inbox, late, seed)
    say(STEPS[1])
    result.first_round = survey_intake(
        paths=[str(inbox)], errors_dir=str(errors), actor=ACTOR, database_url=url
    )
    say(STEPS[2])
    write_corrections(town[:late], corrected, seed)
    result.corrections = survey_intake(
        paths=[str(corrected)], errors_dir=str(errors), actor=ACTOR, database_url=url
    )

    say(STEPS[3])
    summary = task_scoring(fiscal_year=fiscal_year, actor=ACTOR, database_url=url)
    result.task_count, result.knocked_out = summary.task_count, summary.knocked_out
    result.expected_hours_saved, result.group_count, result.top = (
        summary.expected_hours_saved, summary.group_count, summary.top,
    )  # fmt: skip
    say(STEPS[4])
    result.ranking_workbook = write_ranking(url, fiscal_year, folder)

    say(STEPS[5])
    plans = plan(url, fiscal_year, pilots, seed)
    result.go_lives, result.planted_effect = go_lives(plans), effect
    say(STEPS[6])
    names = [s.department for s in town]
    start_fy, years = fiscal_year - 2, 4
    files = write_overtime(
        names, headcounts(town), result.go_lives, folder / "人事給与", start_fy, years, effect, seed
    )
    say(STEPS[7])
    if OLD_NAME[0] in names:  # HR's first export still has the old 課 name: rejected, then resent
        from flows.town.overtime import misspell_department

        wrong = misspell_department(
            files[0], folder / "人事給与_旧名称", department=OLD_NAME[0], wrong=OLD_NAME[1]
        )
        result.overtime.append(import_overtime(url, wrong))
    result.overtime += [import_overtime(url, path) for path in files]

    say(STEPS[8])
    result.pilots = record_pilots(url, plans)
    say(STEPS[9])
    result.effects = effect_report(
        baseline_fy=start_fy, target_pct=20.0, database_url=url, output_dir=str(folder / "効果報告")
    )
    return result


def run_demo(home: Path, *, step: Step | None = None, **options: int | float | None) -> DemoResult:
    """Run the `demo` flow (the CLI's entry point; options as `demo_flow`'s)."""
    return demo_flow(home=str(home), step=step, **options)  # type: ignore[arg-type]
