"""Guess the layout of a municipality's own survey workbook: `dxi layout suggest`.

Finds the task sheets (skipping a 目次 or 表紙), decides between a one-task-a-row table
and a vertical form (one task per sheet), maps headings or labels to task fields with the
municipal vocabulary, and guesses where 課 and 年度 come from and which rows to skip.
The result is a `Suggestion`; `suggest_toml.render` writes it as a commented layout file.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from inventory.layouts.book import column_letter
from inventory.layouts.scan import Book, Grid
from inventory.layouts.suggest_sources import (
    DEFAULT_SKIP,
    department_source,
    find_year,
    is_skipped,
    skip_names,
    year_source,
)
from inventory.layouts.suggest_table import Header, data_rows, find_header, map_columns
from inventory.layouts.suggest_vertical import Vertical, find_vertical, map_labels, names
from inventory.layouts.suggestion import LeftOut, Missing, Suggestion
from inventory.layouts.vocabulary import FIELD_LABELS, NON_TASK_SHEETS

OPTIONAL_REPORTED = ("staff_count", "routine", "judgement", "input_medium")


def suggest_layout(book: Book) -> Suggestion:
    """The layout that reads `book`, guessed from its wording."""
    candidates = [g for g in book.sheets if not NON_TASK_SHEETS.search(g.name)] or book.sheets
    tables = [(g, h) for g in candidates if (h := find_header(g)) is not None]
    verticals = [(g, v) for g in candidates if (v := find_vertical(g)) is not None]
    with_volume = [(g, h) for g, h in tables if h.has_volume]
    if with_volume:
        suggestion = _table(book, with_volume)
    elif verticals:
        suggestion = _vertical(book, verticals)
    elif tables:
        suggestion = _table(book, tables)
    else:
        return _nothing(book)
    _check_volumes(suggestion)
    return suggestion


def _nothing(book: Book) -> Suggestion:
    suggestion = Suggestion(book.file_name, _stem(book), "table", [], skip_names=list(DEFAULT_SKIP))
    suggestion.missing.append(
        Missing("name", "業務名と件数・時間の見出しが見つかりません。header_rows と fields を書いてください")
    )
    return suggestion


def _without_year(text: str) -> str:
    """A title or file name without its 年度, so the layout serves next year's file too."""
    if found := find_year(text):
        text = text.replace(found[0], "")
    return re.sub(r"[（(]\s*[)）]", "", text).strip(" 　_-")


def _stem(book: Book) -> str:
    stem = Path(book.file_name).stem
    return _without_year(stem) or stem


def _title(grid: Grid, above: int) -> str | None:
    """The form's title above its table (業務量調査票), without the year."""
    for row in grid.rows[: min(above, 5)]:
        for value in row:
            if isinstance(value, str) and re.search(r"調査|様式|票|一覧|棚卸", value):
                return _without_year(value.strip()) or None
    return None


def _sheet_patterns(book: Book, chosen: list[Grid]) -> tuple[list[str], list[str]]:
    """include / exclude for the chosen sheets, so next year's file with more sheets reads too.

    One sheet among several: its name. Several with a common prefix (業務01, 業務02): the
    prefix and *. Else every sheet but the others (目次, 記入例 …).
    """
    names = [g.name for g in chosen]
    others = [g.name for g in book.sheets if g not in chosen]
    if not others:
        return [], []
    if len(names) == 1:
        return names, []
    prefix = re.sub(r"[\d\s_\-（(]+$", "", os.path.commonprefix(names))
    if not prefix:
        return [], others
    return [f"{prefix}*"], [n for n in others if fnmatch.fnmatchcase(n, f"{prefix}*")]


def _table(book: Book, tables: list[tuple[Grid, Header]]) -> Suggestion:
    first, header = max(tables, key=lambda t: t[1].score)
    chosen = [g for g, h in tables if h.rows == header.rows and h.headings == header.headings]
    rows = data_rows(first, header)
    name_col = header.column_of("name")
    all_names = [str(g.cell(r, name_col or 0)) for g in chosen for r in data_rows(g, header)]
    fields, left_out = map_columns(first, header, rows)
    include, exclude = _sheet_patterns(book, chosen)
    suggestion = Suggestion(
        book.file_name,
        _title(first, header.rows[0]) or _stem(book),
        "table",
        [g.name for g in chosen],
        include=include,
        exclude=exclude,
        header_rows=[r + 1 for r in header.rows],
        data_start_row=rows[0] + 1 if rows and rows[0] != header.rows[-1] + 1 else None,
        skip_names=skip_names(all_names),
        fields=fields,
        left_out=left_out,
        sample_names=[n for n in all_names if not is_skipped(n)][:5],
    )
    _sources(suggestion, book, first, chosen, above=header.rows[0], names=all_names)
    return suggestion


def _vertical(book: Book, verticals: list[tuple[Grid, Vertical]]) -> Suggestion:
    form = verticals[0][1]
    same = [g for g, v in verticals if (v.label_col, v.value_col) == (form.label_col, form.value_col)]
    chosen = [g for g in same if names([g], form)] or same  # not a blank copy of the form
    first = chosen[0]
    fields, left_out = map_labels(chosen, form)
    include, exclude = _sheet_patterns(book, chosen)
    task_names = names(chosen, form)
    left_out += [
        LeftOut(g.name, "シート", "記入のない様式です" if g in same else "業務の様式ではないシートです")
        for g in book.sheets
        if g not in chosen
    ]
    suggestion = Suggestion(
        book.file_name,
        _stem(book),
        "vertical",
        [g.name for g in chosen],
        include=include,
        exclude=exclude,
        label_column=column_letter(form.label_col),
        value_column=column_letter(form.value_col),
        fields=fields,
        left_out=left_out,
        sample_names=task_names[:5],
    )
    _sources(suggestion, book, first, chosen, above=0, names=task_names)
    return suggestion


def _sources(
    suggestion: Suggestion, book: Book, first: Grid, chosen: list[Grid], *, above: int, names: list[str]
) -> None:
    """Take 課 and 年度 out of the fields and decide where they come from."""
    dept = suggestion.field_guess("department")
    year = suggestion.field_guess("fiscal_year")
    suggestion.fields = [g for g in suggestion.fields if g.field not in ("department", "fiscal_year")]
    vertical = suggestion.form == "vertical"
    suggestion.department = department_source(
        book,
        first,
        heading=dept.heading if dept else None,
        names=names,
        above=above,
        sheets=chosen,
        vertical=vertical,
    )
    suggestion.fiscal_year = year_source(
        book, first, heading=year.heading if year else None, above=above, sheets=chosen, vertical=vertical
    )
    if suggestion.department.needs_edit:
        suggestion.missing.append(
            Missing("department", '[department] の value に課の名前を書いてください（例: value = "税務課"）')
        )
    if suggestion.fiscal_year.needs_edit:
        suggestion.missing.append(
            Missing("fiscal_year", "[fiscal_year] の value に年度を書いてください（例: value = 2024）")
        )


def _check_volumes(suggestion: Suggestion) -> None:
    """Keep one way to get hours per task, and say what is missing for it."""
    mapped = {g.field for g in suggestion.fields}
    if "annual_hours" in mapped and "annual_volume" in mapped and "minutes_per_case" not in mapped:
        volume = suggestion.field_guess("annual_volume")
        assert volume is not None
        suggestion.fields.remove(volume)
        where = f"{volume.sheet} {volume.column}{volume.row}".strip()
        suggestion.left_out.append(
            LeftOut(volume.heading, where, "1件あたりの時間がないため件数は読みません（年間時間を使います）")
        )
        mapped.discard("annual_volume")
    if not {"annual_volume", "minutes_per_case"} <= mapped and "annual_hours" not in mapped:
        for field in ("annual_volume", "minutes_per_case"):
            if field not in mapped:
                what = f"件数 × 1件あたり時間で読むなら「{FIELD_LABELS[field]}」の見出しを heading に書きます"
                suggestion.missing.append(Missing(field, what))
        what = ("年間の時間か人工で読むならその見出しを heading に書きます"
                '（担当職員数が 0.5 人のような配分なら unit = "人工"）')  # fmt: skip
        suggestion.missing.append(Missing("annual_hours", what))
    for field in OPTIONAL_REPORTED:
        if field not in mapped:
            suggestion.missing.append(
                Missing(field, "任意の項目です（なくても取り込めます）", required=False)
            )
