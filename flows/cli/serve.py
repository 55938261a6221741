"""`dxi serve`: keep the schedules of `flows/deployments.py` running.

With no Prefect server configured it starts one (`prefect server start` in a child
process; SQLite and its home under DXI_HOME/prefect, telemetry off), waits for its
health endpoint, serves the deployments with their schedules active, and stops the
server it started when it is itself stopped (Ctrl+C; SIGTERM from systemd; Ctrl+Break on
Windows, where the server gets its own process group and CTRL_BREAK_EVENT). The
schedules are left active on shutdown (`pause_on_shutdown=False`): a restart picks up
where it left off. `--api-url` (or PREFECT_API_URL) uses a server that runs elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import psutil
import typer

from flows.cli.app import app, console, fail, print_table, settings_or_exit
from flows.runtime import announce_serve, prepare_prefect, withdraw_serve
from flows.runtime import healthy as healthy

DEFAULT_PORT = 4200
STARTUP_TIMEOUT = 90.0  # a first start migrates the server's database, slow on a busy PC
STOP_TIMEOUT = 20.0


@app.command()
def serve(
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="使う Prefect サーバーの API（例: http://10.0.0.5:4200/api）。省略時は PREFECT_API_URL、"
            "それも未設定ならこの PC で Prefect サーバーを起動します",
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="起動する Prefect サーバーのポート")] = DEFAULT_PORT,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="起動する Prefect サーバーの待ち受けアドレス（他の PC から見るなら 0.0.0.0）"
        ),
    ] = "127.0.0.1",
) -> None:
    """スケジュールどおりにフローを実行し続けます（受付フォルダの取り込み、督促、採点、時間外勤務、効果検証）。

    Prefect サーバーが設定されていなければ、この PC で起動します（データは DXI_HOME/prefect）。
    動いている間は、この PC の dxi ingest・dxi score・dxi campaign remind もそのサーバーのフロー実行になります。
    Ctrl+C で停止します。停止してもスケジュールは有効のまま残り、次に起動すると再開します。
    例: dxi serve
    例: dxi serve --port 4300
    例: dxi serve --api-url http://prefect.example.lg.jp:4200/api
    """
    settings = settings_or_exit()
    _stop_on_terminate()
    prepare_prefect(settings)
    from prefect.settings import get_current_settings

    configured = api_url or get_current_settings().api.url
    server: subprocess.Popen[bytes] | None = None
    try:
        if configured:
            api = configured.rstrip("/")
            if not healthy(api):
                raise fail(
                    f"Prefect サーバーに接続できません: {api}（URL とサーバーの稼働を確認してください）"
                )
        else:
            server, api = start_server(host=host, port=port, home=settings.prefect_home)
        announce_serve(settings, api)  # desk commands on this PC now run as flow runs here too
        _serve(api)
    finally:
        withdraw_serve(settings)
        if server is not None:
            stop_server(server)
            console.print("Prefect サーバーを停止しました。")


def _serve(api: str) -> None:
    """Register the deployments with their schedules on `api` and run their flows until stopped."""
    os.environ["PREFECT_API_URL"] = api  # the flow-run processes the runner starts inherit it
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import SCHEDULES, TIMEZONE, build_deployments

    with temporary_settings(updates={PREFECT_API_URL: api}):
        deployments = build_deployments()
        print_table(
            [
                {"デプロイ": s.deployment, "実行": s.when, "cron": " / ".join(s.crons), "内容": s.what}
                for s in SCHEDULES
            ],
            title=f"スケジュール（{TIMEZONE}）",
        )
        console.print(f"Prefect: {api}", markup=False, highlight=False)
        console.print("スケジュールに従って実行します。停止するには Ctrl+C を押してください。")
        prefect_serve(*deployments, pause_on_shutdown=False, print_starting_message=False)
    console.print("停止しました（スケジュールは有効のまま残っています）。")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_terminate() -> None:
    """Until the runner takes over, stop cleanly (the server too) on the platform's stop signal."""
    if sys.platform == "win32":
        signal.signal(signal.SIGBREAK, _interrupt)  # Ctrl+Break
    else:
        signal.signal(signal.SIGTERM, _interrupt)  # noqa: TID251 (POSIX branch: systemd's stop)


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port, binding as uvicorn does.

    SO_REUSEADDR on POSIX only (asyncio's default too): on Windows it would let this socket
    share a port another server already listens on, and a taken port would look free.
    """
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # noqa: TID251 (POSIX branch)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def server_env(home: Path) -> dict[str, str]:
    """The child's environment: our Prefect home, offline, and no API URL (it *is* the API)."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL=env.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    )
    return env


def start_server(*, host: str, port: int, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start `prefect server start` and wait for its health check; return the process and API URL."""
    local = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    api = f"http://{f'[{local}]' if ':' in local else local}:{port}/api"
    if not port_free(host, port):
        if healthy(api):
            raise fail(
                f"ポート {port} では既に Prefect サーバーが動いています。それを使うには "
                f"dxi serve --api-url {api} としてください。"
            )
        raise fail(f"ポート {port} は他のプログラムが使用中です。--port で別のポートを指定してください。")
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    console.print(f"Prefect サーバーを起動しています（{api.removesuffix('/api')}、データ: {home}）…")
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
            env=server_env(home), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            **own_process_group(),  # Ctrl+C reaches us only; we stop the server in order
        )  # fmt: skip
    try:
        _wait_until_healthy(server, api, log_path)
    except BaseException:
        stop_server(server)
        raise
    console.print(f"Prefect サーバーが起動しました。画面: {api.removesuffix('/api')}")
    return server, api


def _wait_until_healthy(server: subprocess.Popen[bytes], api: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not healthy(api, timeout=2.0):
        if server.poll() is not None:
            raise fail(
                f"Prefect サーバーが起動直後に終了しました（終了コード {server.returncode}）。"
                f"ログ: {log_path}\n{_tail(log_path)}"
            )
        if time.monotonic() > deadline:
            raise fail(
                f"Prefect サーバーが {STARTUP_TIMEOUT:.0f} 秒以内に応答しませんでした。ログ: {log_path}\n{_tail(log_path)}"
            )
        time.sleep(0.5)


def own_process_group() -> dict[str, Any]:
    """Popen options that start the child in a process group of its own."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def stop_server(server: subprocess.Popen[Any]) -> None:
    """Stop the server we started (its own process group), and kill it if it hangs.

    POSIX: SIGTERM, then SIGKILL, to the group. Windows: CTRL_BREAK_EVENT to the group
    (uvicorn stops on it), then the whole process tree is killed.
    """
    if server.poll() is not None:
        return
    try:
        _ask_to_stop(server)
        server.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill(server)
        server.wait()
    except ProcessLookupError:
        server.wait()


def _ask_to_stop(server: subprocess.Popen[Any]) -> None:
    if sys.platform == "win32":
        server.send_signal(signal.CTRL_BREAK_EVENT)
    else:
        os.killpg(server.pid, signal.SIGTERM)  # noqa: TID251 (POSIX branch)


def _kill(server: subprocess.Popen[Any]) -> None:
    if sys.platform == "win32":
        with contextlib.suppress(psutil.NoSuchProcess):  # gone meanwhile
            for child in psutil.Process(server.pid).children(recursive=True):
                child.kill()
        server.kill()
    else:
        os.killpg(server.pid, signal.SIGKILL)  # noqa: TID251 (POSIX branch)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
