"""Reads do not queue behind writers on SQLite, and a read that writes after all never stores half.

`read_scope` begins DEFERRED: on WAL a reader takes no lock, so it answers while another
connection holds the write lock, and sees what was committed before. When the reader
then writes and another connection wrote first, SQLite refuses at once; that is an
`UpgradeConflict` (nothing stored), and `retry_reads` runs the work again.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from inventory.db.engine import UpgradeConflict, read_scope, retry_reads, session_scope
from inventory.db.repository import audit
from inventory.db.tables import AuditEntry


def _entries(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _note(session: Session, action: str) -> None:
    audit(session=session, actor="テスト", action=action, entity="test")


def test_a_read_answers_at_once_while_another_connection_holds_the_write_lock(engine: Engine) -> None:
    with session_scope(engine) as session:
        _note(session, "committed")
    with session_scope(engine) as writer:
        _note(writer, "pending")
        writer.flush()  # the writer holds the write lock (SQLite) or a row lock (PostgreSQL) from here
        start = time.perf_counter()
        with read_scope(engine) as reader:
            seen = _entries(reader)
        waited = time.perf_counter() - start
    assert seen == 1, "the reader sees what was committed, not the pending write"
    assert waited < 2.0, f"the read waited {waited:.1f} s for the writer"
    with read_scope(engine) as reader:
        assert _entries(reader) == 2


def test_a_read_that_writes_after_another_wrote_conflicts_and_stores_nothing(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no upgrade conflict: its transactions write without a database lock")
    with pytest.raises(UpgradeConflict):
        with read_scope(engine) as reader:
            assert _entries(reader) == 0  # the read starts the snapshot
            with session_scope(engine) as other:
                _note(other, "other")
            _note(reader, "late")
            reader.flush()
    with read_scope(engine) as reader:
        assert [e.action for e in reader.scalars(select(AuditEntry))] == ["other"]


def test_retry_reads_runs_the_work_again_and_stores_it_once(engine: Engine) -> None:
    attempts: list[int] = []

    def work(session: Session) -> int:
        seen = _entries(session)
        attempts.append(seen)
        if len(attempts) == 1:  # another connection writes between this read and this write
            with session_scope(engine) as other:
                _note(other, "other")
        _note(session, "mine")
        session.flush()
        return seen

    seen = retry_reads(engine, work)
    with read_scope(engine) as reader:
        actions = sorted(e.action for e in reader.scalars(select(AuditEntry)))
    assert actions == ["mine", "other"]
    if engine.dialect.name == "sqlite":
        assert attempts == [0, 1] and seen == 1  # the second try read the other's write first
    else:
        assert attempts == [0] and seen == 0
