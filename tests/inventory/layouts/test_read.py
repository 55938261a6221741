"""Reading workbooks through a layout: which rows and cells become task records, and why not."""

from __future__ import annotations

from openpyxl import Workbook

from inventory.layouts.model import parse_layout
from inventory.layouts.read import read_with_layout
from inventory.layouts.records import Reading
from tests.inventory.layouts.books import (
    HOURS_LAYOUT,
    VERTICAL_LAYOUT,
    hours_table,
    to_bytes,
    vertical_forms,
)


def read(data: bytes, layout_text: str, file_name: str = "調査.xlsx") -> Reading:
    return read_with_layout(data, file_name, parse_layout(layout_text))[1]


def raw(reading: Reading) -> list[dict[str, object]]:
    return [dict(r.raw) for r in reading.records]


def test_a_table_under_a_title_block_with_merged_two_row_headings_notes_and_a_total() -> None:
    reading = read(hours_table(), HOURS_LAYOUT)
    assert reading.problems == []
    assert raw(reading) == [
        {"name": "住民税賦課", "department": "課税課", "annual_volume": "1,200件", "minutes_per_case": "約30分",
         "staff_count": "2", "fiscal_year": "令和6年度"},
        {"name": "固定資産税の縦覧", "department": "課税課", "annual_volume": 300, "minutes_per_case": "1時間44分",
         "staff_count": 1, "fiscal_year": "令和6年度"},
        {"name": "住民票の写し交付", "department": "市民課", "annual_volume": "12,000", "minutes_per_case": 5,
         "staff_count": "3人", "fiscal_year": "令和6年度"},
    ]  # fmt: skip
    first = reading.records[0]
    assert (first.at("annual_volume").label, first.at("annual_volume").cell) == ("業務量 年間処理件数", "B6")
    assert (first.at("name").sheet, first.at("name").row) == ("調査票", 5)


def test_vertical_forms_one_task_per_sheet_toc_and_blank_copy_left_out() -> None:
    reading = read(vertical_forms(), VERTICAL_LAYOUT)
    assert reading.problems == []
    assert reading.sheets_read == ["業務1", "業務2"]
    assert raw(reading) == [
        {"name": "住民税の賦課決定", "annual_hours": "約71時間", "staff_count": 2, "department": "税務課",
         "fiscal_year": "令和6年度"},
        {"name": "軽自動車税の減免", "annual_hours": "1時間44分", "staff_count": "0.5", "department": "税務課",
         "fiscal_year": "令和6年度"},
    ]  # fmt: skip
    hours = reading.records[0].at("annual_hours")
    assert (hours.sheet, hours.cell, hours.label) == ("業務1", "C12", "業務量（時間） 年間総計")


def test_a_label_in_two_blocks_needs_its_block_heading() -> None:
    reading = read(vertical_forms(), VERTICAL_LAYOUT.replace("業務量（時間） 年間総計", "年間総計"))
    assert [(p.sheet, p.code, p.message) for p in reading.problems] == [
        (sheet, "layout_mismatch", "様式の fields.annual_hours.label: 項目名「年間総計」が2か所にあります（B8、B12）。"
         "「処理時間 年間総計」のように、左か上の項目名と一緒に書いてください")
        for sheet in ("業務1", "業務2", "様式（予備）")  # the blank copy has the same form
    ]  # fmt: skip
    nearest = read(
        vertical_forms(), VERTICAL_LAYOUT.replace("業務量（時間） 年間総計", "業務量（件数） 年間総計")
    )
    assert [r["annual_hours"] for r in raw(nearest)] == [1200, "300件"]


def test_a_missing_heading_names_the_layout_key_the_sheet_the_rows_and_the_nearest_headings() -> None:
    reading = read(hours_table(), HOURS_LAYOUT.replace('"年間処理件数"', '"年間件数"'))
    (problem,) = reading.problems
    assert (problem.file, problem.sheet, problem.row, problem.code) == (
        "調査.xlsx",
        "調査票",
        4,
        "layout_mismatch",
    )
    assert problem.message == (
        "様式の fields.annual_volume.heading: 見出し「年間件数」が見つかりません"
        "（近い見出し: 「業務量 年間処理件数」）（見出しの行: 4・5行目）"
    )
    assert reading.records == []


def test_a_sheet_the_layout_names_must_exist() -> None:
    reading = read(
        hours_table(), HOURS_LAYOUT.replace('include = ["調査票"]', 'include = ["調査票*", "別表"]')
    )
    assert [p.message for p in reading.problems] == [
        "様式の sheets.include: 「別表」に当たるシートがありません（このブックのシート: 調査票）"
    ]


def test_every_sheet_of_the_form_that_lacks_a_label_is_named() -> None:
    layout = VERTICAL_LAYOUT.replace('exclude = ["目次"]', "").replace('"従事人数"', '"従事職員数"')
    reading = read(vertical_forms(), layout)  # 目次 has no 業務名: not a form, left out
    assert [(p.sheet, p.message) for p in reading.problems] == [
        (
            sheet,
            "様式の fields.staff_count.label: 項目名「従事職員数」が見つかりません（近い項目名: 「従事人数」）",
        )
        for sheet in ("業務1", "業務2", "様式（予備）")
    ]


def test_when_no_sheet_fits_the_closest_says_what_is_missing() -> None:
    reading = read(vertical_forms(), VERTICAL_LAYOUT.replace('label = "業務名"', 'label = "事務事業名"'))
    assert [(p.sheet, p.message) for p in reading.problems] == [
        ("業務1", "様式の fields.name.label: 項目名「事務事業名」が見つかりません（近い項目名: 「業務名」）"),
    ]


def test_a_cover_cell_that_is_not_there() -> None:
    layout = VERTICAL_LAYOUT.replace('sheet = "目次"', 'sheet = "表紙"')
    reading = read(vertical_forms(), layout)
    assert [p.message for p in reading.problems] == [
        "様式の fiscal_year.sheet: シート「表紙」がありません（このブックのシート: 目次、業務1、業務2、様式（予備））"
    ]


def test_department_from_a_merged_column_the_sheet_name_or_the_file_name() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "R6_税務課"
    ws.append(["担当課", "業務名", "年間時間"])
    ws.append(["税務課", "住民税賦課", 120])
    ws.append([None, "固定資産税", 80])
    ws.merge_cells("A2:A3")
    ws.append(["市民課", "住民票", "30時間"])
    data = to_bytes(wb)
    base = 'version = 1\nname = "x"\n[table]\nheader_rows = [1]\n[fields]\nname = { heading = "業務名" }\n'
    base += 'annual_hours = { heading = "年間時間", unit = "時間" }\n'
    by_column = read(data, base + '[department]\nsource = "column"\nheading = "担当課"\n')
    assert [r["department"] for r in raw(by_column)] == ["税務課", "税務課", "市民課"]
    by_sheet = read(data, base + '[department]\nsource = "sheet_name"\npattern = "_(?P<課>.+)$"\n')
    assert [r["department"] for r in raw(by_sheet)] == ["税務課"] * 3
    by_file = read(
        data,
        base
        + '[department]\nsource = "file_name"\npattern = "^(.+?)_"\n[fiscal_year]\nsource = "file_name"\n',
        "福祉課_令和6年度_業務量.xlsx",
    )
    assert [(r["department"], r["fiscal_year"]) for r in raw(by_file)] == [("福祉課", "令和6年度")] * 3
    no_year = read(data, base + '[fiscal_year]\nsource = "file_name"\n', "業務量.xlsx")
    assert [p.message for p in no_year.problems] == [
        "様式の fiscal_year.pattern: ファイル名「業務量」に年度がありません"
    ]


def test_a_csv_reads_through_a_table_layout() -> None:
    text = "業務名,年間時間,課\n住民税賦課,120,税務課\n合計,120,\n"
    layout = 'version = 1\nname = "x"\n[table]\nheader_rows = [1]\n[fields]\nname = { heading = "業務名" }\n'
    layout += 'annual_hours = { heading = "年間時間" }\n[department]\nsource = "column"\nheading = "課"\n'
    reading = read(text.encode("cp932"), layout, "税務課.csv")
    assert raw(reading) == [{"name": "住民税賦課", "annual_hours": "120", "department": "税務課"}]
    assert reading.records[0].at("name").sheet is None


def test_an_unreadable_file_is_one_file_level_problem() -> None:
    reading = read(b"PK\x03\x04 not really a zip", HOURS_LAYOUT)
    assert [p.code for p in reading.problems] == ["unreadable_file"]


def test_one_sheet_per_department_an_example_row_and_a_column_given_by_letter() -> None:
    wb = Workbook()
    for index, (department, rows) in enumerate(
        (
            ("税務課", [("住民税賦課", "71時間"), ("小計", "71時間")]),
            ("市民課", [("住民票交付", "1,200時間")]),
        )
    ):
        ws = wb.active if index == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = f"調査票（{department}）"
        ws.append(["業務", "時間", "時間"])  # two headings alike: the hours column is given by letter
        ws.append(["（記入例）窓口受付", "10時間", None])
        for name, hours in rows:
            ws.append([name, None, hours])
    wb.create_sheet("記入上の注意").append(["※ 時間は年間の合計"])
    layout = (
        'version = 1\nname = "x"\n[sheets]\ninclude = ["調査票*"]\n[table]\nheader_rows = [1]\n'
        'data_start_row = 3\n[fields]\nname = { heading = "業務" }\nannual_hours = { column = "C", unit = "時間" }\n'
        '[department]\nsource = "sheet_name"\npattern = "（(?P<課>.+)）"\n'
    )
    reading = read(to_bytes(wb), layout)
    assert reading.problems == []
    assert raw(reading) == [
        {"name": "住民税賦課", "annual_hours": "71時間", "department": "税務課"},
        {"name": "住民票交付", "annual_hours": "1,200時間", "department": "市民課"},
    ]
    assert reading.records[1].at("annual_hours").label == "時間"
    clash = read(to_bytes(wb), layout.replace('column = "C"', 'heading = "時間"'))
    assert [p.message for p in clash.problems] == [
        "様式の fields.annual_hours.heading: 見出し「時間」に当たる列が2つあります（B列「時間」、C列「時間」）。"
        'column = "B" のように列の記号で指定してください（見出しの行: 1行目）'
    ] * 2
