"""The layout file: a good one reads, a bad one is refused naming every bad key in Japanese."""

from __future__ import annotations

import pytest

from inventory.errors import LayoutError
from inventory.layouts.model import DEFAULT_SKIP_NAMES, TASK_FIELDS, parse_layout
from tests.inventory.layouts.books import HOURS_LAYOUT, VERTICAL_LAYOUT


def problems(text: str) -> list[str]:
    with pytest.raises(LayoutError) as caught:
        parse_layout(text, "様式.toml")
    assert caught.value.message.startswith("様式.toml: ")
    return caught.value.problems


def test_the_documented_shapes_read() -> None:
    table = parse_layout(HOURS_LAYOUT)
    assert table.form == "table" and table.table is not None
    assert table.table.header_rows == [4, 5] and table.table.skip_names == list(DEFAULT_SKIP_NAMES)
    assert (
        table.fields["annual_volume"].heading == "年間処理件数" and table.fields["annual_volume"].unit == "件"
    )
    assert table.department is not None and table.department.source == "name_pattern"
    assert table.hours_per_person_year == 1920
    vertical = parse_layout(VERTICAL_LAYOUT)
    assert vertical.form == "vertical" and vertical.sheets.exclude == ["目次"]
    assert vertical.fields["annual_hours"].label == "業務量（時間） 年間総計"


def test_unknown_keys_and_wrong_types_are_each_named_by_their_path() -> None:
    found = problems(
        """
version = 1
name = "x"
colour = "red"
[table]
header_rows = "4"
data_start = 6
[fields]
name = { heading = 3 }
cases = { heading = "件数", unit = "件数" }
annual_hours = { heading = "年間総計", unit = "時間", width = 4 }
"""
    )
    assert sorted(found) == sorted(
        [
            "colour: 知らない項目です（使える項目: version, name, form, hours_per_person_year, sheets, table, "
            "vertical, fields, department, fiscal_year, division）",
            "table.header_rows: リストで指定してください（例: [4, 5]）",
            "table.data_start: 知らない項目です（使える項目: header_rows, data_start_row, skip_names）",
            'fields.name.heading: 文字列で指定してください（例: "事務事業名"）',
            "fields.cases.unit: 「件数」は使えない単位です（使える単位: 件, 分, 時間, 人工, 人日, 人月, %, 自動）",
            "fields.annual_hours.width: 知らない項目です（使える項目: heading, label, column, cell, unit）",
        ]
    )


def test_keys_that_do_not_fit_the_form_the_field_or_the_source() -> None:
    found = problems(
        """
version = 1
name = "x"
form = "vertical"
[fields]
name = { heading = "業務名" }
cases = { label = "件数" }
annual_hours = { label = "年間総計", unit = "件" }
routine = { label = "定型性", unit = "分" }
notes = {}
department = { label = "課" }
[department]
source = "cell"
heading = "課"
[fiscal_year]
source = "fixed"
"""
    )
    assert sorted(found) == sorted(
        [
            'fields.name.heading: form = "vertical" では使えません（label か cell を使ってください）',
            f"fields.cases: 知らない項目です（使える項目: {', '.join(TASK_FIELDS)}）",
            "fields.annual_hours.unit: 「件」はこの項目には使えません（使える単位: 時間, 分, 人工, 人日, 人月, %, 自動）",
            "fields.routine.unit: この項目に単位は指定できません",
            "fields.notes: label / cell のどれか1つで場所を指定してください",
            'fields.department: 年度・課・部は [department] で指定してください（例: [department] source = "column"）',
            'department.cell: source = "cell" のときは必須です',
            'department.heading: source = "cell" では使いません',
            'fiscal_year.value: source = "fixed" のときは必須です',
        ]
    )


def test_a_table_needs_its_heading_rows_a_name_and_a_volume() -> None:
    assert problems('version = 1\nname = "x"\n[fields]\nnotes = { heading = "備考" }\n') == [
        'table: form = "table" のときは [table] の header_rows（見出しの行番号）が必要です',
        'fields.name: 業務名の項目は必須です（例: name = { heading = "事務事業名" }）',
        "fields: 業務量の項目がありません（annual_volume と minutes_per_case の両方、または annual_hours）",
    ]


def test_values_out_of_range_and_bad_patterns() -> None:
    found = problems(
        """
version = 2
name = ""
hours_per_person_year = 0
[table]
header_rows = [5, 4]
[fields]
name = { column = "e1" }
annual_hours = { column = "E" }
[department]
source = "name_pattern"
pattern = "【(?P<課>[^】]+"
"""
    )
    assert sorted(found) == sorted(
        [
            "version: 「2」は使えない値です（使える値: 1）",
            "name: 空にできません",
            "hours_per_person_year: 0 より大きくしてください（指定: 0）",
            "table.header_rows: 行番号は重複なく小さい順に並べてください（例: [4, 5]）",
            'fields.name.column: 「E1」は列の記号ではありません（例: "E"）',
            "department.pattern: 正規表現として読めません（2文字目付近。括弧 ( ) [ ] と記号を確かめてください）",
        ]
    )


def test_broken_toml_says_where() -> None:
    with pytest.raises(LayoutError) as caught:
        parse_layout('version = 1\nname = "x\n', "様式.toml")
    assert caught.value.message == (
        '様式.toml: TOMLとして読めません（2行目 10文字目。= の前後、引用符 " "、[ ] の対応を確かめてください）'
    )


def test_column_letters_and_cells_are_read_as_typed_by_a_clerk() -> None:
    layout = parse_layout(
        'version = 1\nname = "x"\n[table]\nheader_rows = [1]\n[fields]\nname = { column = "ｂ" }\n'
        'annual_hours = { column = " e " }\n[department]\nsource = "cell"\nsheet = "表紙"\ncell = "ｃ３"\n'
    )
    assert layout.fields["name"].column == "B" and layout.fields["annual_hours"].column == "E"
    assert layout.department is not None and layout.department.cell == "C3"
