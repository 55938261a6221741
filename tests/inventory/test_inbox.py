"""Claiming, filing and recovering inbox files, on real files in a temp folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from inventory.errors import RowError
from inventory.intake import claim_ids
from inventory.intake import inbox as box
from inventory.survey.error_workbook import write_error_workbook
from tests.inventory.workbooks import HEADER

HOUR = 3600.0


def drop(folder: Path, name: str, *, age: float = 60.0, data: bytes | None = None) -> Path:
    """A file as a clerk drops it, last modified `age` seconds ago."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if data is not None else name.encode())
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def dead_pid() -> int:
    """The id of a process that has just exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("税務課.xlsx", False),
        ("2024_市民課_業務量調査.csv", False),
        ("説明.pdf", False),  # claimed, and rejected with the reader's message
        ("~$税務課.xlsx", True),
        (".税務課.xlsx.swp", True),
        (".DS_Store", True),
        ("税務課.xlsx.tmp", True),
        ("download.crdownload", True),
        ("Thumbs.db", True),
        ("税務課_エラー.xlsx", False),  # a clerk's fixed error workbook is a resubmission
    ],
)
def test_hidden_temp_lock_and_error_files_are_never_claimed(name: str, ignored: bool) -> None:
    assert box.is_ignored(name) is ignored


def test_claim_takes_settled_files_oldest_first_and_leaves_the_rest(tmp_path: Path) -> None:
    drop(tmp_path, "新しい.xlsx", age=100)
    drop(tmp_path, "古い.xlsx", age=500)
    drop(tmp_path, "コピー中.xlsx", age=1)
    drop(tmp_path, "~$古い.xlsx")
    drop(tmp_path, "accepted/2024/前回.xlsx")
    claim = box.claim_new_files(tmp_path, settle_seconds=5)
    assert [p.name for p in claim.files] == ["古い.xlsx", "新しい.xlsx"]
    assert all(p.parent == claim.folder and p.exists() for p in claim.files)
    assert claim.folder.parent == tmp_path / box.PROCESSING
    assert claim.busy == ["コピー中.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["~$古い.xlsx", "コピー中.xlsx"]
    assert (tmp_path / "accepted/2024/前回.xlsx").exists()


def test_a_file_that_changes_after_listing_is_left_for_the_next_run(tmp_path: Path) -> None:
    path = drop(tmp_path, "税務課.xlsx", age=60)
    listed = box.list_candidates(tmp_path)
    path.write_bytes(b"still being copied ... more bytes")
    claim = box.claim_files(tmp_path, listed)
    assert claim.files == [] and claim.busy == ["税務課.xlsx"] and path.exists()


def test_the_loser_of_a_claim_race_skips_the_file(tmp_path: Path) -> None:
    for i in range(5):
        drop(tmp_path, f"{i}.xlsx")
    listed = box.list_candidates(tmp_path)  # both runs listed the folder before either claimed
    first = box.claim_files(tmp_path, listed)
    second = box.claim_files(tmp_path, listed)
    assert len(first.files) == 5 and second.files == [] and second.busy == []
    assert first.folder != second.folder


def test_many_concurrent_claims_take_each_file_exactly_once(tmp_path: Path) -> None:
    for i in range(200):
        drop(tmp_path, f"{i:03d}.xlsx")
    listed = box.list_candidates(tmp_path)
    start = threading.Barrier(8)
    claims: list[box.Claim] = []

    def run() -> None:
        start.wait()
        claims.append(box.claim_files(tmp_path, listed))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    names = [p.name for c in claims for p in c.files]
    assert sorted(names) == sorted(c.path.name for c in listed)  # every file, none twice
    assert sum(len(list(c.folder.iterdir())) for c in claims) == 200


def test_filing_never_overwrites_and_keeps_the_error_workbook_beside_its_file(tmp_path: Path) -> None:
    drop(tmp_path, "accepted/2024/税務課.xlsx", data=b"earlier")
    drop(tmp_path, "rejected/市民課.xlsx", data=b"earlier")
    drop(tmp_path, "税務課.xlsx", data=b"now")
    drop(tmp_path, "市民課.xlsx", data=b"now")
    claim = box.claim_new_files(tmp_path)
    by_name = {p.name: p for p in claim.files}
    moved = box.accept(claim, by_name["税務課.xlsx"], 2024)
    errors = drop(claim.folder, "市民課_エラー.xlsx", data=b"errors")
    rejected, beside = box.reject(claim, by_name["市民課.xlsx"], errors)
    box.finish(claim)
    assert moved == tmp_path / "accepted/2024/税務課_2.xlsx" and moved.read_bytes() == b"now"
    assert (tmp_path / "accepted/2024/税務課.xlsx").read_bytes() == b"earlier"
    assert rejected == tmp_path / "rejected/市民課_2.xlsx" and rejected.read_bytes() == b"now"
    assert beside == tmp_path / "rejected/市民課_2_エラー.xlsx" and beside.read_bytes() == b"errors"
    assert not (tmp_path / box.PROCESSING).exists() or not list((tmp_path / box.PROCESSING).iterdir())


def test_release_puts_the_files_back_without_overwriting_a_newer_drop(tmp_path: Path) -> None:
    drop(tmp_path, "税務課.xlsx", data=b"v1")
    claim = box.claim_new_files(tmp_path)
    drop(tmp_path, "税務課.xlsx", data=b"v2")  # dropped again while the run was working
    restored = box.release(claim)
    assert [p.name for p in restored] == ["税務課_2.xlsx"]
    assert (tmp_path / "税務課.xlsx").read_bytes() == b"v2"
    assert not claim.folder.exists()


def test_claim_ids_name_their_owner() -> None:
    now = time.time()
    name = claim_ids.claim_id(now=now, host="lg-pc-01.example", pid=4321)
    owner = claim_ids.parse_claim_id(name)
    assert owner == claim_ids.Owner(host="lg-pc-01.example", pid=4321, started_at=float(int(now)))
    assert claim_ids.parse_claim_id(claim_ids.RECOVERING + name) == owner
    assert claim_ids.parse_claim_id("写真") is None


def _claim_folder(inbox: Path, *, host: str, pid: int, age: float, files: list[str]) -> Path:
    folder = inbox / box.PROCESSING / claim_ids.claim_id(now=time.time() - age, host=host, pid=pid)
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        drop(folder, name)
    return folder


def test_recovery_puts_back_only_abandoned_claims(tmp_path: Path) -> None:
    here = socket.gethostname()
    crashed = _claim_folder(tmp_path, host=here, pid=dead_pid(), age=60, files=["a.xlsx"])
    untouched_error_workbook(crashed / "a_エラー.xlsx")
    running = _claim_folder(tmp_path, host=here, pid=os.getpid(), age=10 * HOUR, files=["b.xlsx"])
    other_old = _claim_folder(tmp_path, host="other-pc", pid=1, age=3 * HOUR, files=["c.xlsx"])
    other_new = _claim_folder(tmp_path, host="other-pc", pid=1, age=60, files=["d.xlsx"])
    foreign = tmp_path / box.PROCESSING / "手で作ったフォルダ"
    drop(foreign, "e.xlsx")
    old = time.time() - 3 * HOUR
    os.utime(foreign, (old, old))
    restored = box.recover_stale_claims(tmp_path, stale_after=2 * HOUR)
    assert sorted(p.name for p in restored) == ["a.xlsx", "c.xlsx", "e.xlsx"]
    assert all(p.parent == tmp_path for p in restored)
    assert not (tmp_path / "a_エラー.xlsx").exists(), "error workbooks are written again, not put back"
    assert not crashed.exists() and not other_old.exists() and not foreign.exists()
    assert (running / "b.xlsx").exists() and (other_new / "d.xlsx").exists()
    assert sorted(p.name for p in (tmp_path / box.PROCESSING).iterdir()) == sorted(
        [running.name, other_new.name]
    )


def test_concurrent_recoveries_put_each_file_back_once(tmp_path: Path) -> None:
    for k in range(10):
        _claim_folder(
            tmp_path, host="other-pc", pid=k, age=3 * HOUR, files=[f"{k}-{i}.xlsx" for i in range(5)]
        )
    start = threading.Barrier(4)
    restored: list[Path] = []

    def run() -> None:
        start.wait()
        restored.extend(box.recover_stale_claims(tmp_path, stale_after=2 * HOUR))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    names = sorted(p.name for p in restored)
    assert names == sorted(f"{k}-{i}.xlsx" for k in range(10) for i in range(5))
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == names
    assert list((tmp_path / box.PROCESSING).iterdir()) == []


def test_is_stale_rules() -> None:
    now, host = time.time(), socket.gethostname()
    mine = claim_ids.parse_claim_id(claim_ids.claim_id(now=now, host=host, pid=1))
    later = now + 10 * HOUR

    def stale(owner: claim_ids.Owner | None, *, alive: bool, at: float = later) -> bool:
        return claim_ids.is_stale(
            owner, folder_mtime=now, now=at, host=host, alive=lambda _: alive, stale_after=HOUR
        )

    assert stale(mine, alive=False)
    assert not stale(mine, alive=True), "a live local run keeps its claim, however old"
    assert stale(None, alive=True)  # a folder we did not name: its age decides
    assert not stale(None, alive=True, at=now + 60)


def test_a_process_is_alive_while_it_runs_and_not_after() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert claim_ids.pid_alive(os.getpid()) and claim_ids.pid_alive(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not claim_ids.pid_alive(child.pid)


def untouched_error_workbook(path: Path) -> Path:
    """An error workbook exactly as intake writes it."""
    error = RowError(
        file="a.xlsx", sheet="業務一覧", row=2, column="年間件数", value="不明", code="x", message="数値"
    )
    return write_error_workbook(path, headers=HEADER, rows=[(2, ["受付", "定型", "なし", "電子", "不明", 5])],
                                errors=[error], cover={"fiscal_year": 2025, "department": "税務課"})  # fmt: skip


def test_our_error_workbooks_stay_but_a_saved_fix_is_claimed(tmp_path: Path) -> None:
    untouched_error_workbook(tmp_path / "税務課_エラー.xlsx")
    fixed = untouched_error_workbook(tmp_path / "市民課_エラー.xlsx")
    book = openpyxl.load_workbook(fixed)
    book.save(fixed)  # the clerk opened, fixed and saved it
    old = time.time() - 600
    for path in tmp_path.iterdir():
        os.utime(path, (old, old))
    assert [c.path.name for c in box.list_candidates(tmp_path)] == ["市民課_エラー.xlsx"]


def test_recovery_puts_back_a_clerks_fixed_error_workbook(tmp_path: Path) -> None:
    crashed = _claim_folder(tmp_path, host=socket.gethostname(), pid=dead_pid(), age=60, files=[])
    fixed = untouched_error_workbook(crashed / "税務課_エラー.xlsx")
    openpyxl.load_workbook(fixed).save(fixed)
    restored = box.recover_stale_claims(tmp_path, stale_after=2 * HOUR)
    assert [p.name for p in restored] == ["税務課_エラー.xlsx"] and (tmp_path / "税務課_エラー.xlsx").exists()
