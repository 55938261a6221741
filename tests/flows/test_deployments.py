"""`dxi serve` against a real local Prefect server: a triggered inbox run files a dropped workbook,
and the schedules are listed with their cron and time zone through the Prefect API.

Everything runs in child processes with their own PREFECT_HOME and DXI_HOME; this
process talks to the server only inside `temporary_settings`, so the session's
`prefect_harness` (if another test started it) is left as it was.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flows.cli.serve import healthy, stop_server
from flows.deployments import SCHEDULES, TIMEZONE
from flows.town.survey import make_town
from flows.town.survey_files import write_town
from flows.web.local_server import free_port
from inventory.db.engine import engine_for, session_scope
from inventory.db.submission_repo import list_submissions

pytestmark = pytest.mark.flow

SERVER_TIMEOUT = 90.0  # a first start migrates the server's SQLite database; slow on a busy machine
DXI = [sys.executable, "-c", "from flows.cli.main import main; main()"]


def child_env(dxi_home: Path, prefect_home: Path | None = None) -> dict[str, str]:
    """A child's environment: its own homes, offline, nothing of this process's Prefect settings.

    With no prefect_home, Prefect's home is the default one dxi picks: DXI_HOME/prefect.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    env.update(
        DXI_HOME=str(dxi_home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="WARNING",
    )  # fmt: skip
    if prefect_home is not None:
        env["PREFECT_HOME"] = str(prefect_home)
    return env


def wait_for(condition: Callable[[], Any], what: str, process: subprocess.Popen[bytes], log: Path) -> Any:
    """Poll until condition() is truthy; fail with the child's log if it dies or time runs out."""
    deadline = time.monotonic() + SERVER_TIMEOUT
    while not (result := condition()):
        if process.poll() is not None:
            pytest.fail(
                f"{what}: the process exited ({process.returncode}):\n{log.read_text(errors='replace')}"
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"{what}: not within {SERVER_TIMEOUT:.0f} s:\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.5)
    return result


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[str]:
    """A real `prefect server start` on a free port, with its own home; stopped afterwards."""
    port, log = free_port(), tmp_path / "server.log"
    args = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    server = start(args, child_env(tmp_path / "unused", tmp_path / "server-home"), log)
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: healthy(api), "Prefect server health check", server, log)
        yield api
    finally:
        stop_server(server)


def read_deployments(api: str) -> dict[str, Any]:
    """The deployments on the server, by `<flow>/<deployment>` name."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        flows = {f.id: f.name for f in client.read_flows()}
        return {f"{flows[d.flow_id]}/{d.name}": d for d in client.read_deployments()}


def read_artifacts(api: str, key: str) -> list[Any]:
    """The artifacts with this key on the server."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))


def interrupt(process: subprocess.Popen[bytes]) -> int:
    """Ctrl+C, as a user stops `dxi serve`; the exit code."""
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail("dxi serve did not stop within 60 s of Ctrl+C")


def test_serve_runs_the_inbox_deployment_and_keeps_schedules_active(
    prefect_server: str, tmp_path: Path
) -> None:
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home, log = tmp_path / "dxi", tmp_path / "serve.log"
    serve = start([*DXI, "serve", "--api-url", prefect_server], child_env(home, tmp_path / "serve-home"), log)
    try:
        wanted = {s.deployment for s in SCHEDULES}
        found = wait_for(
            lambda: (d := read_deployments(prefect_server)).keys() >= wanted and d, "deployments", serve, log
        )
        for schedule in SCHEDULES:
            deployment = found[schedule.deployment]
            assert deployment.paused is False
            assert sorted(s.schedule.cron for s in deployment.schedules) == sorted(schedule.crons)
            assert {(s.schedule.timezone, s.active) for s in deployment.schedules} == {(TIMEZONE, True)}
            assert deployment.parameters == schedule.parameters
        assert found["task-scoring/dxi"].parameters["skip_unchanged"] is True
        assert "*/15 8-17 * * 1-5" in found["inbox-scan/dxi"].schedules[0].schedule.cron

        (dropped,) = write_town(
            make_town(departments=1, tasks_per_department=4), home / "inbox", style="clean"
        )
        settled = time.time() - 60
        os.utime(dropped, (settled, settled))
        with temporary_settings(updates={PREFECT_API_URL: prefect_server}):
            run = run_deployment("inbox-scan/dxi", timeout=180, poll_interval=1, as_subflow=False)
        assert isinstance(run, FlowRun)
        assert run.state is not None and run.state.is_completed(), (
            run.state,
            log.read_text(errors="replace"),
        )
        assert (home / "inbox/accepted/2024" / dropped.name).is_file() and not dropped.exists()
        with session_scope(engine_for(f"sqlite:///{home / 'dxi.sqlite3'}")) as session:
            assert [s["file_name"] for s in list_submissions(session=session)] == [dropped.name]
        (artifact,) = read_artifacts(prefect_server, "inbox-scan")
        assert artifact.flow_run_id == run.id
        (row,) = json.loads(artifact.data)
        assert (row["ファイル"], row["結果"], row["移動先"]) == (
            dropped.name,
            "受理",
            f"accepted/2024/{dropped.name}",
        )
    finally:
        code = interrupt(serve)
    assert code == 0, log.read_text(errors="replace")
    assert "停止しました" in log.read_text(errors="replace")
    after = read_deployments(prefect_server)
    assert all(after[s.deployment].paused is False for s in SCHEDULES), (
        "schedules must stay active on shutdown"
    )
    assert all(x.active for s in SCHEDULES for x in after[s.deployment].schedules)


def test_serve_starts_and_stops_its_own_server_and_refuses_a_busy_port(tmp_path: Path) -> None:
    env = child_env(tmp_path / "dxi")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        refused = subprocess.run(
            [*DXI, "serve", "--port", str(taken)], env=env, capture_output=True, timeout=120
        )
    assert refused.returncode == 2
    assert f"ポート {taken} は他のプログラムが使用中です" in refused.stderr.decode()

    port, log = free_port(), tmp_path / "serve.log"
    serve = start([*DXI, "serve", "--port", str(port)], env, log)
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(
            lambda: "Ctrl+C" in log.read_text(errors="replace"), "dxi serve with its own server", serve, log
        )
        assert healthy(api)
        assert (tmp_path / "dxi/prefect/prefect.db").is_file(), (
            "the server's SQLite lives under DXI_HOME/prefect"
        )
        wanted = {s.deployment for s in SCHEDULES}
        wait_for(lambda: read_deployments(api).keys() >= wanted, "deployments on its own server", serve, log)
    finally:
        code = interrupt(serve)
    assert code == 0, log.read_text(errors="replace")
    assert "Prefect サーバーを停止しました" in log.read_text(errors="replace")
    assert not healthy(api), "the server dxi serve started stops with it"
