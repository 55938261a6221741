"""The 提出 sequence in Debian's Chromium (Playwright): rejected, error workbook fixed, accepted, 受理 for the DX team.

A dept user (税務課) uploads a workbook with three bad cells and reads every error on
the page, downloads the marked error workbook, fixes the cells with openpyxl and
uploads that file; it is accepted, and the DX team's 提出状況 shows 税務課 as 受理.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from flows.web.app import create_app
from flows.web.local_server import running
from inventory.settings import get_settings
from tests.flows.web.conftest import PASSWORD, USERS, Town
from tests.flows.web.submitting import BAD_ROWS, open_town_campaign, workbook
from tests.flows.web.test_browser import browser  # noqa: F401  (the module's Chromium fixture)

pytestmark = pytest.mark.browser
FIXES = {"入力媒体": "紙（活字）", "年間件数": 2400, "1件当たり処理時間（分）": 10}


def _log_in(page: Any, base: str, role: str) -> None:
    page.goto(f"{base}/login")
    page.locator("input[name=username]").fill(USERS[role][0])
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base}/")


def _fix(path: Path) -> Path:
    """Correct every cell the error workbook marked, as a clerk would in Excel (here with openpyxl)."""
    book = load_workbook(path)
    rows = book["業務一覧"]
    header = [c.value for c in rows[1]]
    marked = [(cell.row, header[cell.column - 1]) for row in rows.iter_rows(min_row=2) for cell in row
              if cell.comment is not None]  # fmt: skip
    assert sorted(marked) == [(2, "入力媒体"), (3, "年間件数"), (4, "1件当たり処理時間（分）")]
    for row, name in marked:
        rows.cell(row, header.index(name) + 1).value = FIXES[str(name)]
    fixed = path.with_name("税務課_回答_修正.xlsx")
    book.save(fixed)
    return fixed


def test_a_department_fixes_its_rejected_workbook_and_the_dx_team_sees_it_received(
    browser: Any,  # noqa: F811
    engine: Engine,
    town: Town,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    open_town_campaign(engine, tmp_path / "outbox")
    bad = tmp_path / "税務課_回答.xlsx"
    bad.write_bytes(workbook(BAD_ROWS))
    with running(create_app(settings=get_settings(), engine=engine)) as base:
        page = browser.new_page(
            viewport={"width": 1024, "height": 768}, locale="ja-JP", accept_downloads=True
        )
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        _log_in(page, base, "dept")
        page.get_by_role("link", name="提出", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("調査票の提出"))).to_be_visible()
        page.locator("input[name=file]").set_input_files(str(bad))
        page.get_by_role("button", name="提出する").click()

        expect(page.get_by_role("status")).to_have_text(re.compile(r"差し戻し: エラーが 3 件あります"))
        listed = page.locator("table.errors tbody tr")
        expect(listed).to_have_count(3)
        assert [re.sub(r"\s+", " ", t) for t in listed.all_inner_texts()][:1] == [
            "1 業務一覧 2 入力媒体 紙ベース \"紙ベース\" は選択肢にありません（選べる値: 電子, 紙（活字）, 紙（手書き）, 混在）"
        ]  # fmt: skip
        expect(page.locator("table.preview td.bad")).to_have_count(3)
        page.screenshot(path=str(tmp_path / "submit_rejected_1024x768.png"), full_page=True)

        with page.expect_download() as download:
            page.get_by_role("link", name="エラー一覧（Excel）をダウンロード").click()
        marked = tmp_path / download.value.suggested_filename
        download.value.save_as(marked)
        assert marked.name == "税務課_回答_エラー.xlsx"

        page.locator("input[name=file]").set_input_files(str(_fix(marked)))
        page.get_by_role("button", name="直したファイルを提出する").click()
        expect(page.get_by_role("status")).to_have_text(re.compile(r"受理しました（再提出）: 業務 3 件"))
        page.screenshot(path=str(tmp_path / "submit_accepted_1024x768.png"), full_page=True)
        page.get_by_role("button", name="ログアウト").click()

        _log_in(page, base, "admin")
        page.get_by_role("link", name="提出状況", exact=True).click()
        row = page.get_by_role("row", name=re.compile(r"^\S+ 税務課 "))
        expect(row.locator(".tag")).to_have_text(re.compile("^受理"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # nothing scrolls sideways
        page.screenshot(path=str(tmp_path / "status_1024x768.png"), full_page=True)
        assert errors == []  # the strict CSP blocked nothing the pages need
        page.close()
