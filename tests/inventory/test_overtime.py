"""Reading overtime files: every accepted spelling, per-staff summing without ids, all errors at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from inventory.errors import SettingsError
from inventory.overtime.columns import near_departments, overtime_field, pseudonymise
from inventory.overtime.reader import OvertimeParse, read_overtime_bytes, validate_overtime
from inventory.settings import DEV_PSEUDONYM_KEY, Settings
from inventory.survey.reader import RawTable
from tests.inventory.workbooks import write_csv, write_xlsx

KNOWN = ["税務課", "財務課", "市民課", "ＤＸ推進課"]
HEADER: list[object] = ["年月", "課", "時間外勤務時間", "職員数"]
STAFF_HEADER: list[object] = ["年月", "所属", "職員番号", "残業時間"]
KEY = b"test-key-0123456789"


def read(path: Path, known: list[str] = KNOWN, key: bytes | None = KEY) -> OvertimeParse:
    return read_overtime_bytes(
        path.read_bytes(),
        path.name,
        known_departments=known,
        pseudonym_key=None if key is None else lambda: key,
    )


def xlsx(tmp_path: Path, rows: list[list[object]], name: str = "時間外.xlsx", sheet: str = "Sheet1") -> Path:
    return write_xlsx(tmp_path / name, rows, cover=(), sheet=sheet)


def errors_of(result: OvertimeParse) -> list[tuple[int | None, str | None, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


def figures(result: OvertimeParse) -> list[tuple[str, int, int, float, int]]:
    assert not result.errors, result.errors
    return [(m.department, m.year, m.month, m.overtime_hours, m.headcount) for m in result.months]


@pytest.mark.parametrize(
    "year_month",
    ["2024-04", "2024/4", "2024/04/01", "2024年4月", "２０２４年４月", "令和6年4月", "R6.4", "Ｒ６．４", "r6/4",
     "2024.4", "202404", 202404, datetime(2024, 4, 1), "2024年4月分"],
)  # fmt: skip
def test_every_year_month_form_reads_as_the_same_month(tmp_path: Path, year_month: object) -> None:
    result = read(xlsx(tmp_path, [HEADER, [year_month, "税務課", 10, 5]]))
    assert figures(result) == [("税務課", 2024, 4, 10.0, 5)]
    assert result.months[0].fiscal_year == 2024


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(12.5, 12.5), ("12.5", 12.5), ("12時間30分", 12.5), ("１２．５", 12.5), ("12:30", 12.5), ("12.5時間", 12.5),
     (0, 0.0), ("750分", 12.5)],
)  # fmt: skip
def test_hours_in_every_accepted_spelling(tmp_path: Path, hours: object, expected: float) -> None:
    result = read(xlsx(tmp_path, [HEADER, ["2024-04", "税務課", hours, "５人"]]))
    assert figures(result) == [("税務課", 2024, 4, expected, 5)]


def test_march_belongs_to_the_previous_fiscal_year(tmp_path: Path) -> None:
    result = read(xlsx(tmp_path, [HEADER, ["令和7年3月", "税務課", 1, 1]]))
    assert [(m.year, m.month, m.fiscal_year) for m in result.months] == [(2025, 3, 2024)]


def test_title_rows_synonyms_blank_and_total_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["令和6年度 時間外勤務実績（人事課作成）"],
        ["単位: 時間"],
        [],
        ["No", "対象年月", "所属", "超過勤務時間（h）", "在籍者数（人）"],
        [1, "2024-04", "税務課", "１２．５", "１０人"],
        [None, None, None, None, None],
        [2, "2024-04", "ＤＸ推進課", 3, 4],  # the registered spelling is returned
        [3, "2024-05", "市民課 ", "1時間", 8],
        [None, None, "合計", 16.5, 22],
    ]
    path = write_xlsx(tmp_path / "実績.xlsx", [["説明のシート"]], cover=(), sheet="説明")
    workbook = load_workbook(path)
    sheet = workbook.create_sheet("時間外勤務実績")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    result = read(path)
    assert result.sheet == "時間外勤務実績" and not result.per_staff
    assert figures(result) == [
        ("市民課", 2024, 5, 1.0, 8),
        ("税務課", 2024, 4, 12.5, 10),
        ("ＤＸ推進課", 2024, 4, 3.0, 4),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    rows: list[list[object]] = [
        ["時間外勤務実績"],
        HEADER,
        ["令和6年4月", "税務課", "12時間30分", 5],
        ["R6.5", "財務課", "３", "2"],
    ]
    result = read(write_csv(tmp_path / "実績.csv", rows, encoding=encoding))
    assert result.file_format == "csv"
    assert figures(result) == [("税務課", 2024, 4, 12.5, 5), ("財務課", 2024, 5, 3.0, 2)]


def per_staff_rows() -> list[list[object]]:
    return [
        STAFF_HEADER,
        ["2024-04", "税務課", "S0001", "10"],
        ["2024-04", "税務課", "S0002", "2時間30分"],
        ["2024-04", "税務課", "S0001", 1.5],  # a second payroll line of the same person: summed, counted once
        ["2024-05", "税務課", "S0001", 4],
        ["2024-04", "財務課", "S0003", 0],
        ["2024-04", "財務課", "Ｓ０００４", 7],
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_per_staff_file_is_summed_per_department_and_month(tmp_path: Path, kind: str) -> None:
    rows = per_staff_rows()
    path = (
        xlsx(tmp_path, rows) if kind == "xlsx" else write_csv(tmp_path / "職員別.csv", rows, encoding="cp932")
    )
    result = read(path)
    assert result.per_staff and result.staff_count == 4
    assert figures(result) == [
        ("税務課", 2024, 4, 14.0, 2),
        ("税務課", 2024, 5, 4.0, 1),
        ("財務課", 2024, 4, 7.0, 2),
    ]


def test_no_staff_id_or_pseudonym_in_anything_returned(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        *per_staff_rows(),
        ["2024-04", "税務", "S0009", -1],
        ["2024-04", "財務課", None, 1],
    ]
    ids = ["S0001", "S0002", "S0003", "S0004", "Ｓ０００４", "S0009"]
    bad = read(xlsx(tmp_path, rows))
    good = read(xlsx(tmp_path, per_staff_rows(), name="ok.xlsx"))
    assert errors_of(bad) == [
        (8, "所属", "unknown_department"),
        (8, "残業時間", "negative"),
        (9, "職員番号", "required"),
    ]
    assert bad.errors[2].value == ""
    for result in (bad, good):
        dumped = repr(result) + "".join(m.model_dump_json() for m in result.months)
        dumped += "".join(e.model_dump_json() for e in result.errors)
        for staff_id in ids:
            assert staff_id not in dumped
            assert pseudonymise(staff_id, KEY) not in dumped


def test_a_malformed_staff_id_is_not_echoed_in_the_error(tmp_path: Path) -> None:
    secret = "S" + "9" * 2100  # too long to be text: an error, yet the value must not be shown
    result = read(xlsx(tmp_path, [STAFF_HEADER, ["2024-04", "税務課", secret, 1]]))
    assert errors_of(result) == [(2, "職員番号", "too_long")]
    assert secret not in repr(result) and result.errors[0].value == ""


def test_per_staff_headcount_column_wins_and_must_agree(tmp_path: Path) -> None:
    header = [*STAFF_HEADER, "職員数"]
    ok = read(xlsx(tmp_path, [header, ["2024-04", "税務課", "A", 1, 12], ["2024-04", "税務課", "B", 2, 12]]))
    assert figures(ok) == [("税務課", 2024, 4, 3.0, 12)]
    bad = read(
        xlsx(
            tmp_path, [header, ["2024-04", "税務課", "A", 1, 12], ["2024-04", "税務課", "B", 2, 11]], "b.xlsx"
        )
    )
    assert errors_of(bad) == [(3, "職員数", "inconsistent_headcount")]


def test_every_row_error_in_one_pass_with_row_column_value_and_code(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["時間外勤務実績"],
        HEADER,
        ["2024-13", "税務課", 10, 5],
        ["不明", "税務課", "不明", 0],
        ["2024-04", None, -3, 2.5],
        ["2024-05", "税務課", "10～12", "-1"],
        ["2024-06", "税務課", None, None],
        ["2024-07", "税務課", 1, 3],
    ]
    result = read(xlsx(tmp_path, rows, sheet="実績"))
    assert result.months == []
    assert errors_of(result) == [
        (3, "年月", "bad_year_month"),
        (4, "年月", "bad_year_month"),
        (4, "時間外勤務時間", "bad_hours"),
        (4, "職員数", "not_positive"),
        (5, "課", "required"),
        (5, "時間外勤務時間", "negative"),
        (5, "職員数", "not_integer"),
        (6, "時間外勤務時間", "bad_hours"),
        (6, "職員数", "negative"),
        (7, "時間外勤務時間", "required"),
        (7, "職員数", "required"),
    ]
    first = result.errors[0]
    assert (first.file, first.sheet, first.value) == ("時間外.xlsx", "実績", "2024-13")
    assert all(e.message and not e.message.isascii() for e in result.errors)


def test_unknown_department_lists_near_matches(tmp_path: Path) -> None:
    result = read(xlsx(tmp_path, [HEADER, ["2024-04", "税務", 1, 1], ["2024-04", "ＸＹＺ", 1, 1]]))
    assert errors_of(result) == [(2, "課", "unknown_department"), (3, "課", "unknown_department")]
    assert result.errors[0].message == "「税務」は登録されている課にありません。近い課: 税務課, 財務課"
    assert result.errors[0].value == "税務"
    assert "登録されている課: " in result.errors[1].message  # nothing near: the list to choose from
    assert near_departments("DX推進", KNOWN)[0] == "ＤＸ推進課"


def test_with_no_department_registered_the_hint_is_to_ingest_surveys(tmp_path: Path) -> None:
    result = read(xlsx(tmp_path, [HEADER, ["2024-04", "税務課", 1, 1]]), known=[])
    assert errors_of(result) == [(2, "課", "unknown_department")]
    assert "業務量調査票" in result.errors[0].message


def test_same_department_and_month_twice_in_a_per_department_file(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["2024-04", "税務課", 1, 5],
        ["2024-05", "税務課", 1, 5],
        ["R6.4", "税務課", 2, 5],
    ]
    result = read(xlsx(tmp_path, rows))
    assert errors_of(result) == [(4, "年月", "duplicate_month")]
    assert "2行目" in result.errors[0].message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["年月", "課", "時間外勤務時間"], "職員数（または職員番号）"),
        (["年月", "職員数", "時間外勤務時間"], "課"),
    ],
)
def test_missing_columns_are_named(tmp_path: Path, header: list[object], missing: str) -> None:
    result = read(xlsx(tmp_path, [["タイトル"], header, ["2024-04", "税務課", 1]]))
    assert errors_of(result) == [(2, None, "missing_column")]
    assert missing in result.errors[0].message


def test_empty_file_and_header_without_rows(tmp_path: Path) -> None:
    assert errors_of(read(xlsx(tmp_path, [[None]]))) == [(None, None, "empty_sheet")]
    assert errors_of(read(xlsx(tmp_path, [HEADER, ["合計", None, 3, 3]], "h.xlsx"))) == [(1, None, "no_rows")]


def test_duplicate_column_is_reported(tmp_path: Path) -> None:
    result = read(xlsx(tmp_path, [[*HEADER, "残業時間"], ["2024-04", "税務課", 1, 1, 1]]))
    assert errors_of(result) == [(1, "残業時間", "duplicate_column")]


def test_the_key_is_asked_for_only_by_per_staff_files(tmp_path: Path) -> None:
    def no_key() -> bytes:
        raise AssertionError("a per-課 file must not need the key")

    path = xlsx(tmp_path, [HEADER, ["2024-04", "税務課", 1, 1]])
    assert read_overtime_bytes(
        path.read_bytes(), path.name, known_departments=KNOWN, pseudonym_key=no_key
    ).months
    with pytest.raises(SettingsError):
        read(xlsx(tmp_path, per_staff_rows(), "staff.xlsx"), key=None)


def test_header_synonyms_with_units() -> None:
    assert overtime_field("時間外勤務時間数（時間）") == "overtime_hours"
    assert overtime_field(" 職員ＩＤ ") == "staff_id"
    assert overtime_field("業務名") is None


def test_pseudonym_key_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(environment="development").pseudonym_secret() == DEV_PSEUDONYM_KEY
    assert Settings(environment="development", pseudonym_key="k").pseudonym_secret() == b"k"
    for unsafe in (None, "", "short", DEV_PSEUDONYM_KEY.hex()):
        with pytest.raises(SettingsError, match="DXI_PSEUDONYM_KEY"):
            Settings(environment="production", pseudonym_key=unsafe).pseudonym_secret()
    monkeypatch.setenv("DXI_PSEUDONYM_KEY", "a-long-random-production-secret")
    assert Settings(environment="production").pseudonym_secret() == b"a-long-random-production-secret"
    assert pseudonymise("S0001", b"a") != pseudonymise("S0001", b"b")


staff_rows = st.lists(
    st.tuples(
        st.sampled_from(["税務課", "財務課"]),
        st.integers(1, 12),
        st.sampled_from("ABCDE"),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=40,
)


@given(staff_rows)
def test_per_staff_totals_and_headcounts_match_the_rows(rows: list[tuple[str, int, str, int]]) -> None:
    table = [
        ["年月", "課", "職員番号", "時間外勤務時間"],
        *([f"2024-{m:02d}", d, s, h] for d, m, s, h in rows),
    ]
    raw = RawTable("p.csv", "csv", "0" * 64, None, table)  # type: ignore[arg-type]
    result = validate_overtime(raw, known_departments=KNOWN, pseudonym_key=lambda: KEY)
    assert not result.errors
    assert sum(m.overtime_hours for m in result.months) == sum(h for *_, h in rows)
    for month in result.months:
        staff = {s for d, m, s, _ in rows if (d, m) == (month.department, month.month)}
        assert month.headcount == len(staff)
    assert result.staff_count == len({s for _, _, s, _ in rows})
