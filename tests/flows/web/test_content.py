"""What the pages and downloads show: hostile survey text stays inert, filters stay values, small cells stay hidden."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select

from inventory.db.account_repo import add_user
from inventory.db.engine import session_scope
from inventory.db.scoring_repo import record_review
from inventory.db.tables import Task
from inventory.intake.survey import ingest_file
from tests.factories import score_year
from tests.flows.web.conftest import PASSWORD, TestClient, Town, login, login_as
from tests.japanese import english_words

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/","詳細")'
HEADER = ["業務名", "定型性", "判断の有無", "入力媒体", "年間件数", "1件当たり処理時間（分）"]


def hostile_survey(path: Path) -> Path:
    """A clerk's workbook whose task names carry markup and a formula (typed as text, as Excel keeps it)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "業務一覧"
    sheet.append(HEADER)
    sheet.append([XSS, "定型", "なし", "紙（手書き）", 9000, 8])
    sheet.append(["placeholder", "定型", "なし", "電子", 4000, 12])
    sheet["A3"].value, sheet["A3"].data_type = FORMULA, "s"  # a text cell, not a formula
    cover = workbook.create_sheet("表紙", 0)
    cover.append(["年度", "令和6年度"])
    cover.append(["課", "税務課"])
    workbook.save(path)
    return path


def test_hostile_task_names_from_a_real_survey_render_inert(
    app_client: TestClient, town: Town, engine: Engine, tmp_path: Path
) -> None:
    outcome = ingest_file(engine=engine, path=hostile_survey(tmp_path / "税務課_令和6年度.xlsx"))
    assert outcome.status == "resubmitted", outcome
    with session_scope(engine) as session:
        score_year(session)
        task_id = session.scalar(select(Task.id).where(Task.name == XSS))
    assert task_id is not None
    login_as(app_client, "admin")
    for page in (
        app_client.get("/ranking").text,
        app_client.get(f"/tasks/{task_id}").text,
        app_client.get("/").text,
    ):
        assert "<script>alert" not in page and "<img src=x" not in page
    detail = app_client.get(f"/tasks/{task_id}").text
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in detail


def test_downloads_neutralise_formulas_and_keep_numbers_numeric(
    app_client: TestClient, town: Town, engine: Engine, tmp_path: Path
) -> None:
    ingest_file(engine=engine, path=hostile_survey(tmp_path / "税務課_令和6年度.xlsx"))
    with session_scope(engine) as session:
        score_year(session)
    login_as(app_client, "admin")
    text = app_client.get("/ranking/download.csv?q=HYPERLINK").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["業務名"] for r in rows] == ["'" + FORMULA]
    assert rows[0]["年間時間"] == "800.0" and rows[0]["順位"].isdigit()
    book = load_workbook(io.BytesIO(app_client.get("/ranking/download.xlsx?q=HYPERLINK").content))
    sheet = book["候補一覧"]
    header = [c.value for c in sheet[1]]
    name = sheet.cell(row=2, column=header.index("業務名") + 1)
    assert name.data_type == "s" and name.value == FORMULA  # a text cell: Excel shows it, never runs it
    for column in ("年間時間", "順位", "削減見込み(時間/年)"):
        cell = sheet.cell(row=2, column=header.index(column) + 1)
        assert cell.data_type == "n" and isinstance(cell.value, int | float), column


def test_sql_metacharacters_in_filters_are_only_values(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    login_as(app_client, "admin")
    before = app_client.get("/ranking").text
    assert "4 件" in before
    for query in ("q=%27%20%3B%20--%20%25%20_", "q=%25", "q=_", "dept=%27%20OR%201%3D1%20--",
                  "dept=税務課%27%3B%20DROP%20TABLE%20tasks%3B%20--", "tool=%27%20OR%20%271%27%3D%271",
                  "sort=rank%3B%20DROP%20TABLE%20tasks", "fy=2024%20OR%201%3D1", "page=-1%20UNION%20SELECT"):  # fmt: skip
        response = app_client.get(f"/ranking?{query}")
        assert response.status_code == 200, query
        shown = response.text.split('id="count">', 1)[1].split(" 件", 1)[0]
        assert shown in ("0", "4"), (query, shown)
        if query.startswith(("q=", "dept=")):
            assert shown == "0", query  # % and _ match themselves, not any text
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 4


def test_small_cell_overtime_is_hidden_from_dept_users(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    with session_scope(engine) as session:
        add_user(session=session, name="fukushi", role="dept", department="福祉課", password=PASSWORD)
    assert login(app_client, "fukushi").status_code == 303  # type: ignore[attr-defined]
    page = app_client.get("/").text
    table = page.split("課別の時間外勤務", 1)[1]
    assert "福祉課" in table and "非表示（職員数が少ないため）" in table
    assert "税務課" not in table and "市民課" not in table
    assert "211" not in table  # 福祉課's FY2023 total: 211.2 hours for 2 staff
    app_client.cookies.clear()
    login_as(app_client, "dept")  # 税務課, 12 staff: its own figure is shown
    own = app_client.get("/").text.split("課別の時間外勤務", 1)[1]
    assert "非表示" not in own and "1,267" in own and "福祉課" not in own
    app_client.cookies.clear()
    login_as(app_client, "reviewer")
    everyone = app_client.get("/").text.split("課別の時間外勤務", 1)[1]
    assert "福祉課" in everyone and "211" in everyone and "非表示" not in everyone


def test_decision_history_names_where_each_decision_came_from_in_japanese(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    task_id = next(iter(town.tasks.values()))
    with session_scope(engine) as session:
        for source in ("cli", "xlsx", "demo"):
            record_review(session=session, task_id=task_id, decision="保留", reason="確認中", reviewer="山田",
                          source=source)  # fmt: skip
    login_as(app_client, "admin")
    history = app_client.get(f"/tasks/{task_id}").text.split('id="history"')[1].split("</section>")[0]
    assert "コマンド" in history and "Excel取り込み" in history and "デモ" in history
    assert not english_words(re.sub(r"<[^>]+>", " ", history), allowed=frozenset({"nowrap"}))


def test_error_report_download_shows_the_rejection_time_in_japan(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    from flows.web.views import ENV
    from inventory.db.web_status_repo import rejection

    department, entry_id = next(iter(town.rejection_ids.items()))
    with session_scope(engine) as session:
        stored = rejection(session=session, entry_id=entry_id)
    assert stored is not None
    login_as(app_client, "admin")
    body = app_client.get(f"/submissions/errors/{entry_id}.csv").content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(body))
    # The same Japan time the web pages show (SQLite returns the stored UTC time without a zone).
    assert row["差戻し日時"] == ENV.filters["when"](stored["at"]) and row["課"] == department
