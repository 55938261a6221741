"""提出履歴 and 提出状況 over the real database: who sent what, the campaign live, the 督促 button."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from inventory.campaign.screening import SheetSent
from inventory.db.campaign_repo import close_campaign
from inventory.db.engine import session_scope
from inventory.db.screening_repo import record_sent
from inventory.db.tables import AuditEntry
from tests.flows.web.conftest import TestClient, Town, csrf_of, login_as
from tests.flows.web.submitting import BAD_ROWS, GOOD_ROWS, open_town_campaign, upload, workbook


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_history_lists_every_upload_of_the_department_with_its_file_to_download_again(
    app_client: TestClient, engine: Engine, town: Town, tmp_path: Path
) -> None:
    open_town_campaign(engine, tmp_path / "outbox")
    login_as(app_client, "admin")
    upload(app_client, workbook(GOOD_ROWS, department="市民課"), "市民課.xlsx", dept="市民課")
    login_as(app_client, "dept")
    bad, good = workbook(BAD_ROWS), workbook(GOOD_ROWS)
    upload(app_client, bad, "税務課_1回目.xlsx")
    upload(app_client, good, "税務課_2回目.xlsx")
    page = app_client.get("/history")
    rows = [_text(r).strip() for r in re.findall(r"<tr>\s*<td class=\"nowrap\">(.*?)</tr>", page.text, re.S)]
    assert len(rows) == 3 and "市民課" not in page.text.split("<table", 1)[1]
    assert re.search(r"税務課_2回目\.xlsx 再提出（前回分を置換） 3 0 0 zeimu 提出ファイル$", rows[0]), rows[0]
    assert re.search(r"税務課_1回目\.xlsx 差し戻し 0 3 0 zeimu 提出ファイル エラー一覧$", rows[1]), rows[1]
    # the version the DX team ingested before (the town's), listed without a file to download
    assert re.search(
        r"受理 DX推進担当課が受付フォルダ等から取り込み 2 — — — （保存していません）$", rows[2]
    ), rows[2]
    links = re.findall(r'href="(/submit/\d+/file)"', page.text)
    assert [app_client.get(link).content for link in links] == [good, bad]  # the bytes as sent
    assert app_client.get("/history?dept=市民課").status_code == 403
    login_as(app_client, "reviewer")
    everyone = _text(app_client.get("/history").text)
    assert "市民課.xlsx" in everyone and "税務課_1回目.xlsx" in everyone
    only = _text(app_client.get("/history?dept=市民課").text)
    assert "市民課.xlsx" in only and "税務課_1回目.xlsx" not in only


def _campaign_with_a_rejected_survey(client: TestClient, engine: Engine, outbox: Path) -> None:
    """令和6年度's campaign open until 2099; 税務課 sends a survey with errors (it still owes one)."""
    open_town_campaign(engine, outbox, deadline=date(2099, 6, 30))
    login_as(client, "dept")
    upload(client, workbook(BAD_ROWS), "税務課.xlsx")


def test_the_status_page_shows_the_campaign_live_and_the_reminder_button_writes_the_list(
    app_client: TestClient, engine: Engine, town: Town, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    _campaign_with_a_rejected_survey(app_client, engine, outbox)
    login_as(app_client, "admin")
    page = app_client.get("/submissions")
    assert '<meta http-equiv="refresh" content="30">' in page.text
    text = _text(page.text)
    assert "対象 3 課 受理 2 課 うち再提出 0 差し戻し 1 課 未提出 0 課 期限 2099-06-30" in text
    assert re.search(r"税務課 差し戻し 3 件", text) and re.search(r"市民課 受理 — ", text)
    reminded = app_client.post("/submissions/remind", data={"csrf_token": csrf_of(page.text)})
    assert reminded.status_code == 303 and "reminded=1" in reminded.headers["location"]
    assert "督促リストを作成しました（1 課）" in _text(app_client.get(reminded.headers["location"]).text)
    (written,) = outbox.glob("督促リスト_*.csv")
    listed = list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
    assert [(r["課"], r["状況"], r["エラー件数"]) for r in listed] == [("税務課", "差し戻し", "3")]
    with session_scope(engine) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "campaign.reminded")).one()
    assert (entry.actor, entry.details["departments"], entry.details["via"]) == ("kanri", ["税務課"], "web")
    login_as(app_client, "dept")
    own = app_client.get("/submissions")
    assert "督促リストを作る" not in own.text and "市民課" not in own.text.split("<table", 1)[1]
    assert app_client.post("/submissions/remind", data={"csrf_token": csrf_of(own.text)}).status_code == 403


def test_after_the_close_the_button_chases_only_the_screening_workbooks_owed(
    app_client: TestClient, engine: Engine, town: Town, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    _campaign_with_a_rejected_survey(app_client, engine, outbox)  # a survey owed: not chased once closed
    with session_scope(engine) as session:
        close_campaign(session=session, fiscal_year=2024, actor="dx")
    login_as(app_client, "admin")
    assert (
        "督促リストを作る" not in app_client.get("/submissions?fy=2024").text
    )  # nothing owed after the close
    sent = SheetSent(
        "市民課", None, "令和6年度_二次調査票_市民課.xlsx", ("k1", "k2"), datetime(2024, 9, 1, tzinfo=UTC)
    )
    with session_scope(engine) as session:
        record_sent(session=session, fiscal_year=2024, sheets=[sent], folder=str(outbox), actor="dx")
    page = app_client.get("/submissions?fy=2024")
    assert "二次調査票を返送していない課の督促リストを作る（1 課）" in _text(page.text)
    assert "期限 2099-06-30 締め切り済み" in _text(page.text)
    reminded = app_client.post("/submissions/remind?fy=2024", data={"csrf_token": csrf_of(page.text)})
    assert reminded.status_code == 303 and "reminded=1" in reminded.headers["location"]
    (written,) = outbox.glob("督促リスト_*.csv")
    listed = list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
    assert [(r["課"], r["状況"]) for r in listed] == [("市民課", "二次調査票 未返送")]
