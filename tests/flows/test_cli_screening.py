"""`dxi screening` and the screening's return through the inbox, as the DX team uses them.

The survey is stored volume-only and scored; the commands run in-process on the
settings' SQLite database; the filled workbook goes back through the real inbox flow.
"""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from flows.inbox_scan import inbox_scan
from inventory.db.engine import engine_for, session_scope
from inventory.db.submission_repo import store_survey
from inventory.db.task_repo import list_tasks
from inventory.screening.fields import SCREENING_SHEET
from inventory.settings import get_settings
from tests.factories import make_survey, make_task, score_year
from tests.flows import cli_runner
from tests.inventory.screening.helpers import fill

BLANK = {"routine": None, "judgement": None, "input_medium": None}


def dxi(*args: str) -> tuple[int, str]:
    """Run dxi; the output with rich's line wrapping undone, so messages can be matched whole."""
    code, out = cli_runner.dxi(*args)
    return code, out if "json" in args else out.replace("\n", "")


@pytest.fixture
def scored() -> None:
    """FY2025: 税務課 volume-only, 市民課 fully answered; scored."""
    assert dxi("init")[0] == 0
    engine = engine_for(get_settings().db_url)
    tax = [
        make_task(source_row=2, task_code="A-001", name="住民税の申告書入力", annual_volume=12000, minutes_per_case=5, **BLANK),
        make_task(source_row=3, name="窓口での相談対応", annual_volume=3000, minutes_per_case=20, **BLANK),
    ]  # fmt: skip
    answered = {"scope": "各課固有", "form_count": 1, "system_count": 1, "documented": True, "verification": "不要",
                    "exceptions": "少ない", "change_expected": False, "abolition_planned": False}  # fmt: skip
    citizens = [
        make_task(
            source_row=2,
            task_code="C-1",
            name="住民票の写しの交付",
            annual_volume=25000,
            minutes_per_case=8,
            **answered,
        )
    ]
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tasks=tax, fiscal_year=2025, tag="tax"))
        store_survey(session=session, survey=make_survey(tasks=citizens, fiscal_year=2025, tag="cit", department="市民課", file_name="市民課.xlsx"))  # fmt: skip
        score_year(session, 2025)


@pytest.mark.usefixtures("scored")
def test_screening_writes_one_workbook_per_department_for_the_unanswered_candidates() -> None:
    code, out = dxi("screening", "--fy", "2025")
    assert code == 0, out
    assert "令和7年度 二次調査票（1 課・2 業務）" in out
    assert "令和7年度_二次調査票_税務課.xlsx" in out and "総務部" in out
    assert "属性が確認済みのため対象外: 1 件" in out
    folder = get_settings().outbox_dir / "2025" / SCREENING_SHEET
    assert [p.name for p in folder.iterdir()] == ["令和7年度_二次調査票_税務課.xlsx"]
    names = [r[2].value for r in load_workbook(next(folder.iterdir()))[SCREENING_SHEET].iter_rows(min_row=2)]
    assert names == ["住民税の申告書入力", "窓口での相談対応"]

    code, out = dxi("rank", "--fy", "2025", "--format", "json")
    assert code == 0
    marks = {r["name"]: r["screening"] for r in json.loads(out)}
    assert marks == {
        "住民税の申告書入力": "二次調査待ち",
        "窓口での相談対応": "二次調査待ち",
        "住民票の写しの交付": None,
    }
    code, out = dxi("campaign", "status", "--fy", "2025")
    assert code == 0, out
    assert "令和7年度 二次調査票" in out and "未返送" in out
    assert "二次調査票 1 課 / 返送済み 0 / 差し戻し 0 / 未返送 1（二次調査待ちの業務 2 件）" in out


@pytest.mark.usefixtures("scored")
def test_a_task_list_chooses_the_tasks_and_its_unknown_rows_stop_everything(tmp_path: Path) -> None:
    listed = tmp_path / "候補.csv"
    listed.write_bytes("課,業務ID,業務名\r\n税務課,,窓口での相談対応\r\n,C-1,\r\n".encode("cp932"))
    code, out = dxi("screening", "--fy", "2025", "--tasks", str(listed), "-o", str(tmp_path / "out"))
    assert code == 0, out
    assert "（1 課・1 業務）" in out and "対象外: 1 件" in out
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["令和7年度_二次調査票_税務課.xlsx"]

    listed.write_bytes("業務ID,業務名\r\nZ-9,\r\n,存在しない業務\r\n".encode())
    code, out = dxi("screening", "--fy", "2025", "--tasks", str(listed), "-o", str(tmp_path / "out2"))
    assert code == 2
    assert "候補.csv: 業務の一覧に 2 件の問題があります（二次調査票は作成していません）" in out
    assert "2行目 「業務ID」 業務ID「Z-9」に当たる業務は、この年度の業務一覧にありません" in out
    assert "3行目 「業務名」 業務名「存在しない業務」に当たる業務" in out
    assert not (tmp_path / "out2").exists()


@pytest.mark.usefixtures("scored")
def test_bad_options_and_a_year_without_ranking_say_what_to_do(tmp_path: Path) -> None:
    code, out = dxi("screening", "--fy", "2025", "--top", "5", "--tasks", "x.csv")
    assert code == 2 and "--top と --tasks はどちらか一方だけを指定してください" in out
    code, out = dxi("screening", "--fy", "2025", "--top", "0")
    assert code == 2 and "--top の値「0」は1以上の整数にしてください" in out
    code, out = dxi("screening", "--fy", "2024")
    assert code == 2
    assert "令和6年度（2024年度）の採点結果がありません。先に `dxi score --fy 2024` を実行するか" in out
    code, out = dxi("--help")
    assert "screening" in out and "二次調査票" in out


@pytest.mark.flow
@pytest.mark.usefixtures("scored", "prefect_harness")
def test_the_inbox_takes_a_returned_screening_workbook(tmp_path: Path) -> None:
    assert dxi("screening", "--fy", "2025", "-o", str(tmp_path / "out"))[0] == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sent = tmp_path / "out" / "令和7年度_二次調査票_税務課.xlsx"
    returned = fill(
        sent, inbox / sent.name, {2: {"定型性": "定型", "判断の有無": "なし", "入力媒体": "紙（手書き）"}}
    )
    stamp = time.time() - 60
    os.utime(returned, (stamp, stamp))
    summary = inbox_scan.fn(inbox=str(inbox), database_url=get_settings().db_url)
    assert [(f.file, f.status) for f in summary.files] == [(sent.name, "accepted")]
    assert (inbox / "accepted" / "2025" / sent.name).exists()
    with session_scope(engine_for(get_settings().db_url)) as session:
        tax = {t.name: t for t in list_tasks(session=session, fiscal_year=2025, department="税務課")}
    assert tax["住民税の申告書入力"].input_medium == "紙（手書き）"
    code, out = dxi("campaign", "status", "--fy", "2025")
    assert "返送済み 1" in out and "（二次調査待ちの業務 0 件）" in out


@pytest.mark.usefixtures("scored")
def test_the_reminder_chases_a_screening_workbook_not_sent_back(tmp_path: Path) -> None:
    """`dxi campaign remind` lists the 課 owing a 二次調査票 beside those owing a survey."""
    departments = tmp_path / "課一覧.csv"
    departments.write_text("部,課\n総務部,税務課\n市民部,市民課\n福祉部,福祉課\n", encoding="utf-8")
    code, out = dxi(
        "campaign", "open", "--fy", "2025", "--deadline", "2025-06-30", "--depts", str(departments)
    )
    assert code == 0, out
    assert dxi("screening", "--fy", "2025")[0] == 0  # 税務課's two tasks have blank attributes
    code, out = dxi("campaign", "remind", "--fy", "2025", "--today", "2025-06-20")
    assert code == 0, out
    assert "未提出・差し戻し 1 課（福祉課）" in out and "二次調査票 未返送・差し戻し 1 課（税務課）" in out
    csv_path = Path(out.split("督促リスト: ")[1].split(".csv")[0] + ".csv")
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    screening = [r for r in rows if r["状況"].startswith("二次調査票")]
    assert [(r["課"], r["状況"], r["期限"], r["調査票ファイル"]) for r in screening] == [
        ("税務課", "二次調査票 未返送", "", "令和7年度_二次調査票_税務課.xlsx")
    ]
    assert [r["課"] for r in rows] == ["福祉課", "税務課"]  # the survey owed first, then the 二次調査票


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness", "scored")
def test_after_the_close_the_reminder_still_chases_the_screening_workbooks(tmp_path: Path) -> None:
    """The 二次調査票 go out after scoring, often after the close: they are still chased, the surveys not.

    `dxi campaign remind` here, then the scheduled flow with no 年度 given (the latest campaign, closed).
    """
    departments = tmp_path / "課一覧.csv"
    departments.write_text("部,課\n総務部,税務課\n福祉部,福祉課\n", encoding="utf-8")
    assert (
        dxi("campaign", "open", "--fy", "2025", "--deadline", "2025-06-30", "--depts", str(departments))[0]
        == 0
    )
    assert dxi("campaign", "close", "--fy", "2025")[0] == 0
    code, out = dxi("campaign", "remind", "--fy", "2025", "--today", "2025-09-01")
    assert code == 0 and "令和7年度の実施中の調査がないため、督促は行いません" in out  # nothing sent out yet
    assert dxi("screening", "--fy", "2025")[0] == 0  # 税務課's two tasks have blank attributes
    code, out = dxi("campaign", "remind", "--fy", "2025", "--today", "2025-09-01")
    assert code == 0, out
    assert (
        "二次調査票 未返送・差し戻し 1 課（税務課）" in out and "福祉課" not in out
    )  # 福祉課 owes a survey: closed
    csv_path = Path(out.split("督促リスト: ")[1].split(".csv")[0] + ".csv")
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["課"], r["状況"]) for r in rows] == [("税務課", "二次調査票 未返送")]
    from flows.campaign_reminder import campaign_reminder

    scheduled = campaign_reminder(today="2025-09-02")
    assert scheduled.fiscal_year == 2025 and scheduled.departments == ["税務課"], scheduled.message
    assert scheduled.message == "令和7年度 二次調査票 未返送・差し戻し 1 課（税務課）。"
