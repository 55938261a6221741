"""End to end in Debian's Chromium (Playwright, no browser download): login → filter → task → decision.

Skipped with the reason when /usr/bin/chromium is missing, unless DXI_REQUIRE_CHROMIUM=1
(set by .ci/run), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from flows.web.app import create_app
from flows.web.local_server import running
from inventory.settings import get_settings
from tests.flows.web.conftest import PASSWORD, USERS, Town

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("DXI_REQUIRE_CHROMIUM") == "1":
            pytest.fail("Chromium is required here (DXI_REQUIRE_CHROMIUM=1) but /usr/bin/chromium is missing")
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium) for the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_login_filter_open_a_task_record_a_decision_and_see_it(
    browser: Any, engine: Engine, town: Town
) -> None:
    from playwright.sync_api import expect

    with running(create_app(settings=get_settings(), engine=engine)) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="ja-JP")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/ranking")
        expect(page).to_have_url(re.compile(r"/login\?next="))
        page.locator("input[name=username]").fill(USERS["reviewer"][0])
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        expect(page.get_by_role("heading", name="候補一覧")).to_be_visible()

        page.locator("select[name=dept]").select_option("税務課")
        page.locator("select[name=tool]").select_option("ai-ocr+rpa")
        page.get_by_role("button", name="絞り込む").click()
        expect(page).to_have_url(re.compile(r"dept=.*tool=ai-ocr%2Brpa"))
        expect(page.locator("#count")).to_contain_text("1 件")
        rows = page.locator("table.ranking tbody tr")
        expect(rows).to_have_count(1)

        rows.first.get_by_role("link", name="住民税の申告書入力").click()
        expect(page.get_by_role("heading", name=re.compile("住民税の申告書入力"))).to_be_visible()
        page.get_by_role("radio", name="採用", exact=True).check()
        page.locator("textarea[name=reason]").fill("年間1,200時間、様式が1種類で読み取りやすい")
        page.get_by_role("button", name="判断を記録する").click()

        expect(page.get_by_role("status")).to_have_text("判断を記録しました。")
        history = page.locator("#history tbody tr")
        expect(history).to_have_count(1)
        expect(history.first).to_contain_text("年間1,200時間、様式が1種類で読み取りやすい")
        expect(history.first).to_contain_text(USERS["reviewer"][0])

        page.goto(f"{base}/ranking?decision=採用")
        expect(page.locator("table.ranking tbody tr")).to_have_count(1)
        assert errors == []  # the strict CSP blocked nothing the pages need
        page.close()


def _logged_in_page(browser: Any, base: str, width: int, height: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height}, locale="ja-JP")
    page.goto(f"{base}/login")
    page.locator("input[name=username]").fill(USERS["reviewer"][0])
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base}/")
    return page


def test_the_ranking_fits_an_older_projector_with_the_decision_column_visible(
    browser: Any, engine: Engine, town: Town, tmp_path: Path
) -> None:
    with running(create_app(settings=get_settings(), engine=engine)) as base:
        page = _logged_in_page(browser, base, 1024, 768)
        page.goto(f"{base}/ranking")
        headers = page.locator("table.ranking thead th")
        assert headers.last.inner_text() == "判断"
        cells = page.locator("table.ranking tbody tr td:last-child")
        assert cells.count() > 0
        edges = [headers.last.bounding_box()] + [cells.nth(i).bounding_box() for i in range(cells.count())]
        assert all(box is not None and box["x"] + box["width"] <= 1024 for box in edges), edges
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # nothing scrolls sideways
        page.screenshot(path=str(tmp_path / "ranking_1024x768.png"))  # kept with the test's files to look at
        page.close()


def test_every_page_writes_a_fiscal_year_one_way(browser: Any, engine: Engine, town: Town) -> None:
    task_id = town.tasks[("税務課", "住民税の申告書入力")]
    with running(create_app(settings=get_settings(), engine=engine)) as base:
        page = _logged_in_page(browser, base, 1366, 768)
        for path in ("/", "/ranking", f"/tasks/{task_id}", "/submissions", "/pilots", "/submit", "/history"):
            page.goto(f"{base}{path}")
            text = page.locator("body").inner_text()
            western = re.findall(r"\d{4}\s*年度", text)
            assert western == [], f"{path}: {western}"  # 令和N年度 only, like the reports
            options = page.locator("select[name=fy] option").all_inner_texts()
            assert all(o == "最新" or re.fullmatch(r"令和(元|\d+)年度", o) for o in options), options
        page.goto(f"{base}/")
        assert "令和6年度" in page.locator("body").inner_text()  # the survey year, with the KPI years
        page.close()
