"""Screenshots of every web page at 1366×768 (a projector's resolution) into docs/screenshots/.

The dashboards are shot once more as the whole page (…_full.png), 1366 wide.

    python bench/screenshots.py [--database-url sqlite:///…/dxi-demo.sqlite3] [--out docs/screenshots]

Without --database-url it runs `dxi demo` in a temporary DXI_HOME first (about two
minutes: the fictional town of 30 課 and 1,500 tasks, scored, with pilots and four
年度 of overtime), adds two accounts and a few decisions, serves the app on a free
loopback port and drives Debian's Chromium through the pages. Look at every PNG
after a change to the templates or CSS: no tofu boxes, no table running off the page.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from flows.web.app import create_app  # noqa: E402
from flows.web.local_server import running  # noqa: E402
from inventory.db.account_repo import add_user, get_user  # noqa: E402
from inventory.db.engine import make_engine, session_scope  # noqa: E402
from inventory.db.migrate import upgrade  # noqa: E402
from inventory.db.web_repo import RankingFilter, ranking_page  # noqa: E402
from inventory.settings import Settings  # noqa: E402

PASSWORD = "screenshot password"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]


def demo_database(home: Path) -> str:
    env = {**os.environ, "DXI_HOME": str(home)}
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dxi"), "demo"], check=True, env=env, stdout=subprocess.DEVNULL
    )
    return f"sqlite:///{home / 'demo' / 'dxi-demo.sqlite3'}"


def prepare(url: str) -> dict[str, object]:
    """Accounts and a few decisions, so the pages show what a meeting sees."""
    from inventory.db.scoring_repo import record_review
    from inventory.db.tables import Department

    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        top = ranking_page(session=session, filters=RankingFilter(knocked_out=False, per_page=20)).rows
        department = top[0]["department"] if top else session.scalars(select(Department.name)).first()
        if get_user(session=session, name="dx_suishin") is None:
            add_user(session=session, name="dx_suishin", role="admin", password=PASSWORD)
            add_user(session=session, name="kacho", role="dept", department=department, password=PASSWORD)
            for row, (decision, reason) in zip(top[1:6], [("採用", "手順書あり。来年度の実証候補"),
                                                          ("保留", "制度改正の内容を確認してから"),
                                                          ("採用", "横展開で3課に効果"), ("不採用", "様式が毎年変わる"),
                                                          ("保留", "繁忙期のみの業務。効果を再見積もり")], strict=False):  # fmt: skip
                record_review(session=session, task_id=row["task_id"], decision=decision, reason=reason,
                              reviewer="dx_suishin", source="web")  # fmt: skip
    return {"engine": engine, "task_id": top[0]["task_id"] if top else 1, "department": department}


def shoot(base: str, out: Path, task_id: int) -> list[Path]:
    from playwright.sync_api import sync_playwright

    shots: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def login(name: str):  # type: ignore[no-untyped-def]
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="ja-JP")
            page.goto(f"{base}/login")
            page.locator("input[name=username]").fill(name)
            page.locator("input[name=password]").fill(PASSWORD)
            page.get_by_role("button", name="ログイン").click()
            page.wait_for_load_state("networkidle")
            return page

        def save(page, name: str, path: str, full_page: bool = False) -> None:  # type: ignore[no-untyped-def]
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            page.evaluate("document.fonts.ready")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=full_page)
            shots.append(target)

        anonymous = browser.new_page(viewport={"width": 1366, "height": 768}, locale="ja-JP")
        save(anonymous, "01_login", "/login")
        admin = login("dx_suishin")
        save(admin, "02_dashboard", "/")
        save(admin, "02_dashboard_full", "/", full_page=True)
        save(admin, "03_ranking", "/ranking?ko=exclude")
        save(admin, "04_ranking_filtered", "/ranking?tool=ai-ocr%2Brpa&sort=saved&order=desc&per=20")
        save(admin, "05_task", f"/tasks/{task_id}")
        save(admin, "06_pilots", "/pilots")
        save(admin, "07_submissions", "/submissions")
        save(admin, "08_admin", "/admin")
        dept = login("kacho")
        save(dept, "09_dept_dashboard", "/")
        save(dept, "09_dept_dashboard_full", "/", full_page=True)
        save(dept, "10_dept_ranking", "/ranking")
        save(dept, "11_dept_submit", "/submit")
        save(dept, "12_dept_history", "/history")
        browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="a database with data (default: a fresh dxi demo)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DXI_HOME"] = folder
        url = args.database_url or demo_database(Path(folder))
        prepared = prepare(url)
        with running(create_app(settings=Settings(), engine=prepared["engine"])) as base:  # type: ignore[arg-type]
            for path in shoot(base, args.out, int(prepared["task_id"])):  # type: ignore[call-overload]
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
