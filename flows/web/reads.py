"""Page loads on SQLite read without queueing behind writers: deferred transactions, retried.

A GET or HEAD opens its request session with `read_scope` (BEGIN DEFERRED on SQLite):
on WAL, reading takes no lock, so ten reviewers opening pages never wait for one
reviewer's decision being written. A page load that writes after all (a session's
last-seen time, an expired session removed) may find that another connection wrote
first; SQLite then refuses at once (`UpgradeConflict`), nothing of the attempt is
stored and no byte of the answer has been sent, so `RetryReads` runs the request again;
its last try begins as a writer (BEGIN IMMEDIATE), which waits its turn and cannot
conflict. Forms (POST) begin as writers from the start, as before.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inventory.db.engine import READ_ATTEMPTS, UpgradeConflict

READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_FIRST = "dxi.write_first"  # ASGI scope key: this try's session begins as a writer
PAUSE = 0.01  # seconds before the first retry, doubled each time


def reads(scope: Scope) -> bool:
    """Whether this request's session may begin deferred (a page load, not a form)."""
    return scope.get("method") in READ_METHODS and not scope.get(WRITE_FIRST, False)


class RetryReads:
    """Run a page load again when its deferred transaction lost an upgrade conflict."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in READ_METHODS:
            await self.app(scope, receive, send)
            return
        for attempt in range(READ_ATTEMPTS + 1):
            started = False

            async def tracked(message: Message) -> None:
                nonlocal started
                started = True
                await send(message)

            last = attempt == READ_ATTEMPTS
            try:
                await self.app({**scope, WRITE_FIRST: last}, receive, tracked)
                return
            except UpgradeConflict:
                if started or last:
                    raise
            await asyncio.sleep(PAUSE * 2**attempt)
