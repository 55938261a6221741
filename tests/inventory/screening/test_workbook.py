"""The screening workbook: what it carries, and what a filled one reads back as (no database)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from inventory.intake.dispatch import parse_any
from inventory.screening.fields import ATTRIBUTES, GUIDE_SHEET, SCREENING_SHEET
from inventory.screening.reader import ScreeningParse
from inventory.screening.writer import screening_file_name
from inventory.survey.schema import COLUMNS_BY_FIELD
from tests.inventory.screening.helpers import fill, write_sheet

MISSING_FILL = "F8CBAD"


def _parse(path: Path) -> ScreeningParse:
    result = parse_any(path.read_bytes(), path.name)
    assert isinstance(result, ScreeningParse), "a screening workbook is recognised by its sheet"
    return result


def test_file_name_keeps_windows_happy() -> None:
    assert screening_file_name(2025, "税務/収納課") == "令和7年度_二次調査票_税務_収納課.xlsx"


def test_workbook_is_prefilled_with_dropdowns_instructions_and_safe_text(tmp_path: Path) -> None:
    book = load_workbook(write_sheet(tmp_path / "s.xlsx"))
    assert book.sheetnames == ["表紙", SCREENING_SHEET, GUIDE_SHEET]
    cover = {row[0].value: row[1].value for row in book["表紙"].iter_rows(max_col=2) if row[0].value}
    assert (cover["年度"], cover["課"], cover["部"]) == (2025, "税務課", "総務部")
    sheet = book[SCREENING_SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["係", "業務ID", "業務名"]
    assert headers[-len(ATTRIBUTES) :] == [c.header for c in ATTRIBUTES]
    at = {h: i for i, h in enumerate(headers)}
    rows = [list(r) for r in sheet.iter_rows(min_row=2)]
    assert [r[at["業務名"]].value for r in rows][:2] == ["住民税の申告書入力", "固定資産税の課税台帳の更新"]
    assert rows[1][at["（参考）年間時間"]].value == 400
    assert rows[1][at["（参考）年間件数"]].value is None, "hours stated directly: no cases invented"
    # known answers are pre-filled, unknown ones orange
    assert rows[1][at["定型性"]].value == "定型"
    assert rows[1][at["定型性"]].fill.fgColor.rgb.endswith("FFF8E1")
    assert rows[0][at["定型性"]].fill.fgColor.rgb.endswith(MISSING_FILL)
    assert rows[2][at["手順書"]].value == "あり"
    # a formula-looking name stays text, quote-prefixed so Enter does not make it live
    name = rows[2][at["業務名"]]
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK") and name.quotePrefix
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    routine_col = sheet.cell(row=1, column=at["定型性"] + 1).column_letter
    assert lists[f"{routine_col}2:{routine_col}4"] == '"定型,一部定型,非定型"'
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0, "one page wide"
    guide = " ".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row if c.value)
    for col in ATTRIBUTES:
        assert col.header in guide
    assert "紙（手書き）" in guide and "手書き→紙（手書き）" in guide, (
        "accepted spellings come from the schema"
    )


def test_filled_workbook_reads_back_answers_per_row(tmp_path: Path) -> None:
    sent = write_sheet(tmp_path / "sent.xlsx")
    filled = fill(
        sent,
        tmp_path / "返送.xlsx",
        {
            2: {
                "定型性": "定型的",
                "入力媒体": "手書き",
                "様式数": "３",
                "繁忙月": "4月～6月",
                "目視確認": "必須",
            },
            3: {"判断の有無": "無", "廃止予定": "×"},
        },
        cover={"回答者": "山田 花子", "回答日": "令和7年7月1日"},
    )
    result = _parse(filled)
    assert result.errors == []
    screening = result.screening
    assert screening is not None
    assert (screening.fiscal_year, screening.department, screening.respondent) == (
        2025,
        "税務課",
        "山田 花子",
    )
    assert screening.answered_on is not None and screening.answered_on.isoformat() == "2025-07-01"
    first, second, third = screening.rows
    assert (first.source_row, first.task_code, first.name) == (2, "A-001", "住民税の申告書入力")
    assert first.answers == {
        "routine": "定型", "input_medium": "紙（手書き）", "form_count": 3, "peak_months": [4, 5, 6],
        "verification": "必須",
    }  # fmt: skip
    # the pre-filled 定型 is an answer too; blanks are no answer (the stored value stays)
    assert second.answers == {"routine": "定型", "judgement": "なし", "abolition_planned": False}
    assert (second.task_code, second.name) == (None, "固定資産税の課税台帳の更新")
    assert (third.source_row, third.answers) == (4, {"documented": True}), "a pre-filled answer is kept"


def test_bad_values_are_reported_with_sheet_row_column_and_value(tmp_path: Path) -> None:
    sent = write_sheet(tmp_path / "sent.xlsx")
    filled = fill(
        sent, tmp_path / "返送.xlsx", {2: {"定型性": "たぶん", "様式数": "-1"}, 4: {"繁忙月": "13月"}}
    )
    result = _parse(filled)
    assert result.screening is None
    found = {(e.sheet, e.row, e.column, e.value, e.code) for e in result.errors}
    assert found == {
        (SCREENING_SHEET, 2, "定型性", "たぶん", "unknown_choice"),
        (SCREENING_SHEET, 2, "様式数", "-1", "negative"),
        (SCREENING_SHEET, 4, "繁忙月", "13月", "bad_months"),
    }
    assert all(e.message for e in result.errors)
    assert "選べる値: 定型, 一部定型, 非定型" in next(
        e.message for e in result.errors if e.code == "unknown_choice"
    )


def test_a_workbook_with_no_answers_is_rejected(tmp_path: Path) -> None:
    blank = [{"task_code": "A-001", "name": "住民税の申告書入力", "annual_hours": 10.0}]
    result = _parse(write_sheet(tmp_path / "sent.xlsx", blank))
    assert [e.code for e in result.errors] == ["no_answers"]
    assert "回答が1件もありません" in result.errors[0].message


def test_a_row_whose_keys_were_cleared_cannot_be_placed(tmp_path: Path) -> None:
    sent = write_sheet(tmp_path / "sent.xlsx")
    filled = fill(sent, tmp_path / "返送.xlsx", {2: {"業務ID": None, "業務名": None, "定型性": "定型"}})
    result = _parse(filled)
    assert [(e.row, e.code) for e in result.errors] == [(2, "missing_key")]


def test_renamed_headings_are_reported(tmp_path: Path) -> None:
    sent = write_sheet(tmp_path / "sent.xlsx")
    book = load_workbook(sent)
    for cell in book[SCREENING_SHEET][1]:
        cell.value = f"項目{cell.column}"
    book.save(sent)
    result = _parse(sent)
    assert [e.code for e in result.errors] == ["missing_column"]
    assert "見出し行が見つかりません" in result.errors[0].message


def test_a_missing_cover_says_which_value_is_missing(tmp_path: Path) -> None:
    sent = write_sheet(tmp_path / "sent.xlsx")
    filled = fill(sent, tmp_path / "返送.xlsx", {2: {"定型性": "定型"}}, cover={"年度": None, "課": "  "})
    result = _parse(filled)
    assert sorted(e.code for e in result.errors) == ["missing_department", "missing_fiscal_year"]
    assert result.resubmission_cover().get("fiscal_year") is None


def test_the_survey_template_is_still_read_as_a_survey(tmp_path: Path) -> None:
    from inventory.survey.template import write_template

    path = write_template(tmp_path / "t.xlsx", fiscal_year=2025, department="税務課")
    result = parse_any(path.read_bytes(), path.name)
    assert not isinstance(result, ScreeningParse)
    assert COLUMNS_BY_FIELD["name"].header in result.headers
