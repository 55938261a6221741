"""Database access for scoring runs, stored rankings and review decisions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from inventory.db.repository import audit, now
from inventory.db.scoring_tables import Review, RolloutGroup, ScoringRun, TaskScore
from inventory.db.tables import Base, Department, SurveySubmission, Task
from inventory.db.task_repo import task_rows
from inventory.errors import NotFoundError
from inventory.export import plain_value, plain_values

if TYPE_CHECKING:
    import pandas as pd  # loaded where a DataFrame is made: `dxi rank` reads without pandas

SCORE_FIELDS = (
    "rpa_score", "ocr_score", "rpa_after_ocr_score", "recommended_tool", "knocked_out", "knockout_reason",
    "automation_rate", "checking_hours", "expected_hours_saved", "person_years", "yen_saved", "ease_score",
    "difficulty", "quadrant", "priority", "explanation", "factors", "missing_attributes",
)  # fmt: skip


def inventory_frame(*, session: Session, fiscal_year: int) -> pd.DataFrame:
    """The 年度's current tasks as the DataFrame the scoring functions take (task_id = tasks.id)."""
    import pandas as pd

    frame = pd.DataFrame(task_rows(session=session, fiscal_year=fiscal_year, with_key=True))
    return frame if frame.empty else frame.rename(columns={"id": "task_id"})


def save_scoring_run(
    *,
    session: Session,
    fiscal_year: int,
    config: dict[str, Any],
    config_hash: str,
    ranked: pd.DataFrame,
    scored: pd.DataFrame,
    groups: pd.DataFrame,
    task_keys: dict[int, str],
    actor: str,
    flow_run_id: str | None = None,
) -> int:
    """Store a run: the config it used, every task's scores and rank, and its 横展開 groups."""
    run = ScoringRun(
        fiscal_year=fiscal_year, created_at=now(), actor=actor, config=config, config_hash=config_hash,
        task_count=len(scored), knocked_out_count=int(scored["knocked_out"].sum()), flow_run_id=flow_run_id,
    )  # fmt: skip
    session.add(run)
    session.flush()
    merged = scored.merge(ranked[["task_id", "rank", "group_id"]], on="task_id", validate="one_to_one")
    names = ("task_id", "rank", "group_id", *SCORE_FIELDS)
    columns = [plain_values(merged[name]) for name in names]
    rows = [
        {"run_id": run.id, "task_key": task_keys[int(values[0])], **dict(zip(names, values, strict=True))}
        for values in zip(*columns, strict=True)
    ]
    if rows:
        session.execute(insert(Base.metadata.tables["task_scores"]), rows)  # Core: one executemany
    group_rows = [
        {
            "run_id": run.id, "group_id": int(g["group_id"]), "name": g["representative_name"],
            "departments": list(g["departments"]), "task_count": int(g["task_count"]),
            "combined_hours": float(g["annual_hours"]), "combined_hours_saved": float(g["expected_hours_saved"]),
            "best_tool": plain_value(g["best_tool"]), "rank": int(g["rank"]),
        }
        for g in groups.to_dict("records")
    ]  # fmt: skip
    if group_rows:
        session.execute(insert(Base.metadata.tables["rollout_groups"]), group_rows)
    audit(session=session, actor=actor, action="scoring.run", entity="scoring_run", entity_id=run.id,
          fiscal_year=fiscal_year, tasks=len(rows), config_hash=config_hash)  # fmt: skip
    return run.id


def latest_run(*, session: Session, fiscal_year: int | None = None) -> ScoringRun | None:
    """The newest scoring run (of the 年度, when given)."""
    query = select(ScoringRun).order_by(ScoringRun.id.desc()).limit(1)
    if fiscal_year is not None:
        query = query.where(ScoringRun.fiscal_year == fiscal_year)
    return session.scalars(query).first()


def run_is_current(*, session: Session, run: ScoringRun, task_ids: Collection[int], config_hash: str) -> bool:
    """Whether `run` already scored exactly these tasks with this config.

    Task rows never change once stored (a resubmission adds new rows), so the set of
    current task ids identifies the inventory: a nightly rescoring of an unchanged
    inventory would only add a copy of the same scores.
    """
    if run.config_hash != config_hash or run.task_count != len(task_ids):
        return False
    scored = set(session.scalars(select(TaskScore.task_id).where(TaskScore.run_id == run.id)))
    return scored == {int(t) for t in task_ids}


def run_totals(*, session: Session, run_id: int) -> tuple[int, float]:
    """(横展開 group count, expected hours saved by the tasks not knocked out) of a stored run."""
    groups = session.scalar(
        select(func.count()).select_from(RolloutGroup).where(RolloutGroup.run_id == run_id)
    )
    saved = session.scalar(
        select(func.coalesce(func.sum(TaskScore.expected_hours_saved), 0.0)).where(
            TaskScore.run_id == run_id, TaskScore.knocked_out.is_(False)
        )
    )
    return int(groups or 0), float(saved or 0.0)


def refresh_statistics(*, session: Session) -> None:
    """Let PostgreSQL's planner see a freshly stored run (the review room pages query it at once).

    Until autovacuum gets to it, a run of 20,000 new rows can make a ranking search take
    seconds instead of milliseconds. SQLite needs nothing.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE task_scores"))


def stored_scores(*, session: Session, run_id: int) -> pd.DataFrame:
    """A run's stored scores joined with the task facts ranking needs, as a DataFrame."""
    import pandas as pd

    query = (
        select(
            TaskScore.task_id, TaskScore.task_key, TaskScore.rank.label("stored_rank"), TaskScore.group_id,
            *[getattr(TaskScore, name) for name in SCORE_FIELDS],
            Department.name.label("department"), Task.name, Task.annual_hours, Task.fiscal_year,
        )
        .join(Task, TaskScore.task_id == Task.id)
        .join(Department, Task.department_id == Department.id)
        .where(TaskScore.run_id == run_id)
        .order_by(TaskScore.rank)
    )  # fmt: skip
    return pd.DataFrame([dict(r) for r in session.execute(query).mappings()])


# What a candidate list shows of a stored score (bpr.scoring.ranking.RANK_COLUMNS), as stored.
_RANKED_COLUMNS = (
    TaskScore.task_id, TaskScore.task_key, Department.name.label("department"), Task.name, Task.annual_hours,
    TaskScore.rpa_score, TaskScore.ocr_score, TaskScore.recommended_tool, TaskScore.knocked_out,
    TaskScore.knockout_reason, TaskScore.expected_hours_saved, TaskScore.difficulty.label("ease"),
    TaskScore.quadrant, TaskScore.rank, TaskScore.group_id, TaskScore.explanation, TaskScore.missing_attributes,
)  # fmt: skip


def stored_ranking(*, session: Session, run_id: int) -> list[dict[str, Any]]:
    """A run's candidate list as it was ranked when scored: one dict per task, in rank order.

    The rows `rank(stored_scores(…), …)` gives for the whole run, read without pandas
    (`dxi rank` at the desk); bpr.scoring.selection filters them.
    """
    query = (
        select(*_RANKED_COLUMNS)
        .join(Task, TaskScore.task_id == Task.id)
        .join(Department, Task.department_id == Department.id)
        .where(TaskScore.run_id == run_id)
        .order_by(TaskScore.rank)
    )
    rows = [dict(r) for r in session.execute(query).mappings()]
    for row in rows:  # hours to 0.1 as rank() rounds them (numpy: half to even of hours × 10)
        row["annual_hours"] = None if row["annual_hours"] is None else round(row["annual_hours"] * 10) / 10
    return rows


def stored_groups(*, session: Session, run_id: int) -> list[dict[str, Any]]:
    """A run's 横展開 groups in rank order."""
    query = select(RolloutGroup).where(RolloutGroup.run_id == run_id).order_by(RolloutGroup.rank)
    return [
        {"group_id": g.group_id, "name": g.name, "departments": g.departments, "task_count": g.task_count,
         "combined_hours": g.combined_hours, "combined_hours_saved": g.combined_hours_saved,
         "best_tool": g.best_tool, "rank": g.rank}
        for g in session.scalars(query)
    ]  # fmt: skip


@dataclass(frozen=True)
class Decision:
    """The latest decision on a task key, with the scores it was taken on."""

    task_key: str
    decision: str
    reason: str
    reviewer: str
    decided_at: datetime
    rpa_score: float | None
    ocr_score: float | None


def record_review(
    *, session: Session, task_id: int, decision: str, reason: str, reviewer: str, source: str = "cli"
) -> Review:
    """Store a decision on a task (history is never overwritten), with the scores it saw.

    Only stores: `bpr.review.service.record_decision` checks the decision and reason first.
    """
    # Lock the task (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises): two decisions on
    # one task at once then get their ids and decided_at in the same order, so "the latest" is
    # one decision for every view (max id) and for anyone reading the times.
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFoundError(f"業務ID {task_id} は登録されていません")
    score = session.execute(
        select(TaskScore.run_id, TaskScore.priority, TaskScore.rpa_score, TaskScore.ocr_score)
        .where(TaskScore.task_key == task.task_key)
        .order_by(TaskScore.run_id.desc())
        .limit(1)
    ).first()
    review = Review(
        task_key=task.task_key, task_id=task.id, fiscal_year=task.fiscal_year, decision=decision, reason=reason,
        reviewer=reviewer, decided_at=now(), run_id=score.run_id if score else None,
        priority_at_decision=score.priority if score else None, rpa_score_at_decision=score.rpa_score if score else None,
        ocr_score_at_decision=score.ocr_score if score else None, source=source,
    )  # fmt: skip
    session.add(review)
    session.flush()
    audit(session=session, actor=reviewer, action="review.decided", entity="task", entity_id=task.id,
          task_key=task.task_key, decision=decision, reason=reason, source=source)  # fmt: skip
    return review


def latest_decisions(*, session: Session, task_keys: Sequence[str] | None = None) -> dict[str, Decision]:
    """The latest decision per task key (all keys when none are given)."""
    newest = select(Review.task_key, func.max(Review.id).label("id")).group_by(Review.task_key)
    if task_keys is not None:
        newest = newest.where(Review.task_key.in_(list(task_keys)))
    sub = newest.subquery()
    reviews = session.scalars(select(Review).join(sub, Review.id == sub.c.id))
    return {
        r.task_key: Decision(r.task_key, r.decision, r.reason, r.reviewer, r.decided_at,
                             r.rpa_score_at_decision, r.ocr_score_at_decision)
        for r in reviews
    }  # fmt: skip


def review_history(*, session: Session, task_key: str) -> list[Review]:
    """Every decision ever taken on a task key, oldest first."""
    return list(session.scalars(select(Review).where(Review.task_key == task_key).order_by(Review.id)))


def current_task_ids(*, session: Session, task_ids: Sequence[int]) -> set[int]:
    """Which of the given task ids belong to a current (not superseded) submission."""
    query = (
        select(Task.id)
        .join(SurveySubmission, Task.submission_id == SurveySubmission.id)
        .where(Task.id.in_(list(task_ids)), SurveySubmission.status == "current")
    )
    return set(session.scalars(query))
