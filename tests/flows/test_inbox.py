"""The inbox-scan and overtime-scan flows on real workbooks, real folders and both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from flows.inbox_scan import inbox_scan, overtime_scan
from flows.town.survey import make_town
from flows.town.survey_files import corrupt, write_town
from inventory.db.engine import session_scope
from inventory.db.overtime_tables import OvertimeMonth
from inventory.db.submission_repo import store_survey
from inventory.db.tables import AuditEntry, SurveySubmission
from inventory.errors import SettingsError
from inventory.intake import inbox as box
from inventory.settings import get_settings
from tests.factories import make_survey
from tests.inventory.workbooks import write_xlsx

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

TOWN = make_town(departments=20, tasks_per_department=6, seed=11)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def settle(folder: Path, age: float = 60.0) -> None:
    """Age every dropped file so the scan sees its copy as finished."""
    stamp = time.time() - age
    for path in folder.iterdir():
        if path.is_file():
            os.utime(path, (stamp, stamp))


def drop_town(inbox: Path, *, good: int, bad: int) -> tuple[list[str], list[str]]:
    """Write `good` valid surveys (mixed styles) and `bad` ones with mistakes; return their names."""
    accepted = [p.name for p in write_town(TOWN[:good], inbox, seed=3)]
    rejected = [corrupt(s, inbox, seed=i)[0].name for i, s in enumerate(TOWN[good : good + bad])]
    settle(inbox)
    return accepted, rejected


def audit_counts(engine: Engine) -> Counter[tuple[str, str]]:
    with session_scope(engine) as session:
        return Counter((e.action, str(e.details.get("file"))) for e in session.scalars(select(AuditEntry)))


def submission_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(SurveySubmission)) or 0)


def test_scan_stores_accepted_files_and_returns_rejected_ones_with_their_error_workbook(
    engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    accepted, rejected = drop_town(inbox, good=3, bad=1)
    (inbox / "~$lock.xlsx").write_bytes(b"lock")
    write_town(TOWN[5:6], inbox, style="clean", seed=3)  # just arrived: still being copied

    summary = inbox_scan.fn(inbox=str(inbox), database_url=url_of(engine))

    assert sorted(f.file for f in summary.accepted) == sorted(accepted)
    assert {f.status for f in summary.accepted} == {"accepted"}
    assert sorted((inbox / "accepted" / "2024").iterdir()) == sorted(
        inbox / "accepted/2024" / n for n in accepted
    )
    (bad,) = rejected
    error_workbook = inbox / "rejected" / bad.replace(".xlsx", "_エラー.xlsx")
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == sorted([bad, error_workbook.name])
    assert summary.rejected[0].error_workbook == str(error_workbook)
    assert "エラー一覧" in load_workbook(error_workbook, read_only=True).sheetnames
    assert summary.waiting == ["2024_" + TOWN[5].department + "_業務量調査.xlsx"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == sorted(["~$lock.xlsx", *summary.waiting])
    assert submission_count(engine) == 3
    assert audit_counts(engine)[("survey.rejected", bad)] == 1

    # Nothing new: nothing happens. The same bytes again: filed as unchanged, not stored twice.
    assert inbox_scan.fn(inbox=str(inbox), database_url=url_of(engine), settle_seconds=3600).files == []
    again = inbox / "accepted/2024" / accepted[0]
    os.link(again, inbox / accepted[0])
    settle(inbox)
    (refiled,) = [
        f for f in inbox_scan.fn(inbox=str(inbox), database_url=url_of(engine)).files if f.file == accepted[0]
    ]
    assert refiled.status == "unchanged"
    assert Path(refiled.moved_to).name == box.numbered_name(accepted[0], 2)
    assert submission_count(engine) == 4  # the waiting file, now settled; the duplicate added nothing


def test_two_overlapping_inbox_runs_ingest_each_file_exactly_once(engine: Engine, tmp_path: Path) -> None:
    """Two scans in separate processes (as served runs are) start on the same folder at once."""
    from prefect.settings import get_current_settings

    inbox = tmp_path / "inbox"
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    go = tmp_path / "go"
    children = []
    for k in range(2):
        args = [
            str(inbox),
            url_of(engine),
            str(tmp_path / f"ready{k}"),
            str(go),
            str(tmp_path / f"out{k}.json"),
        ]
        children.append(subprocess.Popen([sys.executable, "-m", "tests.flows.inbox_child", *args], env=env))
    try:
        accepted, rejected = drop_town(inbox, good=18, bad=2)  # while the children import
        while not all((tmp_path / f"ready{k}").exists() for k in range(2)):
            assert all(c.poll() is None for c in children), "a child process died before the start"
            time.sleep(0.05)
        go.touch()
        codes = [c.wait(timeout=180) for c in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert codes == [0, 0]
    runs = [json.loads((tmp_path / f"out{k}.json").read_text(encoding="utf-8")) for k in range(2)]

    filed = [f for run in runs for f in run]
    assert sorted(f["file"] for f in filed) == sorted(accepted + rejected), "every file, each exactly once"
    assert Counter(f["status"] for f in filed) == {"accepted": 18, "rejected": 2}
    assert submission_count(engine) == 18
    audit = audit_counts(engine)
    assert audit == Counter(
        {**{("survey.accepted", n): 1 for n in accepted}, **{("survey.rejected", n): 1 for n in rejected}}
    )
    assert sorted(p.name for p in (inbox / "accepted/2024").iterdir()) == sorted(accepted)
    errors = [n.replace(".xlsx", "_エラー.xlsx") for n in rejected]
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == sorted(rejected + errors)
    assert [p for p in inbox.iterdir() if p.is_file()] == []
    assert list((inbox / box.PROCESSING).iterdir()) == []
    print("files per run:", [len(run) for run in runs])  # noqa: T201  (how the race split them)


OVERTIME_HEADER: list[object] = ["年月", "課", "時間外勤務時間", "職員数"]


def test_overtime_scan_imports_monthly_files_and_rejects_bad_ones(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        for name in ("税務課", "市民課"):
            store_survey(session=session, survey=make_survey(department=name, tag=name))
    inbox = tmp_path / "overtime"
    inbox.mkdir()
    write_xlsx(
        inbox / "時間外_2025年3月.xlsx",
        [OVERTIME_HEADER, ["2025-03", "税務課", 12, 10], ["2025-03", "市民課", 5, 4]],
        cover=(),
    )
    write_xlsx(inbox / "時間外_誤り.xlsx", [OVERTIME_HEADER, ["2025-03", "存在しない課", 1, 1]], cover=())
    (inbox / "壊れた.xlsx").write_bytes(b"not a workbook")
    settle(inbox)

    summary = overtime_scan(inbox=str(inbox), database_url=url_of(engine))  # a real run: one task per file

    assert [(f.file, f.status) for f in summary.accepted] == [("時間外_2025年3月.xlsx", "accepted")]
    assert (inbox / "accepted/2024/時間外_2025年3月.xlsx").exists(), "2025-03 belongs to 令和6年度"
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == sorted(
        ["時間外_誤り.xlsx", "時間外_誤り_エラー.xlsx", "壊れた.xlsx", "壊れた_エラー.xlsx"]
    )
    with session_scope(engine) as session:
        hours = sorted(session.scalars(select(OvertimeMonth.overtime_hours)))
    assert hours == [5.0, 12.0]
    audit = audit_counts(engine)
    assert audit[("overtime.imported", "時間外_2025年3月.xlsx")] == 1
    assert audit[("overtime.rejected", "時間外_誤り.xlsx")] == 1
    assert [p for p in inbox.iterdir() if p.is_file()] == []


def test_a_failed_run_puts_its_claimed_files_back(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A setting missing in production fails the run; the file waits in the inbox, nothing is stored."""
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(department="税務課", tag="税務課"))
    monkeypatch.setenv("DXI_ENVIRONMENT", "production")
    get_settings.cache_clear()
    inbox = tmp_path / "overtime"
    inbox.mkdir()
    staff = write_xlsx(
        inbox / "職員別_2025年3月.xlsx",
        [["年月", "課", "職員番号", "時間外勤務時間"], ["2025-03", "税務課", "A1", 3]],
        cover=(),
    )
    settle(inbox)
    with pytest.raises(SettingsError, match="DXI_PSEUDONYM_KEY"):
        overtime_scan(inbox=str(inbox), database_url=url_of(engine))
    assert staff.is_file(), "the claimed file is back where it was dropped"
    assert list((inbox / box.PROCESSING).iterdir()) == []
    assert not (inbox / "rejected").exists() and not (inbox / "accepted").exists()
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(OvertimeMonth)) == 0
