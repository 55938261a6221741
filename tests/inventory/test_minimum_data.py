"""Minimum data (issue 13) through the real intake on both databases: a name, a 課, a 年度 and one volume."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from inventory.db.engine import session_scope
from inventory.db.task_repo import list_tasks
from inventory.intake.survey import ingest_file
from tests.inventory.test_intake import table_counts
from tests.inventory.workbooks import write_xlsx

HOURS_ONLY = [
    ["年度", "課", "業務名", "年間時間", "導入後の年間時間"],
    ["令和6年度", "税務課", "住民税の申告書入力", "約1,200時間", None],
    ["令和6年度", "税務課", "軽自動車税の減免申請", "1時間44分", None],
    ["令和6年度", "税務課", "課税台帳の照会対応", 340, None],
    ["令和6年度", "税務課", "口座振替データの取込", "600時間", 90],
]


def test_an_hours_only_inventory_is_stored_with_attributes_unknown(engine: Engine, tmp_path: Path) -> None:
    outcome = ingest_file(engine=engine, path=write_xlsx(tmp_path / "税務課.xlsx", HOURS_ONLY, cover=()))
    assert (outcome.status, outcome.department, outcome.fiscal_year, outcome.errors) == (
        "accepted", "税務課", 2024, [],
    )  # fmt: skip
    with session_scope(engine) as session:
        tasks = {t.name: t for t in list_tasks(session=session, fiscal_year=2024)}
    assert [t.annual_hours for t in tasks.values()] == [1200.0, 104 / 60, 340.0, 600.0]
    assert all(t.stated_hours == t.annual_hours for t in tasks.values())
    first = tasks["住民税の申告書入力"]
    assert (first.annual_volume, first.minutes_per_case) == (None, None)
    assert (first.routine, first.judgement, first.input_medium, first.documented) == (None, None, None, None)
    assert first.hours_after is None
    assert tasks["口座振替データの取込"].hours_after == 90.0  # before and after: already automated


def test_cases_times_minutes_keep_their_meaning(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["業務名", "年間件数", "1件当たり処理時間（分）", "入力媒体"],
        ["支出命令書の作成", "2,400件", "15分", "電子"],
    ]
    assert ingest_file(engine=engine, path=write_xlsx(tmp_path / "a.xlsx", rows)).status == "accepted"
    with session_scope(engine) as session:
        (task,) = list_tasks(session=session, fiscal_year=2024)
    assert (task.annual_volume, task.minutes_per_case, task.annual_hours, task.stated_hours) == (
        2400.0, 15.0, 600.0, None,
    )  # fmt: skip
    assert (task.input_medium, task.routine) == ("電子", None)


def test_a_row_without_any_volume_rejects_the_file_naming_the_row(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["業務名", "年間件数", "1件当たり処理時間（分）", "年間時間"],
        ["支出命令書の作成", 2400, 15, None],
        ["窓口相談", None, None, "約300時間"],
        ["例規集の更新", 120, None, None],
    ]
    outcome = ingest_file(
        engine=engine, path=write_xlsx(tmp_path / "b.xlsx", rows), errors_dir=tmp_path / "e"
    )
    assert outcome.status == "rejected" and table_counts(engine) == (0, 0)
    assert [(e.row, e.column, e.code) for e in outcome.errors] == [(4, "1件当たり処理時間（分）", "required")]
    assert outcome.errors[0].message == (
        "必須項目「1件当たり処理時間（分）」が空欄です（年間件数と処理時間の代わりに「年間時間」を書いても構いません）"
    )


def test_an_hours_only_file_names_its_hours_column_when_a_row_is_blank(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [["業務名", "年間総計"], ["窓口相談", 300], ["例規集の更新", None]]
    outcome = ingest_file(
        engine=engine, path=write_xlsx(tmp_path / "c.xlsx", rows), errors_dir=tmp_path / "e"
    )
    assert [(e.row, e.column, e.code) for e in outcome.errors] == [(3, "年間総計", "required")]
    assert "「年間時間」が空欄" in outcome.errors[0].message and table_counts(engine) == (0, 0)


def test_a_table_without_volume_columns_is_refused_saying_both_ways(engine: Engine, tmp_path: Path) -> None:
    rows = [["業務名", "定型性", "入力媒体"], ["窓口相談", "非定型", "紙"]]
    outcome = ingest_file(
        engine=engine, path=write_xlsx(tmp_path / "d.xlsx", rows), errors_dir=tmp_path / "e"
    )
    assert [(e.row, e.code) for e in outcome.errors] == [(1, "missing_column")]
    message = outcome.errors[0].message
    assert "年間件数、1件当たり処理時間（分）" in message and "「年間時間」の列でも構いません" in message
    assert table_counts(engine) == (0, 0)
