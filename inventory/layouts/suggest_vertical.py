"""Recognise a vertical form: one task per sheet, 項目名 in one column and 記載内容 beside it.

Like 総務省's 業務説明表: 業務名, 所管部署, 業務規模 … down a label column, and a volume
block whose section row (業務量（時間）) heads the sub-rows 年間総計・通常期・繁忙期・閑散期.
The label column is the one whose cells name a task and a volume; the section row above
年間総計 says whether it counts cases or hours, and in what unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.layouts.book import cell_name, column_letter
from inventory.layouts.scan import Grid
from inventory.layouts.suggestion import FieldGuess, LeftOut
from inventory.layouts.vocabulary import DEFAULT_UNITS, HeadingMatch, heading_key, match_heading

LABEL_COLUMNS = 8  # the label column is near the left edge
FORM_ROWS = 200  # a form is a page or two; a long sheet is a table
_VOLUME_FIELDS = ("annual_volume", "annual_hours")
_BLOCK_TOTAL = "年間総計"
_SEASONS = ("通常期", "繁忙期", "閑散期")


@dataclass(frozen=True)
class Label:
    """One label row of a vertical form: its text and what it names."""

    row: int  # 0-based
    text: str
    match: HeadingMatch | None
    value: object


@dataclass(frozen=True)
class Vertical:
    """A vertical form's label and value columns (0-based) and its labels."""

    label_col: int
    value_col: int
    labels: tuple[Label, ...]

    def label_of(self, field: str) -> Label | None:
        return next((lb for lb in self.labels if lb.match and lb.match.field == field), None)


def _value_col(grid: Grid, row: int, label_col: int) -> int:
    """The 記載内容 column: under a 記載内容 heading if there is one, else the first filled cell to the right."""
    for r in range(len(grid.rows)):
        if heading_key(grid.cell(r, label_col) or "") == "項目名":
            for c in range(label_col + 1, grid.width):
                if heading_key(grid.cell(r, c) or "") == "記載内容":
                    return c
    return next((c for c in range(label_col + 1, grid.width) if grid.cell(row, c) is not None), label_col + 1)


def _section(labels: list[Label], index: int) -> Label | None:
    """The section row heading a sub-row: the nearest label above it with no value of its own."""
    return next((lb for lb in reversed(labels[:index]) if lb.value is None and lb.match is not None), None)


def _resolve_blocks(labels: list[Label]) -> list[Label]:
    """年間総計 counts what its section counts; 繁忙期 beside it is a season, not the busy months."""
    resolved = list(labels)
    has_total = any(heading_key(lb.text) == _BLOCK_TOTAL for lb in labels)
    for i, label in enumerate(labels):
        key = heading_key(label.text)
        section = _section(labels, i)
        if key == _BLOCK_TOTAL and section is not None and section.match is not None:
            counts = section.match.field == "annual_volume" or section.match.unit == "件"
            field = "annual_volume" if counts else "annual_hours"
            unit = section.match.unit or DEFAULT_UNITS[field]
            resolved[i] = _as(label, HeadingMatch(field, 100.0, key, unit))
            at = labels.index(section)
            resolved[at] = _as(section, HeadingMatch(None, 100.0, section.text, None, "区分の見出しです"))
        elif has_total and key in _SEASONS and label.match is not None:
            resolved[i] = _as(
                label, HeadingMatch(None, 100.0, key, None, "時期別の値です（年間総計を使います）")
            )
    return resolved


def _as(label: Label, match: HeadingMatch) -> Label:
    return Label(label.row, label.text, match, label.value)


def _labels(grid: Grid, label_col: int, value_col: int) -> list[Label]:
    labels = [
        Label(r, str(v).strip(), match_heading(v), grid.cell(r, value_col))
        for r in range(min(len(grid.rows), FORM_ROWS))
        if isinstance(v := grid.cell(r, label_col), str) and v.strip()
    ]
    return _resolve_blocks(labels)


def find_vertical(grid: Grid) -> Vertical | None:
    """The vertical form on a sheet, or None when no column labels a task name and a volume."""
    best: tuple[int, Vertical] | None = None
    for col in range(min(grid.width, LABEL_COLUMNS)):
        cells = [(r, grid.cell(r, col)) for r in range(min(len(grid.rows), FORM_ROWS))]
        name_rows = [
            r for r, v in cells if isinstance(v, str) and (m := match_heading(v)) and m.field == "name"
        ]
        if not name_rows:
            continue
        value_col = _value_col(grid, name_rows[0], col)
        labels = _labels(grid, col, value_col)
        fields = {lb.match.field for lb in labels if lb.match and lb.match.field}
        if not fields & set(_VOLUME_FIELDS):
            continue
        if best is None or len(fields) > best[0]:
            best = (len(fields), Vertical(col, value_col, tuple(labels)))
    return best[1] if best else None


def _qualified(form: Vertical, index: int) -> tuple[str, str | None]:
    """The label as the layout names it, and its section: 年間総計 twice is 業務量（時間） 年間総計."""
    label = form.labels[index]
    key = heading_key(label.text)
    if sum(heading_key(other.text) == key for other in form.labels) < 2:
        return label.text, None
    section = _section(list(form.labels), index)
    if section is None:
        return label.text, None
    context = "".join(section.text.split())  # the reader splits a label's words at spaces
    return f"{context} {label.text}", section.text


def map_labels(grids: list[Grid], form: Vertical) -> tuple[list[FieldGuess], list[LeftOut]]:
    """The fields the form's labels give (first label per field), and the labels it leaves out."""
    first = grids[0]
    value_letter = column_letter(form.value_col)
    guesses: dict[str, FieldGuess] = {}
    left_out: list[LeftOut] = []
    for index, label in enumerate(form.labels):
        where = f"{first.name} {cell_name(label.row, form.label_col)}"
        match = label.match
        text, section = _qualified(form, index)
        if match is None or match.field is None:
            if match is not None or label.value not in (None, label.text):  # not a title merged across
                left_out.append(LeftOut(text, where, match.reason if match else "対応する項目がありません"))
            continue
        if match.field in guesses:
            left_out.append(LeftOut(text, where, f"同じ項目に「{guesses[match.field].heading}」を使います"))
            continue
        unit, unit_from = _unit(match, _values(grids, form, label.text, section))
        guesses[match.field] = FieldGuess(
            match.field, text, first.name, label.row + 1, value_letter, unit, unit_from, match.score
        )
    return list(guesses.values()), left_out


def _values(grids: list[Grid], form: Vertical, text: str, section: str | None = None) -> list[object]:
    """The value beside `text` (within `section`, when given) on each sheet."""
    values: list[object] = []
    for grid in grids:
        current: str | None = None
        for r in range(min(len(grid.rows), FORM_ROWS)):
            label = grid.cell(r, form.label_col)
            if not isinstance(label, str):
                continue
            value = grid.cell(r, form.value_col)
            if label.strip() == text and (section is None or current == section):
                if value is not None:
                    values.append(value)
                break
            if value is None:
                current = label.strip()
    return values


def _unit(match: HeadingMatch, samples: list[object]) -> tuple[str | None, str]:
    field = match.field or ""
    if field not in DEFAULT_UNITS:
        return None, ""
    if match.unit:
        return match.unit, "見出し"
    if any(isinstance(v, str) for v in samples) and field != "annual_volume":
        return "自動", "値"
    return DEFAULT_UNITS[field], "既定" if field != "annual_volume" else ""


def names(grids: list[Grid], form: Vertical) -> list[str]:
    """The task name written on each sheet."""
    label = form.label_of("name")
    return [str(v) for v in _values(grids, form, label.text)] if label else []
