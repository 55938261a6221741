"""Store and list the run history (`job_runs`). Callers own the transaction; nothing commits here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.db.repository import now
from inventory.db.run_tables import JobRun
from inventory.errors import NotFoundError

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class RunOut:
    """One run as the history shows it."""

    id: int
    job: str
    actor: str
    via: str
    flow_run_id: str | None
    host: str
    parameters: dict[str, Any]
    started_at: datetime
    finished_at: datetime | None
    status: str
    summary: str | None
    error: str | None


def _clip(text: str | None) -> str | None:
    return None if text is None else text[:TEXT_LIMIT]


def start_run(
    *, session: Session, job: str, actor: str, via: str, host: str, parameters: dict[str, Any],
    flow_run_id: str | None = None,
) -> int:  # fmt: skip
    """Record that a run started; return its id."""
    row = JobRun(
        job=job, actor=actor[:200], via=via, flow_run_id=flow_run_id, host=host[:200], parameters=parameters,
        started_at=now(), status="running",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def finish_run(
    *, session: Session, run_id: int, status: str, summary: str | None = None, error: str | None = None
) -> None:
    """Record how a run ended."""
    row = session.get(JobRun, run_id)
    if row is None:
        raise NotFoundError(f"実行履歴 {run_id} は記録されていません")
    row.status, row.finished_at = status, now()
    row.summary, row.error = _clip(summary), _clip(error)


def list_runs(*, session: Session, job: str | None = None, limit: int = 20) -> list[RunOut]:
    """The latest runs, newest first (of one job when given)."""
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job is not None:
        query = query.where(JobRun.job == job)
    return [
        RunOut(
            r.id,
            r.job,
            r.actor,
            r.via,
            r.flow_run_id,
            r.host,
            dict(r.parameters),
            r.started_at,
            r.finished_at,
            r.status,
            r.summary,
            r.error,
        )  # fmt: skip
        for r in session.scalars(query)
    ]
