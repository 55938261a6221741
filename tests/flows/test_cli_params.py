"""`dxi` options read 年度, dates and choices in the spellings staff type, and store the same.

Each case runs the real command twice, once with the code spelling and once with the
Japanese one, on SQLite and on PostgreSQL, and compares what was stored or written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from inventory.db.campaign_tables import Campaign
from inventory.db.engine import session_scope
from inventory.db.pilot_tables import Pilot, PilotMeasurement
from inventory.settings import get_settings
from tests.flows.cli_runner import dxi
from tests.inventory.db.test_pilot_repo import seed_scored_inventory

VOLATILE = {"id", "pilot_id", "created_at", "updated_at", "opened_at", "outbox"}


@pytest.fixture
def cli_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Point dxi at the test database (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("DXI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def _stored(engine: Engine, table: Any) -> list[dict[str, object]]:
    with session_scope(engine) as session:
        rows = session.scalars(select(table).order_by(table.id)).all()
        return [
            {c.key: getattr(r, c.key) for c in table.__table__.columns if c.key not in VOLATILE} for r in rows
        ]


def _cells(path: Path) -> list[list[object]]:
    book = load_workbook(path)
    return [[cell.value for row in sheet.iter_rows() for cell in row] for sheet in book.worksheets]


def test_template_fy_in_era_spelling_writes_the_same_workbook(tmp_path: Path) -> None:
    code, out = dxi("template", "--fy", "2025", "--dept", "税務課", "-o", str(tmp_path / "code.xlsx"))
    assert code == 0, out
    for spelling in ("令和7", "令和7年度", "R7", "ｒ７", "２０２５", "FY2025"):
        target = tmp_path / f"{spelling}.xlsx"
        code, out = dxi("template", "--fy", spelling, "--dept", "税務課", "-o", str(target))
        assert code == 0, out
        assert _cells(target) == _cells(tmp_path / "code.xlsx"), spelling


def test_pilot_tool_phase_and_dates_in_japanese_store_the_codes(cli_engine: Engine) -> None:
    with session_scope(cli_engine) as session:
        task = seed_scored_inventory(session)[("税務課", "住民税の申告書入力")]
    runs = [
        (["--tool", "ai-ocr", "--start", "2025-04-01"], ["--phase", "before", "--date", "2025-05-01"]),
        (["--tool", "AI-OCR", "--start", "令和7年4月1日"], ["--phase", "導入前", "--date", "R7.5.1"]),
        (
            ["--tool", "ＡＩ－ＯＣＲ", "--start", "2025/4/1"],
            ["--phase", " 導入前 ", "--date", "２０２５年５月１日"],
        ),
    ]
    for create, measure in runs:
        code, out = dxi("pilot", "create", "--task", str(task), *create, "--format", "json")
        assert code == 0, out
        pilot_id = str(json.loads(out)["id"])
        code, out = dxi("pilot", "measure", pilot_id, "--cases", "10", "--minutes", "3", *measure)
        assert code == 0, out
    pilots, samples = _stored(cli_engine, Pilot), _stored(cli_engine, PilotMeasurement)
    assert len(pilots) == len(samples) == 3
    assert pilots[0]["tool"] == "ai-ocr" and samples[0]["phase"] == "before"
    assert pilots[1:] == [pilots[0]] * 2 and samples[1:] == [samples[0]] * 2

    for spelling, tool in (("RPA", "rpa"), ("ｒｐａ", "rpa"), ("両方", "both"), ("AI-OCR+RPA", "both")):
        assert dxi("pilot", "create", "--task", str(task), "--tool", spelling)[0] == 0
        assert _stored(cli_engine, Pilot)[-1]["tool"] == tool


def test_campaign_deadline_and_fy_in_era_spelling(cli_engine: Engine, tmp_path: Path) -> None:
    depts = tmp_path / "課一覧.csv"
    depts.write_text("部,課\n総務部,税務課\n", encoding="utf-8")
    stored = []
    for fy, deadline in (("2026", "2026-06-30"), ("令和8年度", "令和8年6月30日"), ("R8", "R8.6.30")):
        outbox = tmp_path / f"outbox-{fy}"
        code, out = dxi("campaign", "open", "--fy", fy, "--deadline", deadline, "--depts", str(depts),
                        "--outbox", str(outbox))  # fmt: skip
        assert code == 0, out
        assert dxi("campaign", "close", "--fy", fy)[0] == 0
        stored.append({k: v for k, v in _stored(cli_engine, Campaign)[-1].items() if k not in {"closed_at"}})
    assert stored[0]["fiscal_year"] == 2026 and str(stored[0]["deadline"]) == "2026-06-30"
    assert stored[1:] == [stored[0]] * 2
