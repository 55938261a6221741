"""The fixed error workbook is the resubmission: the clerk fixes the red cells and sends it back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.tables import SurveySubmission
from inventory.db.task_repo import list_tasks
from inventory.intake.survey import find_survey_files, ingest_file
from inventory.survey.error_workbook import ERRORS_SHEET
from inventory.survey.per_survey import IntakeOptions
from tests.inventory.workbooks import write_csv, write_xlsx

HEADER = [
    "係",
    "業務名",
    "定型性",
    "判断の有無",
    "入力媒体",
    "年間件数",
    "1件当たり処理時間（分）",
    "手順書",
    "備考",
]
TITLE = [["令和6年度 業務量調査票"], ["※黄色のセルに入力してください。"], []]
COVER = [
    ("年度", "令和6年度"),
    ("部", "総務部"),
    ("課", "税務課"),
    ("回答者", "山田"),
    ("回答日", date(2024, 6, 3)),
]
# (row, header) → (bad value, fixed value); Excel rows: 3 title rows, the header on row 4.
FIXES: dict[tuple[int, str], tuple[object, object]] = {
    (6, "定型性"): ("ていけい", "定型"),
    (6, "年間件数"): ("不明", "1,200件"),
    (7, "1件当たり処理時間（分）"): (None, "1時間30分"),
    (9, "手順書"): ("たぶん", "あり"),
    (9, "入力媒体"): ("ふぁっくす", "紙（手書き）"),
}
ROWS: list[list[object]] = [
    ["市民税係", "住民税の申告書入力", "定型", "なし", "紙（手書き）", 13000, 5, "あり", None],
    ["市民税係", "課税台帳の照会対応", "ていけい", "一部あり", "電子", "不明", "20～30", None, "電話が多い"],
    ["庶務係", "支出命令書の作成", "定型", "なし", "電子", 300, None, "なし", None],
    ["庶務係", "郵便物の仕分け", "非定型", "なし", "紙（活字）", "約500件", 10, None, None],
    [
        "資産税係",
        "固定資産税の課税明細作成",
        "一部定型",
        "あり",
        "ふぁっくす",
        40,
        "1.5時間",
        "たぶん",
        "要確認",
    ],
]


def _rows(fixed: bool) -> list[list[object]]:
    rows = [list(r) for r in ROWS]
    for (excel_row, header), (bad, good) in FIXES.items():
        cells = rows[excel_row - 5]
        assert cells[HEADER.index(header)] == bad
        if fixed:
            cells[HEADER.index(header)] = good
    return [*TITLE, HEADER, *rows]


def _stored(engine: Engine) -> tuple[list[dict[str, object]], tuple[object, ...]]:
    with session_scope(engine) as session:
        tasks = [
            t.model_dump(exclude={"id", "submission_id", "received_at"})
            for t in list_tasks(session=session, fiscal_year=2024, department="税務課")
        ]
        current = session.scalars(select(SurveySubmission).where(SurveySubmission.status == "current")).one()
        survey = (current.fiscal_year, current.submitter, current.answered_on, current.sheet)
    return tasks, survey


def _red_cells(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[tuple[int, str], openpyxl.cell.Cell]:
    header = {c.column: c.value for c in sheet[4]}
    return {
        (c.row, str(header[c.column])): c
        for row in sheet.iter_rows(min_row=5)
        for c in row
        if c.fill.fill_type == "solid"
        and str(c.fill.fgColor.rgb).endswith("FFC7CE")
        and header[c.column] != "エラー内容"
    }


def test_fixed_error_workbook_stores_what_the_corrected_original_stores(
    engine: Engine, tmp_path: Path
) -> None:
    bad = write_xlsx(tmp_path / "税務課.xlsx", _rows(fixed=False), cover=COVER)
    rejected = ingest_file(engine=engine, path=bad)
    assert rejected.status == "rejected" and rejected.error_workbook
    assert {(e.row, e.column) for e in rejected.errors} == set(FIXES)

    corrected = write_xlsx(tmp_path / "税務課_修正.xlsx", _rows(fixed=True), cover=COVER)
    assert ingest_file(engine=engine, path=corrected).status == "accepted"
    expected = _stored(engine)
    assert len(expected[0]) == 5 and expected[1] == (2024, "山田", date(2024, 6, 3), "業務一覧")

    returned = Path(rejected.error_workbook)
    assert find_survey_files([tmp_path]) == [bad, corrected]  # as we wrote it: our own output, not a survey
    book = openpyxl.load_workbook(returned)
    assert book.sheetnames[0] == ERRORS_SHEET and book.active.title == ERRORS_SHEET
    assert "このファイル" in str(book[ERRORS_SHEET]["A1"].value) and "返送" in str(
        book[ERRORS_SHEET]["A1"].value
    )
    sheet = book["業務一覧"]
    red = _red_cells(sheet)
    assert set(red) == set(FIXES)
    for key, cell in red.items():
        cell.value = FIXES[key][1]
    book.save(returned)

    assert find_survey_files([tmp_path]) == [bad, returned, corrected]  # fixed and saved: a resubmission
    fixed_bytes = returned.read_bytes()
    rerun = ingest_file(engine=engine, path=bad)  # the folder ingested again, the fixed file beside
    assert rerun.error_workbook == str(tmp_path / "税務課_エラー_2.xlsx")
    assert returned.read_bytes() == fixed_bytes  # the clerk's fix is never overwritten
    again = ingest_file(engine=engine, path=returned)
    assert (again.status, again.errors, again.task_count) == ("resubmitted", [], 5)
    assert _stored(engine) == expected


def test_returned_error_workbook_alone_in_a_folder_is_taken(tmp_path: Path) -> None:
    inbox = tmp_path / "受付"
    inbox.mkdir()
    returned = write_xlsx(inbox / "税務課_エラー.xlsx", _rows(fixed=True), cover=COVER)
    assert find_survey_files([inbox]) == [returned]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_year_and_department_given_at_intake_travel_in_the_error_workbook(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    """--fy given at intake, 課 missing: the error workbook's 表紙 carries 年度 and asks for 課."""
    rows = _rows(fixed=True)[3:]
    rows[1][HEADER.index("年間件数")] = "不明"
    if kind == "csv":
        source = write_csv(tmp_path / "調査.csv", rows, encoding="cp932")
    else:
        source = write_xlsx(tmp_path / "調査.xlsx", rows, cover=())
    rejected = ingest_file(engine=engine, path=source, options=IntakeOptions(fiscal_year=2024))
    assert {e.code for e in rejected.errors} == {"not_a_number", "missing_department"}

    book = openpyxl.load_workbook(str(rejected.error_workbook))
    cover = book["表紙"]
    labels = {str(r[0].value): r[1] for r in cover.iter_rows(min_row=2)}
    assert labels["年度"].value == 2024 and labels["課"].value is None
    assert str(labels["課"].fill.fgColor.rgb).endswith("FFC7CE")
    labels["課"].value = "税務課"
    book["業務一覧"].cell(row=2, column=HEADER.index("年間件数") + 1).value = 1200
    book.save(str(rejected.error_workbook))

    again = ingest_file(engine=engine, path=Path(str(rejected.error_workbook)))
    assert again.errors == []
    assert (again.status, again.fiscal_year, again.department, again.task_count) == (
        "accepted",
        2024,
        "税務課",
        5,
    )


def test_error_workbook_sent_back_unfixed_gives_the_same_errors_at_the_same_cells(tmp_path: Path) -> None:
    from inventory.intake.survey import parse_bytes, write_errors

    source = write_xlsx(tmp_path / "税務課.xlsx", _rows(fixed=False), cover=COVER)
    first = parse_bytes(source.read_bytes(), source.name)
    returned = write_errors(first, tmp_path / "税務課_エラー.xlsx")
    second = parse_bytes(returned.read_bytes(), returned.name)
    assert [(e.row, e.column, e.value, e.code) for e in second.errors] == [
        (e.row, e.column, e.value, e.code) for e in first.errors
    ]
    again = write_errors(second, tmp_path / "税務課_エラー_エラー.xlsx")
    header = [c.value for c in openpyxl.load_workbook(again)["業務一覧"][4]]
    assert header == [*HEADER, "エラー内容"]  # the first round's column is reused, not repeated
