"""Claim ids: who took files from the inbox, and whether that claim was abandoned.

A claim folder is named `<UTC time>-<host>-<pid>-<nonce>`, so a later run can tell a
crashed run's files (its process is gone, or on another host, it is old) from a long
run still at work.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import psutil

RECOVERING = ".recovering-"
STALE_AFTER_SECONDS = 2 * 3600.0  # a claim of another host this old is taken to be abandoned
_STAMP = "%Y%m%dT%H%M%SZ"
_CLAIM_ID = re.compile(r"^(?P<stamp>\d{8}T\d{6}Z)-(?P<host>.+)-(?P<pid>\d+)-(?P<nonce>[0-9a-f]{8})$")


@dataclass(frozen=True)
class Owner:
    """Who made a claim, read back from the claim id."""

    host: str
    pid: int
    started_at: float  # seconds since the epoch


def claim_id(*, now: float, host: str, pid: int, nonce: str | None = None) -> str:
    """A claim folder name that says when, where and by which process it was made."""
    stamp = datetime.fromtimestamp(now, UTC).strftime(_STAMP)
    return f"{stamp}-{safe_host(host)}-{pid}-{nonce or uuid.uuid4().hex[:8]}"


def parse_claim_id(name: str) -> Owner | None:
    """The owner a claim folder name records, or None for a name we did not make."""
    match = _CLAIM_ID.match(name.removeprefix(RECOVERING))
    if match is None:
        return None
    started = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC).timestamp()
    return Owner(host=match["host"], pid=int(match["pid"]), started_at=started)


def is_stale(
    owner: Owner | None, *, folder_mtime: float, now: float, host: str, alive: Callable[[int], bool],
    stale_after: float = STALE_AFTER_SECONDS,
) -> bool:  # fmt: skip
    """Whether a claim was abandoned: its process is gone (same host) or it is old (other host).

    On this host the process table is the truth, whatever the age, so a long run is never
    robbed of its files; another host's processes cannot be seen, so age decides there.
    """
    if owner is None:
        return now - folder_mtime > stale_after
    if owner.host == safe_host(host):
        return not alive(owner.pid)
    return now - owner.started_at > stale_after


def safe_host(host: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", host) or "host"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine.

    Not os.kill(pid, 0): on Windows that sends Ctrl+C to the process group `pid`.
    """
    return bool(psutil.pid_exists(pid))
