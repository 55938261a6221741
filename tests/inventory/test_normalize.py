"""Every accepted spelling of SURVEY_FORMAT.md, every error code, and a few invariants."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.survey.cells import Cell, ReasonCode, parse_text
from inventory.survey.choices import parse_bool, parse_enum
from inventory.survey.dates import (
    fiscal_year_of,
    parse_date,
    parse_fiscal_year,
    parse_months,
    parse_year_month,
)
from inventory.survey.normalize import normalize_cell
from inventory.survey.numbers import parse_count, parse_hours, parse_int, parse_minutes, parse_staff
from inventory.survey.schema import BOOL_FALSE, BOOL_TRUE, COLUMNS, ENUM_SYNONYMS

FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
ALL_MONTHS = tuple(range(1, 13))
BLANKS = [None, "", " ", "\u3000", " \u3000\t\n ", "\x00"]


def ok(cell: Cell) -> object:
    """Return the value of a readable cell, failing the test with the problem otherwise."""
    assert cell.problem is None, cell.problem
    return cell.value


def code(cell: Cell) -> str:
    assert cell.problem is not None, f"expected a problem, got {cell!r}"
    assert cell.value is None
    assert cell.problem.message  # every problem says what is wrong, in Japanese
    return cell.problem.code


# --- blanks ---------------------------------------------------------------------


@pytest.mark.parametrize("field", [c.field for c in COLUMNS])
@pytest.mark.parametrize("raw", BLANKS)
def test_blank_is_none_without_problem_for_every_column(field: str, raw: object) -> None:
    assert normalize_cell(field, raw) == Cell(None)


@pytest.mark.parametrize(
    "parse",
    [parse_text, parse_fiscal_year, parse_int, parse_count, parse_minutes, parse_staff]
    + [parse_months, parse_bool, parse_year_month, parse_hours],
)
@pytest.mark.parametrize("raw", BLANKS)
def test_blank_is_none_for_every_parser(parse, raw: object) -> None:
    assert parse(raw) == Cell(None)


# --- text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("住民票の写しの交付", "住民票の写しの交付"),
        ("  前後の空白  ", "前後の空白"),
        ("全角\u3000空白", "全角 空白"),
        ("改行\nと\tタブ", "改行 と タブ"),
        ("制御\x00文字\x07", "制御文字"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("ＡＢＣ１２３", "ABC123"),
        ("\ufeff先頭BOM", "先頭BOM"),
        (101, "101"),
        (101.0, "101"),
        (1.5, "1.5"),
        (date(2024, 4, 1), "2024-04-01"),
        (datetime(2024, 4, 1), "2024-04-01"),
    ],
)
def test_text(raw: object, expected: str) -> None:
    assert ok(parse_text(raw)) == expected


def test_text_up_to_2000_characters_is_fine_and_longer_is_too_long() -> None:
    assert ok(parse_text("あ" * 2000)) == "あ" * 2000
    assert code(parse_text("あ" * 2001)) == ReasonCode.TOO_LONG


# --- fiscal year ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2024, 2024),
        (2024.0, 2024),
        ("2024", 2024),
        ("２０２４", 2024),
        ("2024年度", 2024),
        ("2024年", 2024),
        ("2024.0", 2024),
        ("FY2024", 2024),
        ("fy2024", 2024),
        ("令和6年度", 2024),
        ("令和６年度", 2024),
        ("令和 6 年度", 2024),
        ("令和元年度", 2019),
        ("令和6", 2024),
        ("R6", 2024),
        ("r6", 2024),
        ("R6年度", 2024),
        ("R.6", 2024),
        ("Ｒ６年度", 2024),
        ("㋿6年度", 2024),
        ("H30", 2018),
        ("平成30年度", 2018),
        ("平成元年度", 1989),
        ("平成31年度", 2019),
        ("令和6(2024)年度", 2024),
        ("令和6年度（2024年度）", 2024),
        ("2024(R6)", 2024),
    ],
)
def test_fiscal_year(raw: object, expected: int) -> None:
    assert ok(parse_fiscal_year(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    ["不明", "今年度", "24", "24年度", "R0", "令和0年度", "1900", "2101年度", "R99", "S60", "令和6(2023)年度"]
    + [2024.5, True, 1900, date(2024, 4, 1), "2024-04", "(2024)", "令和6(2024)(2024)年度", "(R6)" * 2000],
)
def test_fiscal_year_errors(raw: object) -> None:
    assert code(parse_fiscal_year(raw)) == ReasonCode.BAD_YEAR


# --- numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1200, 1200),
        (1200.0, 1200),
        (0, 0),
        (0.5, 0.5),
        ("1200", 1200),
        ("１，２００", 1200),
        ("1,200件", 1200),
        ("約1200件", 1200),
        ("約 1,200 件", 1200),
        ("およそ300", 300),
        ("概ね300件", 300),
        ("300件程度", 300),
        ("1,234,567", 1234567),
        ("12.5", 12.5),
        ("１２．５", 12.5),
        ("300枚", 300),
        ("12回", 12),
        ("50人", 50),
        ("50名", 50),
        ("1200件/年", 1200),
        ("年間1200件", 1200),
        ("1万件", 10000),
        ("1.2万件", 12000),
        ("約1万2000件", 12000),
    ],
)
def test_count(raw: object, expected: float) -> None:
    value = ok(parse_count(raw))
    assert isinstance(value, float)
    assert value == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (30, 30),
        (30.0, 30),
        (0.5, 0.5),
        ("30", 30),
        ("３０分", 30),
        ("約30分", 30),
        ("30分/件", 30),
        ("30分/1件", 30),
        ("1件あたり30分", 30),
        ("90分", 90),
        ("90分間", 90),
        ("1時間", 60),
        ("1.5時間", 90),
        ("1時間30分", 90),
        ("１時間３０分", 90),
        ("1時間半", 90),
        ("2時間", 120),
        ("30秒", 0.5),
        ("1分30秒", 1.5),
        ("30min", 30),
        ("1h", 60),
        ("1.5h", 90),
        ("30分程度", 30),
    ],
)
def test_minutes(raw: object, expected: float) -> None:
    assert ok(parse_minutes(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(2, 2), (0.5, 0.5), ("2", 2), ("0.5", 0.5), (".5", 0.5), ("２人", 2), ("3名", 3), ("0", 0)],
)
def test_staff(raw: object, expected: float) -> None:
    assert ok(parse_staff(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2, 2),
        (2.0, 2),
        (0, 0),
        ("2", 2),
        ("２", 2),
        ("3種類", 3),
        ("3様式", 3),
        ("2システム", 2),
        ("1,000", 1000),
    ],
)
def test_int(raw: object, expected: int) -> None:
    value = ok(parse_int(raw))
    assert type(value) is int
    assert value == expected


@pytest.mark.parametrize(
    ("parse", "raw", "expected", "shown"),
    [
        (parse_count, "20～30", 25, "25"),
        (parse_count, "20〜30", 25, "25"),
        (parse_count, "20~30", 25, "25"),
        (parse_count, "20－30", 25, "25"),
        (parse_count, "20-30", 25, "25"),
        (parse_count, "20‐30", 25, "25"),
        (parse_count, "20–30", 25, "25"),
        (parse_count, "20—30", 25, "25"),
        (parse_count, "20件～30件", 25, "25"),
        (parse_count, "20～30件", 25, "25"),
        (parse_count, "約20～30件", 25, "25"),
        (parse_count, "1,000～2,000件", 1500, "1500"),
        (parse_count, "10～15", 12.5, "12.5"),
        (parse_minutes, "20～30分", 25, "25"),
        (parse_minutes, "1～2時間", 90, "90"),
        (parse_minutes, "1～1.5時間", 75, "75"),
        (parse_minutes, "30分～1時間", 45, "45"),
        (parse_staff, "1～2人", 1.5, "1.5"),
        (parse_int, "2～4", 3, "3"),
    ],
)
def test_range_becomes_midpoint_with_a_warning(parse, raw: str, expected: float, shown: str) -> None:
    cell = parse(raw)
    assert ok(cell) == expected
    assert cell.warning == f"範囲「{raw}」を中央値 {shown} としました"


@pytest.mark.parametrize("parse", [parse_count, parse_minutes, parse_staff, parse_int])
@pytest.mark.parametrize(
    "raw",
    [
        "不明",
        "随時",
        "-",
        "－",
        "―",
        "ー",
        "未定",
        "N/A",
        "n/a",
        "なし",
        "約",
        "件",
        "100件以上",
        "1,2",
        "12,00",
    ]
    + [
        "1.2.3",
        "20～",
        "～30",
        "20～30～40",
        "1/2",
        "三十",
        "abc",
        True,
        False,
        date(2024, 4, 1),
        time(0, 30),
    ]
    + [float("nan"), float("inf"), 10**400, "20 30", "1 200"],
)
def test_not_a_number_is_an_error_never_zero(parse, raw: object) -> None:
    assert code(parse(raw)) == ReasonCode.NOT_A_NUMBER


@pytest.mark.parametrize("parse", [parse_count, parse_minutes, parse_staff, parse_int])
@pytest.mark.parametrize("raw", [-1, -0.5, "-5", "－5", "−5", "-1,200", "約-5"])
def test_negative(parse, raw: object) -> None:
    assert code(parse(raw)) == ReasonCode.NEGATIVE


@pytest.mark.parametrize(
    ("parse", "raw"),
    [(parse_count, "-5件"), (parse_minutes, "-30分"), (parse_minutes, "-1時間"), (parse_staff, "-2人")],
)
def test_negative_with_unit(parse, raw: str) -> None:
    assert code(parse(raw)) == ReasonCode.NEGATIVE


@pytest.mark.parametrize("raw", [0, 0.0, "0", "0分", "０", "0時間"])
def test_minutes_must_be_positive(raw: object) -> None:
    assert code(parse_minutes(raw)) == ReasonCode.NOT_POSITIVE


@pytest.mark.parametrize("raw", [2.5, "2.5", "2～3", "0.1種類"])
def test_int_must_be_whole(raw: object) -> None:
    assert code(parse_int(raw)) == ReasonCode.NOT_INTEGER


# --- months ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4,5,6", (4, 5, 6)),
        ("4, 5, 6", (4, 5, 6)),
        ("4、5、6", (4, 5, 6)),
        ("４，５，６", (4, 5, 6)),
        ("6,5,4,4", (4, 5, 6)),
        ("4 5 6", (4, 5, 6)),
        ("4月～6月", (4, 5, 6)),
        ("4月〜6月", (4, 5, 6)),
        ("４〜６月", (4, 5, 6)),
        ("4-6", (4, 5, 6)),
        ("4月から6月", (4, 5, 6)),
        ("3月・4月", (3, 4)),
        ("4月,5月", (4, 5)),
        ("4月5月6月", (4, 5, 6)),
        ("12月～2月", (1, 2, 12)),
        ("3月、12月～1月", (1, 3, 12)),
        ("4月下旬～5月上旬", (4, 5)),
        ("通年", ALL_MONTHS),
        ("年間", ALL_MONTHS),
        ("毎月", ALL_MONTHS),
        ("4", (4,)),
        ("4月", (4,)),
        ("１２月", (12,)),
        (4, (4,)),
        (4.0, (4,)),
        (12, (12,)),
        ("1～12月", ALL_MONTHS),
    ],
)
def test_months(raw: object, expected: tuple[int, ...]) -> None:
    assert ok(parse_months(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    ["不明", "なし", "繁忙期", "13", "0", "4,13", "4月～13月", "4/6", "4..6", "春", "456", 13, 0, 4.5, True]
    + [time(4, 6), ",", "4～"],
)
def test_months_errors(raw: object) -> None:
    assert code(parse_months(raw)) == ReasonCode.BAD_MONTHS


@pytest.mark.parametrize("raw", [datetime(2024, 4, 6), date(2024, 4, 6)])
def test_months_turned_into_a_date_by_excel_says_how_to_type_them(raw: object) -> None:
    cell = parse_months(raw)
    assert code(cell) == ReasonCode.BAD_MONTHS
    assert cell.problem is not None
    assert "4/6" in cell.problem.message
    assert "4,5,6" in cell.problem.message


# --- yes/no ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(s, True) for s in BOOL_TRUE]
    + [(s, False) for s in BOOL_FALSE]
    + [("YES", True), ("Yes", True), ("TRUE", True), ("ｙｅｓ", True), ("NO", False), ("False", False)]
    + [(" あり ", True), ("◯", True), ("✕", False), ("１", True)]
    + [(True, True), (False, False), (1, True), (0, False), (1.0, True), (0.0, False)],
)
def test_bool(raw: object, expected: bool) -> None:
    assert ok(parse_bool(raw)) is expected


@pytest.mark.parametrize("raw", ["-", "不明", "未定", "2", 2, -1, 0.5, "maybe", "△", date(2024, 4, 1)])
def test_bool_errors_list_the_accepted_spellings(raw: object) -> None:
    cell = parse_bool(raw)
    assert code(cell) == ReasonCode.BAD_BOOL
    assert cell.problem is not None
    assert "あり/なし" in cell.problem.message
    assert "○/×" in cell.problem.message


# --- enums ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("input_medium", "紙（手書き）", "紙（手書き）"),
        ("input_medium", "紙(手書き)", "紙（手書き）"),
        ("input_medium", "手書き", "紙（手書き）"),
        ("input_medium", "紙・手書き", "紙（手書き）"),
        ("input_medium", "紙", "紙（活字）"),
        ("input_medium", "活字", "紙（活字）"),
        ("input_medium", "紙(活字)", "紙（活字）"),
        ("input_medium", "印刷", "紙（活字）"),
        ("input_medium", "電子", "電子"),
        ("input_medium", "電子データ", "電子"),
        ("input_medium", "システム", "電子"),
        ("input_medium", "ｼｽﾃﾑ", "電子"),
        ("input_medium", "Excel", "電子"),
        ("input_medium", "EXCEL", "電子"),
        ("input_medium", "ｅｘｃｅｌ", "電子"),
        ("input_medium", "メール", "電子"),
        ("input_medium", " 混在 ", "混在"),
        ("routine", "定型", "定型"),
        ("routine", "一部定型", "一部定型"),
        ("routine", "非 定 型", "非定型"),
        ("judgement", "なし", "なし"),
        ("judgement", "一部あり", "一部あり"),
        ("judgement", "有り", "あり"),
        ("scope", "全庁共通", "全庁共通"),
        ("verification", "なし", "不要"),
        ("exceptions", "ときどき", "時々"),
    ],
)
def test_enum(field: str, raw: str, expected: str) -> None:
    assert ok(parse_enum(field, raw)) == expected
    assert ok(normalize_cell(field, raw)) == expected


@pytest.mark.parametrize(
    ("field", "spelling", "canonical"),
    [(f, s, c) for f, table in ENUM_SYNONYMS.items() for s, c in table.items()]
    + [(c.field, v, v) for c in COLUMNS if c.kind == "enum" for v in c.choices],
)
def test_every_schema_spelling_reads_as_a_canonical_choice(field: str, spelling: str, canonical: str) -> None:
    assert ok(parse_enum(field, spelling)) == canonical


def test_unknown_choice_lists_the_accepted_values() -> None:
    cell = parse_enum("input_medium", "紙ベース")
    assert code(cell) == ReasonCode.UNKNOWN_CHOICE
    assert cell.problem is not None
    assert (
        cell.problem.message
        == '"紙ベース" は選択肢にありません（選べる値: 電子, 紙（活字）, 紙（手書き）, 混在）'
    )


@pytest.mark.parametrize("raw", ["紙ベース", "-", "不明", 1, 2.5, True])
def test_unknown_choice(raw: object) -> None:
    assert code(parse_enum("routine", raw)) == ReasonCode.UNKNOWN_CHOICE


# --- overtime file --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-04", (2024, 4)),
        ("2024/4", (2024, 4)),
        ("2024/04", (2024, 4)),
        ("2024.4", (2024, 4)),
        ("2024年4月", (2024, 4)),
        ("2024年04月分", (2024, 4)),
        ("２０２４年４月", (2024, 4)),
        ("令和6年4月", (2024, 4)),
        ("令和元年5月", (2019, 5)),
        ("R6.4", (2024, 4)),
        ("R6/4", (2024, 4)),
        ("Ｒ６．４", (2024, 4)),
        ("H31.3", (2019, 3)),
        ("202404", (2024, 4)),
        (202404, (2024, 4)),
        (202404.0, (2024, 4)),
        ("2024-04-01", (2024, 4)),
        ("2024/4/1", (2024, 4)),
        ("2024-04-01 00:00:00", (2024, 4)),
        (date(2025, 3, 1), (2025, 3)),
        (datetime(2024, 4, 1, 0, 0), (2024, 4)),
    ],
)
def test_year_month(raw: object, expected: tuple[int, int]) -> None:
    assert ok(parse_year_month(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    ["2024-13", "2024-00", "202413", "1900-04", "R0.4", "4月", "2024", "令和6年", "不明", 2024.1, 2024, True]
    + [time(12, 0), "2024年4"],
)
def test_year_month_errors(raw: object) -> None:
    assert code(parse_year_month(raw)) == ReasonCode.BAD_YEAR_MONTH


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12.5, 12.5),
        (0, 0),
        ("12.5", 12.5),
        ("１２．５", 12.5),
        ("12時間30分", 12.5),
        ("12時間", 12),
        ("12.5時間", 12.5),
        ("12時間半", 12.5),
        ("30分", 0.5),
        ("12:30", 12.5),
        ("120:45", 120.75),
        ("1,234.5", 1234.5),
        (time(12, 30), 12.5),
        (timedelta(hours=30, minutes=15), 30.25),
    ],
)
def test_hours(raw: object, expected: float) -> None:
    assert ok(parse_hours(raw)) == expected


@pytest.mark.parametrize(
    "raw", ["不明", "-", "10～12", "12:60", "12:5", "abc", True, date(2024, 4, 1), float("nan")]
)
def test_hours_errors(raw: object) -> None:
    assert code(parse_hours(raw)) == ReasonCode.BAD_HOURS


@pytest.mark.parametrize("raw", [-3, "-3", "－12.5"])
def test_negative_hours(raw: object) -> None:
    assert code(parse_hours(raw)) == ReasonCode.NEGATIVE


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2024, 4, 2024), (2025, 3, 2024), (2024, 12, 2024), (2025, 1, 2024), (2025, 4, 2025)],
)
def test_fiscal_year_runs_april_to_march(year: int, month: int, expected: int) -> None:
    assert fiscal_year_of(year, month) == expected


def test_fiscal_year_of_refuses_a_month_outside_1_to_12() -> None:
    with pytest.raises(ValueError):
        fiscal_year_of(2024, 13)


# --- dispatch and caching -------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("fiscal_year", "令和6年度", 2024),
        ("name", " 窓口受付 ", "窓口受付"),
        ("form_count", "3", 3),
        ("annual_volume", "1,200件", 1200),
        ("minutes_per_case", "1時間30分", 90),
        ("staff_count", "0.5", 0.5),
        ("peak_months", "通年", ALL_MONTHS),
        ("documented", "○", True),
        ("input_medium", "手書き", "紙（手書き）"),
        ("respondent", " 山田 太郎 ", "山田 太郎"),  # 表紙 label, not a table column: text
    ],
)
def test_normalize_cell_dispatches_on_the_column_kind(field: str, raw: object, expected: object) -> None:
    assert ok(normalize_cell(field, raw)) == expected


def test_cache_keeps_true_one_and_one_point_zero_apart() -> None:
    assert code(normalize_cell("annual_volume", True)) == ReasonCode.NOT_A_NUMBER
    assert ok(normalize_cell("annual_volume", 1)) == 1
    assert ok(normalize_cell("form_count", 1.0)) == 1
    assert code(normalize_cell("form_count", True)) == ReasonCode.NOT_A_NUMBER


def test_unhashable_raw_is_read_uncached() -> None:
    assert code(normalize_cell("annual_volume", [1, 2])) == ReasonCode.NOT_A_NUMBER
    assert ok(normalize_cell("notes", {"a": 1})) == "{'a': 1}"


def test_messages_do_not_repeat_the_column_or_row() -> None:
    problem = normalize_cell("annual_volume", "不明").problem
    assert problem is not None
    assert "年間件数" not in problem.message
    assert "行" not in problem.message


# --- properties -----------------------------------------------------------------


@given(n=st.integers(min_value=0, max_value=10**12), approx=st.booleans(), wide=st.booleans())
def test_count_with_commas_full_width_and_units_reads_back(n: int, approx: bool, wide: bool) -> None:
    text = f"{'約' if approx else ''}{n:,}件"
    if wide:
        text = text.translate(FULL_WIDTH)
    assert ok(parse_count(text)) == n


@given(year=st.integers(min_value=2019, max_value=2099), style=st.integers(min_value=0, max_value=5))
def test_reiwa_fiscal_year_reads_back(year: int, style: int) -> None:
    n = year - 2018
    number = "元" if n == 1 and style == 0 else str(n)
    text = [
        f"令和{number}年度",
        f"R{n}",
        f"Ｒ{n}年度".translate(FULL_WIDTH),
        f"㋿{n}年度",
        f"{year}年度".translate(FULL_WIDTH),
        f"令和{n}（{year}）年度",
    ][style]
    assert ok(parse_fiscal_year(text)) == year


@given(
    months=st.sets(st.integers(min_value=1, max_value=12), min_size=1), sep=st.sampled_from([",", "、", "・"])
)
def test_month_list_reads_back(months: set[int], sep: str) -> None:
    text = sep.join(f"{m}月" for m in sorted(months, reverse=True))
    assert ok(parse_months(text)) == tuple(sorted(months))


@given(
    start=st.integers(min_value=1, max_value=12),
    length=st.integers(min_value=1, max_value=12),
    dash=st.sampled_from(["～", "〜", "~", "－", "-"]),
)
def test_month_range_reads_back(start: int, length: int, dash: str) -> None:
    months = {(start - 1 + i) % 12 + 1 for i in range(length)}
    end = (start - 1 + length - 1) % 12 + 1
    assert ok(parse_months(f"{start}月{dash}{end}月")) == tuple(sorted(months))


@given(hours=st.integers(min_value=0, max_value=20), minutes=st.integers(min_value=0, max_value=59))
def test_hours_and_minutes_read_back(hours: int, minutes: int) -> None:
    if hours or minutes:
        assert ok(parse_minutes(f"{hours}時間{minutes}分")) == hours * 60 + minutes
    assert ok(parse_hours(f"{hours}:{minutes:02d}")) == pytest.approx(hours + minutes / 60)


@given(year=st.integers(min_value=1989, max_value=2100), month=st.integers(min_value=1, max_value=12))
def test_year_month_reads_back(year: int, month: int) -> None:
    for text in (f"{year}-{month:02d}", f"{year}/{month}", f"{year}年{month}月"):
        assert ok(parse_year_month(text)) == (year, month)


raws = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789０１２３４５６７８９,.，．約件分時間月年度令和R元～〜~－-、・ \u3000"),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


@given(field=st.sampled_from([c.field for c in COLUMNS]), raw=raws)
def test_normalize_cell_never_raises_and_gives_value_or_problem_or_blank(field: str, raw: object) -> None:
    cell = normalize_cell(field, raw)
    assert cell.value is None or cell.problem is None
    assert cell.warning is None or cell.value is not None
    if cell.problem is not None:
        assert cell.problem.code in set(ReasonCode)
        assert cell.problem.message


@given(raw=raws)
def test_overtime_parsers_never_raise(raw: object) -> None:
    for cell in (parse_year_month(raw), parse_hours(raw)):
        assert cell.value is None or cell.problem is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025/6/3", date(2025, 6, 3)),
        ("令和7年6月3日", date(2025, 6, 3)),
        ("R7.6.3", date(2025, 6, 3)),
        ("r7.6.3", date(2025, 6, 3)),
        ("2025-06-03", date(2025, 6, 3)),
        ("２０２５／６／３", date(2025, 6, 3)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("2025/6/3 0:00:00", date(2025, 6, 3)),
        (datetime(2025, 6, 3, 9, 30), date(2025, 6, 3)),
        (date(2025, 6, 3), date(2025, 6, 3)),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_date_reads_what_staff_type(raw: object, expected: date | None) -> None:
    cell = parse_date(raw)
    assert (cell.value, cell.problem) == (expected, None)


@pytest.mark.parametrize("raw", ["来週", "2025/2/30", "令和0年1月1日", "6月3日", 45811, "2025/6"])
def test_parse_date_refuses_what_is_not_a_whole_date(raw: object) -> None:
    cell = parse_date(raw)
    assert cell.value is None and cell.problem is not None and cell.problem.code == "bad_date"
    assert "日付として読めません" in cell.problem.message
