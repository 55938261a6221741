"""The dxi inventory commands, run in-process with typer's runner and a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from flows.cli.survey import TASK_HEADERS
from inventory.settings import get_settings
from tests.flows.cli_runner import assert_not_imported, dxi
from tests.inventory.test_validate import MESSY_ROWS
from tests.inventory.workbooks import HEADER, write_xlsx


def test_read_only_commands_need_init_first() -> None:
    code, out = dxi("tasks")
    assert code == 2 and "dxi init" in out
    assert not list(Path(".").glob("**/dxi.sqlite3")), "a read-only command must not create the database"


def test_ingest_folder_json_exit_codes_and_listing(tmp_path: Path) -> None:
    inbox = tmp_path / "回収"
    inbox.mkdir()
    write_xlsx(inbox / "01_税務課.xlsx", MESSY_ROWS, cover=[("年度", "R6"), ("課", "税務課")])
    write_xlsx(
        inbox / "02_市民課.xlsx",
        [HEADER, ["転入届の受付", "定型", "なし", "紙（手書き）", "不明", 15]],
        cover=[("年度", 2024), ("課", "市民課")],
    )
    assert dxi("init")[0] == 0
    home = get_settings().home
    for folder in ("inbox", "overtime-inbox", "outbox", "reports"):
        assert (home / folder).is_dir(), folder

    code, out = dxi("ingest", str(inbox), "--format", "json", "--errors-dir", str(tmp_path / "errors"))
    assert code == 1
    doc = json.loads(out[out.index("{") :])
    assert [a["file"] for a in doc["accepted"]] == ["01_税務課.xlsx"]
    (rejected,) = doc["rejected"]
    assert rejected["file"] == "02_市民課.xlsx"
    assert rejected["errors"] == [
        {
            "sheet": "業務一覧",
            "row": 2,
            "column": "年間件数",
            "value": "不明",
            "code": "not_a_number",
            "message": rejected["errors"][0]["message"],
        }
    ]
    assert (tmp_path / "errors" / "02_市民課_エラー.xlsx").exists()

    code, out = dxi("ingest", str(inbox / "01_税務課.xlsx"))
    assert code == 0 and "変更なし" in out

    code, out = dxi("tasks", "--fy", "2024", "--format", "json")
    tasks = json.loads(out)
    assert code == 0 and [t["name"] for t in tasks] == [
        "住民税の申告書入力",
        "課税台帳の照会対応",
        "口座振替依頼書の入力",
    ]
    first = tasks[0]
    for key in (
        "id",
        "department",
        "fiscal_year",
        "annual_hours",
        "warnings",
        "annual_volume",
        "minutes_per_case",
        "input_medium",
        "peak_months",
    ):
        assert key in first
    assert (first["department"], first["fiscal_year"], first["annual_hours"], first["peak_months"]) == (
        "税務課",
        2024,
        1000.0,
        [2, 3],
    )

    code, out = dxi("tasks", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert (
        len(rows) == 3 and rows[0]["業務名"] == "住民税の申告書入力" and rows[0]["入力媒体"] == "紙（手書き）"
    )

    new_folder = tmp_path / "まだない" / "フォルダ" / "一覧.csv"
    code, out = dxi("tasks", "--format", "csv", "-o", str(new_folder))
    assert code == 0 and len(list(csv.DictReader(io.StringIO(new_folder.read_text("utf-8-sig"))))) == 3
    (tmp_path / "ファイル").write_text("x")
    code, out = dxi("tasks", "--format", "csv", "-o", str(tmp_path / "ファイル" / "一覧.csv"))
    assert code == 2 and "書き出せません" in out

    target = tmp_path / "一覧.xlsx"
    assert dxi("tasks", "--format", "xlsx", "-o", str(target))[0] == 0
    sheet = load_workbook(target).worksheets[0]
    assert [c.value for c in sheet[1]] == list(TASK_HEADERS.values()) and sheet.max_row == 4

    code, out = dxi("submissions")
    assert code == 0 and "税務課" in out and "現行" in out

    code, out = dxi("runs", "--format", "json")  # each ingest is in the run history, newest first
    latest, first = json.loads(out)
    assert (latest["job"], latest["via"], latest["actor"], latest["status"]) == (
        "survey-intake",
        "desk",
        "cli",
        "succeeded",
    )
    assert (
        latest["parameters"]["files"] == ["01_税務課.xlsx"]
        and latest["summary"] == "受理 1 件 / 差し戻し 0 件"
    )
    assert first["summary"] == "受理 1 件 / 差し戻し 1 件" and first["seconds"] >= 0


def test_template_from_previous_prefills_last_years_tasks(tmp_path: Path) -> None:
    from sqlalchemy import create_engine  # noqa: F401  (engine comes from settings)

    from inventory.db.engine import engine_for, session_scope
    from inventory.db.migrate import upgrade
    from inventory.db.submission_repo import store_survey
    from inventory.settings import get_settings
    from tests.factories import make_survey, make_task

    settings = get_settings()
    settings.ensure_home()
    engine = engine_for(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        store_survey(
            session=session,
            survey=make_survey(fiscal_year=2023, tasks=[make_task(name="督促状の発送", task_code="ZM-9")]),
        )
    target = tmp_path / "税務課_2024.xlsx"
    code, out = dxi(
        "template",
        "--fy",
        "2024",
        "--dept",
        "税務課",
        "--division",
        "総務部",
        "--from-previous",
        "-o",
        str(target),
    )
    assert code == 0, out
    book = load_workbook(target)
    sheet = book["業務一覧"]
    values = [c.value for row in sheet.iter_rows(min_row=2, max_row=2) for c in row]
    assert "督促状の発送" in values and "ZM-9" in values


def test_read_only_commands_do_not_import_prefect(tmp_path: Path) -> None:
    assert_not_imported(tmp_path, ["init"], ["tasks", "--format", "json"])


ANSWERED_ON = {  # 課 → 回答日 as typed on the 表紙
    "税務課": "2025/6/3",
    "市民課": "令和7年6月3日",
    "福祉課": "R7.6.3",
    "保険課": "2025-06-03",
    "環境課": "２０２５／６／３",
    "土木課": "来週",
}


def test_ingest_reads_answered_on_as_typed_and_shows_every_warning(tmp_path: Path) -> None:
    from sqlalchemy import select

    from inventory.db.engine import engine_for, session_scope
    from inventory.db.tables import Department, SurveySubmission

    inbox = tmp_path / "回収"
    inbox.mkdir()
    for i, (dept, typed) in enumerate(ANSWERED_ON.items()):
        write_xlsx(
            inbox / f"{i}_{dept}.xlsx",
            [HEADER, ["申請書の受付", "定型", "なし", "電子", "20～30", 5]],
            cover=[("年度", 2025), ("課", dept), ("回答日", typed)],
        )
    assert dxi("init")[0] == 0
    code, out = dxi("ingest", str(inbox), "--format", "json")
    assert code == 0, out
    doc = json.loads(out[out.index("{") :])
    by_file = {a["file"]: a for a in doc["accepted"]}
    assert by_file["0_税務課.xlsx"]["warnings"] == [
        {"sheet": "業務一覧", "row": 2, "column": "年間件数", "value": "20～30", "code": "assumed",
         "message": "範囲「20～30」を中央値 25 としました"}
    ]  # fmt: skip
    unreadable = by_file["5_土木課.xlsx"]
    assert unreadable["warning_count"] == 2
    (answered,) = [w for w in unreadable["warnings"] if w["column"] == "回答日"]
    assert answered["value"] == "来週" and answered["row"] is None
    assert "回答日" in answered["message"] and "空欄として取り込みました" in answered["message"]

    with session_scope(engine_for(get_settings().db_url)) as session:
        stored = dict(
            session.execute(
                select(Department.name, SurveySubmission.answered_on).join(
                    Department, SurveySubmission.department_id == Department.id
                )
            ).all()
        )
    assert {d: (v.isoformat() if v else None) for d, v in stored.items()} == {
        **{d: "2025-06-03" for d in ANSWERED_ON if d != "土木課"},
        "土木課": None,
    }

    code, out = dxi("ingest", str(inbox / "5_土木課.xlsx"))
    assert code == 0 and "警告" in out
    assert "表紙の回答日" in out and "来週" in out and "空欄として取り込みました" in out
    assert "2行目 「年間件数」" in out and "中央値 25" in out
