"""Surveys → scoring → pilots in production → overtime → `dxi effects`: the whole loop on one database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bpr.pilots.service import add_measurement, advance_pilot, create_pilot, production_automations
from bpr.scoring.config import default_config
from flows.task_scoring import score, store
from flows.town.panel import make_panel
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.db.overtime_repo import replace_overtime
from inventory.db.scoring_repo import inventory_frame
from inventory.db.submission_repo import store_survey
from inventory.db.tables import Department, Task
from inventory.overtime.reader import OvertimeMonthIn
from inventory.settings import get_settings
from tests.factories import make_survey, make_task
from tests.flows.cli_runner import dxi

PLANTED = -3.0


@pytest.fixture
def town() -> dict[str, tuple[int, int]]:
    """A 16-課 town with four years of overtime and production robots where the panel planted them."""
    panel, treated = make_panel(departments=16, years=4, start_fy=2022, effect=PLANTED, seed=11)
    settings = get_settings()
    settings.ensure_home()
    url = settings.db_url
    engine = engine_for(url)
    upgrade(engine)
    with session_scope(engine) as session:
        for name in panel["department"].unique():
            task = make_task(
                task_code=f"{name}-1", name=f"{name}の申請書入力", annual_volume=6000, minutes_per_case=10
            )
            store_survey(
                session=session, survey=make_survey(tag=str(name), department=str(name), tasks=[task])
            )
    with session_scope(engine) as session:
        frame = inventory_frame(session=session, fiscal_year=2024)
    scored, _groups, ranked, group_ranking = score.fn(frame, default_config())
    store.fn(url, 2024, default_config(), frame, scored, ranked, group_ranking, "test", None)
    with session_scope(engine) as session:
        rows = [
            OvertimeMonthIn.model_validate(r)
            for r in panel[["department", "year", "month", "overtime_hours", "headcount"]].to_dict("records")
        ]
        replace_overtime(
            session=session, rows=rows, file_name="給与システム.csv", content_hash="h", actor="test"
        )
        task_of = dict(
            session.execute(
                select(Department.name, Task.id).join(Task, Task.department_id == Department.id)
            ).all()
        )
        for department, (year, month) in treated.items():
            pilot = create_pilot(session=session, task_id=task_of[department], tool="rpa", actor="DX推進課")
            add_measurement(
                session=session, pilot_id=pilot.id, phase="before", cases=100, minutes=10, actor="DX推進課"
            )
            for state in ("選定", "実証中"):
                advance_pilot(session=session, pilot_id=pilot.id, to=state, actor="DX推進課")
            add_measurement(
                session=session, pilot_id=pilot.id, phase="after", cases=100, minutes=2, actor="DX推進課"
            )
            advance_pilot(session=session, pilot_id=pilot.id, to="効果検証", actor="DX推進課")
            advance_pilot(
                session=session, pilot_id=pilot.id, to="本格導入", on=date(year, month, 15), actor="DX推進課"
            )
    return treated


def test_effects_report_uses_the_pilots_in_production(
    town: dict[str, tuple[int, int]], tmp_path: Path
) -> None:
    with session_scope(engine_for(get_settings().db_url)) as session:
        assert production_automations(session=session) == town
    code, out = dxi("effects", "--fy", "2025", "--baseline-fy", "2022", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert (report["baseline_fy"], report["kpi_fy"], report["target_pct"]) == (2022, 2025, 20.0)
    assert report["did_ci_low"] <= PLANTED <= report["did_ci_high"]
    assert (
        report["naive_before_after"] < report["did_estimate"]
    )  # the plain comparison also credits the trend
    pilots = report["pilots"]
    assert len(pilots) == len(town)
    # 6,000 cases × (10 − 2) minutes / 60 = 800 hours a year per pilot
    assert {round(p["realised_hours"]) for p in pilots} == {800}
    assert all(p["estimated_hours"] > 0 for p in pilots)

    target = tmp_path / "報告.html"
    assert dxi("effects", "--fy", "2025", "-o", str(target))[0] == 0
    html = target.read_text(encoding="utf-8")
    assert "導入効果報告" in html and "http" not in html
