"""Claim files from a shared inbox folder so that overlapping runs never process a file twice.

A run claims a file by renaming it into its own folder `<inbox>/.processing/<claim-id>/`:
rename() is atomic on one filesystem, so when two runs race exactly one wins and the
other gets FileNotFoundError and skips. Processed files go to `accepted/<年度>/` or
`rejected/` (error workbook beside), never over another file. The claim id names its
owner (time, host, pid), so `recover_stale_claims` can put back a crashed run's files.
The database's content-hash check (same bytes = "unchanged") stays a second defence.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from inventory.intake.claim_ids import (
    RECOVERING,
    STALE_AFTER_SECONDS,
    claim_id,
    is_stale,
    parse_claim_id,
    pid_alive,
)
from inventory.intake.survey import error_workbook_path
from inventory.survey.error_workbook import is_untouched_error_workbook

PROCESSING = ".processing"
ACCEPTED = "accepted"
REJECTED = "rejected"
SETTLE_SECONDS = 5.0  # a file modified more recently may still be being copied in
_TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download")
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class Candidate:
    """A file in the inbox as listed: its size and mtime are compared again at claim time."""

    path: Path
    size: int
    mtime: float


@dataclass
class Claim:
    """The files one run took from the inbox, oldest first (an older version is stored first)."""

    inbox: Path
    folder: Path
    files: list[Path] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)  # names skipped: changed or locked at claim time


def is_ignored(name: str) -> bool:
    """Hidden, temporary, lock and system files are never claimed."""
    lower = name.lower()
    return (
        name.startswith((".", "~"))  # ~$book.xlsx: Excel's lock file
        or lower.endswith(_TEMP_SUFFIXES)
        or lower in _SYSTEM_FILES
    )


def is_our_output(path: Path) -> bool:
    """An error workbook exactly as we wrote it: never a submission.

    Once a clerk has fixed and saved it, it is their resubmission and is claimed like
    any other file, whatever its name.
    """
    return "_エラー" in path.stem and is_untouched_error_workbook(path)


def is_settled(candidate: Candidate, *, now: float, settle_seconds: float = SETTLE_SECONDS) -> bool:
    """True when the file has not been modified for `settle_seconds`: its copy has finished."""
    return now - candidate.mtime >= settle_seconds


def numbered_name(name: str, n: int) -> str:
    """`a.xlsx` for n = 1, then `a_2.xlsx`, `a_3.xlsx` …: a free name that keeps the suffix."""
    path = Path(name)
    return name if n == 1 else f"{path.stem}_{n}{path.suffix}"


def accepted_folder(inbox: Path, fiscal_year: int | None) -> Path:
    """`accepted/<年度>/`, e.g. accepted/2024 for 令和6年度."""
    return inbox / ACCEPTED / (str(fiscal_year) if fiscal_year is not None else "年度不明")


def list_candidates(inbox: Path) -> list[Candidate]:
    """The files directly in the inbox that may be claimed (sub-folders and ignored names left out)."""
    found: list[Candidate] = []
    try:
        entries = list(os.scandir(inbox))
    except FileNotFoundError:
        return []
    for entry in entries:
        if is_ignored(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or is_our_output(Path(entry.path)):
                continue
            info = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # claimed by another run meanwhile
            continue
        found.append(Candidate(Path(entry.path), info.st_size, info.st_mtime))
    return sorted(found, key=lambda c: (c.mtime, c.path.name))


def claim_files(inbox: Path, candidates: list[Candidate], *, now: float | None = None) -> Claim:
    """Rename each candidate into a new claim folder; files another run took first are skipped."""
    now = time.time() if now is None else now
    folder = inbox / PROCESSING / claim_id(now=now, host=socket.gethostname(), pid=os.getpid())
    folder.mkdir(parents=True)
    claim = Claim(inbox=inbox, folder=folder)
    for candidate in candidates:
        try:
            info = candidate.path.stat()
        except FileNotFoundError:
            continue
        if (info.st_size, info.st_mtime) != (candidate.size, candidate.mtime):
            claim.busy.append(candidate.path.name)  # still being written
            continue
        target = folder / candidate.path.name
        try:
            os.replace(candidate.path, target)  # target is in our new folder: nothing to replace
        except FileNotFoundError:
            continue  # the other run won the race
        except PermissionError:
            claim.busy.append(candidate.path.name)  # open in another program (Windows shares)
            continue
        claim.files.append(target)
    return claim


def claim_new_files(
    inbox: Path, *, settle_seconds: float = SETTLE_SECONDS, now: float | None = None
) -> Claim:
    """Claim every settled file in the inbox; files modified in the last seconds wait for next time."""
    inbox.mkdir(parents=True, exist_ok=True)
    now = time.time() if now is None else now
    listed = list_candidates(inbox)
    ready = [is_settled(c, now=now, settle_seconds=settle_seconds) for c in listed]
    claim = claim_files(inbox, [c for c, ok in zip(listed, ready, strict=True) if ok], now=now)
    claim.busy.extend(c.path.name for c, ok in zip(listed, ready, strict=True) if not ok)
    return claim


def move_no_replace(source: Path, folder: Path) -> Path:
    """Move a file into folder under its own name, or the first free numbered name; never overwrite.

    A hard link fails when the name exists, which makes "is it free?" and "take it" one
    step; where hard links are not supported (FAT, exFAT, some SMB shares) we fall back to
    check-then-rename, and there os.rename is what we want: Windows refuses an existing name.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for n in itertools.count(1):
        target = folder / numbered_name(source.name, n)
        try:
            os.link(source, target)  # noqa: TID251 (falls back below)
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            try:
                os.rename(source, target)  # noqa: TID251 (no replace wanted, see above)
            except FileExistsError:  # Windows: taken since the check
                continue
            return target
        os.unlink(source)
        return target
    raise AssertionError("unreachable")


def accept(claim: Claim, path: Path, fiscal_year: int | None) -> Path:
    """File an ingested file under accepted/<年度>/."""
    return move_no_replace(path, accepted_folder(claim.inbox, fiscal_year))


def reject(claim: Claim, path: Path, error_workbook: Path | None) -> tuple[Path, Path | None]:
    """File a rejected file under rejected/, its error workbook beside it under the matching name."""
    moved = move_no_replace(path, claim.inbox / REJECTED)
    if error_workbook is None or not error_workbook.exists():
        return moved, None
    paired = error_workbook_path(moved, None)
    if paired.name != error_workbook.name:
        error_workbook = error_workbook.replace(error_workbook.with_name(paired.name))  # ours, in the claim
    return moved, move_no_replace(error_workbook, moved.parent)


def release(claim: Claim) -> list[Path]:
    """Put the files still in the claim back in the inbox (the run failed before filing them)."""
    restored = _put_back(claim.folder, claim.inbox)
    finish(claim)
    return restored


def finish(claim: Claim) -> None:
    """Remove the claim folder once every file has been filed."""
    _remove_if_empty(claim.folder)


def recover_stale_claims(
    inbox: Path, *, stale_after: float = STALE_AFTER_SECONDS, now: float | None = None,
    alive: Callable[[int], bool] = pid_alive,
) -> list[Path]:  # fmt: skip
    """Put back the files of claims whose run crashed; returns the restored paths.

    The recovering run first renames the whole claim folder to a name of its own, so two
    runs recovering at once cannot both move the same files.
    """
    root = inbox / PROCESSING
    now = time.time() if now is None else now
    host = socket.gethostname()
    restored: list[Path] = []
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir())
    except FileNotFoundError:
        return []
    for folder in folders:
        try:
            mtime = folder.stat().st_mtime
        except FileNotFoundError:
            continue
        owner = parse_claim_id(folder.name)
        if not is_stale(owner, folder_mtime=mtime, now=now, host=host, alive=alive, stale_after=stale_after):
            continue
        grabbed = root / (RECOVERING + claim_id(now=now, host=host, pid=os.getpid()))
        try:
            os.replace(folder, grabbed)  # grabbed is a new name of ours
        except OSError:
            continue  # another run recovered it first, or its owner just finished
        restored.extend(_put_back(grabbed, inbox))
        _remove_if_empty(grabbed)
    return restored


def _put_back(folder: Path, inbox: Path) -> list[Path]:
    restored = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        if is_our_output(path):
            path.unlink()  # written by the crashed run; the next run writes it again
            continue
        restored.append(move_no_replace(path, inbox))
    return restored


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty (something unexpected to look at) or gone
        folder.rmdir()
