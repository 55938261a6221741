"""The optional columns of issue 14: 自動化できる割合 and 目視確認時間（分/件）, from cell to score."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from bpr.scoring.score import score_tasks
from inventory.db.engine import session_scope
from inventory.db.scoring_repo import inventory_frame
from inventory.intake.survey import ingest_file
from inventory.survey.numbers import parse_share

HEADER = ["業務名", "定型性", "判断の有無", "入力媒体", "年間件数", "1件当たり処理時間（分）", "目視確認",
          "目視確認時間（分/件）", "自動化できる割合"]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "share"),
    [("60%", 0.6), ("６０％", 0.6), ("6割", 0.6), ("0.6", 0.6), ("60", 0.6), (0.6, 0.6), (60, 0.6), (1, 1.0),
     ("約7割", 0.7), ("50〜70%", 0.6), ("100%", 1.0), ("0", 0.0)],
)  # fmt: skip
def test_share_spellings(raw: object, share: float) -> None:
    assert parse_share(raw).value == pytest.approx(share)


@pytest.mark.parametrize("raw", ["120%", "半分", "-10%", "15割"])
def test_share_that_is_not_a_share_is_an_error(raw: str) -> None:
    cell = parse_share(raw)
    assert cell.value is None and cell.problem is not None and raw.replace("-", "") in cell.problem.message


def survey(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "業務一覧"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    cover = workbook.create_sheet("表紙", 0)
    cover.append(["年度", "令和6年度"])
    cover.append(["課", "税務課"])
    workbook.save(path)
    return path


def test_the_columns_are_stored_and_the_score_uses_them(engine: Engine, tmp_path: Path) -> None:
    path = survey(tmp_path / "税務課.xlsx", [
        ["住民税の申告書入力", "定型", "なし", "電子", 6000, 10, "一部", None, "40%"],
        ["口座振替の登録", "定型", "なし", "電子", 6000, 10, "必須", "3分", None],
    ])  # fmt: skip
    outcome = ingest_file(engine=engine, path=path)
    assert outcome.status == "accepted", outcome
    with session_scope(engine) as session:
        frame = inventory_frame(session=session, fiscal_year=2024)
    stored = frame.set_index("name")
    assert stored.loc["住民税の申告書入力", "automatable_share"] == pytest.approx(0.4)
    assert stored.loc["口座振替の登録", "check_minutes"] == pytest.approx(3.0)
    scored = score_tasks(frame).set_index(frame["name"])
    assert "自動化対象 40%（調査票）" in scored.loc["住民税の申告書入力", "explanation"]
    assert "目視確認 300 時間（1 件 3 分）" in scored.loc["口座振替の登録", "explanation"]  # 6,000 × 3 min


def test_a_share_above_100_percent_rejects_the_file_naming_the_cell(engine: Engine, tmp_path: Path) -> None:
    path = survey(
        tmp_path / "税務課.xlsx",
        [["住民税の申告書入力", "定型", "なし", "電子", 6000, 10, "一部", None, "120%"]],
    )
    outcome = ingest_file(engine=engine, path=path, errors_dir=tmp_path / "errors")
    assert outcome.status == "rejected"
    (error,) = outcome.errors
    assert (error.sheet, error.row, error.column, error.value) == ("業務一覧", 2, "自動化できる割合", "120%")
    assert "100% を超えています" in error.message
    with session_scope(engine) as session:
        assert inventory_frame(session=session, fiscal_year=2024).empty
