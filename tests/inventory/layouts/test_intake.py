"""Ingesting through a layout on SQLite and PostgreSQL: one submission per 課, all or nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from inventory.db.engine import session_scope
from inventory.db.submission_repo import list_submissions
from inventory.db.tables import Base
from inventory.db.task_repo import list_tasks
from inventory.intake.survey import ingest_file, parse_bytes
from inventory.layouts.model import parse_layout
from inventory.survey.error_list import FIX_ORIGINAL
from inventory.survey.template import write_template
from tests.inventory.layouts.books import (
    HOURS_LAYOUT,
    VERTICAL_LAYOUT,
    hours_table,
    vertical_forms,
)

LAYOUT = parse_layout(HOURS_LAYOUT)


def counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name != "audit_log"
        }


def stored(engine: Engine) -> list[tuple[str, str, float]]:
    with session_scope(engine) as session:
        return [(t.department, t.name, round(t.annual_hours, 2)) for t in list_tasks(session=session)]


def test_one_file_with_several_departments_gives_one_submission_each(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "令和6年度_業務量調査.xlsx"
    path.write_bytes(hours_table())
    outcome = ingest_file(engine=engine, path=path, layout=LAYOUT)
    assert (outcome.status, outcome.department, outcome.fiscal_year, outcome.task_count) == (
        "accepted", "課税課、市民課", 2024, 3,
    )  # fmt: skip
    assert stored(engine) == [
        ("市民課", "住民票の写し交付", 1000.0),  # 12,000 × 5 min
        ("課税課", "住民税賦課", 600.0),  # 1,200 × 約30分
        ("課税課", "固定資産税の縦覧", 520.0),  # 300 × 1時間44分
    ]
    with session_scope(engine) as session:
        submissions = list_submissions(session=session)
    assert sorted((s["department"], s["task_count"], s["status"]) for s in submissions) == [
        ("市民課", 1, "current"), ("課税課", 2, "current"),
    ]  # fmt: skip
    again = ingest_file(engine=engine, path=path, layout=LAYOUT)
    assert again.status == "unchanged" and counts(engine)["tasks"] == 3


def test_a_new_file_for_a_department_supersedes_its_earlier_one(engine: Engine, tmp_path: Path) -> None:
    first = tmp_path / "第1回.xlsx"
    first.write_bytes(hours_table())
    ingest_file(engine=engine, path=first, layout=LAYOUT)
    second = tmp_path / "第2回.xlsx"
    second.write_bytes(hours_table([("【課税課】住民税賦課", 1500, 30, 2)]))
    outcome = ingest_file(engine=engine, path=second, layout=LAYOUT)
    assert (outcome.status, outcome.department, outcome.task_count) == ("resubmitted", "課税課", 1)
    assert stored(engine) == [("市民課", "住民票の写し交付", 1000.0), ("課税課", "住民税賦課", 750.0)]
    with session_scope(engine) as session:
        history = {(s["department"], s["file_name"]): s["status"] for s in list_submissions(session=session)}
    assert history == {
        ("課税課", "第2回.xlsx"): "current", ("市民課", "第1回.xlsx"): "current",
        ("課税課", "第1回.xlsx"): "superseded",
    }  # fmt: skip


def test_one_bad_row_of_one_department_stores_nothing_of_any(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    path = tmp_path / "調査.xlsx"
    path.write_bytes(
        hours_table(
            [
                ("【課税課】住民税賦課", 1200, 30, 2),
                ("【市民課】住民票", "不明", "3件", 1),
                ("戸籍", 10, 5, 1),
            ]
        )
    )
    outcome = ingest_file(engine=engine, path=path, layout=LAYOUT, errors_dir=tmp_path / "errors")
    assert outcome.status == "rejected"
    assert counts(engine) == before
    assert [(e.sheet, e.row, e.column, e.value, e.code, e.message) for e in outcome.errors] == [
        ("調査票", 7, "業務量 年間処理件数", "不明", "bad_unit",
         '"不明" は件数として読めません（例: 1200, 1,200件, 約1200件）（様式 fields.annual_volume.unit = "件"、セル B7）'),
        ("調査票", 7, "業務量 1件あたり処理時間", "3件", "bad_unit",
         '"3件" の「件」は時間の単位ではありません（例: 30, 30分, 1時間30分, 約30分）'
         '（様式 fields.minutes_per_case.unit = "分"、セル C7）'),
        ("調査票", 8, "事務事業名", "戸籍", "layout_mismatch",
         "業務名に課が見つかりません（様式の department.pattern「【(?P<課>[^】]+)】」）（セル A8）"),
    ]  # fmt: skip
    assert outcome.error_workbook is not None
    book = load_workbook(outcome.error_workbook, read_only=True)
    assert book.sheetnames == ["エラー一覧"]  # fixed in the department's own file, not in ours
    rows = [[c for c in row if c is not None] for row in book["エラー一覧"].iter_rows(values_only=True)]
    assert rows[0] == [FIX_ORIGINAL]
    listed = rows[rows.index(["シート・行", "列", "値", "内容"]) + 1 :]
    assert [r[:3] for r in listed] == [
        ["調査票 7行", "業務量 年間処理件数", "不明"], ["調査票 7行", "業務量 1件あたり処理時間", "3件"],
        ["調査票 8行", "事務事業名", "戸籍"],
    ]  # fmt: skip


def test_a_layout_that_does_not_fit_stores_nothing_and_says_which_key(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    path = tmp_path / "調査.xlsx"
    path.write_bytes(hours_table())
    layout = parse_layout(HOURS_LAYOUT.replace('heading = "従事人数"', 'heading = "従事者数"'))
    outcome = ingest_file(engine=engine, path=path, layout=layout, errors_dir=tmp_path)
    assert outcome.status == "rejected" and counts(engine) == before
    assert [(e.sheet, e.row, e.code, e.message) for e in outcome.errors] == [
        ("調査票", 4, "layout_mismatch",
         "様式の fields.staff_count.heading: 見出し「従事者数」が見つかりません（近い見出し: 「従事人数」）（見出しの行: 4・5行目）"),
    ]  # fmt: skip
    assert outcome.error_workbook and zipfile.is_zipfile(outcome.error_workbook)


def test_vertical_forms_with_hours_as_written(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "業務説明表.xlsx"
    path.write_bytes(vertical_forms())
    outcome = ingest_file(engine=engine, path=path, layout=parse_layout(VERTICAL_LAYOUT))
    assert (outcome.status, outcome.department, outcome.fiscal_year) == ("accepted", "税務課", 2024)
    assert stored(engine) == [("税務課", "住民税の賦課決定", 71.0), ("税務課", "軽自動車税の減免", 1.73)]


def test_person_years_become_hours_and_before_after_marks_automated(engine: Engine, tmp_path: Path) -> None:
    text = "業務名,課,人工,導入後\n住民税賦課,税務課,0.5,100時間\n窓口受付,市民課,1.2,\n"
    path = tmp_path / "人工.csv"
    path.write_bytes(text.encode("cp932"))
    layout = parse_layout(
        'version = 1\nname = "人工"\n[table]\nheader_rows = [1]\n[fields]\nname = { heading = "業務名" }\n'
        'annual_hours = { heading = "人工", unit = "人工" }\nhours_after = { heading = "導入後", unit = "時間" }\n'
        '[department]\nsource = "column"\nheading = "課"\n[fiscal_year]\nsource = "fixed"\nvalue = "R6"\n'
    )
    result = parse_bytes(path.read_bytes(), path.name, None, layout)
    assert result.errors == [] and result.survey is not None
    tasks = [t for s in (result.survey, *result.others) for t in s.tasks]
    assert [(t.name, t.annual_hours, t.hours_after, t.automated) for t in tasks] == [
        ("住民税賦課", 960.0, 100.0, True), ("窓口受付", pytest.approx(2304.0), None, False),
    ]  # fmt: skip
    outcome = ingest_file(engine=engine, path=path, layout=layout)
    assert outcome.status == "accepted" and outcome.task_count == 2


def test_our_own_template_reads_as_is_even_with_a_layout(engine: Engine, tmp_path: Path) -> None:
    path = write_template(tmp_path / "税務課.xlsx", fiscal_year=2025, department="税務課")
    book = load_workbook(path)
    sheet = book["業務一覧"]
    headers = [c.value for c in sheet[1]]
    row = {"業務名": "住民税賦課", "年間件数": 100, "1件当たり処理時間（分）": 6, "定型性": "定型",
           "判断の有無": "なし", "入力媒体": "電子"}  # fmt: skip
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=column, value=row.get(str(header)))
    book.save(path)  # as a clerk's Excel would: the author stays dx-task-inventory
    outcome = ingest_file(engine=engine, path=path, layout=LAYOUT)
    assert (outcome.status, outcome.department, outcome.fiscal_year, outcome.task_count) == (
        "accepted", "税務課", 2025, 1,
    )  # fmt: skip


def test_the_intake_options_name_a_saved_layout(tmp_path: Path) -> None:
    from inventory.layouts.store import save_layout
    from inventory.settings import get_settings
    from inventory.survey.per_survey import IntakeOptions

    source = tmp_path / "様式.toml"
    source.write_text(VERTICAL_LAYOUT, encoding="utf-8")
    save_layout(home=get_settings().home, source=source, name="業務説明表")
    result = parse_bytes(vertical_forms(), "説明表.xlsx", IntakeOptions(layout="業務説明表"))
    assert result.errors == [] and result.layout == "業務説明表"
    assert result.survey is not None and [t.name for t in result.survey.tasks] == [
        "住民税の賦課決定",
        "軽自動車税の減免",
    ]
    plain = parse_bytes(vertical_forms(), "説明表.xlsx", IntakeOptions())
    assert plain.survey is None and plain.errors[0].code == "missing_column"  # the template's reading
