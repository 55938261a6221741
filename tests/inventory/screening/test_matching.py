"""Matching screening rows to the 課's stored tasks: by 業務ID, else by 業務名 (NFKC); never a guess."""

from __future__ import annotations

from inventory.screening.matching import TaskRef, Where, match_rows
from inventory.screening.reader import ScreeningRow

TASKS = [
    TaskRef(1, "A-001", "住民税の申告書入力"),
    TaskRef(2, None, "固定資産税の課税台帳の更新"),
    TaskRef(3, "B-7", "窓口対応"),
    TaskRef(4, "B-8", "窓口対応"),
]
WHERE = Where(file="返送.xlsx", sheet="二次調査票", department="税務課", fiscal_year=2025)


def row(source_row: int, code: str | None, name: str | None) -> ScreeningRow:
    return ScreeningRow(source_row=source_row, task_code=code, name=name, answers={"routine": "定型"})


def test_rows_match_by_code_then_by_normalised_name() -> None:
    found = match_rows(
        [
            row(2, "Ａ－００１", "名前を書き換えた"),
            row(3, None, "固定資産税の課税台帳の 更新"),
            row(4, "B-8", None),
        ],
        TASKS,
        WHERE,
    )
    assert found.errors == []
    assert found.by_row == {2: 1, 3: 2, 4: 4}


def test_a_wrong_code_falls_back_to_the_name() -> None:
    assert match_rows([row(2, "Z-999", "住民税の申告書入力")], TASKS, WHERE).by_row == {2: 1}


def test_unmatched_ambiguous_and_repeated_rows_are_errors_naming_row_and_value() -> None:
    found = match_rows(
        [
            row(2, "Z-999", "新しい業務"),
            row(3, None, "窓口対応"),
            row(4, "A-001", None),
            row(5, None, "住民税の申告書入力"),
        ],
        TASKS,
        WHERE,
    )
    assert found.by_row == {4: 1}
    got = [(e.row, e.column, e.value, e.code) for e in found.errors]
    assert got == [
        (2, "業務ID", "Z-999", "unmatched_task"),
        (3, "業務名", "窓口対応", "ambiguous_task"),
        (5, "業務名", "住民税の申告書入力", "duplicate_task"),
    ]
    unmatched, ambiguous, repeated = (e.message for e in found.errors)
    assert (
        "税務課の令和7年度の業務一覧に、この業務（業務ID「Z-999」・業務名「新しい業務」）がありません"
        in unmatched
    )
    assert "業務量調査票で提出" in unmatched
    assert "複数あります" in ambiguous and "業務ID" in ambiguous
    assert "4行目と同じ業務" in repeated
    assert all(e.file == "返送.xlsx" and e.sheet == "二次調査票" for e in found.errors)
