"""Fuzz properties shared by tests/inventory/test_fuzz.py (brief, in CI) and bench/fuzz.py (long).

Each property is a plain function of one generated input plus the hypothesis strategy
that feeds it; the callers choose how many examples to run. The properties: the value
normalisers never raise and keep their invariants, 和暦 labels round-trip, and the
workbook/CSV readers turn any bytes into rows or an UnreadableFileError, never
anything else.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from inventory.era import era_label, era_year
from inventory.errors import UnreadableFileError
from inventory.overtime.columns import OvertimeCode
from inventory.overtime.reader import read_overtime_bytes
from inventory.survey import dates, numbers
from inventory.survey.cells import Cell, ReasonCode
from inventory.survey.dates import parse_fiscal_year
from inventory.survey.normalize import normalize_cell
from inventory.survey.reader import read_survey_bytes
from inventory.survey.schema import COLUMNS
from inventory.survey.validate import validate_table
from tests.corpus.builders import GOOD, HEADER, OVERTIME_HEADER, csv_bytes, openpyxl_book

KNOWN_CODES = {c.value for c in ReasonCode} | {c.value for c in OvertimeCode}
FIELDS = [c.field for c in COLUMNS]

# --- cell values ----------------------------------------------------------------------

_FRAGMENTS = [
    "令和", "平成", "昭和", "R", "H", "元", "年度", "年", "月", "件", "分", "時間", "半", "約", "程度",
    "～", "〜", "-", "−", "―", ",", "，", "．", ".", "万", "/", "・", "、", "通年", "1", "0", "１２", "99",
    "1e400", "∞", "NaN", "(", ")", "（", "）", "㋿", "Ｒ", "\u202e", "\u200d", "\x00", "\ufeff", " ", "\u3000",
    "あり", "なし", "○", "×", "定型", "紙（手書き）", "=", "+", "@", "\t", "\r\n", "4294967296",
]  # fmt: skip
cell_text = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=4), max_size=8).map("".join)
raw_cell = st.one_of(
    st.none(),
    cell_text,
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1, 1, 1)),
    st.dates(),
    st.times(),
    st.timedeltas(),
)


def check_cell(field_and_value: tuple[str, Any]) -> None:
    """normalize_cell never raises, and a value it returns is of the column's kind and range."""
    field, raw = field_and_value
    cell = normalize_cell(field, raw)
    _check_invariants(cell)
    kind = next(c.kind for c in COLUMNS if c.field == field)
    value = cell.value
    if value is None:
        return
    if kind in ("count", "staff", "minutes"):
        assert isinstance(value, float) and math.isfinite(value) and value >= 0, value
        if kind == "minutes":
            assert value > 0
    elif kind == "int":
        assert isinstance(value, int) and value >= 0
    elif kind == "fiscal_year":
        assert isinstance(value, int) and dates.YEAR_MIN <= value <= dates.YEAR_MAX
    elif kind == "months":
        assert (
            isinstance(value, tuple)
            and value == tuple(sorted(set(value)))
            and set(value) <= set(range(1, 13))
        )
    elif kind == "bool":
        assert isinstance(value, bool)
    elif kind in ("text", "enum"):
        assert isinstance(value, str) and value == value.strip() and "\x00" not in value


def check_overtime_cell(raw: Any) -> None:
    """The overtime readers (年月, hours) never raise and keep their ranges."""
    month = dates.parse_year_month(raw)
    _check_invariants(month)
    if month.value is not None:
        year, number = month.value  # type: ignore[misc]
        assert dates.YEAR_MIN <= year <= dates.YEAR_MAX and 1 <= number <= 12
    hours = numbers.parse_hours(raw)
    _check_invariants(hours)
    if hours.value is not None:
        assert isinstance(hours.value, float) and math.isfinite(hours.value) and hours.value >= 0


def _check_invariants(cell: Cell) -> None:
    assert isinstance(cell, Cell)
    if cell.problem is not None:
        assert cell.value is None and cell.problem.code in KNOWN_CODES and cell.problem.message


def check_era(fiscal_year: int) -> None:
    """era_label and parse_fiscal_year agree for every year the survey accepts."""
    name, year = era_year(fiscal_year)
    assert year >= 1 and name in ("令和", "平成", "昭和")
    label = era_label(fiscal_year)
    if dates.YEAR_MIN <= fiscal_year <= dates.YEAR_MAX:
        assert parse_fiscal_year(label).value == fiscal_year, label
        assert parse_fiscal_year(f"{label}".replace("令和", "R").replace("平成", "H")).value == fiscal_year


# --- files ------------------------------------------------------------------------------

SURVEY_XLSX = openpyxl_book(
    [HEADER, GOOD, ["課税台帳の照会", "一部定型", "一部あり", "紙（活字）", "1,200件", "1時間"]]
)
OVERTIME_XLSX = openpyxl_book([OVERTIME_HEADER, ["2024-04", "税務課", 12.5, 10]], cover=())
SURVEY_CSV = csv_bytes([["年度", "課", *HEADER], ["令和6年度", "税務課", *GOOD]], "cp932")
OVERTIME_CSV = csv_bytes([OVERTIME_HEADER, ["R6.4", "税務課", "12時間30分", 10]])
_TOKENS = [
    b"<", b">", b"&", b"&amp;", b"<!DOCTYPE x>", b'<c r="XFD1048576"><v>1</v></c>', b'<row r="1048576">',
    b'<c r="ZZ99999" t="s"><v>0</v></c>', b'<c t="inlineStr"><is><t>x</t></is></c>', b"<v>1e400</v>",
    b'<c r="A1" t="d"><v>2024-04-01</v></c>', b't="e"', b't="b"', b"_x0000_", b"\xff", b"\x00", b"\xe3\x81",
    b"\x82", b'"', b",", b"\r\n", b"9" * 12, b"sheet1", b"<x:c>",
]  # fmt: skip


_CELLS = [
    b'<c r="XFD1048576"><v>1</v></c>', b'<c r="A1048576" t="inlineStr"><is><t>x</t></is></c>',
    b'<c r="ZZ99999" t="s"><v>0</v></c>', b'<c t="inlineStr"><is><t>x</t></is></c>', b'<c r="B2" t="s"><v>99999</v></c>',
    b'<c r="C2" t="d"><v>2024-13-45</v></c>', b'<c r="D2" t="e"><v>#REF!</v></c>', b'<c r="E2"><v>1e400</v></c>',
    b'<c r="F2" t="b"><v>2</v></c>', b'<c r="A0"><v>1</v></c>', b'<c r="A99999999999"><v>1</v></c>',
]  # fmt: skip


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """A few random edits: flips, deletions, insertions of interesting tokens, truncation."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        op = draw(st.sampled_from(["flip", "delete", "insert", "token", "cell", "duplicate", "truncate"]))
        if op == "cell" and (ends := [i for i in range(len(out)) if out.startswith(b"</row>", i)]):
            at = draw(st.sampled_from(ends))  # a hostile cell where a parser meets it: inside a row
            out[at:at] = draw(st.sampled_from(_CELLS))
            continue
        if op == "flip" and out:
            out[at] ^= draw(st.integers(1, 255))
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "token":
            out[at:at] = draw(st.sampled_from(_TOKENS))
        elif op == "duplicate":
            out[at:at] = out[at : at + draw(st.integers(1, 256))]
        elif op == "truncate":
            del out[at:]
    return bytes(out)


@st.composite
def mutated_package(draw: st.DrawFn, data: bytes) -> bytes:
    """Mutate one part inside the zip and re-zip it, so the XML parser (not the CRC) is fuzzed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = draw(st.sampled_from(sorted(parts)))
    parts[name] = draw(mutated_bytes(parts[name]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


def file_inputs(xlsx: bytes, csv: bytes) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.one_of(
        st.tuples(st.just("f.xlsx"), mutated_package(xlsx)),
        st.tuples(st.just("f.xlsx"), mutated_bytes(xlsx)),
        st.tuples(st.just("f.csv"), mutated_bytes(csv)),
    )


def check_survey_file(named: tuple[str, bytes]) -> None:
    """Any bytes: rows and a ParseResult, or UnreadableFileError; never another exception."""
    name, data = named
    try:
        raw = read_survey_bytes(data, name)
    except UnreadableFileError as exc:
        assert exc.message
        return
    result = validate_table(raw)
    assert (result.survey is None) == bool(result.errors)


def check_overtime_file(named: tuple[str, bytes]) -> None:
    """The overtime reader on any bytes: months or errors, or UnreadableFileError."""
    name, data = named
    try:
        parsed = read_overtime_bytes(
            data, name, known_departments=["税務課"], pseudonym_key=lambda: b"k" * 32
        )
    except UnreadableFileError:
        return
    assert not (parsed.months and parsed.errors)


@dataclass(frozen=True)
class Property:
    """One fuzz property: its name, the strategy of its input and the check."""

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]


PROPERTIES = [
    Property("normalize_cell", st.tuples(st.sampled_from(FIELDS), raw_cell), check_cell),
    Property("overtime_cells", raw_cell, check_overtime_cell),
    Property("era_round_trip", st.integers(1927, 2300), check_era),
    Property("survey_reader", file_inputs(SURVEY_XLSX, SURVEY_CSV), check_survey_file),
    Property("overtime_reader", file_inputs(OVERTIME_XLSX, OVERTIME_CSV), check_overtime_file),
]
