"""Turn one raw cell (as python-calamine or csv gave it) into its canonical value.

Clerks type units into number cells, 和暦 years and ranges, so every spelling that
SURVEY_FORMAT.md accepts is read here; anything else becomes a `Problem` with a stable
`ReasonCode`, never a silent zero. Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from inventory.survey.schema import BOOL_FALSE, BOOL_TRUE, COLUMNS, COLUMNS_BY_FIELD, ENUM_SYNONYMS, nfkc_key


class ReasonCode(StrEnum):
    """Stable reason codes of a cell problem: the error workbook and tests key on them."""

    REQUIRED = "required"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_POSITIVE = "not_positive"
    NOT_INTEGER = "not_integer"
    BAD_YEAR = "bad_year"
    BAD_MONTHS = "bad_months"
    BAD_BOOL = "bad_bool"
    UNKNOWN_CHOICE = "unknown_choice"
    BAD_YEAR_MONTH = "bad_year_month"
    BAD_DATE = "bad_date"
    BAD_HOURS = "bad_hours"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a cell cannot be read; the caller adds file, row and column to the message."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Cell:
    """A normalised cell: a value, or None with a problem, or None alone for a blank."""

    value: object | None
    problem: Problem | None = None
    warning: str | None = None


BLANK = Cell(None)
MAX_TEXT_LENGTH = 2000
YEAR_MIN, YEAR_MAX = 1989, 2100
# 和暦 era → Western year of its year 0 (令和1 = 2019, 平成1 = 1989).
ERA_OFFSETS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
ALL_YEAR_WORDS = frozenset({"通年", "年間", "毎月", "年中", "1年中", "一年中", "全月"})

# Range dashes after NFKC (～ and － have become ~ and -; 〜 and the other dashes stay).
_DASH_CHARS = "~〜-‐‑‒–—―−"
_DASH = f"[{re.escape(_DASH_CHARS)}]"
_MINUS_CHARS = "-‐‑−"  # a leading one makes a negative number; a leading ～ ("up to 30") does not
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_ERA = r"(令和|平成|R|H)\.?(\d{1,2}|元)"

# C0/C1 controls, zero-width characters and bidi marks/overrides (U+061C, U+200E-F,
# U+202A-E, U+2066-9): invisible, and an override can make a name read backwards.
_CONTROL = re.compile(
    r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"\s+")
_APPROX = re.compile(r"^(?:約|およそ|おおよそ|概ね|大体|ほぼ)|(?:程度|くらい|ぐらい|前後)$")
_RANGE = re.compile(rf"(.+?){_DASH}(.+)")
_BARE = re.compile(_NUM)
_UNIT_TAIL = re.compile(rf"(?:{_NUM})(\D+)")
_MINUTES = re.compile(
    rf"(?:1件(?:あたり|当たり|につき))?"
    rf"(?:(?P<bare>{_NUM})|(?:(?P<h>{_NUM})(?:時間|hr|h)(?P<half>半)?)?"
    rf"(?:(?P<m>{_NUM})(?:分間?|min))?(?:(?P<s>{_NUM})秒)?)(?:/1?件)?",
    re.IGNORECASE,
)
_HOURS_BARE = re.compile(rf"({_NUM})(?:時間|hrs|hr|h)?", re.IGNORECASE)
_CLOCK = re.compile(r"(\d{1,6}):([0-5]\d)(?::([0-5]\d))?")
_FY_WESTERN = re.compile(r"(?:FY)?(\d{4})(?:\.0+)?(?:年度?)?", re.IGNORECASE)
_FY_ERA = re.compile(rf"{_ERA}(?:年度?)?", re.IGNORECASE)
_PAREN = re.compile(r"([^()]*)\(([^()]+)\)([^()]*)")
_MONTH = r"(\d{1,2})(?:月(?:上旬|中旬|下旬|初旬|初め|末|頃|ごろ)?)?"
_MONTH_TOKEN = re.compile(rf"{_MONTH}(?:(?:{_DASH}|から){_MONTH})?")
_MONTH_RUN = re.compile(r"(?:\d{1,2}月)+")
_MONTH_SEP = re.compile(r"[,、・;]+")
_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")
_LOOSE_SPACE = re.compile(r"(?<!\d) | (?!\d)")
_YM = re.compile(
    rf"(?:(\d{{4}})|{_ERA})(?:[-/.](\d{{1,2}})(?:[-/.]\d{{1,2}})?|年(\d{{1,2}})月(?:\d{{1,2}}日)?)分?",
    re.IGNORECASE,
)
_YYYYMM = re.compile(r"(\d{4})(\d{2})")
_DATE = re.compile(rf"(?:(\d{{4}})|{_ERA})[-/.年](\d{{1,2}})[-/.月](\d{{1,2}})日?", re.IGNORECASE)
DATE_EXAMPLES = "例: 2025-06-30, 2025/6/30, 2025年6月30日, 令和7年6月30日, R7.6.30"
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def _clean(text: str) -> str:
    """NFKC, drop control characters, collapse whitespace: what the clerk meant to type."""
    text = _CONTROL.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text).strip()


def _as_text(raw: object) -> str:
    """Spell a non-text cell as the user saw it (Excel stores 101 as 101.0)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    try:
        return str(raw)
    except ValueError:  # an int beyond Python's 4300-digit str() limit
        return "(桁数が多すぎる数値)"


def _compact(raw: object) -> str:
    """Drop spaces ("約 1,200 件"), except between digits: "20 30" must not read as 2030."""
    return _LOOSE_SPACE.sub("", _clean(_as_text(raw)))


def _show(raw: object) -> str:
    """Quote the bad value in a message, short enough to read."""
    text = _SPACES.sub(" ", _as_text(raw)).strip()
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def _problem(code: ReasonCode, message: str) -> Cell:
    return Cell(None, Problem(code, message))


def _bad(code: ReasonCode, raw: object, what: str, accepted: str) -> Cell:
    return _problem(code, f"{_show(raw)} は{what}として読めません（{accepted}）")


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not _clean(raw))


def _f(text: str | None) -> float:
    return float(text.replace(",", "")) if text else 0.0


# --- numbers ----------------------------------------------------------------


def _amount_with(units: str) -> Callable[[str], float | None]:
    """Build the reader of one number with the units a column allows (and 1.2万 = 12000)."""
    pattern = re.compile(rf"(?:年間)?({_NUM})(万(\d{{1,4}})?)?(?:{units})?(?:/年間?)?")

    def amount(s: str) -> float | None:
        if (m := pattern.fullmatch(s)) is None:
            return None
        if m[2] is None:
            return _f(m[1])
        return float(Decimal(m[1].replace(",", "")) * 10000 + int(m[3] or 0))  # exact, no float noise

    return amount


_count_amount = _amount_with("件|枚|回|通|部|冊|人|名|世帯")
_staff_amount = _amount_with("人|名")
_int_amount = _amount_with("種類|種|枚|件|個|つ|様式|システム|本")


def _minutes_amount(s: str) -> float | None:
    m = _MINUTES.fullmatch(s)
    if m is None or not any(m.group("bare", "h", "m", "s")):
        return None
    if m["bare"]:
        return _f(m["bare"])
    return _f(m["h"]) * 60 + (30.0 if m["half"] else 0.0) + _f(m["m"]) + _f(m["s"]) / 60


def _hours_amount(s: str) -> float | None:
    if m := _CLOCK.fullmatch(s):
        return int(m[1]) + int(m[2]) / 60 + int(m[3] or 0) / 3600
    if m := _HOURS_BARE.fullmatch(s):
        return _f(m[1])
    minutes = _minutes_amount(s)
    return None if minutes is None else minutes / 60


def _checked(raw: object, value: float, examples: str, warning: str | None = None) -> Cell:
    if not math.isfinite(value):
        return _bad(ReasonCode.NOT_A_NUMBER, raw, "数値", f"大きすぎます。例: {examples}")
    if value < 0:
        return _problem(ReasonCode.NEGATIVE, f"{_show(raw)} は負の数です。0以上の数を入力してください")
    return Cell(value, warning=warning)


def _number(raw: object, amount: Callable[[str], float | None], examples: str) -> Cell:
    """Read a number ≥ 0 with units, 約 and ranges; the shared path of the number columns."""
    if raw is None:
        return BLANK
    not_a_number = _bad(ReasonCode.NOT_A_NUMBER, raw, "数値", f"例: {examples}")
    if isinstance(raw, bool | date | time | timedelta):
        return not_a_number
    if isinstance(raw, int | float):
        try:
            return _checked(raw, float(raw), examples)
        except OverflowError:
            return _checked(raw, math.inf, examples)
    text = _compact(raw)
    if not text:
        return BLANK
    core = _APPROX.sub("", text)
    if (value := amount(core)) is not None:
        return _checked(raw, value, examples)
    if core and core[0] in _MINUS_CHARS and (value := amount(core[1:])) is not None:
        return _checked(raw, 0.0 - value, examples)  # 0.0 - 0.0 is +0.0: "-0" is just zero
    if m := _RANGE.fullmatch(core):
        lo_text, hi_text = _APPROX.sub("", m[1]), _APPROX.sub("", m[2])
        if (tail := _UNIT_TAIL.fullmatch(hi_text)) and _BARE.fullmatch(lo_text):
            lo_text += tail[1]  # 1～1.5時間: the unit written once applies to both ends
        lo, hi = amount(lo_text), amount(hi_text)
        if lo is not None and hi is not None:
            mid = (lo + hi) / 2
            shown = str(int(mid)) if mid.is_integer() else f"{mid:.4f}".rstrip("0")
            return _checked(raw, mid, examples, f"範囲「{_show(raw)[1:-1]}」を中央値 {shown} としました")
    return not_a_number


def parse_count(raw: object) -> Cell:
    """Read 年間件数: a number ≥ 0 (1200, １，２００, 1,200件, 約1200件, 1.2万件)."""
    return _number(raw, _count_amount, "1200, 1,200件, 約1200件")


def parse_staff(raw: object) -> Cell:
    """Read 従事職員数: a number ≥ 0, fractions allowed for part-time work (0.5, ２人)."""
    return _number(raw, _staff_amount, "2, 0.5, 2人")


def parse_minutes(raw: object) -> Cell:
    """Read minutes per case: > 0, in 分, 時間 or 時間分 (1時間30分 → 90)."""
    cell = _number(raw, _minutes_amount, "30, 30分, 約30分, 30分/件, 1時間, 1時間30分")
    if cell.value == 0:
        return _problem(
            ReasonCode.NOT_POSITIVE,
            "処理時間が 0 です。0より大きい分数を入力してください（例: 30, 1時間30分）",
        )
    return cell


def parse_int(raw: object) -> Cell:
    """Read a whole count ≥ 0 (様式数, 使用システム数); 2.0 is fine, 2.5 is not."""
    cell = _number(raw, _int_amount, "0, 3, 3種類")
    if not isinstance(cell.value, float):
        return cell
    if not cell.value.is_integer():
        return _problem(
            ReasonCode.NOT_INTEGER, f"{_show(raw)} は整数ではありません。0以上の整数を入力してください"
        )
    return Cell(int(cell.value), warning=cell.warning)


# --- years, months, yes/no, choices, text --------------------------------------------


def _era_year(era: str, number: str) -> int | None:
    n = 1 if number == "元" else int(number)
    return ERA_OFFSETS[era.upper()] + n if n >= 1 else None


def _plain_fiscal_year(s: str) -> int | None:
    if m := _FY_WESTERN.fullmatch(s):
        return int(m[1])
    if m := _FY_ERA.fullmatch(s):
        return _era_year(m[1], m[2])
    return None


def _fiscal_year_value(s: str) -> int | None:
    if (m := _PAREN.fullmatch(s)) is None:
        return _plain_fiscal_year(s)
    # 令和6(2024)年度: both spellings must name the same year.
    outer, inner = _plain_fiscal_year(m[1] + m[3]), _plain_fiscal_year(m[2])
    return outer if outer is not None and outer == inner else None


def parse_fiscal_year(raw: object) -> Cell:
    """Read 年度 as the Western year it starts in: 2024, 令和6年度, R6, H30, FY2024 → int."""
    if _is_blank(raw):
        return BLANK
    bad = _bad(ReasonCode.BAD_YEAR, raw, "年度", "例: 2024, 2024年度, 令和6年度, R6")
    if isinstance(raw, bool | date | time | timedelta) or (isinstance(raw, float) and not raw.is_integer()):
        return bad
    year = _fiscal_year_value(_compact(raw))
    if year is None:
        return bad
    if not YEAR_MIN <= year <= YEAR_MAX:
        return _problem(ReasonCode.BAD_YEAR, f"{_show(raw)} は年度として範囲外です（{YEAR_MIN}～{YEAR_MAX}）")
    return Cell(year)


def parse_months(raw: object) -> Cell:
    """Read 繁忙月 (4,5,6 / 4月～6月 / 12月～2月 / 通年) as a sorted tuple of 1..12."""
    if _is_blank(raw):
        return BLANK
    bad = _bad(ReasonCode.BAD_MONTHS, raw, "繁忙月", "例: 4,5,6 / 4月～6月 / 通年。ない場合は空欄")
    if isinstance(raw, date):
        return _problem(
            ReasonCode.BAD_MONTHS,
            f"日付 {raw.month}/{raw.day} として入力されています（Excel が日付に変換しました）。"
            "4,5,6 や 4月～6月 のように入力してください",
        )
    if isinstance(raw, bool | time | timedelta) or (isinstance(raw, float) and not raw.is_integer()):
        return bad
    text = _DIGIT_SPACE.sub(",", _clean(_as_text(raw))).replace(" ", "")
    if text in ALL_YEAR_WORDS:
        return Cell(tuple(range(1, 13)))
    months: set[int] = set()
    for token in filter(None, _MONTH_SEP.split(text)):
        if _MONTH_RUN.fullmatch(token):  # 4月5月6月
            spans: list[tuple[int, int | None]] = [(int(x), None) for x in re.findall(r"\d+", token)]
        elif m := _MONTH_TOKEN.fullmatch(token):
            spans = [(int(m[1]), int(m[2]) if m[2] else None)]
        else:
            return bad
        for start, end in spans:
            if not all(1 <= x <= 12 for x in (start, end or start)):
                return _problem(ReasonCode.BAD_MONTHS, f"{_show(raw)} に 1～12 以外の月があります")
            # Inclusive, wrapping over the year end: 12～2 → 12, 1, 2.
            months.update((start - 1 + i) % 12 + 1 for i in range(((end or start) - start) % 12 + 1))
    return Cell(tuple(sorted(months))) if months else bad


def _key(text: str) -> str:
    return nfkc_key(text).casefold()


_BOOL_SPELLINGS = "あり/なし, 有/無, ○/×, はい/いいえ, yes/no, true/false, 1/0"
_BOOLS = {**{_key(s): True for s in BOOL_TRUE}, **{_key(s): False for s in BOOL_FALSE}}


def parse_bool(raw: object) -> Cell:
    """Read yes/no (あり/なし, ○/×, はい/いいえ, yes/no, true/false, 1/0); blank stays unknown."""
    if _is_blank(raw):
        return BLANK
    if isinstance(raw, bool):
        return Cell(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return Cell(bool(raw))
    value = _BOOLS.get(_key(_as_text(raw)))
    if value is None:
        return _bad(ReasonCode.BAD_BOOL, raw, "「あり/なし」", f"選べる値: {_BOOL_SPELLINGS}")
    return Cell(value)


# Per enum field: matching key → canonical value; a canonical spelling wins over a synonym.
_CHOICES = {
    c.field: {
        **{_key(s): v for s, v in ENUM_SYNONYMS.get(c.field, {}).items()},
        **{_key(v): v for v in c.choices},
    }
    for c in COLUMNS
    if c.kind == "enum"
}


def parse_enum(field: str, raw: object) -> Cell:
    """Read a choice column as its canonical spelling; raises KeyError for a non-enum field."""
    table = _CHOICES[field]
    if _is_blank(raw):
        return BLANK
    value = table.get(_key(_as_text(raw)))
    if value is None:
        accepted = ", ".join(COLUMNS_BY_FIELD[field].choices)
        return _problem(
            ReasonCode.UNKNOWN_CHOICE, f"{_show(raw)} は選択肢にありません（選べる値: {accepted}）"
        )
    return Cell(value)


def parse_text(raw: object) -> Cell:
    """Read free text: NFKC, control characters dropped, whitespace runs collapsed."""
    if raw is None:
        return BLANK
    text = _clean(_as_text(raw))
    if len(text) > MAX_TEXT_LENGTH:
        return _problem(
            ReasonCode.TOO_LONG, f"{len(text)} 文字あります。{MAX_TEXT_LENGTH} 文字以内にしてください"
        )
    return Cell(text or None)


def parse_date(raw: object) -> Cell:
    """Read a date as staff type it: 2025-04-01, 2025/4/1, 2025年4月1日, 令和7年4月1日, R7.4.1."""
    if _is_blank(raw):
        return BLANK
    if isinstance(raw, datetime):
        return Cell(raw.date())
    if isinstance(raw, date):
        return Cell(raw)
    bad = _bad(ReasonCode.BAD_DATE, raw, "日付", DATE_EXAMPLES)
    m = _DATE.fullmatch(_TIME_TAIL.sub("", _clean(_as_text(raw))).replace(" ", ""))
    year = None if m is None else int(m[1]) if m[1] else _era_year(m[2], m[3])
    if m is None or year is None:
        return bad
    try:
        value = date(year, int(m[4]), int(m[5]))
    except ValueError:
        return bad
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        return _problem(
            ReasonCode.BAD_DATE, f"{_show(raw)} は日付として範囲外です（{YEAR_MIN}～{YEAR_MAX}年）"
        )
    return Cell(value)


# --- overtime file: 年月 and hours ---------------------------------------------


def fiscal_year_of(year: int, month: int) -> int:
    """Return the fiscal year (April–March) a calendar month belongs to: 2025-03 → 2024."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return year if month >= 4 else year - 1


def parse_year_month(raw: object) -> Cell:
    """Read 年月 (2024-04, 2024/4, 2024年4月, 令和6年4月, R6.4, 202404, a date) as (year, month)."""
    if _is_blank(raw):
        return BLANK
    bad = _bad(ReasonCode.BAD_YEAR_MONTH, raw, "年月", "例: 2024-04, 2024/4, 2024年4月, 令和6年4月, R6.4")
    if isinstance(raw, date):
        year, month = raw.year, raw.month
    elif isinstance(raw, bool | time | timedelta) or (isinstance(raw, float) and not raw.is_integer()):
        return bad  # 2024.10 typed as a number is 2024.1: not safe to read as October
    else:
        text = _TIME_TAIL.sub("", _clean(_as_text(raw))).replace(" ", "")
        if m := _YYYYMM.fullmatch(text):
            year, month = int(m[1]), int(m[2])
        elif m := _YM.fullmatch(text):
            era_year = _era_year(m[2], m[3]) if m[2] else int(m[1])
            if era_year is None:
                return bad
            year, month = era_year, int(m[4] or m[5])
        else:
            return bad
    if not (YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12):
        return _problem(ReasonCode.BAD_YEAR_MONTH, f"{_show(raw)} は年月として範囲外です")
    return Cell((year, month))


def parse_hours(raw: object) -> Cell:
    """Read overtime hours ≥ 0 as a float: 12.5, 12時間30分, １２．５, 12:30, a time cell.

    Payroll exports are exact, so a range is refused here rather than averaged.
    """
    value = raw
    if isinstance(value, time):
        value = timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    if isinstance(value, timedelta):
        value = value.total_seconds() / 3600
    cell = _number(value, _hours_amount, "12.5, 12時間30分, 12:30")
    if cell.warning or (cell.problem and cell.problem.code == ReasonCode.NOT_A_NUMBER):
        return _bad(ReasonCode.BAD_HOURS, raw, "時間数", "例: 12.5, 12時間30分, 12:30")
    return cell


# --- dispatch -------------------------------------------------------------------


_PARSERS: dict[str, Callable[[object], Cell]] = {
    "fiscal_year": parse_fiscal_year,
    "text": parse_text,
    "bool": parse_bool,
    "int": parse_int,
    "count": parse_count,
    "minutes": parse_minutes,
    "staff": parse_staff,
    "months": parse_months,
}


def _normalize(field: str, raw: object) -> Cell:
    if _is_blank(raw):
        return BLANK
    column = COLUMNS_BY_FIELD.get(field)
    if column is None:  # 表紙 labels such as 回答者 are not table columns: read as text
        return parse_text(raw)
    if column.kind == "enum":
        return parse_enum(field, raw)
    return _PARSERS[column.kind](raw)


# typed=True: 1, 1.0 and True hash alike but must not share a cache entry.
_normalize_cached = functools.lru_cache(maxsize=65536, typed=True)(_normalize)


def normalize_cell(field: str, raw: object) -> Cell:
    """Normalise one raw cell of a survey column; never raises for any raw value.

    Cached, because the reader calls it once per distinct value per column and a survey
    repeats the same few spellings thousands of times.
    """
    try:
        hash(raw)
    except TypeError:
        return _normalize(field, raw)
    return _normalize_cached(field, raw)
