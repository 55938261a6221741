"""The synthetic town: sizes, determinism, realism, and files that really carry the habits.

``_decode`` below is a deliberately small oracle for the spellings this generator
writes (not the project's intake): reading every style back with it must give exactly
the truth, which is what the intake tests will rely on.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from flows.town.answers import NICE_MINUTES
from flows.town.names import DEPARTMENTS, SPENDING_ORDER
from flows.town.survey import DATA_COLUMNS, SyntheticSurvey, make_town, next_year
from flows.town.survey_files import STYLES, corrupt, town_styles, write_survey, write_town
from inventory.survey import schema

FULL_WIDTH_DIGIT = re.compile(r"[０-９]")
WAREKI = re.compile(r"^(令和|R|Ｒ|㋿)")
Rows = list[list[Any]]


@pytest.fixture(scope="module")
def town() -> list[SyntheticSurvey]:
    return make_town(departments=40, tasks_per_department=30, seed=7)


@pytest.fixture(scope="module")
def messy_files(town, tmp_path_factory) -> list[Path]:
    return write_town(town, tmp_path_factory.mktemp("messy"), seed=7, style="messy")


# --- a tiny oracle for the spellings the generator uses ------------------------------------


def _number(text: str) -> float:
    text = text.removeprefix("約").replace(",", "")
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)時間(?:(\d+)分)?", text):
        return float(match[1]) * 60 + float(match[2] or 0)
    return float(re.sub(r"(件|分/件|分|人)$", "", text))


def _months(text: str) -> tuple[int, ...]:
    if text == "通年":
        return tuple(range(1, 13))
    if match := re.fullmatch(r"(\d+)月?[~〜](\d+)月", text):
        return tuple(range(int(match[1]), int(match[2]) + 1))
    return tuple(int(m.removesuffix("月")) for m in re.split(r"[,・]", text))


def _decode(column: schema.Column, raw: object) -> object:
    if raw is None or raw == "":
        return None
    if isinstance(raw, int | float):
        return (int(raw),) if column.kind == "months" else float(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if column.kind == "bool":
        assert text in schema.BOOL_TRUE + schema.BOOL_FALSE, text
        return text in schema.BOOL_TRUE
    if column.kind == "enum":
        spellings = {schema.nfkc_key(c): c for c in column.choices}
        spellings |= {schema.nfkc_key(s): c for s, c in schema.ENUM_SYNONYMS.get(column.field, {}).items()}
        return spellings[schema.nfkc_key(text)]
    if column.kind in ("count", "minutes", "staff", "int"):
        return _number(text)
    if column.kind == "months":
        return _months(text)
    return str(raw)


def _truth(task, column: schema.Column) -> object:
    value = getattr(task, column.field)
    return (
        float(value) if column.kind in ("count", "minutes", "staff", "int") and value is not None else value
    )


def _table(rows: Rows) -> tuple[int, list[schema.Column], Rows]:
    """Return the header row index, its columns and the task rows (blank and 合計 rows dropped)."""
    for index, row in enumerate(rows):
        fields = [schema.HEADERS.field_for(v) if v not in (None, "") else None for v in row]
        if set(schema.REQUIRED_HEADER_FIELDS) <= set(fields):
            columns = [schema.COLUMNS_BY_FIELD[f] for f in fields if f]
            positions = [i for i, f in enumerate(fields) if f]
            body = [[row[i] if i < len(row) else None for i in positions] for row in rows[index + 1 :]]
            name_at = next(i for i, c in enumerate(columns) if c.field == "name")
            body = [r for r in body if any(v not in (None, "") for v in r)]
            return index, columns, [r for r in body if r[name_at] not in schema.TOTAL_ROW_NAMES]
    raise AssertionError("no header row")


def _assert_rows_are_truth(survey: SyntheticSurvey, rows: Rows) -> None:
    _, columns, body = _table(rows)
    assert len(body) == len(survey.tasks)
    for task, row in zip(survey.tasks, body, strict=True):
        for column, raw in zip(columns, row, strict=True):
            if column.field in ("fiscal_year", "division", "department"):
                continue
            assert _decode(column, raw) == _truth(task, column), (task.task_code, column.header, raw)


def _sheets(path: Path) -> dict[str, Rows]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _data_sheet(sheets: dict[str, Rows]) -> Rows:
    return sheets.get(schema.SURVEY_SHEET) or next(iter(sheets.values()))


# --- the truth ------------------------------------------------------------------------------


def test_default_town_size_and_departments() -> None:
    surveys = make_town()
    assert len(surveys) == 30
    assert all(len(s.tasks) == 50 and s.fiscal_year == 2024 for s in surveys)
    assert len({s.department for s in surveys}) == 30
    assert {"市民課", "税務課", "子育て支援課", "会計課", "議会事務局", "DX推進課"} <= {
        s.department for s in surveys
    }


def test_benchmark_town_size() -> None:
    surveys = make_town(departments=40, tasks_per_department=150)
    assert [len(s.tasks) for s in surveys] == [150] * 40


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        make_town(departments=len(DEPARTMENTS) + 1)
    with pytest.raises(ValueError):
        make_town(tasks_per_department=10_000)


def test_same_seed_same_truth_other_seed_other_truth() -> None:
    assert make_town(seed=3) == make_town(seed=3)
    assert make_town(seed=3) != make_town(seed=4)


def test_every_department_has_the_spending_order_in_electronic_form(town) -> None:
    for survey in town:
        orders = [t for t in survey.tasks if t.name == SPENDING_ORDER]
        assert len(orders) == 1, survey.department
        assert orders[0].input_medium == "電子" and orders[0].scope in ("全庁共通", None)


def test_task_codes_are_unique_and_stable_across_seeds(town) -> None:
    other = {s.department: {t.name: t.task_code for t in s.tasks} for s in make_town(departments=40, seed=99)}
    shared = 0
    for survey in town:
        codes = [t.task_code for t in survey.tasks]
        assert len(set(codes)) == len(codes)
        assert all(re.fullmatch(r"[A-Z]{2}-\d{3}", c or "") for c in codes)
        for task in survey.tasks:
            if task.name in other[survey.department]:
                assert other[survey.department][task.name] == task.task_code
                shared += 1
    assert shared > 100


def test_values_are_within_the_schema(town) -> None:
    tasks = [t for s in town for t in s.tasks]
    for task in tasks:
        assert 10 <= task.annual_volume <= 50_000 and task.annual_volume.is_integer()
        assert task.minutes_per_case in NICE_MINUTES
        assert task.staff_count is None or (task.staff_count * 2).is_integer() and task.staff_count >= 0.5
        assert task.routine in schema.ROUTINE and task.judgement in schema.JUDGEMENT
        assert task.input_medium in schema.INPUT_MEDIUM
        assert task.scope in (*schema.SCOPE, None)
        assert task.verification in (*schema.VERIFICATION, None)
        assert task.exceptions in (*schema.EXCEPTIONS, None)
        months = task.peak_months
        assert months is None or (list(months) == sorted(set(months)) and set(months) <= set(range(1, 13)))
    assert any(t.abolition_planned for t in tasks)
    assert any(t.staff_count is None for t in tasks)
    assert any(t.peak_months == tuple(range(1, 13)) for t in tasks)


def test_task_kinds_look_like_their_names(town) -> None:
    tasks = [t for s in town for t in s.tasks]
    returns = [t for t in tasks if "申告書の入力" in t.name or t.name == "住民税の申告書入力"]
    assert returns and sum(t.input_medium == "紙（手書き）" for t in returns) / len(returns) > 0.6
    consults = [t for t in tasks if t.name.endswith("相談対応") or t.name.endswith("問合せ対応")]
    assert sum(t.routine == "非定型" for t in consults) / len(consults) > 0.5
    volumes = sorted(t.annual_volume for t in tasks)
    assert volumes[len(volumes) // 2] < volumes[-len(volumes) // 20]  # a long right tail


def test_all_text_fits_shift_jis(town) -> None:
    for survey in town:
        (survey.division + survey.department).encode("cp932")
        for task in survey.tasks:
            "".join(str(getattr(task, c.field) or "") for c in DATA_COLUMNS).encode("cp932")


def test_next_year_keeps_codes_and_drifts_volumes(town) -> None:
    later = next_year(town, seed=1)
    assert later == next_year(town, seed=1)
    added = removed = 0
    for before, after in zip(town, later, strict=True):
        assert after.fiscal_year == before.fiscal_year + 1 and after.department == before.department
        old = {t.task_code: t for t in before.tasks}
        new = {t.task_code: t for t in after.tasks}
        assert len(old.keys() & new.keys()) >= 0.85 * len(old)
        assert any(t.name == SPENDING_ORDER for t in after.tasks)
        for code in old.keys() & new.keys():
            a, b = old[code].annual_volume, new[code].annual_volume
            assert abs(b - a) <= 0.15 * a + 0.5
            assert (
                new[code].name == old[code].name and new[code].minutes_per_case == old[code].minutes_per_case
            )
        added += len(new.keys() - old.keys())
        removed += len(old.keys() - new.keys())
    assert added > 0 and removed > 0


# --- the files ------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_same_seed_same_bytes(style, town, tmp_path) -> None:
    first = write_survey(town[4], tmp_path / "a", style=style, rng_seed=5)
    second = write_survey(town[4], tmp_path / "b", style=style, rng_seed=5)
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("style", ["clean", "fast", "messy"])
def test_workbooks_read_back_to_the_truth(style, town, tmp_path) -> None:
    for survey in town[:12]:
        sheets = _sheets(write_survey(survey, tmp_path, style=style, rng_seed=2))
        _assert_rows_are_truth(survey, _data_sheet(sheets))


@pytest.mark.parametrize("style", ["csv_sjis", "csv_utf8_bom"])
def test_csv_reads_back_to_the_truth(style, town, tmp_path) -> None:
    survey = town[5]
    raw = write_survey(survey, tmp_path, style=style).read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("cp932" if style == "csv_sjis" else "utf-8-sig"))))
    assert rows[0][:3] == ["年度", "部", "課"]
    assert {(r[0], r[2]) for r in rows[1:]} == {(str(survey.fiscal_year), survey.department)}
    _assert_rows_are_truth(survey, [list(r) for r in rows])


def test_csv_sjis_is_really_cp932(town, tmp_path) -> None:
    raw = write_survey(town[0], tmp_path, style="csv_sjis").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "年度" in raw.decode("cp932")
    bom = write_survey(town[0], tmp_path / "bom", style="csv_utf8_bom").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf")


def test_clean_matches_the_official_template(town, tmp_path) -> None:
    path = write_survey(town[0], tmp_path, style="clean")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [schema.COVER_SHEET, schema.SURVEY_SHEET]
    cover = {row[0]: row[1] for row in book[schema.COVER_SHEET].iter_rows(values_only=True)}
    assert (cover["年度"], cover["部"], cover["課"]) == (2024, town[0].division, town[0].department)
    header = next(book[schema.SURVEY_SHEET].iter_rows(max_row=1, values_only=True))
    assert list(header) == [c.header for c in DATA_COLUMNS]


def test_messy_files_carry_every_clerk_habit(town, messy_files) -> None:
    seen: dict[str, int] = {}

    def saw(habit: str, condition: bool = True) -> None:
        seen[habit] = seen.get(habit, 0) + bool(condition)

    for survey, path in zip(town, messy_files, strict=True):
        sheets = _sheets(path)
        rows = _data_sheet(sheets)
        header_at, columns, _ = _table(rows)
        cover = {str(r[0]): r[1] for r in sheets[schema.COVER_SHEET] if r and r[0]}
        year_label = next(k for k in cover if schema.COVER_LABELS.get(schema.nfkc_key(k)) == "fiscal_year")
        assert WAREKI.match(str(cover[year_label])), cover[year_label]
        assert survey.department in cover.values()
        assert header_at >= 2 and rows[0][0] and rows[1][0]  # title and instruction above the header
        saw("data sheet not named 業務一覧", schema.SURVEY_SHEET not in sheets)
        saw("shuffled columns", [c.field for c in columns] != [c.field for c in DATA_COLUMNS])
        saw(
            "header synonym",
            any(h not in ("", c.header) for h, c in zip(rows[header_at], columns, strict=False)),
        )
        body = rows[header_at + 1 :]
        saw("blank row", any(all(v == "" for v in r) for r in body[:-1]))
        cells = [v for r in body for v in r]
        texts = [v for v in cells if isinstance(v, str)]
        saw("full-width digits", any(FULL_WIDTH_DIGIT.search(t) for t in texts))
        saw("unit typed in", any(re.search(r"\d(件|分|人)", t) for t in texts))
        saw("約", any(t.startswith("約") for t in texts))
        saw("hours and minutes", any(re.fullmatch(r"\d+時間(30分)?", t) for t in texts))
        saw("number stored as text", any(re.fullmatch(r"\d+", t) for t in texts))
        saw("○/×", any(t in ("○", "〇", "×") for t in texts))
        saw("有/無", any(t in ("有", "無", "有り", "無し") for t in texts))
        saw("range of months", any(re.fullmatch(r".+月?[～〜].+月", t) for t in texts))
        saw("通年", "通年" in texts)
        saw("months joined by ・", any("月・" in t for t in texts))
        enums = [(c, r[i]) for r in body for i, c in enumerate(columns) if c.kind == "enum" and i < len(r)]
        saw("enum synonym", any(v not in ("", *c.choices) for c, v in enums))

        book = openpyxl.load_workbook(path)
        sheet = book[schema.SURVEY_SHEET] if schema.SURVEY_SHEET in book.sheetnames else book.worksheets[0]
        assert {str(r) for r in sheet.merged_cells.ranges} >= {"A1:" + sheet.cell(1, len(columns)).coordinate}
        total = [c.value for c in sheet[sheet.max_row]]
        volume_at = next(i for i, c in enumerate(columns) if c.field == "annual_volume")
        assert "合計" in total and str(total[volume_at]).startswith("=SUM(")
        numbers = [r[volume_at] for r in body[:-1] if isinstance(r[volume_at], float)]
        assert body[-1][volume_at] == pytest.approx(sum(numbers))  # the cached value calamine reads

    every_file = {"shuffled columns", "blank row", "full-width digits", "unit typed in", "header synonym"}
    assert {habit for habit in every_file if seen[habit] < len(messy_files)} == set()
    assert [habit for habit, count in seen.items() if count == 0] == []


def test_write_town_mixes_styles_exactly(town, tmp_path) -> None:
    styles = town_styles(40, seed=3)
    assert styles == town_styles(40, seed=3)
    assert (styles.count("messy"), styles.count("csv_sjis") + styles.count("csv_utf8_bom")) == (20, 4)
    paths = write_town(town, tmp_path, seed=3)
    assert len(paths) == len(set(paths)) == 40 and all(p.exists() for p in paths)
    assert sum(p.suffix == ".csv" for p in paths) == 4
    assert sum(p.name.startswith("【") for p in paths) == 20
    with pytest.raises(ValueError):
        town_styles(10, messy_share=0.8, csv_share=0.3)


def test_corrupt_marks_the_cells_it_broke(town, tmp_path) -> None:
    path, bad = corrupt(town[2], tmp_path, seed=1, mistakes=4)
    rows = _data_sheet(_sheets(path))
    assert len(bad) == 4 and bad == sorted(bad)
    for excel_row, header in bad:
        column = rows[0].index(header)
        value = rows[excel_row - 1][column]
        task = town[2].tasks[excel_row - 2]
        assert _truth(task, schema.COLUMNS_BY_FIELD[schema.HEADERS.field_for(header) or ""]) != value
        assert value in ("不明", "紙ベース", -120, "随時", "ほぼ定型", "-1")


def test_a_one_task_town_still_writes_every_style(tmp_path) -> None:
    (survey,) = make_town(departments=1, tasks_per_department=1, fiscal_year=2019)
    assert [t.name for t in survey.tasks] == [SPENDING_ORDER]
    for style in STYLES:
        path = write_survey(survey, tmp_path, style=style)
        if path.suffix == ".xlsx":
            _assert_rows_are_truth(survey, _data_sheet(_sheets(path)))
    _, bad = corrupt(survey, tmp_path, mistakes=1)
    assert len(bad) == 1 and bad[0][0] == 2
