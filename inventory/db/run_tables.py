"""The run history: every run of an intake, a scoring, a reminder or a scan, however it ran.

A person at the desk (`dxi ingest`, `dxi score`, `dxi campaign remind`) runs the work in
its own process, or as a flow run on a Prefect server when one is running; a schedule
runs it as a flow run. Each run leaves one row here, written when it starts and again
when it ends, so the history of who did what, when and with what outcome is the same
whichever way the work ran, and a run that died shows as still running.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db.tables import Base


class JobRun(Base):
    """One run of a job: what, who, where, when, and how it ended."""

    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint("via IN ('desk', 'prefect')", name="via"),
        CheckConstraint("status IN ('running', 'succeeded', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(50), index=True)  # survey-intake, task-scoring …
    actor: Mapped[str] = mapped_column(String(200))  # --by, or the schedule's name
    via: Mapped[str] = mapped_column(String(10))  # desk: in the command's process; prefect: a flow run
    flow_run_id: Mapped[str | None] = mapped_column(String(36))
    host: Mapped[str] = mapped_column(String(200))  # the PC (login name@machine) that ran it
    parameters: Mapped[dict[str, Any]]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))  # running | succeeded | failed
    summary: Mapped[str | None] = mapped_column(String(2000))  # the outcome in Japanese
    error: Mapped[str | None] = mapped_column(String(2000))
