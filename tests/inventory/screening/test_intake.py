"""A screening round trip on the real database: send, fill in as a 課 would, ingest, rescore.

Runs on SQLite and PostgreSQL. The survey is stored volume-only (no suitability
attributes), as most municipal surveys are.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from inventory.db.engine import session_scope
from inventory.db.scoring_repo import latest_run, stored_scores
from inventory.db.screening_repo import awaiting_screening, screening_progress
from inventory.db.submission_repo import list_submissions, store_survey
from inventory.db.tables import AuditEntry, SurveySubmission, Task
from inventory.db.task_repo import list_tasks
from inventory.intake.dispatch import ingest_any
from inventory.intake.screening_out import choose_top, send_screening
from inventory.screening.fields import SCREENING_SHEET
from tests.factories import make_survey, make_task, score_year
from tests.inventory.screening.helpers import fill

BLANK = {"routine": None, "judgement": None, "input_medium": None}


def _store_volume_only_survey(engine: Engine) -> None:
    tasks = [
        make_task(source_row=2, task_code="A-001", name="住民税の申告書入力", annual_volume=12000, minutes_per_case=5, **BLANK),
        make_task(source_row=3, name="窓口での相談対応", annual_volume=3000, minutes_per_case=20, **BLANK),
        make_task(source_row=4, task_code="A-014", name="支出命令書の作成", annual_volume=2400, minutes_per_case=10),
    ]  # fmt: skip
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tasks=tasks, fiscal_year=2025, tag="survey"))
        score_year(session, 2025)


def _send(engine: Engine, tmp_path: Path) -> Path:
    with session_scope(engine) as session:
        choice = choose_top(session=session, fiscal_year=2025, top=10)
        sheets = send_screening(
            session=session, fiscal_year=2025, tasks=choice.asked, folder=tmp_path / "out", target=tmp_path / "out",
            actor="test",
        )  # fmt: skip
    assert [s.department for s in sheets] == ["税務課"]
    return tmp_path / "out" / sheets[0].file_name


def _ranking(engine: Engine) -> dict[str, tuple[int, float, float, list[str]]]:
    with session_scope(engine) as session:
        run = latest_run(session=session, fiscal_year=2025)
        assert run is not None
        frame = stored_scores(session=session, run_id=run.id)
    return {
        r["name"]: (r["stored_rank"], round(r["rpa_score"], 1), round(r["ocr_score"], 1), list(r["missing_attributes"] or []))
        for r in frame.to_dict("records")
    }  # fmt: skip


def _counts(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        return (
            int(session.scalar(select(func.count()).select_from(SurveySubmission)) or 0),
            int(session.scalar(select(func.count()).select_from(Task)) or 0),
        )


ANSWERS = {
    2: {"定型性": "定型", "判断の有無": "なし", "入力媒体": "手書き", "様式数": 2, "使用システム数": 1,
        "手順書": "あり", "目視確認": "一部", "例外処理": "少ない", "業務区分": "各課固有",
        "制度改正予定": "なし", "廃止予定": "×"},
    3: {"定型性": "非定型", "判断の有無": "あり", "入力媒体": "混在", "例外処理": "多い"},
}  # fmt: skip


def test_screening_round_trip_completes_attributes_and_changes_the_ranking(
    engine: Engine, tmp_path: Path
) -> None:
    _store_volume_only_survey(engine)
    before = _ranking(engine)
    assert "定型性" in before["住民税の申告書入力"][3], "volume-only: 属性未確認"
    sent = _send(engine, tmp_path)
    names = [r[2].value for r in load_workbook(sent)[SCREENING_SHEET].iter_rows(min_row=2)]
    assert sorted(names) == ["住民税の申告書入力", "支出命令書の作成", "窓口での相談対応"]
    with session_scope(engine) as session:
        waiting = awaiting_screening(session=session, fiscal_year=2025)
        assert len(waiting) == 3
        assert [s.state for s in screening_progress(session=session, fiscal_year=2025)] == ["sent"]

    outcome = ingest_any(engine=engine, path=fill(sent, tmp_path / "税務課_返送.xlsx", ANSWERS), actor="test")
    assert (outcome.status, outcome.kind, outcome.department, outcome.task_count) == (
        "accepted",
        "screening",
        "税務課",
        3,
    )
    with session_scope(engine) as session:
        current = {t.name: t for t in list_tasks(session=session, fiscal_year=2025)}
        history = list_tasks(session=session, fiscal_year=2025, include_superseded=True)
        submissions = list_submissions(session=session, fiscal_year=2025)
        assert awaiting_screening(session=session, fiscal_year=2025) == set()
        assert [s.state for s in screening_progress(session=session, fiscal_year=2025)] == ["received"]
    tax = current["住民税の申告書入力"]
    assert (tax.routine, tax.judgement, tax.input_medium, tax.form_count, tax.documented) == (
        "定型",
        "なし",
        "紙（手書き）",
        2,
        True,
    )
    assert (tax.annual_volume, tax.minutes_per_case, tax.task_code) == (12000, 5, "A-001"), (
        "volumes untouched"
    )
    assert current["窓口での相談対応"].routine == "非定型"
    assert current["支出命令書の作成"].routine == "定型", "a pre-filled answer stays as it was"
    # history: the volume-only version is kept, superseded by the screening version
    assert [(s["status"], s["superseded_by_id"] is not None) for s in submissions] == [
        ("current", False),
        ("superseded", True),
    ]
    old = [t for t in history if t.submission_id != tax.submission_id and t.name == "住民税の申告書入力"]
    assert len(old) == 1 and old[0].routine is None

    with session_scope(engine) as session:
        score_year(session, 2025)
    after = _ranking(engine)
    assert after != before
    assert after["住民税の申告書入力"][3] == [], "every scored attribute answered: nothing assumed"
    assert after["住民税の申告書入力"][1:3] != before["住民税の申告書入力"][1:3]
    assert after["窓口での相談対応"][1] < before["窓口での相談対応"][1], "非定型・判断あり lowers RPA"

    again = ingest_any(engine=engine, path=tmp_path / "税務課_返送.xlsx", actor="test")
    assert again.status == "unchanged" and _counts(engine) == (2, 6)


def test_unmatched_rows_reject_the_file_and_its_fixed_error_workbook_is_taken(
    engine: Engine, tmp_path: Path
) -> None:
    _store_volume_only_survey(engine)
    sent = _send(engine, tmp_path)
    wrong = dict(ANSWERS) | {4: {"業務ID": "Z-999", "業務名": "新しい業務", "定型性": "定型"}}
    counts = _counts(engine)
    outcome = ingest_any(engine=engine, path=fill(sent, tmp_path / "返送.xlsx", wrong), actor="test")
    assert outcome.status == "rejected" and outcome.kind == "screening"
    assert [(e.sheet, e.row, e.column, e.value, e.code) for e in outcome.errors] == [
        (SCREENING_SHEET, 4, "業務ID", "Z-999", "unmatched_task")
    ]
    assert (
        "税務課の令和7年度の業務一覧に、この業務（業務ID「Z-999」・業務名「新しい業務」）がありません"
        in outcome.errors[0].message
    )
    assert _counts(engine) == counts, "nothing stored from a rejected file"
    with session_scope(engine) as session:
        assert all(
            t.routine is None for t in list_tasks(session=session, fiscal_year=2025) if t.task_code == "A-001"
        )
        rejected = session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.rejected")).one()
        assert rejected.details["department"] == "税務課" and rejected.details["errors"] == 1
        (status,) = screening_progress(session=session, fiscal_year=2025)
        assert (status.state, status.error_count, status.returns) == ("rejected", 1, 1)
        assert len(awaiting_screening(session=session, fiscal_year=2025)) == 3

    # the error workbook is the resubmission: the clerk fixes the red cell and sends it back
    assert outcome.error_workbook is not None
    book = load_workbook(outcome.error_workbook)
    assert book.sheetnames == ["エラー一覧", "表紙", SCREENING_SHEET]
    sheet = book[SCREENING_SHEET]
    headers = {c.value: c.column for c in sheet[1]}
    assert sheet.cell(4, headers["業務ID"]).value == "Z-999"
    sheet.cell(4, headers["業務ID"]).value = "A-014"
    sheet.cell(4, headers["業務名"]).value = "支出命令書の作成"
    book.save(tmp_path / "返送_修正.xlsx")
    fixed = ingest_any(engine=engine, path=tmp_path / "返送_修正.xlsx", actor="test")
    assert (fixed.status, fixed.task_count) == ("accepted", 3), fixed.errors
    with session_scope(engine) as session:
        assert screening_progress(session=session, fiscal_year=2025)[0].state == "received"


def _hostile(sent: Path, target: Path) -> Path:
    return fill(
        sent,
        target,
        {
            2: {"定型性": "=cmd|'/c calc'!A0", "様式数": "\u202e99"},
            3: {"業務名": "窓口での相談対応" * 40, "入力媒体": "紙"},
            4: {"繁忙月": "4月〜13月", "目視確認": "@SUM(1)"},
        },
        cover={"年度": "令和99年度", "課": "税務課\u200b"},
    )


@pytest.mark.parametrize("kind", ["bad_cells", "truncated", "no_survey"])
def test_hostile_or_malformed_screening_files_store_nothing(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    _store_volume_only_survey(engine)
    sent = _send(engine, tmp_path)
    if kind == "bad_cells":
        path = _hostile(sent, tmp_path / "返送.xlsx")
    elif kind == "truncated":
        path = tmp_path / "返送.xlsx"
        path.write_bytes(sent.read_bytes()[:3000])
    else:
        path = fill(sent, tmp_path / "返送.xlsx", ANSWERS, cover={"課": "存在しない課"})
    counts = _counts(engine)
    outcome = ingest_any(engine=engine, path=path, actor="test")
    assert outcome.status == "rejected" and outcome.errors
    assert _counts(engine) == counts
    with session_scope(engine) as session:
        assert all(
            t.routine is None for t in list_tasks(session=session, fiscal_year=2025) if t.task_code == "A-001"
        )
    codes = {e.code for e in outcome.errors}
    if kind == "bad_cells":
        assert {"unknown_choice", "too_long", "bad_months", "bad_year"} <= codes
        assert all(e.sheet == SCREENING_SHEET for e in outcome.errors if e.row is not None)
        assert outcome.error_workbook and zipfile.is_zipfile(outcome.error_workbook)
    elif kind == "truncated":
        assert codes == {"unreadable_file"}
    else:
        assert codes == {"no_survey"}
        assert "存在しない課の令和7年度の業務量調査票がまだ取り込まれていません" in outcome.errors[0].message
