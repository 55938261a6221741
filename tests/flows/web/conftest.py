"""Fixtures for the web UI: a scored town on the real database, three accounts, a logged-in client."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from starlette.exceptions import StarletteDeprecationWarning

from bpr.pilots.service import add_measurement, advance_pilot, create_pilot
from flows.web.app import create_app
from inventory.db.account_repo import add_user
from inventory.db.engine import session_scope
from inventory.db.overtime_repo import replace_overtime
from inventory.db.submission_repo import record_rejection
from inventory.overtime.reader import OvertimeMonthIn
from inventory.settings import get_settings
from tests.inventory.db.test_pilot_repo import seed_scored_inventory

with warnings.catch_warnings():
    # starlette 1.x prefers the httpx2 package for its TestClient; httpx works the same here.
    warnings.filterwarnings(
        "ignore", "Using `httpx` with `starlette.testclient`", StarletteDeprecationWarning
    )
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
USERS = {"admin": ("kanri", None), "reviewer": ("shinsa", None), "dept": ("zeimu", "税務課")}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Town:
    """What the seeded town holds: task ids by (課, 業務名), the pilot, the rejection entry."""

    tasks: dict[tuple[str, str], int]
    pilot_id: int
    rejection_ids: dict[str, int]


def overtime_rows() -> list[OvertimeMonthIn]:
    """Two full 年度 for three 課; 福祉課 has only two staff (a small cell)."""
    heads = {"税務課": 12, "市民課": 8, "福祉課": 2}
    rows = []
    for fy, factor in ((2022, 1.0), (2023, 0.8)):
        for i, month in enumerate((4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)):
            year = fy if month >= 4 else fy + 1
            for dept, head in heads.items():
                rows.append(OvertimeMonthIn(department=dept, year=year, month=month,
                                            overtime_hours=round(head * (10 + i % 3) * factor, 1), headcount=head))  # fmt: skip
    return rows


def seed_town(engine: Engine) -> Town:
    with session_scope(engine) as session:
        tasks = seed_scored_inventory(session)
        pilot = create_pilot(session=session, task_id=tasks[("税務課", "住民税の申告書入力")], tool="ai-ocr",
                             vendor="○○社", actor="山田")  # fmt: skip
        for state in ("選定", "実証中"):
            advance_pilot(session=session, pilot_id=pilot.id, to=state, actor="山田")
        add_measurement(
            session=session, pilot_id=pilot.id, phase="before", cases=100, minutes=6, actor="山田"
        )
        add_measurement(session=session, pilot_id=pilot.id, phase="after", cases=100, minutes=2, actor="山田")
        replace_overtime(session=session, rows=overtime_rows(), file_name="ot.xlsx", content_hash="h" * 64,
                         actor="test")  # fmt: skip
        for dept in ("税務課", "市民課"):
            record_rejection(session=session, file_name=f"{dept}_誤り.xlsx", content_hash=dept.encode().hex() * 4,
                             error_count=3, department=dept, fiscal_year=2024, codes=["required", "not_a_number"])  # fmt: skip
        for role, (name, dept) in USERS.items():
            add_user(session=session, name=name, role=role, department=dept, password=PASSWORD)
        pilot_id = pilot.id
    from sqlalchemy import select

    from inventory.db.tables import AuditEntry

    with session_scope(engine) as session:
        entries = session.execute(
            select(AuditEntry.id, AuditEntry.details).where(AuditEntry.action == "survey.rejected")
        ).all()
        rejection_ids = {details["department"]: entry_id for entry_id, details in entries}
    return Town(tasks=tasks, pilot_id=pilot_id, rejection_ids=rejection_ids)


@pytest.fixture
def town(engine: Engine) -> Town:
    return seed_town(engine)


@pytest.fixture
def app_client(engine: Engine, town: Town) -> Iterator[TestClient]:
    app = create_app(settings=get_settings(), engine=engine)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> object:
    page = client.get("/login")
    return client.post("/login", data={"username": name, "password": password, "csrf_token": csrf_of(page.text),
                                       "next": "/"})  # fmt: skip


def login_as(client: TestClient, role: str) -> None:
    response = login(client, USERS[role][0])
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through the web UI (Playwright)")
