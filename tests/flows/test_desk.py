"""Desk commands answer at once: no Prefect server is started, and none is called unless configured.

Each command runs as a person runs it, `dxi …` in a fresh interpreter, with Python's
audit hooks recording every process it starts (subprocess, fork, spawn, exec) and every
socket it connects; Prefect's temporary server is a child process reached over a socket,
so a desk command that started one, or called any Prefect API, would show here. With a
real Prefect server configured (the session's test server), `dxi ingest` becomes a flow
run that the server's API returns. Every run is in the run history either way.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flows.runtime import announce_serve, serve_file
from inventory.settings import Settings
from tests.inventory.workbooks import HEADER, write_xlsx

SPAWNING = ("subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.system")
SCRIPT = r"""
import json, sys
events = []
def hook(event, args):
    if event in SPAWNING:
        events.append([event, repr(args)[:300]])
    elif event == "socket.connect":
        events.append([event, repr(args[1])[:300]])
sys.addaudithook(hook)
from flows.cli.main import main
codes = []
for argv in json.loads(sys.argv[1]):
    sys.argv = ["dxi", *argv]
    try:
        main()
        codes.append(0)
    except SystemExit as exc:
        codes.append(exc.code or 0)
prefect = sorted(m for m in sys.modules if m.split(".")[0] in ("prefect", "prefect_dask", "distributed"))
print("\nRESULT " + json.dumps({"codes": codes, "events": events, "prefect": prefect[:3]}))
""".replace("SPAWNING", repr(SPAWNING))


def run_dxi(
    home: Path, *commands: list[str], env: dict[str, str] | None = None
) -> tuple[dict[str, Any], str]:
    """Run dxi commands in one fresh interpreter under audit hooks; (what it did, what it printed)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DXI_", "PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_HOME"))
    }
    base |= {"DXI_HOME": str(home), "COLUMNS": "200", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(commands)], capture_output=True, text=True, env=base,
        cwd=home.parent, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed, _, report = result.stdout.rpartition("\nRESULT ")
    return json.loads(report), printed + result.stderr


def history(home: Path) -> list[dict[str, Any]]:
    """The run history as `dxi runs --format json` prints it, newest first."""
    done, printed = run_dxi(home, ["runs", "--format", "json", "--limit", "100"])
    assert done["codes"] == [0], printed
    return json.loads(printed[printed.index("[") : printed.rindex("]") + 1])  # type: ignore[no-any-return]


def survey(folder: Path, name: str = "税務課", volume: int = 1200) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [HEADER, ["住民税の申告書入力", "定型", "なし", "紙（手書き）", volume, 6],
            ["支出命令書の作成", "定型", "一部あり", "電子", 2400, 15]]  # fmt: skip
    return write_xlsx(folder / f"{name}_v{volume}.xlsx", rows, cover=[("年度", 2024), ("課", name)])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


def test_no_desk_command_starts_a_prefect_server_or_calls_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    book = survey(tmp_path / "in")
    done, printed = run_dxi(
        home, ["init"], ["ingest", str(book), "--by", "山田"], ["score", "--by", "山田"],
        ["campaign", "remind", "--by", "山田"], ["rank", "--top", "3"],
    )  # fmt: skip
    assert done["codes"] == [0, 0, 0, 0, 0], printed
    assert done["events"] == [], "a desk command started a process or opened a connection"
    assert done["prefect"] == [], "a desk command imported Prefect"
    assert "受理" in printed and "2 業務を採点しました" in printed and "実施中の調査がないため" in printed
    assert "Prefect" not in printed.replace("Prefect は起動しません", "")  # no notice: nothing was configured
    done, table = run_dxi(home, ["runs"])  # what a person reads
    assert done["codes"] == [0] and done["events"] == [] and done["prefect"] == []
    for shown in (
        "実行履歴（新しい順に 3 件",
        "調査票の取り込み",
        "採点",
        "督促",
        "山田",
        "直接",
        "完了",
        "受理 1 件",
    ):
        assert shown in table, shown
    runs = history(home)
    assert [(r["job"], r["via"], r["actor"], r["status"]) for r in runs] == [
        ("campaign-reminder", "desk", "山田", "succeeded"),
        ("task-scoring", "desk", "山田", "succeeded"),
        ("survey-intake", "desk", "山田", "succeeded"),
    ]
    assert runs[2]["summary"] == "受理 1 件 / 差し戻し 0 件" and runs[2]["parameters"]["files"] == [book.name]
    assert runs[1]["summary"].startswith("2024年度 2 業務（採点ID 1") and all(
        r["flow_run_id"] is None for r in runs
    )


def test_the_demo_starts_no_prefect_server_either(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done, printed = run_dxi(home, ["demo", "--departments", "6", "--tasks", "5"])
    assert done["codes"] == [0], printed
    assert done["events"] == [], "the demo started a process or opened a connection"
    assert done["prefect"] == [], "the demo imported Prefect"
    assert "デモの結果" in printed and "効果報告" in printed and "Prefect" not in printed


def test_an_unreachable_server_is_said_in_japanese_and_the_work_runs_here(tmp_path: Path) -> None:
    home, port = tmp_path / "home", closed_port()
    api = f"http://127.0.0.1:{port}/api"
    done, printed = run_dxi(home, ["ingest", str(survey(tmp_path / "in"))], env={"PREFECT_API_URL": api})
    assert done["codes"] == [0], printed
    assert (
        f"注意: Prefect サーバー {api}（環境変数 PREFECT_API_URL）に接続できないため、この PC で直接実行します"
        in printed
    )
    assert [e for e in done["events"] if e[0] != "socket.connect"] == [] and done["prefect"] == []
    assert {e[1] for e in done["events"]} == {repr(("127.0.0.1", port))}  # only the health check
    assert [(r["job"], r["via"], r["status"]) for r in history(home)] == [
        ("survey-intake", "desk", "succeeded")
    ]


def test_a_failed_desk_run_is_in_the_history_with_its_japanese_reason(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done, printed = run_dxi(home, ["init"], ["score", "--fy", "2024"])
    assert done["codes"] == [0, 2] and "2024年度の業務がありません" in printed
    (run,) = history(home)
    assert (run["job"], run["via"], run["status"]) == ("task-scoring", "desk", "failed")
    assert (
        run["error"] == "2024年度の業務がありません。先に調査票を取り込んでください。" and run["finished_at"]
    )


def test_a_stale_serve_note_is_dropped_without_a_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_HOME", raising=False)  # the note goes in DXI_HOME/prefect, as for dxi
    home = tmp_path / "home"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    note = serve_file(Settings(home=home))
    note.parent.mkdir(parents=True)
    note.write_text(
        json.dumps({"api_url": "http://127.0.0.1:9/api", "pid": int(gone.stdout)}), encoding="utf-8"
    )
    done, printed = run_dxi(home, ["ingest", str(survey(tmp_path / "in"))])
    assert done["codes"] == [0] and done["events"] == [] and "Prefect" not in printed
    assert not note.exists()


def _flow_run(run_id: str) -> tuple[str, str, str | None, list[str], list[str]]:
    """(flow name, state, state message, tags, log messages) of a run, read through the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)  # type: ignore[arg-type]
        flow = client.read_flow(run.flow_id)
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
    assert run.state is not None
    return flow.name, run.state.type.value, run.state.message, sorted(run.tags), [log.message for log in logs]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_with_a_prefect_server_ingest_and_score_become_flow_runs_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import get_current_settings

    monkeypatch.delenv("PREFECT_HOME", raising=False)  # the serve note goes in DXI_HOME/prefect, as for dxi
    api = str(get_current_settings().api.url)
    home = tmp_path / "home"
    done, printed = run_dxi(
        home, ["ingest", str(survey(tmp_path / "in")), "--by", "山田"], env={"PREFECT_API_URL": api}
    )
    assert done["codes"] == [0], printed
    assert not [e for e in done["events"] if e[0] != "socket.connect"], (
        "no server was started: it runs already"
    )
    assert done["prefect"] == [], (
        "the run is put on the server through its REST API, without importing Prefect"
    )
    assert "受理" in printed and "Prefect サーバーにフロー実行として記録しました" in printed
    (intake,) = history(home)
    assert (intake["job"], intake["via"], intake["actor"], intake["status"]) == (
        "survey-intake",
        "prefect",
        "山田",
        "succeeded",
    )
    summary = "受理 1 件 / 差し戻し 0 件"
    assert intake["summary"] == summary
    assert _flow_run(intake["flow_run_id"]) == (
        "survey-intake",
        "COMPLETED",
        summary,
        ["desk", "dxi"],
        [summary],
    )
    assert intake["flow_run_id"] in printed  # the command names the run it made

    # A running `dxi serve` leaves its API for the desk commands of this PC: no variable needed.
    announce_serve(Settings(home=home), api)  # as `dxi serve` does (this test process is alive)
    done, printed = run_dxi(home, ["score"])
    assert done["codes"] == [0] and "Prefect サーバーにフロー実行として記録しました" in printed, printed
    scoring = history(home)[0]
    assert (scoring["job"], scoring["via"]) == ("task-scoring", "prefect")
    assert _flow_run(scoring["flow_run_id"])[:2] == ("task-scoring", "COMPLETED")

    # A run that fails is Failed on the server too, with the reason the person read.
    done, printed = run_dxi(home, ["score", "--fy", "2023"])
    assert done["codes"] == [2] and "2023年度の業務がありません" in printed
    failed = history(home)[0]
    assert (failed["job"], failed["via"], failed["status"]) == ("task-scoring", "prefect", "failed")
    name, state, message, _tags, logs = _flow_run(failed["flow_run_id"])
    assert (
        (name, state) == ("task-scoring", "FAILED")
        and message == failed["error"]
        and logs == [failed["error"]]
    )
