"""The layout file (様式ファイル): how a municipality's own workbook maps onto the inventory.

A layout is TOML with English keys and Japanese comments for the user. `parse_layout`
reads it into a frozen `Layout`; every problem (bad TOML, an unknown key, a wrong type,
a key that does not fit the form or the source) is reported at once, in Japanese, named
by its key path, e.g. ``fields.cases.unit: 「件数」は使えない単位です（…）``.
Pure: no I/O beyond the text it is given.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from inventory.errors import LayoutError
from inventory.layouts.messages import pydantic_problems
from inventory.survey.schema import COLUMNS, TOTAL_ROW_NAMES

Unit = Literal["件", "分", "時間", "人工", "人日", "人月", "%", "自動"]
UNITS: tuple[str, ...] = get_args(Unit)
Form = Literal["table", "vertical"]
SourceKind = Literal["column", "sheet_name", "cell", "name_pattern", "file_name", "fixed"]
HOURS_PER_PERSON_YEAR = 1920.0  # 1人工 = 240 days × 8 h (DOMAIN.md)

# Fields a layout may map. 年度, 課 and 部 have their own tables ([fiscal_year] …).
PER_SURVEY_FIELDS = ("fiscal_year", "department", "division")
VOLUME_FIELDS = ("annual_hours", "hours_after")
TASK_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys([*(c.field for c in COLUMNS if c.field not in PER_SURVEY_FIELDS), *VOLUME_FIELDS])
)
_TIME_UNITS = ("時間", "分", "人工", "人日", "人月", "%", "自動")
# The units each quantity field accepts; any other field takes no unit.
FIELD_UNITS: dict[str, tuple[str, ...]] = {
    "annual_volume": ("件",),
    "minutes_per_case": ("分", "時間", "自動"),
    "annual_hours": _TIME_UNITS,
    "hours_after": _TIME_UNITS,
    "staff_count": ("人工",),
}
DEFAULT_SKIP_NAMES = (*TOTAL_ROW_NAMES, "※*")
_LETTERS = re.compile(r"[A-Z]{1,3}")
_CELL = re.compile(r"([A-Z]{1,3})([1-9]\d{0,6})")


def _upper(value: object) -> object:
    return unicodedata.normalize("NFKC", value).strip().upper() if isinstance(value, str) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FieldSpec(_Strict):
    """Where one field is: a heading (table), a label (vertical), a column letter or a cell."""

    heading: str | None = Field(default=None, min_length=1)
    label: str | None = Field(default=None, min_length=1)
    column: str | None = None
    cell: str | None = None
    unit: Unit | None = None

    _upper_column = field_validator("column", mode="before")(_upper)
    _upper_cell = field_validator("cell", mode="before")(_upper)

    @field_validator("column")
    @classmethod
    def _column(cls, value: str | None) -> str | None:
        if value is not None and not _LETTERS.fullmatch(value):
            raise ValueError(f'「{value}」は列の記号ではありません（例: "E"）')
        return value

    @field_validator("cell")
    @classmethod
    def _cell(cls, value: str | None) -> str | None:
        if value is not None and not _CELL.fullmatch(value):
            raise ValueError(f'「{value}」はセルの番地ではありません（例: "C5"）')
        return value


class SheetsSpec(_Strict):
    """Which sheets to read (`*` matches any text); by default every sheet."""

    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class TableSpec(_Strict):
    """A table of one task per row under one or more heading rows."""

    header_rows: list[int] = Field(min_length=1, max_length=10)
    data_start_row: int | None = Field(default=None, ge=2)
    skip_names: list[str] = Field(default_factory=lambda: list(DEFAULT_SKIP_NAMES))

    @field_validator("header_rows")
    @classmethod
    def _rows(cls, value: list[int]) -> list[int]:
        if any(row < 1 for row in value):
            raise ValueError("行番号は1以上にしてください")
        if value != sorted(set(value)):
            raise ValueError("行番号は重複なく小さい順に並べてください（例: [4, 5]）")
        return value


class VerticalSpec(_Strict):
    """A form of 項目名 | 記載内容 pairs, one task per sheet."""

    label_column: str | None = None
    value_column: str | None = None

    _upper_columns = field_validator("label_column", "value_column", mode="before")(_upper)

    @field_validator("label_column", "value_column")
    @classmethod
    def _letters(cls, value: str | None) -> str | None:
        if value is not None and not _LETTERS.fullmatch(value):
            raise ValueError(f'「{value}」は列の記号ではありません（例: "B"）')
        return value


class ValueSource(_Strict):
    """Where 課, 年度 or 部 comes from."""

    source: SourceKind
    heading: str | None = Field(default=None, min_length=1)
    label: str | None = Field(default=None, min_length=1)
    column: str | None = None
    sheet: str | None = Field(default=None, min_length=1)
    cell: str | None = None
    pattern: str | None = Field(default=None, min_length=1)
    value: str | int | None = None

    _upper_column = field_validator("column", mode="before")(_upper)
    _upper_cell = field_validator("cell", mode="before")(_upper)
    _column = field_validator("column")(FieldSpec._column.__func__)  # type: ignore[attr-defined]
    _cell = field_validator("cell")(FieldSpec._cell.__func__)  # type: ignore[attr-defined]

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                at = f"{exc.pos + 1}文字目付近。" if exc.pos is not None else ""
                raise ValueError(
                    f"正規表現として読めません（{at}括弧 ( ) [ ] と記号を確かめてください）"
                ) from None
        return value


class Layout(_Strict):
    """A whole layout file, validated."""

    version: Literal[1]
    name: str = Field(min_length=1, max_length=200)
    form: Form = "table"
    hours_per_person_year: float = Field(default=HOURS_PER_PERSON_YEAR, gt=0, le=8784)
    sheets: SheetsSpec = Field(default_factory=SheetsSpec)
    table: TableSpec | None = None
    vertical: VerticalSpec | None = None
    fields: dict[str, FieldSpec]
    department: ValueSource | None = None
    fiscal_year: ValueSource | None = None
    division: ValueSource | None = None


def parse_layout(text: str, source: str = "様式ファイル") -> Layout:
    """Read a layout from TOML text; raise LayoutError listing every bad key in Japanese."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{source}: TOMLとして読めません（{_toml_where(str(exc))}）") from None
    try:
        layout = Layout.model_validate(data)
    except ValidationError as exc:
        problems = pydantic_problems(exc, Layout)
        raise LayoutError(_listed(source, problems), problems) from None
    problems = check_layout(layout)
    if problems:
        raise LayoutError(_listed(source, problems), problems)
    return layout


def _listed(source: str, problems: list[str]) -> str:
    return f"{source}: 様式の内容に誤りがあります（{len(problems)}件）\n" + "\n".join(
        f"  {p}" for p in problems
    )


def _toml_where(message: str) -> str:
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    at = f"{m[1]}行目 {m[2]}文字目" if m else "位置不明"
    return f'{at}。= の前後、引用符 " "、[ ] の対応を確かめてください'


def check_layout(layout: Layout) -> list[str]:
    """The problems pydantic cannot see: keys that do not fit the form, the field or the source."""
    problems = _check_form(layout)
    for name, spec in layout.fields.items():
        problems += _check_field(layout.form, name, spec)
    if "name" not in layout.fields:
        problems.append('fields.name: 業務名の項目は必須です（例: name = { heading = "事務事業名" }）')
    if "annual_hours" not in layout.fields and not {"annual_volume", "minutes_per_case"} <= set(
        layout.fields
    ):
        problems.append(
            "fields: 業務量の項目がありません（annual_volume と minutes_per_case の両方、または annual_hours）"
        )
    for key in PER_SURVEY_FIELDS:
        spec = getattr(layout, key)
        if spec is not None:
            problems += _check_source(layout.form, key, spec)
    return problems


def _check_form(layout: Layout) -> list[str]:
    if layout.form == "table" and layout.table is None:
        return ['table: form = "table" のときは [table] の header_rows（見出しの行番号）が必要です']
    if layout.form == "table" and layout.vertical is not None:
        return ['vertical: form = "table" では使いません（縦型様式は form = "vertical"）']
    if layout.form == "vertical" and layout.table is not None:
        return ['table: form = "vertical" では使いません（表の様式は form = "table"）']
    if layout.table and layout.table.data_start_row is not None:
        if layout.table.data_start_row <= max(layout.table.header_rows):
            return ["table.data_start_row: 見出しの行より下の行番号にしてください"]
    return []


def _check_field(form: Form, name: str, spec: FieldSpec) -> list[str]:
    path = f"fields.{name}"
    if name in PER_SURVEY_FIELDS:
        return [f'{path}: 年度・課・部は [{name}] で指定してください（例: [{name}] source = "column"）']
    if name not in TASK_FIELDS:
        return [f"{path}: 知らない項目です（使える項目: {', '.join(TASK_FIELDS)}）"]
    problems: list[str] = []
    given = [k for k in ("heading", "label", "column", "cell") if getattr(spec, k) is not None]
    allowed = ("heading", "column") if form == "table" else ("label", "cell")
    problems += [
        f'{path}.{k}: form = "{form}" では使えません（{" か ".join(allowed)} を使ってください）'
        for k in given
        if k not in allowed
    ]
    if len(given) != 1 and not problems:
        problems.append(f"{path}: {' / '.join(allowed)} のどれか1つで場所を指定してください")
    if spec.unit is not None and spec.unit not in FIELD_UNITS.get(name, ()):
        usable = FIELD_UNITS.get(name)
        problems.append(
            f"{path}.unit: この項目に単位は指定できません"
            if usable is None
            else f"{path}.unit: 「{spec.unit}」はこの項目には使えません（使える単位: {', '.join(usable)}）"
        )
    return problems


# Keys each source uses: required first, then optional.
_SOURCE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "column": ((), ("heading", "column", "label")),
    "sheet_name": ((), ("pattern",)),
    "cell": (("cell",), ("sheet",)),
    "name_pattern": (("pattern",), ()),
    "file_name": ((), ("pattern",)),
    "fixed": (("value",), ()),
}


def _check_source(form: Form, key: str, spec: ValueSource) -> list[str]:
    required, optional = _SOURCE_KEYS[spec.source]
    problems = [
        f'{key}.{k}: source = "{spec.source}" のときは必須です' for k in required if getattr(spec, k) is None
    ]
    problems += [
        f'{key}.{k}: source = "{spec.source}" では使いません'
        for k in ("heading", "label", "column", "sheet", "cell", "pattern", "value")
        if getattr(spec, k) is not None and k not in required + optional
    ]
    if spec.source == "column":
        allowed = ("heading", "column") if form == "table" else ("label",)
        given = [k for k in ("heading", "label", "column") if getattr(spec, k) is not None]
        problems += [
            f'{key}.{k}: form = "{form}" では使えません（{" か ".join(allowed)} を使ってください）'
            for k in given
            if k not in allowed
        ]
        if len(given) != 1 and all(k in allowed for k in given):
            problems.append(f"{key}: {' か '.join(allowed)} のどれか1つで場所を指定してください")
    if spec.source == "fixed" and isinstance(spec.value, str) and not spec.value.strip():
        problems.append(f"{key}.value: 空にできません")
    return problems
