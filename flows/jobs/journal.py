"""Record each run of a job in the run history (`job_runs`): who, what, when, where, outcome.

The same record whether the work ran in a desk command's process (via "desk") or as a
Prefect flow run (via "prefect", with the flow run's id): the row is written when the
run starts, in its own transaction, and again when it ends, so a run that dies leaves
a row that still says 実行中 rather than nothing.
"""

from __future__ import annotations

import getpass
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from inventory.db.engine import engine_for, session_scope
from inventory.db.run_repo import finish_run, start_run

ERROR_LIMIT = 500
log = logging.getLogger("flows.jobs")  # one line as a run starts and one as it ends (JSON logs: with its ids)
log.addHandler(logging.NullHandler())  # in text mode the command itself says it; no second copy on stderr


@dataclass
class RunNote:
    """What the job says about its outcome; `summary` is stored when the run succeeds."""

    run_id: int
    summary: str | None = None


def this_host() -> str:
    """Login name @ machine: which PC and account ran the work."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container or service account
        user = "?"
    return f"{user}@{socket.gethostname()}"


def failure_text(exc: BaseException) -> str:
    """The failure as a person reads it: our Japanese message, else the error's kind.

    Only our messages and the first line of others: a driver's error text is not copied
    whole, as the logs never carry cell values either.
    """
    if isinstance(exc, KeyboardInterrupt):
        return "中断されました"
    message = getattr(exc, "message", None)
    if isinstance(message, str):
        return message[:ERROR_LIMIT]
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"[:ERROR_LIMIT]


@contextmanager
def recorded(
    *, database_url: str, job: str, actor: str, parameters: dict[str, Any], flow_run_id: str | None = None
) -> Iterator[RunNote]:
    """Record a run around the block: started, then succeeded (with `note.summary`) or failed."""
    engine = engine_for(database_url)
    with session_scope(engine) as session:
        run_id = start_run(
            session=session, job=job, actor=actor, via="prefect" if flow_run_id else "desk",
            host=this_host(), parameters=parameters, flow_run_id=flow_run_id,
        )  # fmt: skip
    note = RunNote(run_id)
    ids = {"job": job, "run_id": run_id} | ({"flow_run_id": flow_run_id} if flow_run_id else {})
    log.info("%s を開始しました", job, extra=ids)
    try:
        yield note
    except BaseException as exc:
        error = failure_text(exc)
        with session_scope(engine) as session:
            finish_run(session=session, run_id=run_id, status="failed", error=error)
        log.warning("%s は失敗しました: %s", job, error, extra=ids)
        raise
    with session_scope(engine) as session:
        finish_run(session=session, run_id=run_id, status="succeeded", summary=note.summary)
    log.info("%s が完了しました: %s", job, note.summary or "", extra=ids)
