"""The 提出 page on the real app and database (SQLite and PostgreSQL): reject, fix, accept, supersede."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.tables import AuditEntry, Department, SurveySubmission, Task
from inventory.db.upload_tables import UploadedFile
from tests.flows.web.conftest import TestClient, Town, login_as
from tests.flows.web.submitting import BAD_ROWS, GOOD_ROWS, counts, open_town_campaign, upload, workbook


@pytest.fixture
def campaign(engine: Engine, town: Town, tmp_path: Path) -> Path:
    outbox = tmp_path / "outbox"
    open_town_campaign(engine, outbox)
    return outbox


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _current(engine: Engine, department: str) -> tuple[int, str, int]:
    with session_scope(engine) as session:
        row = session.execute(
            select(SurveySubmission.id, SurveySubmission.file_name, SurveySubmission.task_count)
            .join(Department, SurveySubmission.department_id == Department.id)
            .where(Department.name == department, SurveySubmission.status == "current")
        ).one()
    return row.id, row.file_name, row.task_count


def test_a_bad_workbook_is_rejected_with_every_error_on_the_page_and_nothing_stored(
    app_client: TestClient, engine: Engine, campaign: Path
) -> None:
    login_as(app_client, "dept")
    before = counts(engine, skip=("audit_log", "uploaded_files"))
    response = upload(app_client, workbook(BAD_ROWS), "税務課_回答.xlsx")
    assert response.status_code == 303 and re.fullmatch(r"/submit/\d+", response.headers["location"])
    page = app_client.get(response.headers["location"])
    text = _text(page.text)
    assert "差し戻し: エラーが 3 件あります" in text
    rows = re.findall(r"<tr><td class=\"num\">\d+</td>(.*?)</tr>", page.text, re.S)
    shown = [_text(r).strip() for r in rows]
    assert len(shown) == 3
    assert shown[0].startswith("業務一覧 2 入力媒体 紙ベース") and "選択肢にありません" in shown[0]
    assert shown[1].startswith("業務一覧 3 年間件数 不明") and "数値として読めません" in shown[1]
    assert shown[2].startswith("業務一覧 4 1件当たり処理時間（分） 随時")
    bad_cells = re.findall(r'<td class="bad">([^<]*)<span class="why">', page.text)
    assert sorted(bad_cells) == ["不明", "紙ベース", "随時"]
    assert counts(engine, skip=("audit_log", "uploaded_files")) == before  # no task, no submission
    with session_scope(engine) as session:
        stored = session.scalars(select(UploadedFile)).one()
        assert (stored.status, stored.department, stored.fiscal_year, stored.error_count) == (
            "rejected", "税務課", 2024, 3)  # fmt: skip
        rejected = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "survey.rejected").order_by(AuditEntry.id.desc())
        ).first()
        assert rejected is not None
        assert (rejected.details["department"], rejected.details["fiscal_year"]) == ("税務課", 2024)
    status = _text(app_client.get("/submissions").text)
    assert re.search(r"税務課 差し戻し 3 件", status), status


def test_the_error_workbook_marks_the_bad_cells_and_once_fixed_is_accepted(
    app_client: TestClient, engine: Engine, campaign: Path
) -> None:
    login_as(app_client, "dept")
    previous = _current(engine, "税務課")
    location = upload(app_client, workbook(BAD_ROWS)).headers["location"]
    download = app_client.get(f"{location}/errors.xlsx")
    assert download.status_code == 200 and download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
    assert "filename*=UTF-8''%E7%A8%8E" in download.headers["content-disposition"]
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames[0] == "エラー一覧"
    rows = book["業務一覧"]
    header = [c.value for c in rows[1]]
    column = {
        name: header.index(name) + 1
        for name in ("入力媒体", "年間件数", "1件当たり処理時間（分）", "エラー内容")
    }
    assert rows.cell(2, column["入力媒体"]).value == "紙ベース"
    assert "入力媒体" in rows.cell(2, column["エラー内容"]).value
    rows.cell(2, column["入力媒体"]).value = "紙（活字）"
    rows.cell(3, column["年間件数"]).value = 2400
    rows.cell(4, column["1件当たり処理時間（分）"]).value = 10
    fixed = io.BytesIO()
    book.save(fixed)

    response = upload(app_client, fixed.getvalue(), "税務課_回答_修正.xlsx")
    page = _text(app_client.get(response.headers["location"]).text)
    assert "受理しました（再提出）: 業務 3 件" in page
    current = _current(engine, "税務課")
    assert current[1:] == ("税務課_回答_修正.xlsx", 3) and current[0] != previous[0]
    with session_scope(engine) as session:
        assert session.get(SurveySubmission, previous[0]).status == "superseded"  # type: ignore[union-attr]
        names = session.scalars(select(Task.name).where(Task.submission_id == current[0])).all()
    assert sorted(names) == ["住民税の申告書入力", "支出命令書の作成", "課税台帳の照会"]
    assert "税務課 受理（再提出）" in _text(app_client.get("/submissions").text)


def test_an_accepted_file_lists_its_warnings_and_the_same_file_again_changes_nothing(
    app_client: TestClient, engine: Engine, campaign: Path
) -> None:
    login_as(app_client, "dept")
    rows = [*GOOD_ROWS, ["納税証明書の発行", "定型", "なし", "電子", 5000, "5～7"]]
    data = workbook(rows)
    page = _text(app_client.get(upload(app_client, data).headers["location"]).text)
    assert "受理しました（再提出）: 業務 4 件" in page
    assert "確認してほしい点（1 件）" in page and re.search(
        r"業務一覧 5 1件当たり処理時間（分） 5～7 .*中央値", page
    )
    again = _text(app_client.get(upload(app_client, data).headers["location"]).text)
    assert "受理済みのファイルと同じです（変更はありません）" in again
    assert _current(engine, "税務課")[2] == 4


def test_a_dept_user_uploading_for_another_department_is_refused_audited_and_nothing_is_stored(
    app_client: TestClient, engine: Engine, campaign: Path
) -> None:
    login_as(app_client, "dept")  # 税務課
    before = counts(engine)
    asked = upload(app_client, workbook(GOOD_ROWS, department="市民課"), "市民課.xlsx", dept="市民課")
    named = upload(app_client, workbook(GOOD_ROWS, department="市民課"), "市民課.xlsx")
    assert (asked.status_code, named.status_code) == (403, 403)
    assert "市民課の調査票を提出できません" in _text(named.text)
    assert app_client.get("/submit?dept=市民課").status_code == 403
    assert counts(engine) == before
    with session_scope(engine) as session:
        refused = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "web.forbidden").order_by(AuditEntry.id)
        ).all()
        uploads = session.scalars(select(AuditEntry).where(AuditEntry.action.in_(["web.upload", "survey.rejected"]),
                                                           AuditEntry.actor == "zeimu")).all()  # fmt: skip
    assert [(e.actor, e.entity_id) for e in refused] == [("zeimu", "/submit")] * 3
    assert "市民課" in refused[1].details["reason"]
    assert uploads == []


def test_an_editor_submits_for_any_department_and_a_file_of_another_is_an_error(
    app_client: TestClient, engine: Engine, campaign: Path
) -> None:
    login_as(app_client, "admin")
    wrong = upload(app_client, workbook(GOOD_ROWS, department="税務課"), "税務課.xlsx", dept="市民課")
    page = _text(app_client.get(wrong.headers["location"]).text)
    assert "差し戻し: エラーが 1 件あります" in page
    assert "このファイルは「税務課」の調査票です。提出先は市民課です" in page
    year = upload(
        app_client, workbook(GOOD_ROWS, department="市民課", fiscal_year="令和5年度"), dept="市民課"
    )
    assert "令和5年度の調査票です。受付中の調査は令和6年度です" in _text(
        app_client.get(year.headers["location"]).text
    )
    right = upload(app_client, workbook(GOOD_ROWS, department="市民課"), "市民課.xlsx", dept="市民課")
    assert "受理しました（再提出）: 業務 3 件" in _text(app_client.get(right.headers["location"]).text)
    assert _current(engine, "市民課")[1:] == ("市民課.xlsx", 3)
    login_as(app_client, "dept")  # 税務課 may not read 市民課's uploads
    for suffix in ("", "/file", "/errors.xlsx"):
        assert app_client.get(f"{right.headers['location']}{suffix}").status_code == 403, suffix


def test_without_the_csrf_token_or_over_the_size_limit_nothing_is_read(
    engine: Engine, town: Town, campaign: Path
) -> None:
    from flows.web.app import create_app
    from inventory.settings import Settings

    with TestClient(
        create_app(settings=Settings(web_upload_max_mb=1), engine=engine), follow_redirects=False
    ) as client:
        login_as(client, "dept")
        before = counts(engine)
        assert upload(client, workbook(GOOD_ROWS), csrf="guessed").status_code == 403
        big = upload(client, workbook(GOOD_ROWS) + b"\0" * (1024 * 1024 + 1))
        assert big.status_code == 413 and "ファイルが大きすぎます（上限 1 MB）" in _text(big.text)
        no_file = client.post("/submit", data={"csrf_token": ""}, files={"file": ("", b"")})
        assert no_file.status_code == 403  # an empty token is no token
        assert counts(engine) == before
    with session_scope(engine) as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "zeimu")
                                  .where(AuditEntry.action.like("web.%")).order_by(AuditEntry.id)).all()  # fmt: skip
    assert [a for a in actions if a != "web.login"] == [
        "web.csrf_refused",
        "web.upload_refused",
        "web.csrf_refused",
    ]


def test_a_file_that_cannot_be_opened_is_reported_on_the_page_and_kept_nowhere(
    app_client: TestClient, engine: Engine, campaign: Path
) -> None:
    login_as(app_client, "dept")
    before = counts(engine)
    response = upload(app_client, b"%PDF-1.7 not a workbook", "税務課.xlsx")
    assert response.status_code == 422
    text = _text(response.text)
    assert (
        "差し戻し: ファイル「税務課.xlsx」を読み込めませんでした" in text
        and "Excelファイルではありません" in text
    )
    assert counts(engine) == before
    history = _text(app_client.get("/history").text)
    assert "税務課.xlsx 差し戻し 読み込めないファイル" in history and "（保存していません）" in history


def test_without_an_open_campaign_the_page_says_so_and_takes_nothing(
    app_client: TestClient, engine: Engine, town: Town
) -> None:
    login_as(app_client, "dept")
    assert "受付中の調査はありません" in _text(app_client.get("/submit").text)
    before = counts(engine)
    response = upload(app_client, workbook(GOOD_ROWS))
    assert response.status_code == 409 and "受付中の調査がありません" in _text(response.text)
    assert counts(engine) == before


def _screening(path: Path, answers: dict[int, dict[str, object]]) -> bytes:
    """税務課's 二次調査票 for 令和6年度 (the town's two tasks), filled in as the 課 would."""
    from inventory.screening.writer import write_screening_workbook
    from tests.inventory.screening.helpers import fill

    tasks = [
        {"section": None, "task_code": "T1", "name": "住民税の申告書入力", "annual_volume": 12000.0,
         "minutes_per_case": 6.0, "annual_hours": 1200.0},
        {"section": None, "task_code": "T2", "name": "支出命令書の作成", "annual_volume": 2400.0,
         "minutes_per_case": 15.0, "annual_hours": 600.0},
    ]  # fmt: skip
    sent = write_screening_workbook(path / "sent.xlsx", fiscal_year=2024, department="税務課", division=None,
                                    tasks=tasks)  # fmt: skip
    return fill(sent, path / "returned.xlsx", answers).read_bytes()


def test_a_screening_workbook_is_taken_by_the_same_page(
    app_client: TestClient, engine: Engine, campaign: Path, tmp_path: Path
) -> None:
    login_as(app_client, "dept")
    bad = _screening(tmp_path, {2: {"定型性": "ほぼ定型"}, 3: {"入力媒体": "手書き"}})
    page = _text(app_client.get(upload(app_client, bad, "二次調査票_税務課.xlsx").headers["location"]).text)
    assert "差し戻し: エラーが 1 件あります" in page and "二次調査票" in page
    assert re.search(r"二次調査票 2 定型性 ほぼ定型 .*選択肢にありません", page), page
    good = _screening(tmp_path, {2: {"定型性": "定型", "判断の有無": "なし"}, 3: {"入力媒体": "手書き"}})
    response = upload(app_client, good, "二次調査票_税務課.xlsx")
    shown = _text(app_client.get(response.headers["location"]).text)
    assert "受理しました（二次調査票）: 業務 2 件" in shown
    with session_scope(engine) as session:
        kinds = session.scalars(select(UploadedFile.kind).order_by(UploadedFile.id)).all()
        current = session.scalars(
            select(Task.input_medium).join(SurveySubmission, Task.submission_id == SurveySubmission.id)
            .where(SurveySubmission.status == "current", Task.task_code == "T2")
        ).all()  # fmt: skip
    assert kinds == ["screening", "screening"] and current == ["紙（手書き）"]


def test_the_history_also_lists_versions_the_dx_team_took_in_another_way(
    app_client: TestClient, engine: Engine, campaign: Path
) -> None:
    """A 課 sees every version of its survey: the town's were ingested by the DX team, not uploaded."""
    login_as(app_client, "dept")
    _id, name, task_count = _current(engine, "税務課")
    history = _text(app_client.get("/history").text)
    assert f"{name} 受理 DX推進担当課が受付フォルダ等から取り込み {task_count}" in history, history
    assert "（保存していません）" in history and "市民課" not in history
    page = _text(
        app_client.get(upload(app_client, workbook(GOOD_ROWS), "税務課_v2.xlsx").headers["location"]).text
    )
    assert "受理しました（再提出）" in page
    history = _text(app_client.get("/history").text)
    assert "税務課_v2.xlsx 再提出（前回分を置換）" in history and f"{name} 受理 DX推進担当課" in history
    assert history.count("提出ファイル") == 1  # only the upload is kept to download again
