"""Write the synthetic town's surveys as files, in the styles the 課 send them.

"clean" is the official template, "messy" a 課's own layout with title rows, moved
columns, blank rows and a 合計 row, "csv_*" a CSV export, "fast" a bare workbook for
benchmarks. ``corrupt`` writes a file with typical mistakes for the rejected-then-fixed demo.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal, get_args

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from flows.town import answers
from flows.town.survey import DATA_COLUMNS, SyntheticSurvey
from flows.town.survey_spellings import Cell, Formula, answered, clean_cell, messy_cell, messy_header, wareki
from inventory.survey import schema

Style = Literal["clean", "messy", "csv_sjis", "csv_utf8_bom", "fast"]
STYLES: tuple[Style, ...] = get_args(Style)
_CREATED = datetime(2024, 4, 1)


@dataclass
class _Sheet:
    name: str
    rows: list[list[Cell]]
    header_row: int | None = None
    merged: tuple[int, ...] = ()  # rows merged across the table width
    template: bool = False  # header colours, widths, dropdowns as in the official template


def _clean_sheets(survey: SyntheticSurvey, rng: random.Random, *, template: bool) -> list[_Sheet]:
    who, day = answered(survey, rng)
    cover: list[list[Cell]] = [
        ["年度", survey.fiscal_year],
        ["部", survey.division],
        ["課", survey.department],
        ["回答者", who],
        ["回答日", day],
    ]
    rows: list[list[Cell]] = [[c.header for c in DATA_COLUMNS]]
    rows += [[clean_cell(t, c) for c in DATA_COLUMNS] for t in survey.tasks]
    return [_Sheet(schema.COVER_SHEET, cover), _Sheet(schema.SURVEY_SHEET, rows, 0, template=template)]


def _messy_sheets(survey: SyntheticSurvey, rng: random.Random) -> list[_Sheet]:
    columns = list(DATA_COLUMNS)
    for _ in range(rng.randint(2, 5)):
        i, j = rng.sample(range(len(columns)), 2)
        columns.insert(j, columns.pop(i))
    if columns == list(DATA_COLUMNS):
        columns[1], columns[2] = columns[2], columns[1]
    year = wareki(survey.fiscal_year, rng)
    rows: list[list[Cell]] = [[f"{year}　業務量調査票（{survey.department}）"], [answers.INSTRUCTION]]
    if rng.random() < 0.5:
        rows.append([])
    header_row = len(rows)
    rows.append([messy_header(c, rng) for c in columns])
    bools = rng.choice(answers.BOOL_STYLES)
    body = [[messy_cell(t, c, rng, bools) for c in columns] for t in survey.tasks]
    for _ in range(rng.randint(1, 3)):
        body.insert(rng.randint(1, max(1, len(body) - 1)), [])
    rows += body
    name_col, volume_col = (
        next(i for i, c in enumerate(columns) if c.field == f) for f in ("name", "annual_volume")
    )
    cells = (xl_rowcol_to_cell(header_row + 1, volume_col), xl_rowcol_to_cell(len(rows) - 1, volume_col))
    numbers = sum(float(v) for row in body if row and isinstance(v := row[volume_col], int | float))
    total: list[Cell] = [None] * len(columns)
    total[name_col], total[volume_col] = "合計", Formula(f"=SUM({cells[0]}:{cells[1]})", numbers)
    rows.append(total)
    who, day = answered(survey, rng)
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
                if isinstance(value, Formula):
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
        cells = ("" if v is None else str(v) for v in (clean_cell(task, c) for c in DATA_COLUMNS))
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
    start, bad = rng.randrange(len(answers.MISTAKES)), []
    for k, i in enumerate(sorted(rng.sample(range(len(survey.tasks)), mistakes))):
        field, value = answers.MISTAKES[(start + k) % len(answers.MISTAKES)]
        column = next(c for c, col in enumerate(DATA_COLUMNS) if col.field == field)
        sheets[1].rows[i + 1][column] = value
        bad.append((i + 2, DATA_COLUMNS[column].header))
    path = folder / f"{survey.fiscal_year}_{survey.department}_業務量調査_誤りあり.xlsx"
    _save_xlsx(path, sheets)
    return path, bad
