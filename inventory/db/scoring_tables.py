"""Tables of the BPR side: scoring runs, their per-task scores, 横展開 groups and reviews.

Scores belong to a run, so an old ranking can always be shown again exactly as it
was, with the config that produced it. Reviews key on `task_key` (課 + 業務ID or
name), not on a task row, so a resubmission or a new 年度 keeps the decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db.tables import Base


class ScoringRun(Base):
    """One scoring of a 年度's current inventory, with the config it used."""

    __tablename__ = "scoring_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    config: Mapped[dict[str, Any]] = mapped_column()
    config_hash: Mapped[str] = mapped_column(String(64))
    task_count: Mapped[int] = mapped_column(Integer)
    knocked_out_count: Mapped[int] = mapped_column(Integer)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))


class TaskScore(Base):
    """A task's scores, estimate and rank in one scoring run."""

    __tablename__ = "task_scores"
    __table_args__ = (Index("ix_task_scores_run_rank", "run_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    task_key: Mapped[str] = mapped_column(String(300), index=True)
    rpa_score: Mapped[float] = mapped_column(Float)
    ocr_score: Mapped[float] = mapped_column(Float)
    rpa_after_ocr_score: Mapped[float | None] = mapped_column(Float)
    recommended_tool: Mapped[str | None] = mapped_column(String(20))
    knocked_out: Mapped[bool] = mapped_column(Boolean)
    knockout_reason: Mapped[str | None] = mapped_column(Text)
    automation_rate: Mapped[float | None] = mapped_column(Float)
    checking_hours: Mapped[float | None] = mapped_column(Float)
    expected_hours_saved: Mapped[float] = mapped_column(Float)
    person_years: Mapped[float] = mapped_column(Float)
    yen_saved: Mapped[float] = mapped_column(Float)
    ease_score: Mapped[float] = mapped_column(Float)
    difficulty: Mapped[str] = mapped_column(String(4))
    quadrant: Mapped[str] = mapped_column(String(20))
    priority: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text)
    factors: Mapped[list[Any]] = mapped_column()
    # 属性未確認: labels of the attributes scored neutral; NULL for runs stored before it was kept.
    missing_attributes: Mapped[list[Any] | None] = mapped_column()


class RolloutGroup(Base):
    """A 横展開 group found in a scoring run: one robot, many 課."""

    __tablename__ = "rollout_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    departments: Mapped[list[Any]] = mapped_column()
    task_count: Mapped[int] = mapped_column(Integer)
    combined_hours: Mapped[float] = mapped_column(Float)
    combined_hours_saved: Mapped[float] = mapped_column(Float)
    best_tool: Mapped[str | None] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(Integer)


class Review(Base):
    """A DX team decision on a candidate (採用/保留/不採用), never overwritten."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_key: Mapped[str] = mapped_column(String(300), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scoring_runs.id"))
    priority_at_decision: Mapped[float | None] = mapped_column(Float)
    rpa_score_at_decision: Mapped[float | None] = mapped_column(Float)
    ocr_score_at_decision: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # cli | xlsx | web
