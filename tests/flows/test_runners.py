"""Task runners: DXI_TASK_RUNNER parsing, and intake on a real Dask cluster equals the default."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from sqlalchemy import DateTime, select

from flows.runners import RunnerSpec, build_task_runner, parse_runner_spec, with_task_runner
from flows.survey_intake import batches, outcome_json, survey_intake
from flows.task_scoring import task_scoring
from flows.town.survey import make_town
from flows.town.survey_files import corrupt, write_survey, write_town
from inventory.db.engine import engine_for, session_scope
from inventory.db.tables import Base
from inventory.errors import SettingsError
from inventory.intake.survey import FileOutcome
from tests.flows.cli_runner import dxi


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("thread", RunnerSpec("thread")),
        ("", RunnerSpec("thread")),
        (" Thread?workers=4 ", RunnerSpec("thread", workers=4)),
        ("process", RunnerSpec("process")),
        ("process?workers=3", RunnerSpec("process", workers=3)),
        ("dask", RunnerSpec("dask")),
        ("dask?workers=2", RunnerSpec("dask", workers=2)),
        ("dask://10.0.0.5:8786", RunnerSpec("dask-address", address="tcp://10.0.0.5:8786")),
        (
            "tcp://scheduler.example.lg.jp:8786/",
            RunnerSpec("dask-address", address="tcp://scheduler.example.lg.jp:8786"),
        ),
    ],
)
def test_accepted_runner_specs(spec: str, expected: RunnerSpec) -> None:
    assert parse_runner_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("threads", "種類は thread / process / dask"),
        ("ray://head:10001", "種類は thread / process / dask"),
        ("dask?workers=0", "workers は 1〜256 の整数"),
        ("process?workers=two", "workers は 1〜256 の整数"),
        ("dask?cores=2", "知らない指定 cores"),
        ("dask://scheduler", "ホスト:ポート の形"),
        ("dask://:8786", "ホスト:ポート の形"),
        ("tcp://host:99999", "ホスト:ポート の形"),
    ],
)
def test_rejected_runner_specs_name_the_accepted_forms(spec: str, why: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_runner_spec(spec)
    message = info.value.message
    assert f"DXI_TASK_RUNNER の値「{spec}」は使えません" in message
    assert why in message
    for form in ("thread", "process", "dask?workers=2", "dask://ホスト:ポート", "tcp://ホスト:ポート"):
        assert form in message


def test_built_runners() -> None:
    from prefect_dask.task_runners import DaskTaskRunner

    thread = build_task_runner("thread?workers=4")
    assert isinstance(thread, ThreadPoolTaskRunner) and thread._max_workers == 4
    assert isinstance(build_task_runner("process?workers=2"), ProcessPoolTaskRunner)
    local = build_task_runner("dask?workers=2")
    assert isinstance(local, DaskTaskRunner) and local.address is None
    # Worker processes with one thread each: parsing holds the GIL.
    assert local.cluster_kwargs == {
        "n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": "127.0.0.1:0"
    }  # fmt: skip
    remote = build_task_runner("dask://10.0.0.5:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"


def test_dask_without_its_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "prefect_dask.task_runners", None)  # as in the runtime install
    for spec in ("dask", "dask://10.0.0.5:8786"):
        with pytest.raises(
            SettingsError,
            match=r"dask には追加のパッケージが必要です: pip install 'dx-task-inventory\[dask\]'",
        ):
            build_task_runner(spec)


def test_with_task_runner_reads_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from inventory.settings import get_settings

    monkeypatch.setenv("DXI_TASK_RUNNER", "thread?workers=3")
    get_settings.cache_clear()
    configured = with_task_runner(survey_intake)
    assert (
        isinstance(configured.task_runner, ThreadPoolTaskRunner) and configured.task_runner._max_workers == 3
    )
    assert configured.name == survey_intake.name  # same flow, only the runner differs


@pytest.mark.usefixtures("prefect_harness")  # an API is configured: no temporary server is started
def test_flows_default_to_the_runner_the_setting_names_when_a_run_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect_dask.task_runners import DaskTaskRunner

    from inventory.settings import get_settings

    for flow in (survey_intake, task_scoring):  # so deployments follow DXI_TASK_RUNNER too
        monkeypatch.setenv("DXI_TASK_RUNNER", "process?workers=2")
        get_settings.cache_clear()
        assert isinstance(flow.task_runner.duplicate(), ProcessPoolTaskRunner)
        monkeypatch.setenv("DXI_TASK_RUNNER", "dask://10.0.0.5:8786")
        get_settings.cache_clear()
        runner = flow.task_runner.duplicate()
        assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://10.0.0.5:8786"


def test_cli_refuses_a_bad_runner_in_japanese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DXI_TASK_RUNNER", "spark")
    (tmp_path / "in").mkdir()
    code, output = dxi("ingest", str(tmp_path / "in"))
    assert code == 2
    assert "DXI_TASK_RUNNER の値「spark」は使えません" in output


def test_batches_keep_input_order() -> None:
    files = [Path(f"{i:03}.xlsx") for i in range(37)]
    groups = batches(files)
    assert [f for g in groups for f in g] == files
    assert len(groups) == 8 and max(len(g) for g in groups) == 5
    assert len(batches(files[:3])) == 3
    assert len(batches(files * 20)) == -(-740 // 25)  # at most 25 workbooks per task
    assert [len(g) for g in batches(files, 10)] == [10, 10, 10, 7]


# --- a real Dask cluster ------------------------------------------------------------------


def _town(folder: Path) -> list[str]:
    """36+ real workbooks: mixed styles, 3 rejected, 1 unreadable, 1 resubmitted."""
    surveys = make_town(departments=32, tasks_per_department=12, seed=7)
    first = folder / "first"
    write_town(surveys, first, seed=7)
    for survey in surveys[3:6]:
        corrupt(survey, first, seed=7)
    (first / "壊れた調査票.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    later = folder / "later"  # a 課 sends a corrected version after the first one
    write_survey(replace(surveys[0], tasks=surveys[0].tasks[:-1]), later, style="messy")
    return [str(first), str(later)]


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every stored row of every table, without wall-clock columns and Prefect run ids."""
    with session_scope(engine_for(url)) as session:
        return {
            table.name: [
                {
                    k: v
                    for k, v in row._mapping.items()
                    if not isinstance(table.c[k].type, DateTime) and k != "flow_run_id"
                }
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def _workbooks(folder: Path) -> dict[str, list[list[Any]]]:
    books = {}
    for path in sorted(folder.iterdir()):
        book = openpyxl.load_workbook(path, read_only=True)
        books[path.name] = [[ws.title] + [list(r) for r in ws.iter_rows(values_only=True)] for ws in book]
        book.close()
    return books


def _comparable(outcomes: list[FileOutcome]) -> list[dict[str, object]]:
    return [
        {**outcome_json(o), "error_workbook": o.error_workbook and Path(o.error_workbook).name}
        for o in outcomes
    ]


def _completed_parse_runs(flow_run_id: Any) -> int:
    """Completed parse task runs the API knows for a flow run (recorded from events, so poll a little)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as api:
        for _ in range(100):
            runs = api.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            done = [
                r for r in runs if r.name.startswith("parse-surveys") and r.state and r.state.is_completed()
            ]
            if runs and len(done) == len(runs):
                break
            time.sleep(0.2)
    return len(done)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_intake_on_a_two_worker_dask_cluster_stores_exactly_what_threads_store(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster, get_task_stream

    paths = _town(tmp_path / "town")
    thread_url = f"sqlite:///{tmp_path / 'thread.sqlite3'}"
    dask_url = f"sqlite:///{tmp_path / 'dask.sqlite3'}"

    by_threads = survey_intake(
        paths=paths, errors_dir=str(tmp_path / "errors-thread"), actor="test", database_url=thread_url
    )

    # The cluster starts after the harness, as a Dask cluster started beside `dxi serve` would.
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        worker_pids = client.run(os.getpid)
        progress: list[str] = []
        lock = threading.Lock()  # a callback that cannot be pickled, like the CLI's progress bar

        def note(outcome: FileOutcome) -> None:
            with lock:
                progress.append(outcome.file)

        with get_task_stream(client=client) as stream:
            state = with_task_runner(survey_intake, cluster.scheduler_address)(
                paths=paths, errors_dir=str(tmp_path / "errors-dask"), actor="test", database_url=dask_url,
                on_progress=note, return_state=True,
            )  # fmt: skip
            by_dask = state.result()
            scored_by_dask = with_task_runner(task_scoring, cluster.scheduler_address)(
                fiscal_year=2024, actor="test", database_url=dask_url
            )
        ran_on = {record["worker"] for record in stream.data if "parse" in record["key"]}
        scored_on = {record["worker"] for record in stream.data if "score" in record["key"]}
    scored_by_threads = task_scoring(fiscal_year=2024, actor="test", database_url=thread_url)

    # Really in the two worker processes, not silently in this one.
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids.values()
    assert ran_on == set(worker_pids) and len(scored_on) == 1 and scored_on <= set(worker_pids)
    # ...and reported to the harness's API, not to a temporary server of their own.
    assert _completed_parse_runs(state.state_details.flow_run_id) == len(
        batches([Path(o.file) for o in by_dask])
    )
    # on_progress ran here, once per file, in input order.
    assert progress == [o.file for o in by_dask]

    statuses = [o.status for o in by_dask]
    assert len(by_dask) >= 37 and statuses.count("rejected") == 4 and statuses.count("resubmitted") == 1
    assert _comparable(by_dask) == _comparable(by_threads)
    stored = _rows(dask_url)
    assert len(stored["tasks"]) > 300 and len(stored["survey_submissions"]) == 33
    assert sum(r["action"] == "survey.rejected" for r in stored["audit_log"]) == 4
    assert stored == _rows(thread_url)  # the inventory, and the stored scoring runs too
    assert len(stored["task_scores"]) == scored_by_dask.task_count > 300  # current tasks only
    assert replace(scored_by_dask, run_id=0) == replace(scored_by_threads, run_id=0)
    error_books = _workbooks(tmp_path / "errors-dask")
    assert len(error_books) == 4 and error_books == _workbooks(tmp_path / "errors-thread")
