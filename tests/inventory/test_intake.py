"""ingest_file end to end on real files and both databases."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from inventory.db.engine import session_scope
from inventory.db.submission_repo import list_submissions
from inventory.db.tables import AuditEntry, SurveySubmission, Task
from inventory.db.task_repo import list_tasks
from inventory.intake.survey import find_survey_files, ingest_file
from inventory.survey.error_workbook import write_error_workbook
from tests.inventory.test_validate import MESSY_ROWS
from tests.inventory.workbooks import HEADER, write_xlsx
from tests.locking import open_in_excel


def table_counts(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        tasks = session.scalar(select(func.count()).select_from(Task)) or 0
        subs = session.scalar(select(func.count()).select_from(SurveySubmission)) or 0
    return tasks, subs


def test_accept_then_reingest_then_resubmit(engine: Engine, tmp_path: Path) -> None:
    original = write_xlsx(
        tmp_path / "税務課.xlsx", MESSY_ROWS, cover=[("年度", "令和6年度"), ("課", "税務課")]
    )
    first = ingest_file(engine=engine, path=original)
    assert (first.status, first.task_count, first.warning_count, first.department, first.fiscal_year) == (
        "accepted", 3, 1, "税務課", 2024,
    )  # fmt: skip
    again = ingest_file(engine=engine, path=original)
    assert again.status == "unchanged" and table_counts(engine) == (3, 1)

    corrected = write_xlsx(
        tmp_path / "税務課_修正.xlsx",
        [HEADER, ["住民税の申告書入力", "定型", "なし", "紙（手書き）", 13000, 5]],
        cover=[("年度", 2024), ("課", "税務課")],
    )
    resubmitted = ingest_file(engine=engine, path=corrected)
    assert resubmitted.status == "resubmitted" and resubmitted.superseded_id == first.submission_id
    with session_scope(engine) as session:
        current = list_tasks(session=session, fiscal_year=2024, department="税務課")
        statuses = sorted(s["status"] for s in list_submissions(session=session))
    assert [(t.name, t.annual_volume) for t in current] == [("住民税の申告書入力", 13000)]
    assert statuses == ["current", "superseded"] and table_counts(engine) == (4, 2)


def test_rejected_file_stores_nothing_and_gets_an_error_workbook(engine: Engine, tmp_path: Path) -> None:
    rows = [HEADER, ["業務A", "定型", "なし", "電子", 10, 10], ["業務B", "定型", "なし", "電子", "不明", 10]]
    path = write_xlsx(tmp_path / "市民課.xlsx", rows, cover=[("年度", 2024), ("課", "市民課")])
    outcome = ingest_file(engine=engine, path=path, errors_dir=tmp_path / "差し戻し")
    assert outcome.status == "rejected" and [(e.row, e.column, e.code) for e in outcome.errors] == [
        (3, "年間件数", "not_a_number")
    ]
    assert table_counts(engine) == (0, 0)
    with session_scope(engine) as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (
        entry.action == "survey.rejected"
        and entry.details["errors"] == 1
        and entry.details["department"] == "市民課"
    )

    assert outcome.error_workbook == str(tmp_path / "差し戻し" / "市民課_エラー.xlsx")
    book = load_workbook(outcome.error_workbook)
    sheet = book["業務一覧"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[0]
    assert "エラー内容" in header and "年間件数" in header
    bad_row = next(r for r in values if "業務B" in r)
    assert "不明" in bad_row and any(isinstance(v, str) and "数値" in v for v in bad_row)


def test_an_error_workbook_open_in_excel_is_kept_and_the_new_one_numbered(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [HEADER, ["業務B", "定型", "なし", "電子", "不明", 10]]
    path = write_xlsx(tmp_path / "市民課.xlsx", rows, cover=[("年度", 2024), ("課", "市民課")])
    first = ingest_file(engine=engine, path=path)
    assert first.error_workbook == str(tmp_path / "市民課_エラー.xlsx")
    before = Path(first.error_workbook).read_bytes()
    with open_in_excel(Path(first.error_workbook)):  # the clerk is reading it
        again = ingest_file(engine=engine, path=path)
    assert again.status == "rejected" and again.error_workbook == str(tmp_path / "市民課_エラー_2.xlsx")
    assert Path(first.error_workbook).read_bytes() == before
    assert "エラー内容" in [c.value for c in load_workbook(again.error_workbook)["業務一覧"][1]]


def test_unreadable_file_is_rejected_with_error_workbook_beside_it(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "壊れた.xlsx"
    path.write_bytes(b"not a workbook")
    outcome = ingest_file(engine=engine, path=path)
    assert outcome.status == "rejected" and outcome.errors[0].code == "unreadable_file"
    assert Path(outcome.error_workbook or "").exists() and table_counts(engine) == (0, 0)


def test_find_survey_files_skips_lock_files_and_error_workbooks(tmp_path: Path) -> None:
    for name in ("b.xlsx", "a.csv", "~$b.xlsx", "memo.txt", "c.xlsm"):
        (tmp_path / name).write_bytes(b"x")
    write_error_workbook(tmp_path / "a_エラー.xlsx", headers=HEADER, rows=[], errors=[])  # our own output
    (tmp_path / "d_エラー.xlsx").write_bytes(b"x")  # not as we wrote it: someone's file, read and judged
    assert [p.name for p in find_survey_files([tmp_path])] == ["a.csv", "b.xlsx", "c.xlsm", "d_エラー.xlsx"]
    assert [p.name for p in find_survey_files([tmp_path / "memo.txt", tmp_path / "memo.txt"])] == ["memo.txt"]
