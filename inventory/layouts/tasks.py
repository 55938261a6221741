"""Turn a layout's task records into surveys: one per (課, 年度), or every error of the file.

Values go through the survey's own normalisers (and, for a field with a unit, through
`units` first), so messages and rules are those of the default template; every message
names the cell (sheet, row, the file's own heading or label, and the cell name). Pure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from inventory.errors import RowError
from inventory.layouts.book import Book
from inventory.layouts.model import Layout
from inventory.layouts.records import Located, TaskRecord
from inventory.layouts.units import read_quantity
from inventory.survey.cells import Cell, parse_text
from inventory.survey.dates import parse_fiscal_year
from inventory.survey.models import SurveyIn, TaskIn
from inventory.survey.normalize import normalize_cell
from inventory.survey.per_survey import PER_SURVEY, IntakeOptions
from inventory.survey.row_errors import cell_text, too_long
from inventory.survey.schema import COLUMNS_BY_FIELD

MAX_ROWS = 100_000
_OPTION_FLAGS = {"fiscal_year": "--fy", "department": "--dept", "division": "--division"}
_WHAT = {"fiscal_year": "年度", "department": "課", "division": "部"}


@dataclass
class Surveys:
    """A file's surveys in order of first appearance, or the errors that reject it whole."""

    surveys: list[SurveyIn] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


@dataclass
class _Sink:
    file: str
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def add(
        self, at: Located, code: str, message: str, *, warn: bool = False, key: str | None = None
    ) -> None:
        """Record an error (or warning) at a cell; the message ends with the layout key and cell name."""
        parts = [key] if key else []
        if at.cell and at.cell not in at.label:
            parts.append(f"セル {at.cell}")
        where = f"（{'、'.join(parts)}）" if parts else ""
        error = RowError(
            file=self.file, sheet=at.sheet, row=None if at.row is None else at.row + 1, column=at.label,
            value=None if at.raw is None else cell_text(at.raw), code=code, message=message + where,
        )  # fmt: skip
        (self.warnings if warn else self.errors).append(error)


def to_surveys(book: Book, layout: Layout, records: list[TaskRecord], options: IntakeOptions) -> Surveys:
    """Normalise and check every record, then group the tasks by 課 and 年度."""
    sink = _Sink(book.file_name)
    if len(records) > MAX_ROWS:
        sink.errors.append(
            RowError(
                file=book.file_name,
                code="too_many_rows",
                message=f"業務が多すぎます（{len(records):,}件、上限 {MAX_ROWS:,}件）",
            )
        )
        return Surveys(errors=sink.errors)
    single_sheet = len({r.sheet for r in records}) <= 1
    groups: dict[tuple[int, str], tuple[str | None, str | None, list[TaskIn]]] = {}
    for number, record in enumerate(records, start=1):
        key = _survey_key(record, options, sink)
        values = _task_values(record, layout, sink)
        if key is None or values is None or sink.errors:
            continue
        values["source_row"] = record.row + 1 if single_sheet else number
        groups.setdefault(key[:2], (key[2], record.sheet, []))[2].append(TaskIn.model_validate(values))
    _missing_everywhere(records, layout, options, sink)
    if sink.errors:
        return Surveys(errors=list(dict.fromkeys(sink.errors)), warnings=sink.warnings)
    several = len(groups) > 1
    surveys = [
        SurveyIn(
            file_name=book.file_name,
            content_hash=_hash(book.content_hash, department, year) if several else book.content_hash,
            file_format=book.file_format,
            sheet=sheet,
            fiscal_year=year,
            department=department,
            division=division,
            tasks=tasks,
        )  # fmt: skip
        for (year, department), (division, sheet, tasks) in groups.items()
    ]
    return Surveys(surveys, [], sink.warnings)


def _hash(file_hash: str, department: str, year: int) -> str:
    """One file with several 課: each part's identity is the file's bytes and its 課 and 年度."""
    return hashlib.sha256(f"{file_hash}\n{department}\n{year}".encode()).hexdigest()


def _cell(name: str, at: Located, layout: Layout) -> Cell:
    spec = layout.fields.get(name)
    if spec is not None and spec.unit is not None:
        cell = read_quantity(at.raw, spec.unit, name, hours_per_person_year=layout.hours_per_person_year)
        if cell.problem is not None or cell.value is None:
            return cell
        checked = normalize_cell(name, cell.value)  # the column's own rules (> 0, ≥ 0, whole)
        return Cell(checked.value, checked.problem, cell.warning or checked.warning)
    return normalize_cell(name, at.raw)


def _task_values(record: TaskRecord, layout: Layout, sink: _Sink) -> dict[str, object] | None:
    """One record's task fields, normalised; None after telling the sink what is wrong."""
    values: dict[str, object] = {}
    warnings: list[str] = []
    before = len(sink.errors)
    for name, at in record.values.items():
        if name in PER_SURVEY:
            continue
        cell = _cell(name, at, layout)
        if cell.problem is not None:
            unit = layout.fields[name].unit if name in layout.fields else None
            key = f'様式 fields.{name}.unit = "{unit}"' if cell.problem.code == "bad_unit" else None
            sink.add(at, cell.problem.code, cell.problem.message, key=key)
            values[name] = _BAD
            continue
        if (message := too_long(name, cell.value)) is not None:
            sink.add(at, "too_long", message)
            values[name] = _BAD
            continue
        if cell.warning:
            warnings.append(f"{at.label}: {cell.warning}")
            sink.add(at, "assumed", cell.warning, warn=True)
        values[name] = cell.value
    _required(record, values, sink)
    if len(sink.errors) > before:
        return None
    months = values.get("peak_months")
    if isinstance(months, tuple):
        values["peak_months"] = list(months)
    return {**values, "warnings": warnings}


def missing_required(given: set[str]) -> list[str]:
    """TEMPORARY until B1's schema.missing_required lands: 業務名, and 件数 × 処理時間 or 年間時間."""
    needed = ["name"] if "annual_hours" in given else ["name", "annual_volume", "minutes_per_case"]
    return [f for f in needed if f not in given]


_BAD = object()  # a value already reported: not "blank" as well


def _required(record: TaskRecord, values: dict[str, object], sink: _Sink) -> None:
    """業務名 and one volume (件数 × 処理時間, or 年間時間): a blank one is reported at its cell."""
    given = {name for name, value in values.items() if value is not None}
    name_at = record.values["name"]
    for name in missing_required(given):
        at = record.values.get(name) or record.values.get("annual_hours") or name_at
        header = COLUMNS_BY_FIELD[name].header
        hint = "（年間件数と処理時間の代わりに年間時間でも構いません）" if name != "name" else ""
        sink.add(
            Located("", at.sheet, at.row, at.column, at.label),
            "required",
            f"必須項目「{header}」が空欄です{hint}",
        )


def _survey_key(
    record: TaskRecord, options: IntakeOptions, sink: _Sink
) -> tuple[int, str, str | None] | None:
    """(年度, 課, 部) of a record: from the layout's sources, else the intake options."""
    found: dict[str, object] = {}
    for name in PER_SURVEY:
        at = record.values.get(name)
        if at is None or at.raw is None or (isinstance(at.raw, str) and not at.raw.strip()):
            found[name] = getattr(options, name)
            continue
        cell = parse_fiscal_year(at.raw) if name == "fiscal_year" else parse_text(at.raw)
        if cell.problem is not None:
            sink.add(at, cell.problem.code, f"{_WHAT[name]}: {cell.problem.message}")
        elif (message := too_long(name, cell.value)) is not None:
            sink.add(at, "too_long", f"{_WHAT[name]}: {message}")
        else:
            found[name] = cell.value
    year, department = found.get("fiscal_year"), found.get("department")
    if not isinstance(year, int) or not isinstance(department, str):
        return None
    division = found.get("division")
    return year, department, division if isinstance(division, str) else None


def _missing_everywhere(
    records: list[TaskRecord], layout: Layout, options: IntakeOptions, sink: _Sink
) -> None:
    """年度 or 課 that no source gives: said once for the file, or at each task that lacks it."""
    for name in ("fiscal_year", "department"):
        lacking = [r for r in records if _blank(r.values.get(name))]
        if getattr(options, name) is not None or not lacking:
            continue
        what, spec = _WHAT[name], getattr(layout, name)
        if spec is None:
            sink.errors.append(
                RowError(
                    file=sink.file,
                    code=f"missing_{name}",
                    message=f"{what}が分かりません。様式の [{name}]、または取り込み時の指定（{_OPTION_FLAGS[name]}）で指定してください",
                )  # fmt: skip
            )
            continue
        for record in lacking:
            at = record.values.get(name) or record.values["name"]
            if spec.source == "name_pattern":
                message = f"業務名に{what}が見つかりません（様式の {name}.pattern「{spec.pattern}」）"
            elif spec.source == "sheet_name":
                message = f"シート名「{record.sheet}」に{what}が見つかりません（様式の {name}.pattern「{spec.pattern}」）"
            else:
                message = f"{what}が空欄です（様式の [{name}]）"
            sink.add(
                Located(
                    at.raw if spec.source == "name_pattern" else "", at.sheet, at.row, at.column, at.label
                ),
                f"missing_{name}",
                message,
            )


def _blank(at: Located | None) -> bool:
    return at is None or at.raw is None or (isinstance(at.raw, str) and not at.raw.strip())
