"""`suggest_layout` on workbooks laid out as municipalities publish them: the TOML it writes."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from inventory.errors import UnreadableFileError
from inventory.layouts.scan import read_book_file
from inventory.layouts.suggest import suggest_layout
from inventory.layouts.suggest_toml import render
from inventory.survey.template import write_template
from tests.inventory.layouts import families
from tests.inventory.workbooks import write_csv


def _layout(path: Path) -> dict[str, Any]:
    return tomllib.loads(render(suggest_layout(read_book_file(path))))


def test_horizontal_table_title_block_merged_two_row_headings_and_mixed_units(tmp_path: Path) -> None:
    layout = _layout(families.horizontal_table(tmp_path).path)
    assert (layout["version"], layout["form"], layout["name"]) == (1, "table", "業務量調査票")
    assert layout["sheets"] == {"include": ["調査票"]}  # not 記入例
    assert layout["table"]["header_rows"] == [4, 5]
    assert "data_start_row" not in layout["table"]  # the tasks start right under the headings
    assert {"合計", "※*"} <= set(layout["table"]["skip_names"])
    assert layout["fields"] == {
        "name": {"heading": "事務事業名"},  # over 業務内容, the description beside it
        "annual_volume": {"heading": "処理件数 年間", "unit": "件"},  # not 処理件数月平均
        "minutes_per_case": {"heading": "1件あたり処理時間（分）", "unit": "分"},
        "annual_hours": {"heading": "年間処理時間", "unit": "時間"},  # 約71時間, 1時間44分 carry their own
        "staff_count": {"heading": "従事人数"},
        "notes": {"heading": "備考"},
    }
    assert layout["department"] == {"source": "cell", "sheet": "調査票", "cell": "B2"}
    assert layout["fiscal_year"] == {"source": "file_name"}


def test_hours_table_with_a_department_column_and_the_year_in_the_title(tmp_path: Path) -> None:
    layout = _layout(families.hours_table(tmp_path).path)
    assert layout["table"]["header_rows"] == [3]
    assert layout["fields"]["annual_hours"] == {"heading": "年間業務時間（時間）", "unit": "時間"}
    assert layout["fields"]["peak_months"] == {"heading": "繁忙期"}  # 3月・4月 here, not a volume
    assert "annual_volume" not in layout["fields"]
    assert layout["department"] == {"source": "column", "heading": "担当課"}
    assert layout["fiscal_year"] == {"source": "fixed", "value": 2024}  # from 令和6年度 in the title


def test_person_effort_table_with_the_department_inside_the_names(tmp_path: Path) -> None:
    layout = _layout(families.person_effort_table(tmp_path).path)
    assert layout["fields"]["annual_hours"] == {"heading": "業務量（人工）", "unit": "人工"}
    assert layout["department"] == {"source": "name_pattern", "pattern": "【(?P<課>[^】]+)】"}
    assert layout["fiscal_year"] == {"source": "file_name"}


def test_before_after_table_under_one_merged_heading(tmp_path: Path) -> None:
    suggestion = suggest_layout(read_book_file(families.before_after_table(tmp_path).path))
    layout = tomllib.loads(render(suggestion))
    assert layout["table"]["header_rows"] == [3, 4]
    assert layout["fields"]["name"] == {"heading": "対象業務"}
    assert layout["fields"]["annual_hours"] == {"heading": "年間作業時間 導入前", "unit": "時間"}
    assert layout["fields"]["hours_after"] == {"heading": "年間作業時間 導入後", "unit": "時間"}
    assert layout["department"] == {"source": "column", "heading": "所属"}
    reasons = {left.heading: left.reason for left in suggestion.left_out}
    assert "導入前と導入後から計算" in reasons["年間作業時間 削減時間"]
    assert "導入前と導入後から計算" in reasons["削減率"]


def test_staff_share_table_maps_what_it_can_and_leaves_the_volume_to_fill_in(tmp_path: Path) -> None:
    family = families.staff_share_table(tmp_path)
    text = render(suggest_layout(read_book_file(family.path)))
    layout = tomllib.loads(text)
    assert layout["fields"] == {
        "name": {"heading": "事務名"},
        "staff_count": {"heading": "担当職員数"},
        "notes": {"heading": "備考"},
    }
    assert '# annual_hours = { heading = "", unit = "時間" }' in text  # ready to un-comment
    assert family.edit is not None
    edited = tomllib.loads(families.apply_edit(text, family.edit))  # the one line a person changes
    assert edited["fields"]["annual_hours"] == {"heading": "担当職員数", "unit": "人工"}
    assert "staff_count" not in edited["fields"]
    assert layout["department"] == {"source": "column", "heading": "課名"}


def test_vertical_forms_one_task_per_sheet_after_a_table_of_contents(tmp_path: Path) -> None:
    suggestion = suggest_layout(read_book_file(families.vertical_forms(tmp_path).path))
    layout = tomllib.loads(render(suggestion))
    assert layout["form"] == "vertical"
    assert layout["sheets"] == {"include": ["業務*"]}  # 目次 is left out
    assert layout["vertical"] == {"label_column": "B", "value_column": "C"}
    assert layout["fields"] == {
        "name": {"label": "業務名"},
        "annual_hours": {"label": "業務量（時間） 年間総計", "unit": "時間"},  # not 業務規模（件）'s 年間総計
        "staff_count": {"label": "担当職員数"},
        "task_code": {"label": "(整理番号)"},
    }
    assert layout["department"] == {"source": "column", "label": "所管部署"}
    assert suggestion.sample_names == [
        "住民票の写し等の交付",
        "印鑑登録証明書の交付",
        "国民健康保険の資格取得届",
    ]
    reasons = {left.heading: left.reason for left in suggestion.left_out}
    assert "年間総計を使います" in reasons["業務量（時間） 繁忙期"]
    assert "年間時間を使います" in reasons["業務規模（件） 年間総計"]  # cases without minutes per case
    assert "業務説明表" not in reasons  # the title


def test_the_products_own_template_is_read_whole(tmp_path: Path) -> None:
    path = write_template(tmp_path / "税務課.xlsx", fiscal_year=2024, department="税務課")
    layout = _layout(path)
    assert layout["sheets"] == {"include": ["業務一覧"]}
    assert {"name", "routine", "judgement", "input_medium", "annual_volume", "minutes_per_case"} <= set(
        layout["fields"]
    )
    assert layout["department"] == {"source": "cell", "sheet": "表紙", "cell": "B5"}
    assert layout["fiscal_year"] == {"source": "cell", "sheet": "表紙", "cell": "B3"}


def test_shift_jis_csv_with_department_and_year_to_fill_in(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "業務一覧.csv",
        [["事務名", "処理件数", "所要時間（分）"], ["証明書の発行", "1,200", 10], ["合　計", "1,200", None]],
        encoding="cp932",
    )
    suggestion = suggest_layout(read_book_file(path))
    layout = tomllib.loads(render(suggestion))
    assert "sheets" not in layout
    assert layout["fields"]["minutes_per_case"] == {"heading": "所要時間（分）", "unit": "分"}
    assert layout["table"]["skip_names"] == ["合計", "小計", "計", "総計", "※*"]  # 合　計 is 合計
    assert layout["department"] == {"source": "fixed", "value": ""}
    assert layout["fiscal_year"] == {"source": "fixed", "value": ""}
    assert {m.field for m in suggestion.missing if m.required} == {"department", "fiscal_year"}


def test_a_workbook_with_no_task_table_says_what_to_write(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["会議録"])
    ws.append(["日時", "出席者"])
    wb.save(tmp_path / "会議録.xlsx")
    suggestion = suggest_layout(read_book_file(tmp_path / "会議録.xlsx"))
    assert suggestion.fields == [] and suggestion.missing[0].field == "name"
    assert "header_rows" in suggestion.missing[0].what_to_edit
    text = render(suggestion)  # a skeleton to fill in
    assert tomllib.loads(text)["table"] == {
        "header_rows": [1],
        "skip_names": ["合計", "小計", "計", "総計", "※*"],
    }
    assert '# name = { heading = "" }   # 要確認: 業務名' in text


def test_a_file_the_intake_refuses_is_refused_in_japanese(tmp_path: Path) -> None:
    path = tmp_path / "壊れた.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFileError, match="壊れています"):
        read_book_file(path)
