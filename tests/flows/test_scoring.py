"""The nightly rescoring stores a new run only when the inventory or the config changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bpr.scoring.config import default_config
from bpr.scoring.ranking import rank
from bpr.scoring.rollout import find_rollout_groups, rank_groups
from bpr.scoring.score import score_tasks
from flows.task_scoring import task_scoring
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.db.scoring_repo import (
    inventory_frame,
    latest_run,
    refresh_statistics,
    run_is_current,
    save_scoring_run,
)
from inventory.db.scoring_tables import ScoringRun, TaskScore
from inventory.db.submission_repo import store_survey
from tests.factories import make_survey, make_task


def _store(url: str, tag: str, minutes: float = 6) -> None:
    tasks = [
        make_task(
            source_row=2,
            task_code="T1",
            name="住民税の申告書入力",
            annual_volume=12000,
            minutes_per_case=minutes,
        ),
        make_task(
            source_row=3, task_code="T2", name="支出命令書の作成", annual_volume=2400, minutes_per_case=15
        ),
    ]
    with session_scope(engine_for(url)) as session:
        store_survey(session=session, survey=make_survey(tag=tag, tasks=tasks))


def _runs(url: str) -> int:
    with session_scope(engine_for(url)) as session:
        return int(session.scalar(select(func.count()).select_from(ScoringRun)) or 0)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_skip_unchanged_stores_a_run_only_when_tasks_or_config_changed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dxi.sqlite3'}"
    upgrade(engine_for(url))
    _store(url, "v1")

    first = task_scoring(fiscal_year=2024, database_url=url, skip_unchanged=True)
    assert not first.skipped and _runs(url) == 1

    again = task_scoring(fiscal_year=2024, database_url=url, skip_unchanged=True)
    assert again.skipped and again.run_id == first.run_id and _runs(url) == 1
    assert (again.task_count, again.knocked_out, again.group_count) == (
        first.task_count,
        first.knocked_out,
        first.group_count,
    )
    assert again.expected_hours_saved == pytest.approx(first.expected_hours_saved)

    # A person asking for a score always gets a new run.
    assert not task_scoring(fiscal_year=2024, database_url=url).skipped and _runs(url) == 2

    # A resubmission replaces the tasks: the nightly run scores them.
    _store(url, "v2", minutes=9)
    resubmitted = task_scoring(fiscal_year=2024, database_url=url, skip_unchanged=True)
    assert not resubmitted.skipped and _runs(url) == 3

    # So does a changed config.
    config = tmp_path / "weights.toml"
    config.write_text("[knockout]\nmin_annual_hours = 10.0\n", encoding="utf-8")
    changed = task_scoring(fiscal_year=2024, database_url=url, skip_unchanged=True, config_path=str(config))
    assert not changed.skipped and _runs(url) == 4


def test_run_is_current_compares_task_ids_and_config(engine: Engine) -> None:
    _store(engine.url.render_as_string(hide_password=False), "v1")
    with session_scope(engine) as session:
        frame = inventory_frame(session=session, fiscal_year=2024)
        config = default_config()
        scored = score_tasks(frame, config)
        groups = find_rollout_groups(frame, config)
        run_id = save_scoring_run(
            session=session,
            fiscal_year=2024,
            config=config.model_dump(mode="json"),
            config_hash=config.config_hash(),
            ranked=rank(scored, frame, groups=groups),
            scored=scored,
            groups=rank_groups(scored, frame, groups),
            task_keys=dict(zip(frame["task_id"].astype(int), frame["task_key"], strict=True)),
            actor="test",
        )
        refresh_statistics(session=session)  # ANALYZE on PostgreSQL, nothing on SQLite
        run = latest_run(session=session, fiscal_year=2024)
        assert run is not None and run.id == run_id
        ids = frame["task_id"].tolist()
        assert run_is_current(session=session, run=run, task_ids=ids, config_hash=config.config_hash())
        assert not run_is_current(
            session=session, run=run, task_ids=ids[:1], config_hash=config.config_hash()
        )
        assert not run_is_current(
            session=session, run=run, task_ids=[*ids[:1], 10**9], config_hash=config.config_hash()
        )
        assert not run_is_current(session=session, run=run, task_ids=ids, config_hash="0" * 64)
        assert session.scalar(select(func.count()).select_from(TaskScore)) == len(ids)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_top_candidates_leave_out_knocked_out_tasks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dxi.sqlite3'}"
    upgrade(engine_for(url))
    _store(url, "v1")
    closing = [make_task(source_row=2, task_code="K1", name="旧システムの保守", annual_volume=100,
                         minutes_per_case=60, abolition_planned=True)]  # fmt: skip
    with session_scope(engine_for(url)) as session:
        store_survey(session=session, survey=make_survey(tag="k", department="市民課", tasks=closing))

    summary = task_scoring(fiscal_year=2024, database_url=url)

    assert summary.knocked_out == 1
    assert [row["業務名"] for row in summary.top] == ["住民税の申告書入力", "支出命令書の作成"]
