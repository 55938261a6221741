"""`dxi calibrate` on a real database: pilots measured at a planted share of their estimate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bpr.pilots.service import add_measurement, advance_pilot, create_pilot
from bpr.scoring.config import ScoringConfig, default_config
from bpr.scoring.savings import TOOLS, tool_options
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.db.scoring_repo import inventory_frame
from inventory.db.scoring_tables import TaskScore
from inventory.settings import get_settings
from tests.flows.cli_runner import dxi
from tests.inventory.db.test_pilot_repo import seed_scored_inventory

PLANTS = {("税務課", "支出命令書の作成"): ("rpa", 0.5), ("市民課", "支出命令書の作成"): ("rpa", 0.5),
          ("税務課", "住民税の申告書入力"): ("both", 0.8)}  # fmt: skip
SCORING_TOOL = {"rpa": "rpa", "both": "ai-ocr+rpa"}


def estimate(frame, task_id: int, tool: str, cfg: ScoringConfig) -> float:  # type: ignore[no-untyped-def]
    o = tool_options(frame, cfg)
    row = frame.index[frame["task_id"] == task_id][0]
    return float(o.net[row, TOOLS.index(SCORING_TOOL[tool])])


@pytest.fixture
def planted() -> dict[int, float]:
    """Pilots whose realised saving is the planted share of the default config's estimate; task id → realised."""
    engine = engine_for(get_settings().db_url)
    get_settings().ensure_home()
    upgrade(engine)
    realised = {}
    with session_scope(engine) as session:
        ids = seed_scored_inventory(session)
        frame = inventory_frame(session=session, fiscal_year=2024)
        for key, (tool, share) in PLANTS.items():
            task = ids[key]
            row = frame.loc[frame["task_id"] == task].iloc[0]
            target = share * estimate(frame, task, tool, default_config())
            after = row["minutes_per_case"] - target * 60 / row["annual_volume"]
            pilot = create_pilot(session=session, task_id=task, tool=tool)
            add_measurement(session=session, pilot_id=pilot.id, phase="before", cases=50,
                            minutes=float(row["minutes_per_case"]))  # fmt: skip
            for state in ("選定", "実証中"):
                advance_pilot(session=session, pilot_id=pilot.id, to=state)
            add_measurement(session=session, pilot_id=pilot.id, phase="after", cases=50, minutes=float(after))
            realised[task] = target
    return realised


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_calibrate_prints_the_ratio_and_writes_a_config_that_scores(
    planted: dict[int, float], tmp_path: Path
) -> None:
    code, out = dxi("calibrate")
    assert code == 0, out
    assert "見込みと実績（実証 3 件）" in out and "実績÷見込み" in out
    assert "RPA" in out and "50%" in out and "AI-OCR+RPA" in out and "80%" in out

    code, out = dxi("calibrate", "--format", "json")
    rows = json.loads(out)
    assert {(r["tool"], round(r["ratio"], 3)) for r in rows} == {("rpa", 0.5), ("ai-ocr+rpa", 0.8)}

    target = tmp_path / "calibrated.toml"
    code, out = dxi("calibrate", "-o", str(target))
    assert code == 0 and f"書き出しました: {target}" in out, out
    calibrated = ScoringConfig.from_toml(target)
    engine = engine_for(get_settings().db_url)
    with session_scope(engine) as session:
        frame = inventory_frame(session=session, fiscal_year=2024)
    for key, (tool, _share) in PLANTS.items():
        task = frame.loc[(frame["department"] == key[0]) & (frame["name"] == key[1]), "task_id"].iloc[0]
        before = estimate(frame, task, tool, default_config())
        after = estimate(frame, task, tool, calibrated)
        assert abs(after - planted[task]) < abs(before - planted[task]) / 10, key

    code, out = dxi("calibrate", "--config", str(target), "--format", "json")
    assert all(round(r["ratio"], 2) == 1.0 for r in json.loads(out))
    assert dxi("score", "--fy", "2024", "--config", str(target))[0] == 0
    with session_scope(engine) as session:
        run = session.scalar(select(TaskScore.run_id).order_by(TaskScore.run_id.desc()).limit(1))
        stored = dict(session.execute(select(TaskScore.task_id, TaskScore.expected_hours_saved)
                                      .where(TaskScore.run_id == run)).all())  # fmt: skip
    tax_order = frame.loc[
        (frame["department"] == "税務課") & (frame["name"] == "支出命令書の作成"), "task_id"
    ].iloc[0]
    before = estimate(frame, tax_order, "rpa", default_config())
    # one factor per tool and band pools both 支出命令書 pilots: each moves most of the way, not exactly
    assert abs(stored[tax_order] - planted[tax_order]) < abs(before - planted[tax_order]) / 10


def test_calibrate_without_measured_pilots_says_what_to_do(planted: dict[int, float]) -> None:
    code, out = dxi("calibrate", "--fy", "2030")
    assert code == 2 and "2030年度に導入前・導入後の両方を測定した実証がありません" in out
    code, out = dxi("calibrate", "--config", "missing.toml")
    assert code == 2 and "見つかりません" in out
