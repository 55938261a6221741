"""A desk run shown on the Prefect server as a flow run of its flow, without importing Prefect.

Importing Prefect and running its flow engine in a desk command costs a person 4–6 s
(about 2 s of imports, 1–2 s of engine set-up and heartbeat shutdown), for work that
takes one. So with a server configured and reachable, the work runs in this process
through flows/jobs, exactly as with no server, and three calls to the server's REST
API, the same endpoints Prefect's own client calls, put it in the Prefect UI beside
the scheduled runs:

    POST /flows/                       the flow, by the name its deployments use
    POST /flow_runs/                   a run of it, Running, with its parameters, tagged desk
    POST /logs/ + /flow_runs/{id}/set_state
                                       the outcome in Japanese, then Completed or Failed

The server being down is never the person's problem: a failed call is said in one
line and the work goes on (or is already done); the run history (job_runs) has it
either way.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flows.jobs.journal import failure_text
from flows.runtime import api_opener

CALL_TIMEOUT = 10.0  # seconds; each call is one small insert on the server
TAGS = ["dxi", "desk"]
INFO, ERROR = 20, 40  # Prefect's log levels are Python's


class PrefectCallError(Exception):
    """The Prefect API did not take a call (down, refused, or an answer we cannot read)."""


def _headers() -> dict[str, str]:
    """JSON, and the credentials Prefect's own client would send to a team server."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if key := os.environ.get("PREFECT_API_KEY", "").strip():
        headers["Authorization"] = f"Bearer {key}"
    elif auth := os.environ.get("PREFECT_API_AUTH_STRING", "").strip():
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return headers


def call(api: str, path: str, body: object) -> Any:
    """POST `body` as JSON to `api`/`path` and return the decoded answer."""
    request = urllib.request.Request(
        f"{api.rstrip('/')}{path}", data=json.dumps(body, default=str).encode(), headers=_headers(),
        method="POST",
    )  # fmt: skip
    try:
        with api_opener(api).open(request, timeout=CALL_TIMEOUT) as response:
            text = response.read()
        return json.loads(text) if text else None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PrefectCallError(str(exc)) from exc


@dataclass
class ServerRun:
    """A flow run on the server that stands for this desk run; `summary` is its closing log line."""

    api: str
    id: str
    summary: str | None = None

    @property
    def page(self) -> str:
        """The run's page in the Prefect UI."""
        return f"{self.api.rstrip('/').removesuffix('/api')}/runs/flow-run/{self.id}"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def open_run(api: str, flow: str, parameters: dict[str, Any]) -> ServerRun:
    """Create a Running flow run of `flow` (made on first use, as a deployment would) on `api`."""
    flow_id = call(api, "/flows/", {"name": flow})["id"]
    created = call(
        api, "/flow_runs/",
        {"flow_id": flow_id, "parameters": parameters, "tags": TAGS, "state": {"type": "RUNNING", "name": "Running"}},
    )  # fmt: skip
    return ServerRun(api=api, id=str(created["id"]))


def close_run(run: ServerRun, *, error: str | None) -> None:
    """Log the outcome on the run, then set it Completed, or Failed with `error`."""
    message = error or run.summary or "完了しました"
    log = {"name": "dxi.desk", "level": ERROR if error else INFO, "message": message, "timestamp": _now(),
           "flow_run_id": run.id}  # fmt: skip
    call(run.api, "/logs/", [log])
    state = {"type": "FAILED", "name": "Failed"} if error else {"type": "COMPLETED", "name": "Completed"}
    call(run.api, f"/flow_runs/{run.id}/set_state", {"state": {**state, "message": message}, "force": True})


@contextmanager
def on_server(
    api: str | None, flow: str, parameters: dict[str, Any], notice: Callable[[str], None]
) -> Iterator[ServerRun | None]:
    """Show the block's work on `api` as a run of `flow` (None: no server, or it refused the run)."""
    run = None
    if api is not None:
        try:
            run = open_run(api, flow, parameters)
        except (PrefectCallError, KeyError, TypeError):
            notice(f"注意: Prefect サーバー {api} に実行を記録できませんでした。この PC で直接実行します。")
    try:
        yield run
    except BaseException as exc:
        _close(run, failure_text(exc), notice)
        raise
    _close(run, None, notice)


def _close(run: ServerRun | None, error: str | None, notice: Callable[[str], None]) -> None:
    if run is None:
        return
    try:
        close_run(run, error=error)
    except PrefectCallError:
        notice(
            f"注意: Prefect サーバーに実行の結果を記録できませんでした（{run.page}）。実行履歴は dxi runs で見られます。"
        )
        return
    notice(f"Prefect サーバーにフロー実行として記録しました: {run.page}")
