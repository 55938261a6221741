from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from inventory.survey import schema
from inventory.survey.template import write_template
from inventory.survey.template_text import EXAMPLES, SHEET_COLUMNS, cell_value

COVER_FIELDS = {"fiscal_year", "division", "department"}
EXPECTED_HEADERS = [c.header for c in schema.COLUMNS if c.field not in COVER_FIELDS]
LAST_ROW = 1001


def _load(path: Path) -> Workbook:
    return openpyxl.load_workbook(path)


@pytest.fixture
def template(tmp_path: Path) -> Workbook:
    path = write_template(tmp_path / "survey.xlsx", fiscal_year=2024, department="税務課", division="総務部")
    return _load(path)


def _header(ws: Worksheet, row: int = 1) -> list[object]:
    return [c.value for c in ws[row]]


def _validation_for(ws: Worksheet, col: int) -> DataValidation:
    letter = get_column_letter(col)
    found: list[DataValidation] = [
        dv for dv in ws.data_validations.dataValidation if f"{letter}2" in dv.sqref
    ]
    assert len(found) == 1, letter
    assert f"{letter}{LAST_ROW}" in found[0].sqref
    return found[0]


def _width(ws: Worksheet, col: int) -> float:
    """Width of a column; xlsxwriter writes runs of equal columns as one <col min max>."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.max is not None and dim.min <= col <= dim.max:
            return float(dim.width)
    raise AssertionError(f"no width for column {col}")


def test_sheets_in_order(template: Workbook) -> None:
    assert template.sheetnames == [schema.COVER_SHEET, schema.SURVEY_SHEET, "記入例", "記入要領"]


def test_workbook_properties(template: Workbook) -> None:
    assert template.properties.creator == "dx-task-inventory"
    assert template.properties.title is not None
    assert "令和6年度" in template.properties.title


def test_survey_header_is_schema_without_cover_fields(template: Workbook) -> None:
    ws = template[schema.SURVEY_SHEET]
    assert _header(ws) == EXPECTED_HEADERS
    assert not {"年度", "部", "課"} & set(EXPECTED_HEADERS)
    assert [c.header for c in SHEET_COLUMNS] == EXPECTED_HEADERS


def test_every_header_is_read_back_as_its_field(template: Workbook) -> None:
    ws = template[schema.SURVEY_SHEET]
    fields = [schema.HEADERS.field_for(h) for h in _header(ws)]
    assert fields == [c.field for c in SHEET_COLUMNS]
    assert set(schema.REQUIRED_HEADER_FIELDS) <= set(fields)


def test_cover_label_value_pairs(template: Workbook) -> None:
    ws = template[schema.COVER_SHEET]
    assert ws["A1"].value == "令和6年度 業務量調査票"
    pairs = {
        schema.COVER_LABELS[schema.nfkc_key(str(a))]: b
        for a, b, *_ in ws.iter_rows(values_only=True)
        if a is not None and schema.nfkc_key(str(a)) in schema.COVER_LABELS
    }
    assert pairs == {
        "fiscal_year": 2024,
        "division": "総務部",
        "department": "税務課",
        "respondent": None,
        "answered_on": None,
    }
    year_row = next(row for row in ws.iter_rows() if row[0].value == "年度")
    assert isinstance(year_row[1].value, int)
    assert year_row[2].value == "令和6年度"


def test_cover_answer_date_is_validated_and_inputs_highlighted(template: Workbook) -> None:
    ws = template[schema.COVER_SHEET]
    rows = {row[0].value: row for row in ws.iter_rows(max_col=2)}
    date_cell = rows["回答日"][1]
    assert date_cell.number_format == "yyyy/m/d"
    [dv] = ws.data_validations.dataValidation
    assert dv.type == "date"
    assert date_cell.coordinate in dv.sqref
    assert rows["回答者"][1].fill.fgColor.rgb.endswith("FFF8E1")


def test_cover_without_division_leaves_it_to_fill(tmp_path: Path) -> None:
    wb = _load(write_template(tmp_path / "t.xlsx", fiscal_year=2019, department="会計課"))
    ws = wb[schema.COVER_SHEET]
    assert ws["A1"].value == "令和元年度 業務量調査票"
    rows = {row[0].value: row[1].value for row in ws.iter_rows(max_col=2)}
    assert rows["部"] is None
    assert rows["課"] == "会計課"
    assert rows["年度"] == 2019


def test_validations_on_every_enum_bool_and_numeric_column(template: Workbook) -> None:
    ws = template[schema.SURVEY_SHEET]
    expected_numeric = {
        "int": ("whole", "greaterThanOrEqual"),
        "count": ("decimal", "greaterThanOrEqual"),
        "staff": ("decimal", "greaterThanOrEqual"),
        "minutes": ("decimal", "greaterThan"),
        "share": ("decimal", "greaterThanOrEqual"),
        "hours": ("decimal", "greaterThanOrEqual"),
    }
    checked = 0
    for i, col in enumerate(SHEET_COLUMNS, start=1):
        if col.kind in ("enum", "bool"):
            dv = _validation_for(ws, i)
            choices = col.choices if col.kind == "enum" else ("あり", "なし")
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(choices) + '"'
        elif col.kind in expected_numeric:
            dv = _validation_for(ws, i)
            assert (dv.type, dv.operator) == expected_numeric[col.kind]
            assert dv.formula1 == "0"
        else:
            continue
        checked += 1
        assert dv.errorStyle == "warning"  # warn, never block: typed synonyms are accepted
        assert dv.prompt and dv.error
        assert dv.promptTitle == col.header
    assert checked == sum(c.kind not in ("text", "months") for c in SHEET_COLUMNS)


def test_frozen_header_autofilter_and_required_marks(template: Workbook) -> None:
    ws = template[schema.SURVEY_SHEET]
    name_col = EXPECTED_HEADERS.index("業務名") + 1
    assert ws.freeze_panes == f"{get_column_letter(name_col + 1)}2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(EXPECTED_HEADERS))}{LAST_ROW}"
    for cell, col in zip(ws[1], SHEET_COLUMNS, strict=True):
        assert cell.font.b
        assert cell.alignment.wrap_text
        if col.required:
            assert cell.comment is not None
            assert "※必須" in cell.comment.text
        else:
            assert cell.comment is None
        assert _width(ws, int(cell.column or 0)) == pytest.approx(col.width, abs=1)
    fills = {col.required: cell.fill.fgColor.rgb for cell, col in zip(ws[1], SHEET_COLUMNS, strict=True)}
    assert fills[True] != fills[False]


def test_guide_documents_every_spelling_from_the_schema(template: Workbook) -> None:
    ws = template["記入要領"]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    for col in schema.COLUMNS:
        assert col.header in text
        for synonym in col.synonyms:
            assert synonym in text, synonym
        for choice in col.choices:
            assert choice in text, choice
    for field, spellings in schema.ENUM_SYNONYMS.items():
        for spelling, canonical in spellings.items():
            assert f"{spelling}→{canonical}" in text, (field, spelling)
    for spelling in (*schema.BOOL_TRUE, *schema.BOOL_FALSE, *schema.TOTAL_ROW_NAMES, *schema.COVER_LABELS):
        assert spelling in text, spelling
    for rule in ("全角", "約", "中央", "不明", "合計", "見出し"):
        assert rule in text


def test_guide_has_one_row_per_column(template: Workbook) -> None:
    ws = template["記入要領"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows.index(("項目名", "必須", "説明", "入力できる値", "別名として読める見出し"))
    body = rows[head + 1 : head + 1 + len(schema.COLUMNS)]
    assert [r[0] for r in body] == [c.header for c in schema.COLUMNS]
    for r, col in zip(body, schema.COLUMNS, strict=True):
        assert str(r[1] or "").startswith("必須") == (
            col.required or col.field in ("fiscal_year", "department")
        )


def test_examples_sheet_is_marked_and_valid(template: Workbook) -> None:
    ws = template["記入例"]
    assert "このシートは読み込まれません" in ws["A1"].value
    assert _header(ws, 2) == EXPECTED_HEADERS
    rows = [dict(zip(EXPECTED_HEADERS, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert 3 <= len(rows) <= 4
    for row in rows:
        for col in SHEET_COLUMNS:
            value = row[col.header]
            if col.required:
                assert value is not None, col.header
            if value is not None and col.kind == "enum":
                assert value in col.choices
            if value is not None and col.kind == "bool":
                assert value in ("あり", "なし")
            if value is not None and col.kind in ("count", "minutes", "hours", "int", "staff"):
                assert isinstance(value, int | float) and value >= 0
    assert ws["C3"].font.color.rgb.endswith("808080")


def test_previous_tasks_prefill_round_trips(tmp_path: Path) -> None:
    previous: list[dict[str, object]] = [
        {
            "fiscal_year": 2023,
            "department": "税務課",
            "task_code": "T-01",
            "name": "住民税の申告書入力",
            "section": "市民税係",
            "routine": "定型",
            "judgement": "なし",
            "input_medium": "紙（手書き）",
            "annual_volume": 12000.0,
            "minutes_per_case": 2.5,
            "staff_count": 0.5,
            "form_count": 3,
            "peak_months": [4, 5, 6],
            "documented": True,
            "change_expected": False,
            "abolition_planned": None,
            "warnings": ["ignored"],
        },
        {"task_code": None, "name": "=SUM(A1:A2)", "routine": "非定型", "peak_months": (1, 12)},
    ]
    wb = _load(
        write_template(tmp_path / "t.xlsx", fiscal_year=2024, department="税務課", previous_tasks=previous)
    )
    ws = wb[schema.SURVEY_SHEET]
    rows = [dict(zip(EXPECTED_HEADERS, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 2
    first, second = rows
    assert first["業務ID"] == "T-01"
    assert first["業務名"] == "住民税の申告書入力"
    assert first["係"] == "市民税係"
    assert first["入力媒体"] == "紙（手書き）"
    assert first["年間件数"] == 12000 and isinstance(first["年間件数"], int)
    assert first["1件当たり処理時間（分）"] == 2.5
    assert first["従事職員数"] == 0.5
    assert first["様式数"] == 3
    assert first["繁忙月"] == "4,5,6"
    assert (first["手順書"], first["制度改正予定"], first["廃止予定"]) == ("あり", "なし", None)
    assert second["業務名"] == "=SUM(A1:A2)"
    assert ws.cell(row=3, column=EXPECTED_HEADERS.index("業務名") + 1).data_type == "s"
    assert second["繁忙月"] == "1,12"
    assert second["業務ID"] is None
    # prefilled rows keep the validations
    assert _validation_for(ws, EXPECTED_HEADERS.index("定型性") + 1).type == "list"
    cover = wb[schema.COVER_SHEET]
    assert any("前回の回答" in str(r[0]) for r in cover.iter_rows(values_only=True) if r[0])


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, None),
        ("", None),
        (True, "あり"),
        (False, "なし"),
        (12.0, 12),
        (2.5, 2.5),
        (float("nan"), None),
        (7, 7),
        ([4, 5, 6], "4,5,6"),
        ({12, 1, 6}, "1,6,12"),
        ((), None),
        ("定型", "定型"),
    ],
)
def test_cell_value(value: object, shown: object) -> None:
    result = cell_value(value)
    assert result == shown
    assert type(result) is type(shown)


def test_prefilled_template_is_read_back_by_intake(tmp_path: Path) -> None:
    """The contract with the reader: what the template writes, intake reads as the same tasks."""
    from inventory.intake.survey import parse_bytes

    path = write_template(
        tmp_path / "t.xlsx", fiscal_year=2024, department="税務課", division="総務部", previous_tasks=EXAMPLES
    )
    result = parse_bytes(path.read_bytes(), "t.xlsx")
    assert result.errors == []
    assert result.survey is not None
    assert (result.survey.fiscal_year, result.survey.department, result.survey.division) == (
        2024,
        "税務課",
        "総務部",
    )
    assert len(result.survey.tasks) == len(EXAMPLES)
    for task, example in zip(result.survey.tasks, EXAMPLES, strict=True):
        for field, value in example.items():
            expected: object = value
            if value == "通年":
                expected = list(range(1, 13))
            elif isinstance(value, tuple):
                expected = list(value)
            assert getattr(task, field) == expected, field
