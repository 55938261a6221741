"""A realistic synthetic town with exact ground truth, written as the 課 would send it.

Used by the intake benchmark, ``dxi demo`` and the tests. Everything is deterministic
from a seed. Every style is valid input: a correct intake turns each file back into
exactly the ``SyntheticSurvey`` it was written from ("messy" only uses spellings the
spec and ``schema`` accept, and no ranges, since a range becomes its midpoint).
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar, get_args

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from flows.town import names
from flows.town.names import KINDS, SPENDING_ORDER, Department
from inventory.survey import schema

Style = Literal["clean", "messy", "csv_sjis", "csv_utf8_bom", "fast"]
STYLES: tuple[Style, ...] = get_args(Style)
# The town answers with cases × minutes, as most of the template's users do: the 年間時間 and
# 導入後の年間時間 columns (issue 13) stay out, so the town's files are the same as before them.
DATA_COLUMNS = tuple(
    c
    for c in schema.COLUMNS
    if c.field not in ("fiscal_year", "division", "department", "annual_hours", "hours_after")
)
_BY_NAME = {d.name: d for d in names.DEPARTMENTS}
_CREATED = datetime(2024, 4, 1)
T = TypeVar("T")


@dataclass(frozen=True)
class SyntheticTask:
    """The canonical truth of one task row; field names as in ``schema.COLUMNS``."""

    section: str | None
    task_code: str | None
    name: str
    category_1: str | None
    category_2: str | None
    category_3: str | None
    scope: str | None
    routine: str
    judgement: str
    input_medium: str
    form_count: int | None
    system_count: int | None
    annual_volume: float
    minutes_per_case: float
    staff_count: float | None
    peak_months: tuple[int, ...] | None
    documented: bool | None
    verification: str | None
    exceptions: str | None
    change_expected: bool | None
    abolition_planned: bool | None
    notes: str | None

    @property
    def annual_hours(self) -> float:
        """Annual hours = annual cases × minutes per case / 60."""
        return self.annual_volume * self.minutes_per_case / 60


@dataclass(frozen=True)
class SyntheticSurvey:
    """One 課's answer for one 年度."""

    fiscal_year: int
    division: str
    department: str
    tasks: tuple[SyntheticTask, ...]


@dataclass(frozen=True)
class _Habits:
    """How one 課 fills the survey in: size, blanks, which optional columns it skips."""

    factor: float
    blank: float
    sections: bool
    categories: int  # 0 none, 2 大・中分類, 3 all three
    skipped: frozenset[str]


def _habits(rng: random.Random) -> _Habits:
    optional = ("form_count", "system_count", "verification", "exceptions", "staff_count")
    return _Habits(
        factor=rng.lognormvariate(0, 0.4),
        blank=rng.uniform(0, 0.12),
        sections=rng.random() > 0.1,
        categories=rng.choice((0, 2, 2, 3)),
        skipped=frozenset(f for f in optional if rng.random() < 0.06),
    )


def _pick(rng: random.Random, values: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(values, weights)[0]


def _volume(dept: Department, index: int, factor: float, rng: random.Random) -> float:
    entry = dept.entries[index]
    if entry.volume is not None and entry.volume <= 24:
        return entry.volume  # monthly / quarterly work: an exact count
    if entry.volume is None and entry.kind == "report":
        return float(rng.choice((10, 12, 12, 24, 52)))
    median = entry.volume or KINDS[entry.kind].volume
    spread = factor * rng.lognormvariate(0, 0.3 if entry.volume else 0.7)
    if entry.volume is None:  # a generic step of a small subject (災害見舞金) stays within 3× its kind
        spread = min(max(spread, 0.15), 3.0)
    value = min(50_000, max(10, round(median * spread)))
    return float(round(value, -1) if value >= 1000 and rng.random() < 0.5 else value)


def _medium(name: str, kind: str, rng: random.Random) -> str:
    for word, medium, probability in names.MEDIUM_HINTS:
        # A form's name tells its medium only to the tasks that read the form.
        if word in name and (medium == "電子" or kind in ("apply", "entry", "review")):
            return medium if rng.random() < probability else "混在"
    return _pick(rng, schema.INPUT_MEDIUM, KINDS[kind].medium)


def _peak(hint: tuple[int, ...] | None, rng: random.Random) -> tuple[int, ...] | None:
    if hint is not None and rng.random() < 0.75:
        return hint
    roll = rng.random()
    if roll < 0.5:
        return None
    return tuple(range(1, 13)) if roll < 0.6 else rng.choice(names.PEAK_PATTERNS)


def _notes(task: SyntheticTask, rng: random.Random) -> str | None:
    if task.abolition_planned:
        return rng.choice(names.NOTES_ABOLITION)
    if task.change_expected and rng.random() < 0.5:
        return rng.choice(names.NOTES_CHANGE)
    if rng.random() < 0.12:
        return rng.choice(names.NOTES_PAPER if task.input_medium == "紙（手書き）" else names.NOTES_GENERAL)
    return None


def _make_task(
    dept: Department, index: int, habits: _Habits, factor: float, rng: random.Random
) -> SyntheticTask:
    entry, kind = dept.entries[index], KINDS[dept.entries[index].kind]
    routine = _pick(rng, schema.ROUTINE, kind.routine)
    judgement = _pick(rng, schema.JUDGEMENT, kind.judgement)
    if (routine, judgement) in (("非定型", "なし"), ("定型", "あり")):
        judgement = "一部あり"
    medium = _medium(entry.name, entry.kind, rng)
    volume = _volume(dept, index, factor, rng)
    # Periodic work (12 a year) takes long per case; mass work can't take hours per case.
    target = kind.minutes * rng.lognormvariate(0, 0.5) * (6 if volume <= 24 else 1)
    target = min(target, 60 * rng.uniform(1000, 6000) / volume)
    minutes = float(min(names.NICE_MINUTES, key=lambda m: abs(math.log(m / target))))
    staff = max(0.5, min(15.0, round(volume * minutes / 60 / 900 * rng.lognormvariate(0, 0.3) * 2) / 2))
    paper = medium != "電子"
    fixed = entry.common or entry.name == SPENDING_ORDER

    def known(field: str, value: T) -> T | None:
        return None if field in habits.skipped or rng.random() < habits.blank else value

    task = SyntheticTask(
        section=entry.section if habits.sections else None,
        task_code=dept.task_code(index),
        name=entry.name,
        category_1=entry.area if habits.categories else None,
        category_2=entry.subject if habits.categories else None,
        category_3=kind.label if habits.categories == 3 else None,
        scope=known(
            "scope", "マネジメント" if entry.kind == "manage" else "全庁共通" if entry.common else "各課固有"
        ),
        routine=routine,
        judgement=judgement,
        input_medium=medium,
        form_count=known(
            "form_count",
            rng.randint(1, 6) if paper and kind.label in ("受付", "入力", "審査") else rng.randint(0, 2),
        ),
        system_count=known("system_count", rng.randint(1, 3) if medium == "電子" else rng.randint(0, 2)),
        annual_volume=volume,
        minutes_per_case=minutes,
        staff_count=known("staff_count", 1.0 if staff < 1 and rng.random() < 0.7 else staff),
        peak_months=known("peak_months", _peak(entry.peak, rng)),
        documented=known(
            "documented", rng.random() < {"定型": 0.65, "一部定型": 0.4, "非定型": 0.15}[routine]
        ),
        verification=known("verification", _pick(rng, schema.VERIFICATION, kind.verification)),
        exceptions=known("exceptions", _pick(rng, schema.EXCEPTIONS, kind.exceptions)),
        change_expected=known("change_expected", rng.random() < (0.3 if "システム" in entry.name else 0.08)),
        abolition_planned=known("abolition_planned", not fixed and rng.random() < 0.025),
        notes=None,
    )
    return replace(task, notes=_notes(task, rng))


def _select(dept: Department, n: int, rng: random.Random) -> list[int]:
    titles = [e.name for e in dept.entries]
    must = [titles.index(SPENDING_ORDER)]
    must += [i for i, e in enumerate(dept.entries) if e.tier == 0 and e.subject is None and not e.common]
    must += [titles.index(name) for name, p in names.LIKELY_COMMON.items() if rng.random() < p]
    chosen = set(list(dict.fromkeys(must))[:n])
    for tier in (0, 1, 2):
        pool = [i for i, e in enumerate(dept.entries) if e.tier == tier and i not in chosen]
        chosen.update(rng.sample(pool, min(n - len(chosen), len(pool))))
    if len(chosen) < n:
        raise ValueError(f"{dept.name} has only {len(chosen)} synthetic tasks, asked for {n}")
    return sorted(chosen)


def make_town(
    *, departments: int = 30, tasks_per_department: int = 50, fiscal_year: int = 2024, seed: int = 0
) -> list[SyntheticSurvey]:
    """Return one survey per 課: the first ``departments`` 課 of the town, each with its tasks."""
    if not 1 <= departments <= len(names.DEPARTMENTS) or tasks_per_department < 1:
        raise ValueError(f"departments must be 1..{len(names.DEPARTMENTS)} and tasks_per_department ≥ 1")
    surveys = []
    for dept in names.DEPARTMENTS[:departments]:
        rng = random.Random(f"town|{seed}|{dept.name}")
        habits = _habits(rng)
        factors: dict[str | None, float] = {}
        tasks = []
        for i in _select(dept, tasks_per_department, rng):
            factor = factors.setdefault(dept.entries[i].subject, rng.lognormvariate(0, 0.5))
            tasks.append(_make_task(dept, i, habits, habits.factor * factor, rng))
        surveys.append(SyntheticSurvey(fiscal_year, dept.division, dept.name, tuple(tasks)))
    return surveys


def next_year(surveys: Sequence[SyntheticSurvey], *, seed: int) -> list[SyntheticSurvey]:
    """Return the same town one 年度 later: codes kept, volumes ±15%, a few tasks ended or added."""
    out = []
    for survey in surveys:
        rng = random.Random(f"next|{seed}|{survey.fiscal_year}|{survey.department}")
        tasks = []
        for task in survey.tasks:
            if task.name != SPENDING_ORDER and rng.random() < (0.8 if task.abolition_planned else 0.03):
                continue
            volume = task.annual_volume
            if volume > 60:  # counts of monthly or yearly work stay put
                volume = float(min(50_000, max(10, round(volume * rng.uniform(0.85, 1.15)))))
            tasks.append(replace(task, annual_volume=volume))
        dept = _BY_NAME.get(survey.department)
        if dept is not None:
            have = {t.name for t in survey.tasks}
            pool = [i for i, e in enumerate(dept.entries) if e.tier == 0 and e.name not in have]
            habits = _habits(rng)
            for i in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                tasks.append(_make_task(dept, i, habits, habits.factor, rng))
        tasks.sort(key=lambda t: t.task_code or "")
        out.append(replace(survey, fiscal_year=survey.fiscal_year + 1, tasks=tuple(tasks)))
    return out


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Formula:
    text: str
    value: float


Cell = str | int | float | date | _Formula | None


@dataclass
class _Sheet:
    name: str
    rows: list[list[Cell]]
    header_row: int | None = None
    merged: tuple[int, ...] = ()  # rows merged across the table width
    template: bool = False  # header colours, widths, dropdowns as in the official template


_FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
_SPELLINGS = {
    field: {v: [v, *(s for s, c in schema.ENUM_SYNONYMS.get(field, {}).items() if c == v)] for v in choices}
    for field, choices in ((c.field, c.choices) for c in DATA_COLUMNS if c.kind == "enum")
}


def _fw(text: str) -> str:
    return text.translate(_FULL_WIDTH)


def _clean(task: SyntheticTask, column: schema.Column) -> Cell:
    value: object = getattr(task, column.field)
    if value is None:
        return None
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, tuple):
        return "通年" if len(value) == 12 else ",".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    assert isinstance(value, str | int | float)
    return value


def _messy(task: SyntheticTask, column: schema.Column, rng: random.Random, bools: tuple[str, str]) -> Cell:
    value: object = getattr(task, column.field)
    if value is None or column.kind == "text":
        return _clean(task, column)
    if isinstance(value, bool):
        yes, no = bools if rng.random() < 0.85 else rng.choice(names.BOOL_STYLES)
        return yes if value else no
    if isinstance(value, str):  # an enum
        return rng.choice(_SPELLINGS[column.field][value]) if rng.random() < 0.4 else value
    if isinstance(value, tuple):
        return _months_messy(value, rng)
    assert isinstance(value, int | float)
    text = f"{value:g}"
    forms: list[Cell] = [value, value, value, text, _fw(text)]
    if column.kind == "count":
        forms += [
            float(value),
            f"{value:,g}",
            _fw(f"{value:,g}"),
            f"{value:,g}件",
            f"約{text}件",
            _fw(text) + "件",
        ]
    elif column.kind == "minutes":
        forms += [f"{text}分", _fw(text + "分"), f"約{text}分", f"{text}分/件"]
        if value % 60 == 0:
            forms += [f"{value // 60:g}時間"] * 2
        elif value > 60 and value % 30 == 0:
            forms += [f"{value // 60:g}時間30分", f"{value / 60:g}時間"]
    elif column.kind == "staff":
        forms += [f"{text}人", _fw(text + "人")]
    return rng.choice(forms)


def _months_messy(months: tuple[int, ...], rng: random.Random) -> str:
    if len(months) == 12:
        return "通年"
    forms = [",".join(map(str, months))]
    if len(months) > 1 and months == tuple(range(months[0], months[-1] + 1)):
        forms += [f"{months[0]}月～{months[-1]}月", _fw(f"{months[0]}〜{months[-1]}") + "月"]
    if len(months) <= 3:
        forms.append("・".join(f"{m}月" for m in months))
    return rng.choice(forms)


def _wareki(fiscal_year: int, rng: random.Random) -> str:
    if fiscal_year < 2019:
        return f"{fiscal_year}年度"
    n = fiscal_year - 2018
    era = "元" if n == 1 else str(n)
    return rng.choice(
        (f"令和{era}年度", f"R{n}", f"㋿{n}年度", f"Ｒ{_fw(str(n))}年度", f"令和{_fw(era)}年度")
    )


def _answered(survey: SyntheticSurvey, rng: random.Random) -> tuple[str, date]:
    return rng.choice(names.RESPONDENTS), date(survey.fiscal_year, 7, 1) + timedelta(days=rng.randrange(45))


def _clean_sheets(survey: SyntheticSurvey, rng: random.Random, *, template: bool) -> list[_Sheet]:
    who, day = _answered(survey, rng)
    cover: list[list[Cell]] = [
        ["年度", survey.fiscal_year],
        ["部", survey.division],
        ["課", survey.department],
        ["回答者", who],
        ["回答日", day],
    ]
    rows: list[list[Cell]] = [[c.header for c in DATA_COLUMNS]]
    rows += [[_clean(t, c) for c in DATA_COLUMNS] for t in survey.tasks]
    return [_Sheet(schema.COVER_SHEET, cover), _Sheet(schema.SURVEY_SHEET, rows, 0, template=template)]


def _messy_header(column: schema.Column, rng: random.Random) -> str:
    header = rng.choice(column.synonyms) if column.synonyms and rng.random() < 0.6 else column.header
    if rng.random() < 0.2:
        header = _fw(header)
    if len(header) > 5 and rng.random() < 0.2:  # Alt+Enter inside a long header
        cut = rng.randrange(2, len(header) - 2)
        header = header[:cut] + "\n" + header[cut:]
    return header


def _messy_sheets(survey: SyntheticSurvey, rng: random.Random) -> list[_Sheet]:
    columns = list(DATA_COLUMNS)
    for _ in range(rng.randint(2, 5)):
        i, j = rng.sample(range(len(columns)), 2)
        columns.insert(j, columns.pop(i))
    if columns == list(DATA_COLUMNS):
        columns[1], columns[2] = columns[2], columns[1]
    year = _wareki(survey.fiscal_year, rng)
    rows: list[list[Cell]] = [[f"{year}　業務量調査票（{survey.department}）"], [names.INSTRUCTION]]
    if rng.random() < 0.5:
        rows.append([])
    header_row = len(rows)
    rows.append([_messy_header(c, rng) for c in columns])
    bools = rng.choice(names.BOOL_STYLES)
    body = [[_messy(t, c, rng, bools) for c in columns] for t in survey.tasks]
    for _ in range(rng.randint(1, 3)):
        body.insert(rng.randint(1, max(1, len(body) - 1)), [])
    rows += body
    name_col, volume_col = (
        next(i for i, c in enumerate(columns) if c.field == f) for f in ("name", "annual_volume")
    )
    cells = (xl_rowcol_to_cell(header_row + 1, volume_col), xl_rowcol_to_cell(len(rows) - 1, volume_col))
    numbers = sum(float(v) for row in body if row and isinstance(v := row[volume_col], int | float))
    total: list[Cell] = [None] * len(columns)
    total[name_col], total[volume_col] = "合計", _Formula(f"=SUM({cells[0]}:{cells[1]})", numbers)
    rows.append(total)
    who, day = _answered(survey, rng)
    cover: list[list[Cell]] = [
        [f"{year}　業務量調査 回答票"],
        [],
        [rng.choice(("年度", "調査年度")), year],
        [rng.choice(("部", "部名")), survey.division],
        [rng.choice(("課", "課名", "所属")), survey.department],
        ["回答者", f"{survey.department}　{who}"],
        ["回答日", day],
    ]
    name = schema.SURVEY_SHEET if rng.random() < 0.85 else rng.choice(("Sheet1", "業務量調査", "調査票"))
    data = _Sheet(name, rows, header_row, merged=(0, 1), template=True)
    cover_sheet = _Sheet(schema.COVER_SHEET, cover)
    return [cover_sheet, data] if name == schema.SURVEY_SHEET else [data, cover_sheet]


def _save_xlsx(path: Path, sheets: Sequence[_Sheet], *, fast: bool = False) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": fast})
    book.set_properties({"created": _CREATED})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "yyyy/m/d"})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        width = max(len(row) for row in sheet.rows)
        if sheet.template and sheet.header_row is not None:
            ws.freeze_panes(sheet.header_row + 1, 0)
            for c, header in enumerate(sheet.rows[sheet.header_row]):
                field = schema.HEADERS.field_for(header)
                column = schema.COLUMNS_BY_FIELD[field] if field else None
                ws.set_column(c, c, column.width if column else 14)
                choices = (
                    ("あり", "なし") if column and column.kind == "bool" else column.choices if column else ()
                )
                if choices and not sheet.merged:
                    ws.data_validation(
                        sheet.header_row + 1, c, 2000, c, {"validate": "list", "source": list(choices)}
                    )
        elif not fast:
            ws.set_column(0, 1, 16)
        for r, row in enumerate(sheet.rows):
            if r in sheet.merged:
                ws.merge_range(r, 0, r, width - 1, row[0], wrap)
                continue
            for c, value in enumerate(row):
                fmt = head if r == sheet.header_row and not fast else None
                if isinstance(value, _Formula):
                    ws.write_formula(r, c, value.text, None, value.value)
                elif isinstance(value, str):
                    ws.write_string(r, c, value, fmt)
                elif isinstance(value, date):
                    ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif value is not None:
                    ws.write_number(r, c, value)
    book.close()


def _save_csv(path: Path, survey: SyntheticSurvey, encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["年度", "部", "課", *(c.header for c in DATA_COLUMNS)])
    for task in survey.tasks:
        cells = ("" if v is None else str(v) for v in (_clean(task, c) for c in DATA_COLUMNS))
        writer.writerow([survey.fiscal_year, survey.division, survey.department, *cells])
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_survey(survey: SyntheticSurvey, folder: Path, *, style: Style, rng_seed: int = 0) -> Path:
    """Write one survey file in ``style`` into ``folder`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"write|{rng_seed}|{style}|{survey.fiscal_year}|{survey.department}")
    stem = f"{survey.fiscal_year}_{survey.department}_業務量調査"
    if style in ("csv_sjis", "csv_utf8_bom"):
        path = folder / f"{stem}.csv"
        _save_csv(path, survey, "cp932" if style == "csv_sjis" else "utf-8-sig")
    elif style == "messy":
        path = folder / f"【{survey.department}】{stem}票（回答）.xlsx"
        _save_xlsx(path, _messy_sheets(survey, rng))
    else:
        path = folder / f"{stem}.xlsx"
        _save_xlsx(path, _clean_sheets(survey, rng, template=style == "clean"), fast=style == "fast")
    return path


def town_styles(
    count: int, *, seed: int = 0, messy_share: float = 0.5, csv_share: float = 0.1
) -> list[Style]:
    """Return the style of each of ``count`` files: exact shares, shuffled by ``seed``."""
    if min(messy_share, csv_share) < 0 or messy_share + csv_share > 1:
        raise ValueError("messy_share and csv_share must be ≥ 0 and add up to at most 1")
    n_csv = round(count * csv_share)
    styles: list[Style] = ["csv_sjis" if i % 2 == 0 else "csv_utf8_bom" for i in range(n_csv)]
    styles += ["messy"] * min(count - n_csv, round(count * messy_share))
    styles += ["clean"] * (count - len(styles))
    random.Random(f"styles|{seed}").shuffle(styles)
    return styles


def write_town(
    surveys: Sequence[SyntheticSurvey],
    folder: Path,
    *,
    seed: int = 0,
    messy_share: float = 0.5,
    csv_share: float = 0.1,
    style: Style | None = None,
) -> list[Path]:
    """Write every survey, styles mixed as ``town_styles`` says (or all in ``style``)."""
    styles = (
        [style] * len(surveys)
        if style
        else town_styles(len(surveys), seed=seed, messy_share=messy_share, csv_share=csv_share)
    )
    return [write_survey(s, folder, style=st, rng_seed=seed) for s, st in zip(surveys, styles, strict=True)]


def corrupt(
    survey: SyntheticSurvey, folder: Path, *, seed: int = 0, mistakes: int = 3
) -> tuple[Path, list[tuple[int, str]]]:
    """Write the clean file with a few typical mistakes, for the "rejected then corrected" demo.

    Returns the path and the (Excel row, header) of every bad cell, sorted by row.
    """
    if not 1 <= mistakes <= len(survey.tasks):
        raise ValueError(f"mistakes must be 1..{len(survey.tasks)}")
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"corrupt|{seed}|{survey.fiscal_year}|{survey.department}")
    sheets = _clean_sheets(survey, rng, template=True)
    start, bad = rng.randrange(len(names.MISTAKES)), []
    for k, i in enumerate(sorted(rng.sample(range(len(survey.tasks)), mistakes))):
        field, value = names.MISTAKES[(start + k) % len(names.MISTAKES)]
        column = next(c for c, col in enumerate(DATA_COLUMNS) if col.field == field)
        sheets[1].rows[i + 1][column] = value
        bad.append((i + 2, DATA_COLUMNS[column].header))
    path = folder / f"{survey.fiscal_year}_{survey.department}_業務量調査_誤りあり.xlsx"
    _save_xlsx(path, sheets)
    return path, bad
