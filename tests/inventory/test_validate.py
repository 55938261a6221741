"""Reading and validating real files: clerk habits accepted exactly, bad files rejected whole."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from inventory.intake.survey import parse_bytes
from inventory.survey.per_survey import IntakeOptions
from inventory.survey.validate import ParseResult
from tests.inventory.workbooks import HEADER, write_csv, write_xlsx


def parse(path: Path, **options: object) -> ParseResult:
    return parse_bytes(path.read_bytes(), path.name, IntakeOptions(**options))  # type: ignore[arg-type]


def errors_of(result: ParseResult) -> list[tuple[int | None, str | None, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


MESSY_ROWS: list[list[object]] = [
    ["令和６年度　業務量調査票（税務課）", None, None, None, None, None, None, None, None, None, None],
    ["※黄色のセルに入力してください。", None, None, None, None, None, None, None, None, None, None],
    [],
    [
        "No",
        "業務の名称",
        "定型・非定型",
        "判断",
        "媒体",
        "年間処理件数",
        "処理時間（分/件）",
        "担当者数",
        "繁忙期",
        "マニュアル",
        "目視確認",
    ],
    [
        "ZM-001",
        "住民税の申告書入力",
        "定型",
        "なし",
        "手書き",
        "約１２，０００件",
        "５分",
        "２人",
        "２月～３月",
        "○",
        "必須",
    ],
    [None, None, None, None, None, None, None, None, None, None, None],
    [
        "ZM-002",
        "課税台帳の照会対応",
        "一部定型",
        "一部",
        "システム",
        "1,200件",
        "1時間30分",
        0.5,
        "通年",
        "×",
        "不要",
    ],
    ["ZM-003", "口座振替依頼書の入力", "定型的", "無", "紙", "20～30", "10", "1", "４〜６月", "有", None],
    ["合計", None, None, None, None, "=SUM(F5:F8)", None, None, None, None, None],
]


def test_messy_workbook_is_read_exactly(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "税務課.xlsx",
        MESSY_ROWS,
        cover=[("年度", "Ｒ６年度"), ("部", "総務部"), ("課", "税務課"), ("回答者", "山田")],
    )
    result = parse(path)
    assert result.errors == []
    survey = result.survey
    assert survey is not None
    assert (survey.fiscal_year, survey.department, survey.division, survey.respondent) == (
        2024,
        "税務課",
        "総務部",
        "山田",
    )
    assert result.header_row == 4
    first, second, third = survey.tasks
    assert first.source_row == 5 and first.task_code == "ZM-001" and first.name == "住民税の申告書入力"
    assert (first.routine, first.judgement, first.input_medium) == ("定型", "なし", "紙（手書き）")
    assert (first.annual_volume, first.minutes_per_case, first.staff_count) == (12000, 5, 2)
    assert first.peak_months == [2, 3] and first.documented is True and first.verification == "必須"
    assert first.annual_hours == 1000
    assert second.source_row == 7
    assert (second.routine, second.judgement, second.input_medium) == ("一部定型", "一部あり", "電子")
    assert (second.annual_volume, second.minutes_per_case, second.staff_count) == (1200, 90, 0.5)
    assert (
        second.peak_months == list(range(1, 13))
        and second.documented is False
        and second.verification == "不要"
    )
    assert third.input_medium == "紙（活字）" and third.annual_volume == 25 and third.peak_months == [4, 5, 6]
    assert third.documented is True and third.verification is None
    assert len(third.warnings) == 1 and "年間処理件数" in third.warnings[0]
    assert first.warnings == [] and second.warnings == []


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_csv_in_every_encoding_with_year_and_department_columns(tmp_path: Path, encoding: str) -> None:
    rows = [
        ["年度", "課", "係", *HEADER, "廃止予定"],
        [
            "令和元年度",
            "市民課",
            "住民記録係",
            "転入届の受付・入力",
            "定型",
            "なし",
            "紙（手書き）",
            "3,400",
            "15",
            "×",
        ],
        ["令和元年度", "市民課", "住民記録係", "窓口相談対応", "非定型", "あり", "混在", "800件", "20分", ""],
    ]
    path = write_csv(tmp_path / "市民課.csv", rows, encoding=encoding)
    result = parse(path)
    assert result.errors == []
    assert result.survey is not None
    assert (result.survey.fiscal_year, result.survey.department, result.survey.file_format) == (
        2019,
        "市民課",
        "csv",
    )
    assert [t.section for t in result.survey.tasks] == ["住民記録係", "住民記録係"]
    assert [t.abolition_planned for t in result.survey.tasks] == [False, None]
    assert [t.source_row for t in result.survey.tasks] == [2, 3]


def test_year_and_department_from_options_when_file_has_neither(tmp_path: Path) -> None:
    rows = [HEADER, ["支出命令書の作成", "定型", "なし", "電子", 300, 10]]
    path = write_xlsx(tmp_path / "no_cover.xlsx", rows, cover=())
    missing = parse(path)
    assert missing.survey is None
    assert sorted(e.code for e in missing.errors) == ["missing_department", "missing_fiscal_year"]
    result = parse(path, fiscal_year=2025, department="会計課")
    assert result.survey is not None and (result.survey.fiscal_year, result.survey.department) == (
        2025,
        "会計課",
    )


def test_column_beats_cover_and_cover_beats_option(tmp_path: Path) -> None:
    rows = [["課", *HEADER], ["収納課", "督促状の発送", "定型", "なし", "電子", 5000, 2]]
    path = write_xlsx(tmp_path / "a.xlsx", rows, cover=[("年度", "R5"), ("課", "税務課")])
    result = parse(path, fiscal_year=2030, department="会計課")
    assert result.survey is not None
    assert (result.survey.fiscal_year, result.survey.department) == (2023, "収納課")


def test_every_row_error_is_reported_in_one_pass(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["業務A", "定型", "なし", "電子", "不明", 10],
        ["業務B", "定型", "なし", "紙ベース", -5, 10],
        [None, "定型", "なし", "電子", 10, 10],
        ["業務D", "ほぼ定型", "なし", "電子", 10, "随時"],
        ["業務E", "定型", "なし", "電子", 10, 0],
    ]
    result = parse(write_xlsx(tmp_path / "bad.xlsx", rows))
    assert result.survey is None
    assert errors_of(result) == [
        (2, "年間件数", "not_a_number"),
        (3, "入力媒体", "unknown_choice"),
        (3, "年間件数", "negative"),
        (4, "業務名", "required"),
        (5, "定型性", "unknown_choice"),
        (5, "1件当たり処理時間（分）", "not_a_number"),
        (6, "1件当たり処理時間（分）", "not_positive"),
    ]
    wrong_enum = result.errors[1]
    assert wrong_enum.value == "紙ベース" and wrong_enum.sheet == "業務一覧" and wrong_enum.file == "bad.xlsx"
    assert "紙（手書き）" in wrong_enum.message  # lists the accepted values


def test_missing_required_column_names_it(tmp_path: Path) -> None:
    rows = [
        ["業務名", "定型性", "判断の有無", "入力媒体", "年間件数"],
        ["業務A", "定型", "なし", "電子", 10],
    ]
    result = parse(write_xlsx(tmp_path / "nocol.xlsx", rows))
    assert errors_of(result) == [(1, None, "missing_column")]
    message = result.errors[0].message
    assert "1件当たり処理時間（分）" in message and "年間件数" not in message.split("（")[0]
    assert "「年間時間」の列でも構いません" in message  # the other way to give a volume


def test_a_missing_suitability_column_is_not_an_error(tmp_path: Path) -> None:
    rows = [
        ["業務名", "定型性", "判断の有無", "年間件数", "1件当たり処理時間（分）"],
        ["業務A", "定型", "なし", 10, 10],
    ]
    result = parse(write_xlsx(tmp_path / "nomedium.xlsx", rows), fiscal_year=2024, department="税務課")
    assert result.errors == [] and result.survey is not None
    task = result.survey.tasks[0]
    assert (task.routine, task.judgement, task.input_medium) == ("定型", "なし", None)


@pytest.mark.parametrize(
    ("name", "payload", "code", "words"),
    [
        (
            "renamed.xlsx",
            "これはExcelではありません".encode(),
            "unreadable_file",
            "Excelファイルではありません",
        ),
        (
            "protected.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000,
            "unreadable_file",
            "パスワード",
        ),
        ("empty.xlsx", b"", "unreadable_file", "空"),
        ("notes.pdf", b"%PDF-1.4", "unreadable_file", "対応していない"),
    ],
)
def test_files_that_are_not_workbooks_are_rejected(
    tmp_path: Path, name: str, payload: bytes, code: str, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    result = parse(path)
    assert result.survey is None and [e.code for e in result.errors] == [code]
    assert words in result.errors[0].message and name in result.errors[0].message


def test_a_really_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", [HEADER, ["業務A", "定型", "なし", "電子", 10, 10]])
    locked = tmp_path / "パスワード付き.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("himitsu", target)
    result = parse(locked)
    assert result.survey is None and [e.code for e in result.errors] == ["unreadable_file"]
    assert "パスワード" in result.errors[0].message and "パスワード付き.xlsx" in result.errors[0].message


def test_truncated_and_corrupt_zips_are_rejected(tmp_path: Path) -> None:
    good = write_xlsx(
        tmp_path / "good.xlsx", [HEADER, ["業務A", "定型", "なし", "電子", 10, 10]]
    ).read_bytes()
    for name, payload in (
        ("truncated.xlsx", good[: len(good) // 2]),
        ("garbled.xlsx", good[:200] + b"\x00" * 500 + good[700:]),
    ):
        result = parse_bytes(payload, name, IntakeOptions())
        assert result.survey is None and [e.code for e in result.errors] == ["unreadable_file"], name


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    assert path.stat().st_size < 2_000_000
    result = parse(path)
    assert [e.code for e in result.errors] == ["unreadable_file"] and "大きすぎる" in result.errors[0].message


def test_empty_sheet_and_header_only(tmp_path: Path) -> None:
    empty = parse(write_xlsx(tmp_path / "empty.xlsx", []))
    assert [e.code for e in empty.errors] == ["empty_sheet"]
    header_only = parse(
        write_xlsx(tmp_path / "header.xlsx", [HEADER, [], ["合計", None, None, None, 0, None]])
    )
    assert [e.code for e in header_only.errors] == ["no_tasks"]


def test_two_departments_in_one_file_is_an_error(tmp_path: Path) -> None:
    rows = [
        ["課", *HEADER],
        ["税務課", "A", "定型", "なし", "電子", 1, 1],
        ["市民課", "B", "定型", "なし", "電子", 1, 1],
    ]
    result = parse(write_xlsx(tmp_path / "mixed.xlsx", rows, cover=[("年度", 2024)]))
    assert errors_of(result) == [(3, "課", "mixed_survey")]


def test_xlsm_is_read_without_running_anything(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "src.xlsx", [HEADER, ["業務A", "定型", "なし", "電子", 10, 10]])
    path = tmp_path / "macro.xlsm"
    path.write_bytes(source.read_bytes())
    result = parse(path)
    assert result.survey is not None and result.survey.file_format == "xlsm"
