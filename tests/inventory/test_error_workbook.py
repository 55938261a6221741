from __future__ import annotations

import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from inventory.errors import RowError
from inventory.survey.error_workbook import ERRORS_SHEET, write_error_workbook

HEADERS = ["係", "業務名", "定型性", "件数（年間）", "処理時間（分）"]
ROWS: list[tuple[int, list[object]]] = [
    (4, ["市民税係", "住民税の申告書入力", "定型", 1200, 5]),
    (5, ["市民税係", '=HYPERLINK("http://x","y")', "ていけい", "不明", 2.5]),
    (7, ["庶務係", "支出命令書の作成", "定型", 300, None]),
]
BAD = "FFC7CE"


def _error(row: int | None, column: str | None, value: str | None, code: str, message: str) -> RowError:
    return RowError(
        file="税務課.xlsx", sheet="業務一覧", row=row, column=column, value=value, code=code, message=message
    )


ERRORS = [
    _error(
        5,
        "定型性",
        "ていけい",
        "enum_unknown",
        "定型性「ていけい」は読めません。定型、一部定型、非定型 のいずれか",
    ),
    _error(5, "件数（年間）", "不明", "not_a_number", "年間件数が数値ではありません"),
    _error(7, "処理時間（分）", None, "required_missing", "必須の項目が空欄です"),
    _error(None, None, None, "department_missing", "課が分かりません（表紙に課を記入してください）"),
]


def _write(tmp_path: Path, **kwargs: object) -> Workbook:
    args: dict[str, object] = {
        "headers": HEADERS,
        "rows": ROWS,
        "errors": ERRORS,
        "source_name": "税務課.xlsx",
    }
    args.update(kwargs)
    path = write_error_workbook(tmp_path / "errors.xlsx", **args)  # type: ignore[arg-type]
    return openpyxl.load_workbook(path)


def _is_bad(cell: object) -> bool:
    fill = cell.fill  # type: ignore[attr-defined]
    return fill.fill_type == "solid" and str(fill.fgColor.rgb).endswith(BAD)


def _rows_sheet(wb: Workbook) -> Worksheet:
    return wb.worksheets[2]


def test_sheets_and_header(tmp_path: Path) -> None:
    wb = _write(tmp_path)
    assert wb.sheetnames == [ERRORS_SHEET, "表紙", "業務一覧"]
    assert wb.active is not None and wb.active.title == ERRORS_SHEET
    ws = _rows_sheet(wb)
    assert [c.value for c in ws[3]] == [*HEADERS, "エラー内容"]  # the row above the first data row
    assert "赤いセル" in str(ws["A1"].value)
    assert ws.freeze_panes == "A4"
    assert wb.properties.creator == "dx-task-inventory"


def test_every_row_is_kept_at_its_own_row_and_column(tmp_path: Path) -> None:
    ws = _rows_sheet(_write(tmp_path))
    body = {r: [c.value for c in ws[r]] for r in (4, 5, 6, 7)}
    assert [body[r][: len(HEADERS)] for r in (4, 5, 7)] == [values for _, values in ROWS]
    assert not any(body[6])
    assert body[4][len(HEADERS)] is None  # a row without errors has no message


def test_bad_cells_are_filled_and_others_plain(tmp_path: Path) -> None:
    ws = _rows_sheet(_write(tmp_path))
    bad = {(e.row, e.column) for e in ERRORS if e.row is not None}
    for excel_row in (4, 5, 7):
        for header, cell in zip(HEADERS, ws[excel_row], strict=False):
            assert _is_bad(cell) == ((excel_row, header) in bad), (excel_row, header)
            assert (cell.comment is not None) == ((excel_row, header) in bad)


def test_messages_column_lists_all_errors_of_the_row(tmp_path: Path) -> None:
    ws = _rows_sheet(_write(tmp_path))
    col = len(HEADERS) + 1
    text = str(ws.cell(row=5, column=col).value)
    assert text.split("\n") == [
        "定型性「ていけい」は読めません。定型、一部定型、非定型 のいずれか",
        "件数（年間）: 年間件数が数値ではありません",
    ]
    assert ws.cell(row=5, column=col).alignment.wrap_text
    assert ws.cell(row=7, column=col).value == "処理時間（分）: 必須の項目が空欄です"


def test_formula_text_stays_a_literal_string(tmp_path: Path) -> None:
    nasty = ['=HYPERLINK("http://x","y")', "+81-3-1234", "-1+2", "@SUM(A1)", "\t=1+1", "=1+1\r", "http://x"]
    rows = [(i + 2, [text, 1]) for i, text in enumerate(nasty)]
    path = write_error_workbook(
        tmp_path / "e.xlsx",
        headers=["業務名", "年間件数"],
        rows=rows,
        errors=[_error(2, "業務名", nasty[0], "x", "m")],
    )
    ws = openpyxl.load_workbook(path).worksheets[2]
    for r, text in enumerate(nasty, start=2):
        cell = ws.cell(row=r, column=1)
        assert cell.data_type == "s"
        # XML cannot hold a bare CR: it is stored as _x000D_, which Excel shows as CR
        # but openpyxl leaves escaped.
        assert str(cell.value).replace("_x000D_", "\r") == text
        assert ws.cell(row=r, column=2).data_type == "n"
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        assert not any("<f>" in archive.read(n).decode() for n in sheets)
        assert not any(n.startswith("xl/worksheets/_rels") for n in archive.namelist() if "hyperlink" in n)


def test_value_types_are_kept(tmp_path: Path) -> None:
    when = datetime(2024, 5, 1)
    rows = [(2, [True, 1200, 0.5, when, None, float("inf")])]
    path = write_error_workbook(tmp_path / "e.xlsx", headers=list("ABCDEF"), rows=rows, errors=[])
    ws = openpyxl.load_workbook(path).worksheets[2]
    assert [c.value for c in ws[2]][0:6] == [True, 1200, 0.5, when, None, "inf"]


def test_error_list_sheet(tmp_path: Path) -> None:
    ws = _write(tmp_path)[ERRORS_SHEET]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "このファイルの赤いセルを直して、このファイルをそのまま返送してください。"
    assert "税務課.xlsx" in str(values[2][0])
    notes = [str(r[0]) for r in values[3:] if r[0] and str(r[0]).startswith("・")]
    assert notes == ["・ファイル全体: 課が分かりません（表紙に課を記入してください）"]
    head = values.index(("行", "列", "値", "内容"))
    table = values[head + 1 :]
    assert len(table) == len(ERRORS)
    assert table[0] == ("全体", None, None, ERRORS[3].message)
    assert [r[0] for r in table[1:]] == [5, 5, 7]
    assert table[1][1:] == ("定型性", "ていけい", ERRORS[0].message)
    shown = " ".join(str(v) for row in values for v in row if v is not None)
    assert not any(e.code in shown for e in ERRORS)  # reason codes are for programs
    assert ws.freeze_panes == f"A{head + 2}"


def test_column_is_matched_by_normalised_header(tmp_path: Path) -> None:
    headers = ["業務名", "年間件数 "]  # trailing space as typed
    errors = [_error(2, "年間件数", "約", "not_a_number", "数値ではありません")]
    path = write_error_workbook(tmp_path / "e.xlsx", headers=headers, rows=[(2, ["a", "約"])], errors=errors)
    ws = openpyxl.load_workbook(path).worksheets[2]
    assert _is_bad(ws["B2"]) and not _is_bad(ws["A2"])


def test_unknown_row_and_short_rows(tmp_path: Path) -> None:
    errors = [
        _error(3, "処理時間（分）", None, "required_missing", "必須の項目が空欄です"),
        _error(1, "年間件数", None, "header_missing", "必須の見出しがありません"),
    ]
    path = write_error_workbook(
        tmp_path / "e.xlsx", headers=["業務名", "処理時間（分）"], rows=[(3, ["短い行"])], errors=errors
    )
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[2]
    assert _is_bad(ws["B3"]) and ws["B3"].value is None
    notes = [
        r[0] for r in wb[ERRORS_SHEET].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("・")
    ]
    assert notes == ["・1行目: 年間件数: 必須の見出しがありません"]


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("Sheet1", "Sheet1"),
        ("", "業務一覧"),
        (ERRORS_SHEET, "業務一覧"),
        ("表紙", "業務一覧"),
        ("a/b", "a_b"),
        ("x" * 40, "x" * 31),
    ],
)
def test_sheet_name(tmp_path: Path, given_name: str, expected: str) -> None:
    assert _write(tmp_path, sheet_name=given_name).sheetnames == [ERRORS_SHEET, "表紙", expected]


def test_no_rows_no_errors(tmp_path: Path) -> None:
    wb = _write(tmp_path, rows=[], errors=[])
    assert [c.value for c in _rows_sheet(wb)[1]] == [*HEADERS, "エラー内容"]
    assert wb[ERRORS_SHEET]["A3"].value.endswith("エラー 0件（0行）")
    assert "元のファイルを直して" in wb[ERRORS_SHEET]["A1"].value  # nothing here to fix


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("=+-@\t"), min_size=1)
)
def test_any_text_round_trips_as_a_string(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_error_workbook(Path(tmp) / "e.xlsx", headers=["業務名"], rows=[(2, [text])], errors=[])
        cell = openpyxl.load_workbook(path).worksheets[2]["A2"]
        assert cell.data_type == "s"
        assert cell.value == text


def test_rejected_template_comes_back_with_its_bad_cells_marked(tmp_path: Path) -> None:
    """End to end with the real validator: its RowErrors point at cells of this workbook."""
    from inventory.intake.survey import parse_bytes
    from inventory.survey.template import write_template

    tasks: list[dict[str, object]] = [
        {"name": "住民税の申告書入力", "routine": "定型", "judgement": "なし", "input_medium": "電子"},
        {
            "name": '=HYPERLINK("http://x","y")',
            "routine": "ていけい",
            "judgement": "なし",
            "input_medium": "電子",
        },
    ]
    tasks = [{**t, "annual_volume": "不明" if i else 10, "minutes_per_case": 3} for i, t in enumerate(tasks)]
    source = write_template(tmp_path / "s.xlsx", fiscal_year=2024, department="税務課", previous_tasks=tasks)
    result = parse_bytes(source.read_bytes(), "s.xlsx")
    assert {(e.row, e.column) for e in result.errors} == {(3, "定型性"), (3, "年間件数")}
    path = write_error_workbook(
        tmp_path / "e.xlsx",
        headers=result.headers,
        rows=result.data_rows,
        errors=result.errors,
        source_name="s.xlsx",
        header_row=result.header_row,
    )
    ws = openpyxl.load_workbook(path).worksheets[2]
    assert result.header_row is not None
    header = [c.value for c in ws[result.header_row]]
    marked = {
        header[int(c.column or 0) - 1]
        for row in ws.iter_rows(min_row=result.header_row + 1)
        for c in row[:-1]
        if _is_bad(c)
    }
    assert marked == {"定型性", "年間件数"}
    name = ws.cell(row=3, column=header.index("業務名") + 1)
    assert (name.value, name.data_type) == ('=HYPERLINK("http://x","y")', "s")
