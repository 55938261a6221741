"""The web 候補一覧 marks the candidates whose screening workbook (二次調査票) has not come back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from inventory.campaign.screening import SheetSent
from inventory.db.engine import session_scope
from inventory.db.screening_repo import record_sent
from inventory.db.tables import Task
from tests.flows.web.conftest import Town, login_as


def test_ranking_page_and_its_csv_show_which_candidates_wait_for_screening(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    waiting = town.tasks[("税務課", "住民税の申告書入力")]
    with session_scope(engine) as session:
        key = session.scalar(select(Task.task_key).where(Task.id == waiting))
        assert key is not None
        sheet = SheetSent("税務課", None, "令和6年度_二次調査票_税務課.xlsx", (key,), datetime.now(UTC))
        record_sent(session=session, fiscal_year=2024, sheets=[sheet], folder="/tmp/out", actor="test")
    login_as(app_client, "reviewer")
    page = app_client.get("/ranking?fy=2024&per=200").text
    rows = page.split("<tr")
    marked = [r for r in rows if "二次調査待ち" in r]
    assert len(marked) == 1 and "住民税の申告書入力" in marked[0]
    export = app_client.get("/ranking/download.csv?fy=2024").content.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(export)))
    states = {r["業務名"]: r["二次調査"] for r in table}
    assert states["住民税の申告書入力"] == "二次調査待ち"
    assert {v for name, v in states.items() if name != "住民税の申告書入力"} == {""}
