"""The list of tasks to screen: 業務ID, or 課 + 業務名, read from a CSV or workbook."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.screening.task_list import find_listed, read_entries
from inventory.survey.reader import read_table_bytes
from tests.inventory.workbooks import xlsx_bytes


@dataclass(frozen=True)
class Stored:
    department: str
    task_code: str | None
    name: str


TASKS = [
    Stored("税務課", "A-001", "住民税の申告書入力"),
    Stored("税務課", None, "窓口対応"),
    Stored("市民課", None, "窓口対応"),
    Stored("市民課", "C-1", "住民票の写しの交付"),
]


def _entries(data: bytes, name: str):  # type: ignore[no-untyped-def]
    raw = read_table_bytes(data, name, pick_sheet=lambda names: names[0])
    return read_entries(raw)


def test_a_csv_of_codes_and_department_names_finds_each_task_once() -> None:
    text = "候補一覧（検討会議）\r\n担当課,業務番号,事務名\r\n,ａ－００１,\r\n市民課,,窓口対応\r\n,A-001,\r\n"
    entries, errors = _entries(text.encode("cp932"), "候補.csv")
    assert errors == []
    found, problems = find_listed(entries, TASKS, file="候補.csv", sheet=None)
    assert problems == []
    assert found == [TASKS[0], TASKS[2]]


def test_names_without_a_department_that_fit_two_tasks_and_unknown_codes_are_errors() -> None:
    data = xlsx_bytes([["業務ID", "業務名"], [None, "窓口対応"], ["Z-9", None], [None, None]], cover=())
    entries, errors = _entries(data, "候補.xlsx")
    found, problems = find_listed(entries, TASKS, file="候補.xlsx", sheet="業務一覧")
    assert found == []
    assert [(p.row, p.column, p.value, p.code) for p in problems] == [
        (2, "業務名", "窓口対応", "ambiguous_task"),
        (3, "業務ID", "Z-9", "unmatched_task"),
    ]
    assert "2 件あります（市民課、税務課）。課を加えてください" in problems[0].message
    assert "業務ID「Z-9」に当たる業務は、この年度の業務一覧にありません" == problems[1].message


def test_a_list_without_a_heading_says_what_heading_it_needs() -> None:
    entries, errors = _entries(b"A-001\r\nC-1\r\n", "候補.csv")
    assert entries == [] and [e.code for e in errors] == ["missing_column"]
    assert "「業務ID」、または「課」と「業務名」" in errors[0].message


def test_a_ranking_export_is_read_by_department_and_name_not_by_its_row_ids(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    from bpr.reports.rank_workbook import write_rank_workbook

    ranked = pd.DataFrame(
        [
            {"rank": 1, "task_id": 1, "department": "市民課", "name": "住民票の写しの交付", "annual_hours": 10.0,
             "rpa_score": 50.0, "ocr_score": 40.0, "recommended_tool": "rpa", "expected_hours_saved": 5.0,
             "ease": "中", "quadrant": "quick_win", "group_id": None, "knocked_out": False,
             "knockout_reason": None, "explanation": "説明"},
            {"rank": 2, "task_id": 2, "department": "税務課", "name": "窓口対応", "annual_hours": 9.0,
             "rpa_score": 40.0, "ocr_score": 30.0, "recommended_tool": "rpa", "expected_hours_saved": 4.0,
             "ease": "中", "quadrant": "later", "group_id": None, "knocked_out": False,
             "knockout_reason": None, "explanation": "説明"},
        ]
    )  # fmt: skip
    path = write_rank_workbook(tmp_path / "候補一覧.xlsx", ranked, title="候補一覧")
    entries, errors = _entries(path.read_bytes(), path.name)
    assert errors == [] and [e.task_code for e in entries] == [None, None]
    found, problems = find_listed(entries, TASKS, file=path.name, sheet="候補一覧")
    assert problems == [] and found == [TASKS[3], TASKS[1]]
