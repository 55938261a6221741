"""What a desk command runs, and where: now in this process, or as a flow run on a Prefect server.

A person who ingests a workbook, scores or sends the reminders must not wait for
Prefect's temporary server (~12 s). So:

    no Prefect API configured   the work runs here, through flows/jobs (no Prefect import)
    configured and reachable    the work runs here too, and is a flow run of its flow on that
                                server (`dxi serve`, a team server), created, logged and closed
                                through its REST API (flows/prefect_record): in the Prefect UI
                                beside the scheduled runs, still no Prefect import
    ... and DXI_TASK_RUNNER     process or Dask workers need Prefect's engine: the flow itself
        names workers, or a     runs on the server, in this process with its task runner; a
        reminder notifies       reminder's notification block is loaded through Prefect too
    configured, not reachable   a Japanese notice says so, and the work runs here

Either way the run is recorded in the run history (`job_runs`): who, what, when, where,
outcome. Schedules, scans, reports and deployments on workers stay Prefect flows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from flows.jobs.journal import RunNote, recorded
from flows.prefect_record import on_server
from flows.runner_spec import parse_runner_spec
from flows.runtime import configured_api, healthy, prepare_prefect
from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.layouts.store import resolve_layout
from inventory.settings import Settings, get_settings
from inventory.survey.per_survey import IntakeOptions

if TYPE_CHECKING:  # each job's modules load when it runs: `dxi ingest` never loads scoring's pandas code
    from bpr.scoring.config import ScoringConfig
    from flows.jobs.reminder import ReminderSummary
    from flows.jobs.scoring import ScoringSummary
    from inventory.intake.survey import FileOutcome

Notice = Callable[[str], None]


def _quiet(_text: str) -> None:
    """The default notice: say nothing."""


def flow_server(settings: Settings, notice: Notice) -> str | None:
    """The Prefect API to run on, or None to run here (with a notice when one is set but down)."""
    spec = parse_runner_spec(settings.task_runner)  # a bad DXI_TASK_RUNNER fails here, in Japanese
    api = configured_api(settings)
    if api is not None and healthy(api.url):
        return api.url
    if api is not None:
        notice(
            f"注意: Prefect サーバー {api.url}（{api.source}）に接続できないため、この PC で直接実行します。"
            "実行の記録はデータベースの実行履歴（dxi runs）に残ります。"
        )
    if spec.uses_worker_processes:
        notice(
            f"注意: DXI_TASK_RUNNER（{settings.task_runner}）は Prefect サーバーでの実行に使われます。"
            "サーバーがないため、この PC の1つのプロセスで実行します。"
        )
    return None


def _engine_wanted(settings: Settings) -> bool:
    """Whether the work needs Prefect's engine itself: a process or Dask task runner (DXI_TASK_RUNNER)."""
    return parse_runner_spec(settings.task_runner).uses_worker_processes


@contextmanager
def desk_run(
    api: str | None, *, url: str, job: str, actor: str, parameters: dict[str, Any], notice: Notice
) -> Iterator[RunNote]:
    """Run the block here, recorded in the run history and, with a server, as a flow run of `job` on it."""
    with (
        on_server(api, job, parameters, notice) as run,
        recorded(
            database_url=url, job=job, actor=actor, parameters=parameters, flow_run_id=run.id if run else None
        ) as note,
    ):
        yield note
        if run is not None:
            run.summary = note.summary


def _run_on(api: str, settings: Settings, flow: Any, notice: Notice, **parameters: Any) -> Any:
    """Run `flow` through Prefect's engine as a flow run on `api`, with the configured task runner."""
    prepare_prefect(settings)
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api  # worker processes inherit it; never the temporary server
    try:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from flows.runners import with_task_runner

        with temporary_settings(updates={PREFECT_API_URL: api}):
            state = with_task_runner(flow)(**parameters, return_state=True)
            ui = api.rstrip("/").removesuffix("/api")
            notice(
                f"Prefect のフロー実行として実行しました: {ui}/runs/flow-run/{state.state_details.flow_run_id}"
            )
            return state.result()
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def _ready(settings: Settings) -> str:
    settings.ensure_home()
    url = settings.db_url
    ensure_schema(engine_for(url))  # as the flows do: a first run creates the database
    return url


def ingest_surveys(
    *, paths: list[str], fiscal_year: int | None = None, department: str | None = None,
    division: str | None = None, errors_dir: str | None = None, actor: str = "cli",
    on_progress: Callable[[FileOutcome], None] | None = None, layout: str | None = None,
    notice: Notice = _quiet,
) -> list[FileOutcome]:  # fmt: skip
    """Ingest survey files (through `layout`, a layout file or saved name, when given): the
    `survey-intake` flow's work, here or on the Prefect server."""
    settings = get_settings()
    request = {"paths": paths, "fiscal_year": fiscal_year, "department": department, "division": division,
               "errors_dir": errors_dir, "actor": actor, "layout": layout}  # fmt: skip
    api = flow_server(settings, notice)
    if api and _engine_wanted(settings):
        from flows.survey_intake import survey_intake

        outcomes: list[FileOutcome] = _run_on(
            api, settings, survey_intake, notice, on_progress=on_progress, **request
        )
        return outcomes
    url = _ready(settings)
    if layout:
        resolve_layout(layout, home=settings.home)  # a bad layout stops the run before any file is read
    options = IntakeOptions(fiscal_year=fiscal_year, department=department, division=division, layout=layout)
    return ingest_here(
        api, url=url, paths=paths, options=options, actor=actor, errors_dir=errors_dir,
        on_progress=on_progress, notice=notice,
    )  # fmt: skip


def ingest_here(
    api: str | None, *, url: str, paths: list[str], options: IntakeOptions, actor: str,
    errors_dir: str | None = None, on_progress: Callable[[FileOutcome], None] | None = None,
    notice: Notice = _quiet,
) -> list[FileOutcome]:  # fmt: skip
    """Ingest into `url` in this process, as a desk run (also the demo's): recorded, and on `api` when given."""
    from flows.jobs import intake

    asked = {**intake.parameters(paths, options.fiscal_year, options.department), "layout": options.layout}
    with desk_run(api, url=url, job=intake.JOB, actor=actor, parameters=asked, notice=notice) as note:
        outcomes = intake.ingest(
            paths=paths, options=options, database_url=url, actor=actor, errors_dir=errors_dir,
            on_progress=on_progress,
        )  # fmt: skip
        note.summary = intake.summary(outcomes)
    return outcomes


def score_inventory(
    *,
    fiscal_year: int | None = None,
    config_path: str | None = None,
    actor: str = "cli",
    notice: Notice = _quiet,
) -> ScoringSummary:
    """Score a 年度 and store the run: the `task-scoring` flow's work, here or on the Prefect server."""
    from flows.jobs import scoring

    config = scoring.load_config(config_path)  # a bad weights file fails before anything runs
    settings = get_settings()
    api = flow_server(settings, notice)
    if api and _engine_wanted(settings):
        from flows.task_scoring import task_scoring

        summary: ScoringSummary = _run_on(
            api, settings, task_scoring, notice, fiscal_year=fiscal_year, config_path=config_path, actor=actor
        )
        return summary
    return score_here(
        api, url=_ready(settings), fiscal_year=fiscal_year, config=config, config_path=config_path,
        actor=actor, notice=notice,
    )  # fmt: skip


def score_here(
    api: str | None, *, url: str, fiscal_year: int | None, config: ScoringConfig, config_path: str | None,
    actor: str, notice: Notice = _quiet,
) -> ScoringSummary:  # fmt: skip
    """Score `url`'s 年度 in this process, as a desk run (also the demo's): recorded, and on `api` when given."""
    from flows.jobs import scoring

    asked = {"fiscal_year": fiscal_year, "config": config_path, "skip_unchanged": False}
    with desk_run(api, url=url, job=scoring.JOB, actor=actor, parameters=asked, notice=notice) as note:
        summary = scoring.score_year(database_url=url, fiscal_year=fiscal_year, config=config, actor=actor)
        note.summary = summary.line()
    return summary


def send_reminders(
    *, fiscal_year: int | None = None, today: date, actor: str = "cli", notice: Notice = _quiet
) -> ReminderSummary:
    """List the 課 owing a survey and write the CSV: the `campaign-reminder` flow's work, here or on the server."""
    from flows.jobs import reminder

    settings = get_settings()
    api = flow_server(settings, notice)
    # The notification block lives on the server and is loaded through Prefect: with one
    # configured, the reminder runs as the flow itself (its only way to notify).
    if api and (_engine_wanted(settings) or settings.notification_block):
        from flows.campaign_reminder import campaign_reminder

        result: ReminderSummary = _run_on(
            api,
            settings,
            campaign_reminder,
            notice,
            fiscal_year=fiscal_year,
            today=today.isoformat(),
            actor=actor,
        )
        return result
    url = _ready(settings)
    asked = {"fiscal_year": fiscal_year, "today": today.isoformat()}
    with desk_run(api, url=url, job=reminder.JOB, actor=actor, parameters=asked, notice=notice) as note:
        result = reminder.remind(
            database_url=url, fiscal_year=fiscal_year, today=today,
            notification_block=settings.notification_block, actor=actor,
        )  # fmt: skip
        note.summary = result.line()
    return result
