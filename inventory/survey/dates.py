"""Read the calendar columns: 年度, 繁忙月, dates and the overtime file's 年月.

Western years, 和暦 (令和6, R6, 平成30, 元年) and fiscal years (April–March) in every
spelling SURVEY_FORMAT.md accepts. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from inventory.survey.cells import (
    BLANK,
    DASH,
    Cell,
    ReasonCode,
    as_text,
    clean_text,
    compact,
    is_blank,
    problem_cell,
    show,
    unreadable,
)

YEAR_MIN, YEAR_MAX = 1989, 2100
# 和暦 era → Western year of its year 0 (令和1 = 2019, 平成1 = 1989).
ERA_OFFSETS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
ALL_YEAR_WORDS = frozenset({"通年", "年間", "毎月", "年中", "1年中", "一年中", "全月"})
_ERA = r"(令和|平成|R|H)\.?(\d{1,2}|元)"
_FY_WESTERN = re.compile(r"(?:FY)?(\d{4})(?:\.0+)?(?:年度?)?", re.IGNORECASE)
_FY_ERA = re.compile(rf"{_ERA}(?:年度?)?", re.IGNORECASE)
_PAREN = re.compile(r"([^()]*)\(([^()]+)\)([^()]*)")
_MONTH = r"(\d{1,2})(?:月(?:上旬|中旬|下旬|初旬|初め|末|頃|ごろ)?)?"
_MONTH_TOKEN = re.compile(rf"{_MONTH}(?:(?:{DASH}|から){_MONTH})?")
_MONTH_RUN = re.compile(r"(?:\d{1,2}月)+")
_MONTH_SEP = re.compile(r"[,、・;]+")
_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")
_YM = re.compile(
    rf"(?:(\d{{4}})|{_ERA})(?:[-/.](\d{{1,2}})(?:[-/.]\d{{1,2}})?|年(\d{{1,2}})月(?:\d{{1,2}}日)?)分?",
    re.IGNORECASE,
)
_YYYYMM = re.compile(r"(\d{4})(\d{2})")
_DATE = re.compile(rf"(?:(\d{{4}})|{_ERA})[-/.年](\d{{1,2}})[-/.月](\d{{1,2}})日?", re.IGNORECASE)
DATE_EXAMPLES = "例: 2025-06-30, 2025/6/30, 2025年6月30日, 令和7年6月30日, R7.6.30"
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


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
    if is_blank(raw):
        return BLANK
    bad = unreadable(ReasonCode.BAD_YEAR, raw, "年度", "例: 2024, 2024年度, 令和6年度, R6")
    if isinstance(raw, bool | date | time | timedelta) or (isinstance(raw, float) and not raw.is_integer()):
        return bad
    year = _fiscal_year_value(compact(raw))
    if year is None:
        return bad
    if not YEAR_MIN <= year <= YEAR_MAX:
        return problem_cell(
            ReasonCode.BAD_YEAR, f"{show(raw)} は年度として範囲外です（{YEAR_MIN}～{YEAR_MAX}）"
        )
    return Cell(year)


def parse_months(raw: object) -> Cell:
    """Read 繁忙月 (4,5,6 / 4月～6月 / 12月～2月 / 通年) as a sorted tuple of 1..12."""
    if is_blank(raw):
        return BLANK
    bad = unreadable(ReasonCode.BAD_MONTHS, raw, "繁忙月", "例: 4,5,6 / 4月～6月 / 通年。ない場合は空欄")
    if isinstance(raw, date):
        return problem_cell(
            ReasonCode.BAD_MONTHS,
            f"日付 {raw.month}/{raw.day} として入力されています（Excel が日付に変換しました）。"
            "4,5,6 や 4月～6月 のように入力してください",
        )
    if isinstance(raw, bool | time | timedelta) or (isinstance(raw, float) and not raw.is_integer()):
        return bad
    text = _DIGIT_SPACE.sub(",", clean_text(as_text(raw))).replace(" ", "")
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
                return problem_cell(ReasonCode.BAD_MONTHS, f"{show(raw)} に 1～12 以外の月があります")
            # Inclusive, wrapping over the year end: 12～2 → 12, 1, 2.
            months.update((start - 1 + i) % 12 + 1 for i in range(((end or start) - start) % 12 + 1))
    return Cell(tuple(sorted(months))) if months else bad


def parse_date(raw: object) -> Cell:
    """Read a date as staff type it: 2025-04-01, 2025/4/1, 2025年4月1日, 令和7年4月1日, R7.4.1."""
    if is_blank(raw):
        return BLANK
    if isinstance(raw, datetime):
        return Cell(raw.date())
    if isinstance(raw, date):
        return Cell(raw)
    bad = unreadable(ReasonCode.BAD_DATE, raw, "日付", DATE_EXAMPLES)
    m = _DATE.fullmatch(_TIME_TAIL.sub("", clean_text(as_text(raw))).replace(" ", ""))
    year = None if m is None else int(m[1]) if m[1] else _era_year(m[2], m[3])
    if m is None or year is None:
        return bad
    try:
        value = date(year, int(m[4]), int(m[5]))
    except ValueError:
        return bad
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        return problem_cell(
            ReasonCode.BAD_DATE, f"{show(raw)} は日付として範囲外です（{YEAR_MIN}～{YEAR_MAX}年）"
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
    if is_blank(raw):
        return BLANK
    bad = unreadable(
        ReasonCode.BAD_YEAR_MONTH, raw, "年月", "例: 2024-04, 2024/4, 2024年4月, 令和6年4月, R6.4"
    )
    if isinstance(raw, date):
        year, month = raw.year, raw.month
    elif isinstance(raw, bool | time | timedelta) or (isinstance(raw, float) and not raw.is_integer()):
        return bad  # 2024.10 typed as a number is 2024.1: not safe to read as October
    else:
        text = _TIME_TAIL.sub("", clean_text(as_text(raw))).replace(" ", "")
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
        return problem_cell(ReasonCode.BAD_YEAR_MONTH, f"{show(raw)} は年月として範囲外です")
    return Cell((year, month))
