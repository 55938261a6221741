"""The municipal wording of headings: each maps to its field and unit, near misses too."""

from __future__ import annotations

import pytest

from inventory.layouts.vocabulary import match_heading
from inventory.survey.schema import COLUMNS


@pytest.mark.parametrize(
    ("heading", "field", "unit"),
    [
        ("事務事業名", "name", None),
        ("事務の名称", "name", None),
        ("業務内容", "name", None),
        ("対象業務", "name", None),
        ("処理件数", "annual_volume", None),
        ("年間処理件数（件）", "annual_volume", "件"),
        ("処理件数 年間", "annual_volume", None),  # 処理件数 over 年間, a merged two-row heading
        ("所要時間", "minutes_per_case", None),
        ("処理時間（分／件）", "minutes_per_case", "分"),
        ("1件あたり処理時間（分）", "minutes_per_case", "分"),
        ("１件当り所要時間（時間）", "minutes_per_case", "時間"),
        ("従事人数", "staff_count", None),
        ("担当職員数", "staff_count", None),
        ("人工", "annual_hours", "人工"),
        ("業務量（人工）", "annual_hours", "人工"),
        ("従事人役", "annual_hours", "人工"),
        ("業務量（人日）", "annual_hours", "人日"),
        ("年間総計", "annual_hours", None),
        ("年間業務時間（時間）", "annual_hours", "時間"),
        ("導入前", "annual_hours", None),
        ("導入前の時間人数", "annual_hours", None),
        ("年間作業時間 導入前", "annual_hours", None),
        ("導入後", "hours_after", None),
        ("RPA化後", "hours_after", None),
        ("年間作業時間 導入後（h）", "hours_after", "時間"),
        ("担当課", "department", None),
        ("所属", "department", None),
        ("所管部署", "department", None),
        ("(整理番号)", "task_code", None),
        ("繁忙期", "peak_months", None),
        ("業務区分", "scope", None),
    ],
)
def test_municipal_headings_name_their_field_and_unit(heading: str, field: str, unit: str | None) -> None:
    match = match_heading(heading)
    assert match is not None and (match.field, match.unit) == (field, unit)


@pytest.mark.parametrize(
    ("heading", "reason"),
    [
        ("削減時間", "導入前と導入後から計算"),
        ("削減効果時間数", "導入前と導入後から計算"),
        ("削減率", "導入前と導入後から計算"),
        ("処理件数月平均", "年間の値ではありません"),
        ("1日あたり件数", "年間の値ではありません"),
        ("通常期", "時期別の値"),
        ("No", "通し番号"),
    ],
)
def test_known_columns_left_out_say_why(heading: str, reason: str) -> None:
    match = match_heading(heading)
    assert match is not None and match.field is None and reason in match.reason


def test_near_misses_match_with_a_lower_score_and_unknown_headings_match_nothing() -> None:
    near = match_heading("事務事業の名前")
    assert near is not None and near.field == "name" and near.score < 100
    assert match_heading("人工知能の活用") is None  # 人工 of 人工知能 is not person-effort
    assert match_heading("R5実績") is None
    assert match_heading("  ") is None


def test_every_heading_of_the_products_own_template_maps_to_its_field() -> None:
    for column in COLUMNS:
        match = match_heading(column.header)
        assert match is not None and match.field == column.field, column.header
