"""The hostile-input corpus (tests/corpus) through the 提出 page, on SQLite and PostgreSQL.

Every survey file is uploaded by the DX team for 税務課 in 令和6年度's campaign, as a
browser would send it. No answer is a 500; a rejected file changes no table but the
audit log and, when the file could be opened at all, the kept upload with its error
workbook; a file that cannot be opened (corrupt, encrypted, a zip bomb, external
entities) is kept nowhere. An accepted file stores exactly its tasks. Files of another
年度 are refused as such (the campaign is 令和6年度's); files the intake refuses only for
lacking 課 or 年度 are taken, since the page gives both.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.upload_tables import UploadedFile
from tests.corpus.cases import CASES
from tests.corpus.generate import expected, generate
from tests.flows.web.conftest import TestClient, Town, login_as
from tests.flows.web.submitting import counts, open_town_campaign, upload

EXPECTED = expected()
KEPT_APART = ("audit_log", "uploaded_files")
GIVEN_BY_THE_PAGE = {
    "missing_department",
    "missing_fiscal_year",
}  # the form names the 課, the campaign the 年度


@pytest.fixture(scope="module")
def canary() -> Iterator[socket.socket]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, canary: socket.socket) -> dict[str, Path]:
    port = canary.getsockname()[1]
    return generate(tmp_path_factory.mktemp("corpus"), canary_url=f"http://127.0.0.1:{port}/xxe")


def _kept(engine: Engine) -> int:
    with session_scope(engine) as session:
        return len(session.scalars(select(UploadedFile.id)).all())


def _check(client: TestClient, engine: Engine, name: str, data: bytes, want: dict[str, Any]) -> str | None:
    """Upload one file; return what went wrong, or None."""
    before, kept = counts(engine, skip=KEPT_APART), _kept(engine)
    response = upload(client, data, name, dept="税務課")
    if response.status_code not in (303, 422):
        return f"{name}: answered {response.status_code}"
    if response.status_code == 303 and client.get(response.headers["location"]).status_code != 200:
        return f"{name}: its result page does not show"
    after = counts(engine, skip=KEPT_APART)
    unreadable = want.get("errors") == [[0, "", "unreadable_file"]]
    stored = after["survey_submissions"] - before["survey_submissions"]
    grew = after["tasks"] - before["tasks"] if stored == 1 else None
    if want["outcome"] == "accepted" and want["fiscal_year"] == 2024:
        return None if grew == want["tasks"] else f"{name}: stored {grew} tasks, expected {want['tasks']}"
    if want["outcome"] == "rejected" and {code for *_, code in want["errors"]} <= GIVEN_BY_THE_PAGE:
        return None if grew else f"{name}: not stored although the page gives its 課 and 年度"
    if after != before:
        return f"{name}: a rejected file changed {[t for t in after if after[t] != before[t]]}"
    if _kept(engine) != kept + (0 if unreadable else 1):
        return f"{name}: kept {_kept(engine) - kept} uploads (unreadable: {unreadable})"
    return None


def test_the_corpus_through_the_page_gives_no_500_and_stores_nothing_it_should_not(
    app_client: TestClient, engine: Engine, town: Town, tmp_path: Path, corpus: dict[str, Path],
    canary: socket.socket,
) -> None:  # fmt: skip
    open_town_campaign(engine, tmp_path / "outbox")
    login_as(app_client, "admin")
    failures = []
    for name, (kind, _build) in CASES.items():
        if kind != "survey":
            continue
        if name == "rows_100000.xlsx" and engine.dialect.name == "sqlite":
            continue  # stored once, on PostgreSQL, as in tests/inventory/test_corpus.py
        problem = _check(app_client, engine, name, corpus[name].read_bytes(), EXPECTED[name])
        if problem:
            failures.append(problem)
    assert failures == []
    with pytest.raises(BlockingIOError):
        canary.accept()  # the external-entity files fetched nothing
