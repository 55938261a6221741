"""Page loads do not queue behind a writer, and one that must write after all is run again, not failed.

Before, every request began with BEGIN IMMEDIATE on SQLite: a page waited for any
decision being written (up to the 30 s busy timeout). Now a GET reads in a deferred
transaction (flows/web/reads.py); the rare GET that writes (a session's last-seen time)
and finds another writer first is run again, its last try as a writer.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from inventory.db.account_tables import WebSession
from inventory.db.engine import session_scope
from inventory.db.repository import audit, now
from inventory.db.tables import AuditEntry
from tests.flows.web.conftest import TestClient, login_as


def test_a_page_loads_while_another_connection_holds_the_write_lock(
    app_client: TestClient, engine: Engine
) -> None:
    login_as(app_client, "reviewer")
    with session_scope(engine) as writer:
        audit(session=writer, actor="テスト", action="test.pending", entity="test")
        writer.flush()  # a decision being written elsewhere: the write lock is taken
        start = time.perf_counter()
        for path in ("/", "/ranking", "/pilots", "/submissions"):
            assert app_client.get(path).status_code == 200, path
        waited = time.perf_counter() - start
    assert waited < 10.0, f"four pages took {waited:.1f} s behind one writer"


def test_a_page_load_that_must_write_waits_its_turn_and_is_answered(
    app_client: TestClient, engine: Engine
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL takes no database-wide write lock: there is no upgrade conflict to retry")
    login_as(app_client, "reviewer")
    stale = now() - timedelta(minutes=5)  # older than TOUCH_EVERY: this page load writes last_seen
    with session_scope(engine) as session:
        session.execute(update(WebSession).values(last_seen_at=stale))
    holding, release = threading.Event(), 0.5

    def writer() -> None:
        with session_scope(engine) as session:
            audit(session=session, actor="テスト", action="test.writer", entity="test")
            session.flush()
            holding.set()
            time.sleep(release)  # the page's deferred transaction cannot write until this commits

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(10)
    start = time.perf_counter()
    page = app_client.get("/ranking")
    waited = time.perf_counter() - start
    thread.join()
    assert page.status_code == 200, page.text[:500]
    assert waited >= release * 0.5, "the page was answered before the writer let go: nothing was retried"
    with session_scope(engine) as session:
        seen = session.scalars(select(WebSession.last_seen_at)).all()
        writes = session.scalars(select(AuditEntry.action).where(AuditEntry.action == "test.writer")).all()
    assert len(writes) == 1 and all(s.replace(tzinfo=None) > stale.replace(tzinfo=None) for s in seen)
