"""Engines and sessions; opened at the edges (CLI command, flow task, web request).

Two kinds of transaction on SQLite (PostgreSQL needs neither distinction):

    session_scope   BEGIN IMMEDIATE: takes the write lock at the start, so two writers
                    (two intakes, two decisions on one task) queue instead of failing.
    read_scope      BEGIN (deferred): a read takes no lock, so on WAL a page load or a
                    listing never waits for a writer. Should the work write after all
                    (a session's last-seen time), SQLite refuses the upgrade at once when
                    another connection wrote meanwhile; that surfaces as `UpgradeConflict`,
                    and `retry_reads` runs the work again, the last time as a writer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
DEFERRED = "dxi_deferred"  # execution option: this connection's transactions begin DEFERRED
SQLITE_BUSY = 5  # the primary code of SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT (517)
READ_ATTEMPTS = 4  # deferred tries before the last one, which takes the write lock first


class UpgradeConflict(Exception):
    """A deferred (read) transaction could not start writing: another connection wrote first."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(DEFERRED):
        conn.exec_driver_sql("BEGIN")  # no lock until the first read; readers never queue on WAL
    else:
        # Take the write lock at BEGIN so two intakes serialise instead of failing on upgrade.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create an engine with the per-dialect settings this application relies on.

    hide_parameters: a failing statement's error (logged by Prefect when a task fails)
    must not carry cell values from a survey or overtime file into the logs.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself

        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """Return one shared engine per URL in this process."""
    return make_engine(url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session whose transaction commits on success and rolls back on any error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


def is_upgrade_conflict(exc: BaseException) -> bool:
    """Whether SQLite refused to turn a deferred transaction into a writing one (SQLITE_BUSY*)."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return isinstance(exc, OperationalError) and isinstance(code, int) and code & 0xFF == SQLITE_BUSY


@contextmanager
def read_scope(engine: Engine, *, write_first: bool = False) -> Iterator[Session]:
    """A session for work that mostly reads: on SQLite its transaction begins DEFERRED.

    Commits on success like `session_scope`. A write that SQLite refuses because another
    connection wrote since this transaction's first read raises `UpgradeConflict`
    (nothing is stored); run the work again, e.g. with `retry_reads`. `write_first`
    begins IMMEDIATE instead, which waits for the lock and cannot conflict.
    """
    bind = engine if write_first else engine.execution_options(**{DEFERRED: True})
    try:
        with sessionmaker(bind, expire_on_commit=False)() as session, session.begin():
            yield session
    except OperationalError as exc:
        if engine.dialect.name == "sqlite" and not write_first and is_upgrade_conflict(exc):
            raise UpgradeConflict("another connection wrote first; run the work again") from exc
        raise


def retry_reads(
    engine: Engine, work: Callable[[Session], T], *, attempts: int = READ_ATTEMPTS, pause: float = 0.01
) -> T:
    """Run `work` in a `read_scope`, again on an upgrade conflict; the last try begins as a writer."""
    for attempt in range(attempts):
        try:
            with read_scope(engine) as session:
                return work(session)
        except UpgradeConflict:
            time.sleep(pause * 2**attempt)
    with read_scope(engine, write_first=True) as session:
        return work(session)
