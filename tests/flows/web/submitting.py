"""Helpers for the 提出 tests: an open campaign on the seeded town, workbooks, one upload as a browser sends it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from inventory.db.campaign_repo import open_campaign
from inventory.db.engine import session_scope
from inventory.db.tables import Base
from tests.flows.web.conftest import TestClient, csrf_of
from tests.inventory.workbooks import HEADER, xlsx_bytes

DEPARTMENTS = ("税務課", "市民課", "福祉課")
GOOD_ROWS = [
    HEADER,
    ["住民税の申告書入力", "定型", "なし", "紙（手書き）", 12000, 6],
    ["支出命令書の作成", "定型", "なし", "電子", 2400, 15],
    ["課税台帳の照会", "一部定型", "一部あり", "電子", "1,200件", "約10分"],
]
BAD_ROWS = [
    HEADER,
    ["住民税の申告書入力", "定型", "なし", "紙ベース", 12000, 6],
    ["支出命令書の作成", "定型", "なし", "電子", "不明", 15],
    ["課税台帳の照会", "一部定型", "一部あり", "電子", 1200, "随時"],
]


def open_town_campaign(
    engine: Engine, outbox: Path, deadline: date = date(2099, 6, 30), layout: str | None = None
) -> None:
    """令和6年度's campaign sent to the town's three 課 (each already has a survey on file)."""
    with session_scope(engine) as session:
        open_campaign(session=session, fiscal_year=2024, deadline=deadline, outbox=outbox, actor="dx",
                      departments=[(d, None, f"{d}.xlsx") for d in DEPARTMENTS], layout=layout)  # fmt: skip


def workbook(rows: list[list[Any]], department: str = "税務課", fiscal_year: object = 2024) -> bytes:
    """A survey as a clerk saves it: 表紙 with 年度 and 課, the task sheet."""
    return xlsx_bytes(rows, cover=(("年度", fiscal_year), ("課", department)))


def upload(client: TestClient, data: bytes, name: str = "税務課.xlsx", dept: str | None = None,
           csrf: str | None = None) -> Any:  # fmt: skip
    """POST one file through the 提出 form with the page's CSRF token (or the one given)."""
    token = csrf if csrf is not None else csrf_of(client.get("/submit").text)
    form = {"csrf_token": token} | ({"dept": dept} if dept else {})
    return client.post("/submit", data=form, files={"file": (name, data, "application/octet-stream")})


def counts(engine: Engine, *, skip: tuple[str, ...] = ("audit_log",)) -> dict[str, int]:
    """Rows per table (but `skip`): what an upload that stores nothing must leave unchanged."""
    with session_scope(engine) as session:
        return {
            t.name: int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
            if t.name not in skip
        }
