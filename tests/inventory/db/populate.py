"""Fill a database through the real code paths, and read every table back for comparison.

Used by the backup and CLI tests: real workbooks ingested (one rejected, one
resubmitted so a submission points at its successor), a scoring run stored by the
flow's task functions, a pilot with events and a measurement, a review, overtime.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select

from bpr.pilots.service import add_measurement, advance_pilot, create_pilot
from flows.town.survey import make_town
from flows.town.survey_files import corrupt, write_survey
from inventory.db.engine import session_scope
from inventory.db.overtime_repo import replace_overtime
from inventory.db.scoring_repo import record_review
from inventory.intake.survey import ingest_file
from inventory.overtime.reader import OvertimeMonthIn

TOWN = make_town(departments=4, tasks_per_department=12, seed=11)


def populate(engine: Engine, folder: Path) -> None:
    """Ingest, reject, resubmit, score, pilot, review and import overtime into `engine`'s database."""
    from bpr.scoring.config import default_config
    from flows.task_scoring import load_inventory, score, store

    for number, survey in enumerate(TOWN):
        path = write_survey(survey, folder / "in", style="messy" if number % 2 else "clean", rng_seed=1)
        assert ingest_file(engine=engine, path=path).status == "accepted"
    bad, _cells = corrupt(TOWN[1], folder / "bad", seed=2)
    assert ingest_file(engine=engine, path=bad).status == "rejected"
    again = write_survey(TOWN[0], folder / "again", style="messy", rng_seed=5)
    assert ingest_file(engine=engine, path=again).status == "resubmitted"

    url = engine.url.render_as_string(hide_password=False)
    config = default_config()
    year, tasks = load_inventory.fn(url, None)
    scored, _groups, ranked, group_ranking = score.fn(tasks, config)
    store.fn(url, year, config, tasks, scored, ranked, group_ranking, "テスト", None)

    top = int(ranked.iloc[0]["task_id"])
    with session_scope(engine) as session:
        pilot = create_pilot(session=session, task_id=top, tool="rpa", vendor="○○社", initial_cost=300_000,
                             actor="山田", reason="採点1位")  # fmt: skip
        pilot_id = pilot.id
        record_review(session=session, task_id=top, decision="採用", reason="効果が大きい", reviewer="佐藤")
    with session_scope(engine) as session:
        for state in ("選定", "実証中"):
            advance_pilot(session=session, pilot_id=pilot_id, to=state, on=date(2025, 4, 1), actor="佐藤")
        add_measurement(session=session, pilot_id=pilot_id, phase="before", cases=120, minutes=9.5,
                        measured_on=date(2025, 4, 10), note="4月の実測", actor="佐藤")  # fmt: skip
    months = [
        OvertimeMonthIn(department=s.department, year=2024, month=m, overtime_hours=10.5 * m, headcount=8)
        for s in TOWN[:2]
        for m in (4, 5, 6)
    ]
    with session_scope(engine) as session:
        replace_overtime(session=session, rows=months, file_name="時間外_2024.xlsx", content_hash="ab" * 32,
                         actor="人事課")  # fmt: skip


def _plain(value: Any) -> Any:
    """Compare values across backends: datetimes as aware UTC (SQLite keeps no zone)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the database (reflected), rows ordered by primary key."""
    reflected = MetaData()
    with engine.connect() as conn:
        reflected.reflect(bind=conn)
        return {
            table.name: [
                tuple(_plain(v) for v in row)
                for row in conn.execute(select(table).order_by(*(table.primary_key.columns or table.columns)))
            ]
            for table in reflected.sorted_tables
        }
