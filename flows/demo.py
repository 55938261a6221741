"""`dxi demo`: a synthetic town run through the whole loop with the real jobs, start to finish.

業務量調査 (two 課 rejected, then corrected) → scoring and the ranking workbook →
pilots on the top candidates, moved through 選定 → 実証中 → 効果検証 → 本格導入 with
実測 before/after → four 年度 of monthly overtime sent as HR files (one rejected for an
old 課 name) → the effect report against the baseline 年度. Intake, scoring and the
report are the jobs behind `dxi ingest`, `dxi score` and the `effect-report` flow, run
as the desk runs them: in this process, in the run history (`dxi runs`), and as flow
runs on a Prefect server when one runs (`dxi serve`); no temporary server is started.
The overtime panel plants the robots' effect in exactly the 課 and months where the
pilots went live, so the DiD can be checked against a known truth.

Everything lives under `<DXI_HOME>/demo/` with its own SQLite database, so a demo
never touches the team's real inventory.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bpr.pilots.service import PilotSummary
from flows import demo_steps
from flows.demo_steps import OvertimeOutcome
from flows.desk import Notice, desk_run, flow_server, ingest_here, score_here
from flows.jobs import effect_report as effects
from flows.jobs.effect_report import EffectReportSummary
from flows.jobs.scoring import ScoringSummary, load_config
from flows.town.pilots import go_lives, plan_pilots
from flows.town.survey import SyntheticSurvey, make_town
from flows.town.survey_files import corrupt, write_survey, write_town
from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.intake.survey import FileOutcome
from inventory.settings import get_settings
from inventory.survey.per_survey import IntakeOptions

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


def write_surveys(town: list[SyntheticSurvey], inbox: Path, late: int, seed: int) -> None:
    """Write every 課's workbook as it would arrive; the `late` first ones with mistakes."""
    write_town(town[late:], inbox, seed=seed)
    for i, survey in enumerate(town[:late]):
        corrupt(survey, inbox, seed=seed + i, mistakes=3)


def write_corrections(surveys: list[SyntheticSurvey], folder: Path, seed: int) -> None:
    """The corrected workbooks the rejected 課 send back."""
    for survey in surveys:
        write_survey(survey, folder, style="messy", rng_seed=seed)


@dataclass
class _Desk:
    """Where the demo's jobs run and are recorded: its own database, and a Prefect server when one runs."""

    url: str
    api: str | None
    notice: Notice

    def ingest(self, folder: Path, errors: Path) -> list[FileOutcome]:
        """`dxi ingest` of one folder."""
        return ingest_here(
            self.api, url=self.url, paths=[str(folder)], options=IntakeOptions(), actor=ACTOR,
            errors_dir=str(errors), notice=self.notice,
        )  # fmt: skip

    def score(self, fiscal_year: int) -> ScoringSummary:
        """`dxi score` of the 年度, with the default weights."""
        return score_here(
            self.api, url=self.url, fiscal_year=fiscal_year, config=load_config(None), config_path=None,
            actor=ACTOR, notice=self.notice,
        )  # fmt: skip

    def report(self, folder: Path, baseline_fy: int) -> EffectReportSummary:
        """The effect report against the baseline 年度 (html, pdf, xlsx)."""
        asked = {"baseline_fy": baseline_fy, "target_pct": 20.0}
        with desk_run(self.api, url=self.url, job=effects.JOB, actor=ACTOR, parameters=asked, notice=self.notice) as note:  # fmt: skip
            _report, summary = effects.make_report(
                database_url=self.url, folder=folder, baseline_fy=baseline_fy
            )
            note.summary = summary.line()
        return summary


def run_demo(
    home: Path, *, departments: int = 30, tasks_per_department: int = 50, fiscal_year: int = 2024,
    seed: int = 2024, late: int = 2, pilots: int | None = None, effect: float = -3.0,
    step: Step | None = None, notice: Notice | None = None,
) -> DemoResult:  # fmt: skip
    """Run the whole loop on a synthetic town under `<home>/demo/` (see the module docstring)."""
    say = step or (lambda _: None)
    folder = home / "demo"
    if folder.exists():
        shutil.rmtree(folder)
    inbox, corrected, errors = folder / "回収", folder / "再提出", folder / "差し戻し"
    url = f"sqlite:///{folder / 'dxi-demo.sqlite3'}"
    folder.mkdir(parents=True)
    ensure_schema(engine_for(url))
    tell = notice or (lambda _: None)
    desk = _Desk(url=url, api=flow_server(get_settings(), tell), notice=tell)
    result = DemoResult(folder=folder, database_url=url, fiscal_year=fiscal_year)

    say(STEPS[0])
    town = make_town(departments=departments, tasks_per_department=tasks_per_department, fiscal_year=fiscal_year, seed=seed)  # fmt: skip
    write_surveys(town, inbox, late, seed)
    say(STEPS[1])
    result.first_round = desk.ingest(inbox, errors)
    say(STEPS[2])
    write_corrections(town[:late], corrected, seed)
    result.corrections = desk.ingest(corrected, errors)

    say(STEPS[3])
    summary = desk.score(fiscal_year)
    result.task_count, result.knocked_out = summary.task_count, summary.knocked_out
    result.expected_hours_saved, result.group_count, result.top = (
        summary.expected_hours_saved, summary.group_count, summary.top,
    )  # fmt: skip
    say(STEPS[4])
    result.ranking_workbook = demo_steps.ranking_workbook(url, fiscal_year, folder)

    say(STEPS[5])
    plans = plan_pilots(demo_steps.candidate_frame(url, fiscal_year), fy=fiscal_year, count=pilots, seed=seed)
    result.go_lives, result.planted_effect = go_lives(plans), effect
    say(STEPS[6])
    names = [s.department for s in town]
    start_fy, years = fiscal_year - 2, 4
    files = demo_steps.overtime_files(
        names, headcounts(town), result.go_lives, folder / "人事給与", start_fy=start_fy, years=years,
        effect=effect, seed=seed,
    )  # fmt: skip
    say(STEPS[7])
    key = get_settings().pseudonym_secret
    if OLD_NAME[0] in names:  # HR's first export still has the old 課 name: rejected, then resent
        from flows.town.overtime import misspell_department

        wrong = misspell_department(
            files[0], folder / "人事給与_旧名称", department=OLD_NAME[0], wrong=OLD_NAME[1]
        )
        result.overtime.append(demo_steps.import_overtime_file(url, wrong, pseudonym_key=key))
    result.overtime += [demo_steps.import_overtime_file(url, path, pseudonym_key=key) for path in files]

    say(STEPS[8])
    result.pilots = demo_steps.apply_plans(url, plans, actor=ACTOR)
    say(STEPS[9])
    result.effects = desk.report(folder / "効果報告", baseline_fy=start_fy)
    return result
