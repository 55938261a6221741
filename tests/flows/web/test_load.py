"""Ten reviewers at once lose no decision: a real `dxi web` process, load from this one.

The server is the real command on a free 127.0.0.1 port over a seeded database
(synthetic workbooks ingested and scored); this test process is the second
process, driving parallel reviewers with their own sessions through
tests/flows/web/load_driver.py. Afterwards the database is checked by the unique
reason strings: every acknowledged decision is stored exactly once, with its audit
entry, and nothing else. Also: two reviewers deciding one task at the same instant
are both kept and every view agrees on the latest; a decision whose COMMIT fails is
never answered "saved" (PostgreSQL, a deferred trigger refuses it). Bounded: a
request budget, a wall-time limit, and the server is always stopped. The long run
with figures is bench/web_load.py.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from inventory.db.engine import session_scope
from inventory.db.scoring_repo import latest_decisions, record_review
from inventory.db.scoring_tables import Review
from inventory.db.tables import AuditEntry, Task
from tests.flows.web.load_driver import CSRF, LoadResult, check_loopback, race_same_task, run_load
from tests.flows.web.load_server import (
    PASSWORD,
    check_stored,
    dxi_web,
    reviewer_names,
    seed_load_town,
    server_log,
)
from tests.inventory.db.test_pilot_repo import seed_scored_inventory

REVIEWERS = 10
DECISIONS = 10  # per reviewer
WALL = 120.0  # seconds; far above the few seconds this takes, it only bounds a hang
RACE_ROUNDS = 12


@dataclass
class Served:
    base_url: str
    task_ids: list[int]
    home: Path
    users: list[tuple[str, str]]


@pytest.fixture
def served(engine: Engine, tmp_path: Path) -> Iterator[Served]:
    task_ids = seed_load_town(engine, tmp_path / "files", reviewers=REVIEWERS)
    home = tmp_path / "server-home"
    users = [(name, PASSWORD) for name in reviewer_names(REVIEWERS)]
    with dxi_web(engine.url.render_as_string(hide_password=False), home) as base_url:
        yield Served(base_url, task_ids, home, users)


def explain(result: LoadResult, served: Served) -> str:
    return f"{result.figures()}\nserver log:\n{server_log(served.home)[-3000:]}"


def stored_reviews(engine: Engine, prefix: str) -> list[Review]:
    with session_scope(engine) as session:
        query = select(Review).where(Review.reason.startswith(prefix)).order_by(Review.id)
        return list(session.scalars(query))


def audit_entries(engine: Engine) -> list[AuditEntry]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.5:8765", "https://127.0.0.1:8765", "http://example.org", "http://127.0.0.1.example.org"],
)
def test_the_driver_only_loads_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="127.0.0.1"):
        check_loopback(url)
    with pytest.raises(ValueError):
        run_load(url, [("a", "b")], [1], decisions=1)


def test_ten_parallel_reviewers_lose_no_decision(engine: Engine, served: Served) -> None:
    result = run_load(served.base_url, served.users, served.task_ids, decisions=DECISIONS,
                      max_requests=REVIEWERS * (DECISIONS * 3 + 2), wall_seconds=WALL, tag="load")  # fmt: skip
    why = explain(result, served)
    assert result.errors == {}, why
    assert not result.stopped_early, why
    assert result.decisions_sent == len(result.acks) == REVIEWERS * DECISIONS, why
    assert all(ack.visible for ack in result.acks), f"the page after 保存 did not show the decision: {why}"

    reviews = stored_reviews(engine, "負荷試験 load ")
    counts = Counter(r.reason for r in reviews)
    assert [reason for reason, n in counts.items() if n > 1] == [], "a decision was stored twice"
    assert set(counts) == {a.reason for a in result.acks}, "lost or unexpected decisions"
    by_reason = {r.reason: r for r in reviews}
    for ack in result.acks:
        review = by_reason[ack.reason]
        assert (review.task_id, review.decision, review.reviewer, review.source) == (
            ack.task_id, ack.decision, ack.reviewer, "web"
        )  # fmt: skip
        assert review.run_id is not None and review.priority_at_decision is not None

    entries = audit_entries(engine)
    decided = [e for e in entries if e.action == "review.decided"]
    assert len(decided) == len(reviews)
    audited = {e.details["reason"]: e for e in decided}
    assert len(audited) == len(decided) and set(audited) == set(by_reason)
    for reason, entry in audited.items():
        review = by_reason[reason]
        assert (entry.actor, entry.entity_id, entry.details["decision"], entry.details["task_key"]) == (
            review.reviewer, str(review.task_id), review.decision, review.task_key
        )  # fmt: skip
    actions = Counter(e.action for e in entries)
    assert actions["web.login"] == REVIEWERS
    refused = ("web.login_failed", "web.login_throttled", "web.forbidden", "web.csrf_refused")
    assert {a: actions[a] for a in refused if actions[a]} == {}

    # A run cut short by its request budget or its deadline still loses nothing it acknowledged.
    by_count = run_load(served.base_url, served.users[:3], served.task_ids, decisions=1000, max_requests=25,
                        wall_seconds=WALL, tag="budget")  # fmt: skip
    by_time = run_load(served.base_url, served.users[3:6], served.task_ids, decisions=100_000, wall_seconds=5.0,
                       tag="deadline")  # fmt: skip
    for result, tag in ((by_count, "budget"), (by_time, "deadline")):
        check = check_stored(engine, result.acks, f"負荷試験 {tag} ")
        assert result.stopped_early and result.acks, explain(result, served)
        assert (
            check["lost"] == check["stored_twice"] == check["stored_wrong"] == check["audit_mismatch"] == 0
        ), check
    assert by_count.requests <= 25


def test_two_reviewers_deciding_the_same_task_at_once_are_both_kept(engine: Engine, served: Served) -> None:
    task_id = served.task_ids[0]
    pair = served.users[:2]
    result = race_same_task(served.base_url, pair, task_id, rounds=RACE_ROUNDS, wall_seconds=WALL)
    why = explain(result, served)
    assert result.errors == {} and not result.stopped_early, why
    assert len(result.acks) == 2 * RACE_ROUNDS and all(ack.visible for ack in result.acks), why

    history = stored_reviews(engine, "負荷試験 race ")
    assert sorted(r.reason for r in history) == sorted(a.reason for a in result.acks)
    assert {r.task_id for r in history} == {task_id}
    # The barrier releases a round only after both posts of the previous one were answered,
    # so the history holds the rounds in order, each round's two decisions side by side.
    rounds = [r.reason.rsplit("判断", 1)[1] for r in history]
    assert rounds == sorted(rounds)
    assert [r.decided_at for r in history] == sorted(r.decided_at for r in history), (
        "times disagree with order"
    )

    # The latest wins, and every view agrees which one that is.
    newest = history[-1]
    with session_scope(engine) as session:
        task_key = session.get_one(Task, task_id).task_key
        latest = latest_decisions(session=session, task_keys=[task_key])[task_key]
    assert (latest.decision, latest.reason, latest.reviewer) == (
        newest.decision,
        newest.reason,
        newest.reviewer,
    )
    with httpx.Client(base_url=served.base_url, follow_redirects=False, timeout=30.0) as client:
        page = client.get("/login")
        token = CSRF.search(page.text)
        assert token
        data = {"username": pair[0][0], "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
        assert client.post("/login", data=data).status_code == 303
        html = client.get(f"/tasks/{task_id}").text
        shown = html[html.index('id="history"') :]
        positions = [shown.index(r.reason) for r in reversed(history)]
        assert positions == sorted(positions), "the task page does not list the newest decision first"
        csv_text = client.get("/ranking/download.csv").content.decode("utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["業務ID"] == str(task_id)]
    assert row["判断"] == newest.decision


REFUSE_AT_COMMIT = """
CREATE FUNCTION dxi_test_refuse_review() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF starts_with(NEW.reason, '負荷試験 commit-fails ') THEN
        PERFORM pg_sleep(1);  -- long after the redirect could have gone out
        RAISE EXCEPTION 'the test refuses this commit';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER dxi_test_refuse_review AFTER INSERT ON reviews
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dxi_test_refuse_review();
"""


@pytest.fixture
def refusing_commit(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Served]:
    """A served town whose database refuses, at COMMIT, any review with a 'commit-fails' reason."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no deferred trigger to make a COMMIT fail; the PostgreSQL run shows it")
    served: Served = request.getfixturevalue("served")
    with engine.begin() as conn:
        conn.exec_driver_sql(REFUSE_AT_COMMIT)
    try:
        yield served
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER dxi_test_refuse_review ON reviews")
            conn.exec_driver_sql("DROP FUNCTION dxi_test_refuse_review()")


def test_a_decision_is_committed_before_it_is_acknowledged(engine: Engine, refusing_commit: Served) -> None:
    """A commit that fails must not have been answered "saved" (failed on FastAPI's default dependency scope)."""
    served = refusing_commit
    result = run_load(served.base_url, served.users[:1], served.task_ids[:2], decisions=2,
                      max_requests=20, wall_seconds=WALL, tag="commit-fails")  # fmt: skip
    assert stored_reviews(engine, "負荷試験 commit-fails ") == []
    assert result.acks == [], f"told 保存しました, but not stored: {[a.reason for a in result.acks]}"
    assert result.errors.get("POST 500"), explain(result, served)


def test_a_failed_commit_is_explained_in_japanese(refusing_commit: Served) -> None:
    """The reviewer must learn, in Japanese, that the decision was not recorded."""
    served = refusing_commit
    with httpx.Client(base_url=served.base_url, follow_redirects=False, timeout=30.0) as client:
        token = CSRF.search(client.get("/login").text)
        assert token
        data = {
            "username": served.users[0][0],
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": "/",
        }
        assert client.post("/login", data=data).status_code == 303
        page = CSRF.search(client.get(f"/tasks/{served.task_ids[0]}").text)
        assert page
        form = {"csrf_token": page.group(1), "decision": "採用", "reason": "負荷試験 commit-fails 一件"}
        answer = client.post(f"/tasks/{served.task_ids[0]}/review", data=form)
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("text/html"), answer.text
    assert '<html lang="ja">' in answer.text and "Internal Server Error" not in answer.text, answer.text


def test_a_second_decision_on_the_same_task_waits_for_the_first(engine: Engine) -> None:
    """record_review locks the task, so ids and decided_at of one task's decisions agree in order."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every write transaction already (BEGIN IMMEDIATE)")
    with session_scope(engine) as session:
        task_id = seed_scored_inventory(session)[("税務課", "住民税の申告書入力")]
    second: dict[str, object] = {}

    def decide_second() -> None:
        with session_scope(engine) as session:
            review = record_review(session=session, task_id=task_id, decision="保留", reason="後の判断",
                                   reviewer="suzuki", source="web")  # fmt: skip
            second.update(id=review.id, at=review.decided_at)

    with Session(engine) as first, first.begin():
        review = record_review(session=first, task_id=task_id, decision="採用", reason="先の判断",
                               reviewer="sato", source="web")  # fmt: skip
        first_pid = first.execute(text("SELECT pg_backend_pid()")).scalar_one()
        worker = threading.Thread(target=decide_second, daemon=True)
        worker.start()
        waiting = False
        blocked = text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
        # Autocommit: pg_stat_activity is read once per transaction, so each poll needs its own.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as probe:
            for _ in range(300):  # up to 30 s; the other backend waits on the task row in milliseconds
                waiting = bool(probe.execute(blocked, {"pid": first_pid}).scalar_one())
                if waiting or not worker.is_alive():
                    break
                time.sleep(0.1)
        assert waiting, "the second decision did not wait for the first one's transaction"
        first_id, first_at = review.id, review.decided_at
    worker.join(timeout=30)
    assert not worker.is_alive() and second, "the second decision did not complete"
    assert second["id"] > first_id and second["at"] > first_at  # type: ignore[operator]
