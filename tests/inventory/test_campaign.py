"""Campaign status logic (pure): states, summary, reminder rows, deadline and department lists."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from inventory.campaign.depts import DepartmentEntry, read_department_list
from inventory.campaign.status import (
    Attempt,
    CampaignError,
    department_state,
    department_status,
    outstanding,
    parse_deadline,
    reminder_markdown,
    reminder_message,
    status_row,
    summarise,
    template_file_name,
)

DEADLINE = date(2025, 6, 30)
T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


@pytest.mark.parametrize(
    ("attempts", "today", "expected"),
    [
        ([], date(2025, 6, 30), ("sent", 0, None)),  # the deadline day itself is not overdue
        ([], date(2025, 7, 1), ("missing", 0, None)),
        ([Attempt(at(0), True)], date(2025, 7, 1), ("received", 0, at(0))),
        ([Attempt(at(0), False, 4)], date(2025, 6, 2), ("rejected", 4, at(0))),
        ([Attempt(at(2), True), Attempt(at(0), False, 4)], date(2025, 6, 2), ("resubmitted", 0, at(2))),
        ([Attempt(at(0), True), Attempt(at(1), True)], date(2025, 6, 2), ("resubmitted", 0, at(1))),
        # a newer file that failed wins over the older accepted one: the 課 must resend
        ([Attempt(at(0), True), Attempt(at(3), False, 2)], date(2025, 6, 2), ("rejected", 2, at(3))),
        ([Attempt(at(5), False, 1), Attempt(at(1), False, 7)], date(2025, 6, 2), ("rejected", 1, at(5))),
    ],
)
def test_state_is_decided_by_the_latest_attempt(
    attempts: list[Attempt], today: date, expected: tuple[str, int, datetime | None]
) -> None:
    assert department_state(attempts, deadline=DEADLINE, today=today) == expected


def _status(
    name: str, attempts: list[Attempt], today: date = date(2025, 6, 25), division: str | None = "総務部"
):
    return department_status(
        fiscal_year=2025, department=name, division=division, attempts=attempts, deadline=DEADLINE,
        today=today, template_file=template_file_name(2025, name), sent_at=T0,
    )  # fmt: skip


def test_status_row_counts_days_and_versions() -> None:
    s = _status("税務課", [Attempt(at(0), False, 3), Attempt(at(1), False, 2)], today=date(2025, 7, 3))
    assert (s.state, s.error_count, s.rejections, s.accepted_versions, s.days_left) == (
        "rejected",
        2,
        2,
        0,
        -3,
    )
    assert status_row(s) == {
        "部": "総務部", "課": "税務課", "状況": "差し戻し", "エラー件数": 2, "期限": "2025-06-30",
        "残り日数": -3, "調査票ファイル": "令和7年度_業務量調査票_税務課.xlsx", "最終受付日時": "2025-06-01 19:00",
    }  # fmt: skip


def test_summary_reminder_and_message() -> None:
    statuses = [
        _status("税務課", [Attempt(at(0), True)]),
        _status("市民課", [Attempt(at(0), False, 5)]),
        _status("福祉課", []),
        _status("子育て支援課", [Attempt(at(0), False, 1), Attempt(at(1), True)], division=None),
        _status("建設|課", []),
    ]
    summary = summarise(statuses, deadline=DEADLINE, today=date(2025, 6, 25))
    assert summary.counts == {"sent": 2, "missing": 0, "rejected": 1, "resubmitted": 1, "received": 1}
    assert summary.outstanding == 3 and summary.days_left == 5
    assert summary.line() == (
        "対象 5 課 / 提出済み 2（うち再提出 1） / 差し戻し 1 / 未提出 2 / 期限 2025-06-30（残り 5 日）"
    )
    assert [s.department for s in outstanding(statuses)] == ["市民課", "福祉課", "建設|課"]
    markdown = reminder_markdown(2025, statuses, summary)
    assert markdown.startswith("# 令和7年度 業務量調査 督促リスト")
    assert "| 総務部 | 市民課 | 差し戻し | 5 | 残り 5 日 |" in markdown
    assert "建設｜課" in markdown and "税務課" not in markdown.split("|---|")[1]
    assert reminder_message(2025, statuses, summary) == (
        "令和7年度 業務量調査: 未提出・差し戻し 3 課（市民課、福祉課、建設|課）。期限 2025-06-30（残り 5 日）。"
    )
    everyone = [_status("税務課", [Attempt(at(0), True)])]
    done = summarise(everyone, deadline=DEADLINE, today=date(2025, 7, 2))
    assert "すべての課から有効な調査票が提出されています" in reminder_markdown(2025, everyone, done)
    assert "2 日超過" in done.line()


def test_template_file_names_are_safe_on_windows() -> None:
    assert template_file_name(2019, "企画/財政課") == "令和元年度_業務量調査票_企画_財政課.xlsx"


@pytest.mark.parametrize("text", ["2025-06-30", "2025/6/30", "２０２５－０６－３０"])
def test_deadline_spellings(text: str) -> None:
    assert parse_deadline(text, fiscal_year=2025) == DEADLINE


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("2025-02-30", "日付として読めません"), ("6月末", "日付として読めません"), ("2031-06-30", "離れすぎて")],
)
def test_bad_deadlines_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(CampaignError) as caught:
        parse_deadline(text, fiscal_year=2025)
    assert fragment in caught.value.message and "--deadline" in caught.value.message


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_department_list_csv_in_every_encoding(encoding: str) -> None:
    data = _csv(
        [["課の一覧（令和7年度）", ""], ["部", "課名"], ["総務部", "税務課"], ["", ""], ["市民部", "市民課"]],
        encoding,
    )
    assert read_department_list(data, "課一覧.csv") == [
        DepartmentEntry("税務課", "総務部"),
        DepartmentEntry("市民課", "市民部"),
    ]


def test_department_list_one_per_line_and_xlsx(tmp_path: Path) -> None:
    assert read_department_list("税務課\r\n\r\n　市民課　\r\n".encode("cp932"), "list.txt") == [
        DepartmentEntry("税務課", None),
        DepartmentEntry("市民課", None),
    ]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (["組織一覧"], [], ["課", "部"], ["福祉課", "健康福祉部"], ["建設課", None]):
        sheet.append(row)
    workbook.save(tmp_path / "課一覧.xlsx")
    data = (tmp_path / "課一覧.xlsx").read_bytes()
    assert read_department_list(data, "課一覧.xlsx") == [
        DepartmentEntry("福祉課", "健康福祉部"),
        DepartmentEntry("建設課", None),
    ]


def test_department_list_errors_name_every_row() -> None:
    data = _csv([["部", "課"], ["総務部", "税務課"], ["市民部", ""], ["総務部", "税務課"]], "utf-8")
    with pytest.raises(CampaignError) as caught:
        read_department_list(data, "課一覧.csv")
    message = caught.value.message
    assert "課一覧.csv" in message and "（2 件）" in message and "何も登録していません" in message
    assert "3行目: 「課」が空欄です" in message
    assert "4行目: 課「税務課」が重複しています（2行目と同じ）" in message


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "empty.csv", "ファイルが空です"),
        (b"PK\x03\x04broken", "課一覧.xlsx", "壊れています"),
        ("総務部,税務課\r\n".encode(), "課一覧.csv", "値が 2 個あります"),
        ("部,課\r\n".encode(), "課一覧.csv", "課が1つも書かれていません"),
    ],
)
def test_unreadable_or_empty_department_lists(data: bytes, name: str, fragment: str) -> None:
    with pytest.raises(CampaignError) as caught:
        read_department_list(data, name)
    assert fragment in caught.value.message and name in caught.value.message
