"""Turn a layout's task records into surveys: one per (課, 年度), or every error of the file.

Values go through the survey's own normalisers (and, for a field with a unit, through
`units` first), so messages and rules are those of the default template; every message
names the cell (sheet, row, the file's own heading or label, and the cell name). Like
the template's validation, each field is read once per distinct raw value. Pure.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field

from inventory.errors import RowError
from inventory.layouts.book import Book
from inventory.layouts.model import Layout
from inventory.layouts.records import LAYOUT_MISMATCH, Located, TaskRecord
from inventory.layouts.units import read_quantity
from inventory.survey.cells import Cell, Problem, parse_text
from inventory.survey.dates import parse_fiscal_year
from inventory.survey.models import SurveyIn, TaskIn
from inventory.survey.normalize import normalize_cell
from inventory.survey.per_survey import PER_SURVEY, IntakeOptions
from inventory.survey.row_errors import cell_text, too_long
from inventory.survey.schema import COLUMNS_BY_FIELD
from inventory.survey.volume import missing_required

MAX_ROWS = 100_000
_OPTION_FLAGS = {"fiscal_year": "--fy", "department": "--dept", "division": "--division"}
_WHAT = {"fiscal_year": "年度", "department": "課", "division": "部"}
_OR_HOURS = "（年間件数と処理時間の代わりに年間時間でも構いません）"


@dataclass
class Surveys:
    """A file's surveys in order of first appearance, or the errors that reject it whole."""

    surveys: list[SurveyIn] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


@dataclass
class _Reader:
    """Reads the file's cells, each distinct (field, raw value) once, and collects its errors."""

    file: str
    layout: Layout
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    cache: dict[tuple[str, type, object], Cell] = field(default_factory=dict)
    keys: dict[tuple[tuple[type, object], ...], tuple[int, str, str | None] | None] = field(
        default_factory=dict
    )

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

    def cell(self, name: str, raw: object) -> Cell:
        """The field's cell read as the template reads it, through the layout's unit if it has one."""
        try:
            key = (name, type(raw), raw)
            cached = self.cache.get(key)
        except TypeError:  # an unhashable value: read it uncached
            return self._read(name, raw)
        if cached is None:
            cached = self.cache[key] = self._read(name, raw)
        return cached

    def _read(self, name: str, raw: object) -> Cell:
        if name in PER_SURVEY:
            return parse_fiscal_year(raw) if name == "fiscal_year" else parse_text(raw)
        spec = self.layout.fields.get(name)
        if spec is None or spec.unit is None:
            return _limited(name, normalize_cell(name, raw))
        cell = read_quantity(raw, spec.unit, name, hours_per_person_year=self.layout.hours_per_person_year)
        if cell.problem is not None or cell.value is None:
            return cell
        checked = normalize_cell(name, cell.value)  # the column's own rules (> 0, ≥ 0, whole)
        return Cell(checked.value, checked.problem, cell.warning or checked.warning)


def _limited(name: str, cell: Cell) -> Cell:
    """A text longer than its field may hold is a problem, as in the template."""
    message = too_long(name, cell.value) if cell.problem is None else None
    return cell if message is None else Cell(None, Problem("too_long", message))


def to_surveys(book: Book, layout: Layout, records: list[TaskRecord], options: IntakeOptions) -> Surveys:
    """Normalise and check every record, then group the tasks by 課 and 年度."""
    reader = _Reader(book.file_name, layout)
    if len(records) > MAX_ROWS:
        message = f"業務が多すぎます（{len(records):,}件、上限 {MAX_ROWS:,}件）"
        return Surveys(errors=[RowError(file=book.file_name, code="too_many_rows", message=message)])
    single_sheet = len({r.sheet for r in records}) <= 1
    groups: dict[tuple[int, str], tuple[str | None, str | None, list[TaskIn]]] = {}
    for number, record in enumerate(records, start=1):
        key = _survey_key(record, options, reader)
        values = _task_values(record, reader)
        if key is None or values is None or reader.errors:
            continue
        values["source_row"] = record.row + 1 if single_sheet else number
        groups.setdefault(key[:2], (key[2], record.sheet, []))[2].append(TaskIn.model_validate(values))
    _missing_everywhere(records, layout, options, reader)
    for sheet in dict.fromkeys(r.sheet for r in records):
        if (long := too_long("sheet", sheet)) is not None:  # a crafted file: Excel allows 31
            error = RowError(file=book.file_name, column="シート名", value=str(sheet)[:40], code="too_long",
                             message=f"シート名: {long}")  # fmt: skip
            reader.errors.append(error)
    if reader.errors:
        return Surveys(errors=list(dict.fromkeys(reader.errors)), warnings=reader.warnings)
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
    return Surveys(surveys, [], reader.warnings)


def _hash(file_hash: str, department: str, year: int) -> str:
    """One file with several 課: each part's identity is the file's bytes and its 課 and 年度."""
    return hashlib.sha256(f"{file_hash}\n{department}\n{year}".encode()).hexdigest()


_BAD = object()  # a value already reported: not "blank" as well


def _task_values(record: TaskRecord, reader: _Reader) -> dict[str, object] | None:
    """One record's task fields, normalised; None after telling the reader what is wrong."""
    values: dict[str, object] = {}
    warnings: list[str] = []
    before = len(reader.errors)
    cache = reader.cache  # looked up here: a few thousand rows × a score of fields
    for name, raw in record.raw.items():
        if name in PER_SURVEY:
            continue
        cell = cache.get((name, raw.__class__, raw)) if raw.__hash__ is not None else None
        if cell is None:
            cell = reader.cell(name, raw)
        if cell.problem is not None or cell.warning:
            _tell(record, name, cell, reader, values, warnings)
            continue
        values[name] = cell.value
    _required(record, values, reader)
    if len(reader.errors) > before:
        return None
    months = values.get("peak_months")
    if isinstance(months, tuple):
        values["peak_months"] = list(months)
    return {**values, "warnings": warnings}


def _tell(
    record: TaskRecord, name: str, cell: Cell, reader: _Reader, values: dict[str, object], warnings: list[str]
) -> None:
    """A cell with a problem (reported at its cell) or read with an assumption (a warning)."""
    if cell.problem is not None:
        unit = reader.layout.fields[name].unit if name in reader.layout.fields else None
        key = f'様式 fields.{name}.unit = "{unit}"' if cell.problem.code == "bad_unit" else None
        reader.add(record.at(name), cell.problem.code, cell.problem.message, key=key)
        values[name] = _BAD
        return
    assert cell.warning is not None
    at = record.at(name)
    warnings.append(f"{at.label}: {cell.warning}")
    reader.add(at, "assumed", cell.warning, warn=True)
    values[name] = cell.value


def _required(record: TaskRecord, values: dict[str, object], reader: _Reader) -> None:
    """業務名 and one volume (件数 × 処理時間, or 年間時間): a blank one is reported at its cell."""
    given = {name for name, value in values.items() if value is not None}
    for name in missing_required(given):
        where = (
            name if name in record.places else "annual_hours" if "annual_hours" in record.places else "name"
        )
        at = record.at(where)
        header = COLUMNS_BY_FIELD[name].header
        hint = _OR_HOURS if name != "name" else ""
        blank = Located("", at.sheet, at.row, at.column, at.label)
        reader.add(blank, "required", f"必須項目「{header}」が空欄です{hint}")


SurveyKey = tuple[int, str, str | None]


def _survey_key(record: TaskRecord, options: IntakeOptions, reader: _Reader) -> SurveyKey | None:
    """(年度, 課, 部) of a record: from the layout's sources, else the intake options.

    Most records of a file share their raw 年度, 課 and 部: a repeat is looked up, not read again.
    """
    raw = record.raw
    values = (raw.get("fiscal_year"), raw.get("department"), raw.get("division"))
    seen = tuple((type(v), v) for v in values)  # 1, 1.0 and True must not share an entry
    try:
        return reader.keys[seen]
    except (KeyError, TypeError):
        pass
    before = len(reader.errors)
    key = _read_survey_key(record, options, reader)
    if len(reader.errors) == before:
        with contextlib.suppress(TypeError):
            reader.keys[seen] = key
    return key


def _read_survey_key(record: TaskRecord, options: IntakeOptions, reader: _Reader) -> SurveyKey | None:
    found: dict[str, object] = {}
    for name in PER_SURVEY:
        raw = record.raw.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            found[name] = getattr(options, name)
            continue
        cell = reader.cell(name, raw)
        if cell.problem is not None:
            reader.add(record.at(name), cell.problem.code, f"{_WHAT[name]}: {cell.problem.message}")
        elif (message := too_long(name, cell.value)) is not None:
            reader.add(record.at(name), "too_long", f"{_WHAT[name]}: {message}")
        else:
            found[name] = cell.value
    year, department = found.get("fiscal_year"), found.get("department")
    if not isinstance(year, int) or not isinstance(department, str):
        return None
    division = found.get("division")
    return year, department, division if isinstance(division, str) else None


def _missing_everywhere(
    records: list[TaskRecord], layout: Layout, options: IntakeOptions, reader: _Reader
) -> None:
    """年度 or 課 that no source gives: said once for the file, or at each task that lacks it."""
    for name in ("fiscal_year", "department"):
        lacking = [r for r in records if _blank(r.raw.get(name))]
        if getattr(options, name) is not None or not lacking:
            continue
        what, spec = _WHAT[name], getattr(layout, name)
        if spec is None:
            message = f"{what}が分かりません。様式の [{name}]、または取り込み時の指定（{_OPTION_FLAGS[name]}）で指定してください"
            reader.errors.append(RowError(file=reader.file, code=f"missing_{name}", message=message))
            continue
        for record in lacking:
            at = record.at(name if name in record.places and spec.source != "name_pattern" else "name")
            if spec.source == "name_pattern":
                message = f"業務名に{what}が見つかりません（様式の {name}.pattern「{spec.pattern}」）"
            elif spec.source == "sheet_name":
                message = f"シート名「{record.sheet}」に{what}が見つかりません（様式の {name}.pattern「{spec.pattern}」）"
            else:
                message = f"{what}が空欄です（様式の [{name}]）"
                at = Located("", at.sheet, at.row, at.column, at.label)
            reader.add(at, "required" if spec.source in ("column", "cell") else LAYOUT_MISMATCH, message)


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())
