"""Read the number columns: 件数, 職員数, minutes per case, annual hours, whole counts, overtime hours.

Clerks type units, 約, 1.2万 and ranges into number cells; a range is read as its
midpoint with a warning. Pure functions, no I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal

from inventory.survey.cells import BLANK, DASH, Cell, ReasonCode, compact, problem_cell, show, unreadable

_MINUS_CHARS = "-‐‑−"  # a leading one makes a negative number; a leading ～ ("up to 30") does not
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_APPROX = re.compile(r"^(?:約|およそ|おおよそ|概ね|大体|ほぼ)|(?:程度|くらい|ぐらい|前後)$")
_RANGE = re.compile(rf"(.+?){DASH}(.+)")
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


def _f(text: str | None) -> float:
    return float(text.replace(",", "")) if text else 0.0


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
        return unreadable(ReasonCode.NOT_A_NUMBER, raw, "数値", f"大きすぎます。例: {examples}")
    if value < 0:
        return problem_cell(ReasonCode.NEGATIVE, f"{show(raw)} は負の数です。0以上の数を入力してください")
    return Cell(value, warning=warning)


def _number(raw: object, amount: Callable[[str], float | None], examples: str) -> Cell:
    """Read a number ≥ 0 with units, 約 and ranges; the shared path of the number columns."""
    if raw is None:
        return BLANK
    not_a_number = unreadable(ReasonCode.NOT_A_NUMBER, raw, "数値", f"例: {examples}")
    if isinstance(raw, bool | date | time | timedelta):
        return not_a_number
    if isinstance(raw, int | float):
        try:
            return _checked(raw, float(raw), examples)
        except OverflowError:
            return _checked(raw, math.inf, examples)
    text = compact(raw)
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
            return _checked(raw, mid, examples, f"範囲「{show(raw)[1:-1]}」を中央値 {shown} としました")
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
        return problem_cell(
            ReasonCode.NOT_POSITIVE,
            "処理時間が 0 です。0より大きい分数を入力してください（例: 30, 1時間30分）",
        )
    return cell


_SHARE = re.compile(rf"({_NUM})(%|パーセント|割)?")


def _share_amount(s: str) -> float | None:
    """60% → 0.6, 6割 → 0.6, 0.6 → 0.6; a bare number above 1 is read as a percentage (60 → 0.6)."""
    if (m := _SHARE.fullmatch(s)) is None:
        return None
    value = _f(m[1])
    if m[2] == "割":
        return value / 10
    return value / 100 if m[2] or value > 1 else value


def parse_share(raw: object) -> Cell:
    """Read 自動化できる割合: a share 0–1 (60%, ６０％, 6割, 0.6, 60; an Excel 60% cell holds 0.6)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 1:
        raw = f"{raw}%"
    cell = _number(raw, _share_amount, "60%, 6割, 0.6")
    if isinstance(cell.value, float) and cell.value > 1:
        return problem_cell(
            ReasonCode.NOT_A_NUMBER,
            f"{show(raw)} は 100% を超えています。0〜100% で入力してください（例: 60%, 6割）",
        )
    return cell


def _annual_hours_amount(s: str) -> float | None:
    core = s.removeprefix("年間").removesuffix("/年間").removesuffix("/年")
    return _hours_amount(core)


def parse_annual_hours(raw: object) -> Cell:
    """Read 年間時間: hours ≥ 0 (120, 120時間, 約71時間, 1時間44分, 30分 = 0.5, a [h]:mm cell)."""
    value = raw
    if isinstance(value, time):
        value = timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    if isinstance(value, timedelta):
        value = value.total_seconds() / 3600
    return _number(value, _annual_hours_amount, "120, 120時間, 約71時間, 1時間44分")


def parse_int(raw: object) -> Cell:
    """Read a whole count ≥ 0 (様式数, 使用システム数); 2.0 is fine, 2.5 is not."""
    cell = _number(raw, _int_amount, "0, 3, 3種類")
    if not isinstance(cell.value, float):
        return cell
    if not cell.value.is_integer():
        return problem_cell(
            ReasonCode.NOT_INTEGER, f"{show(raw)} は整数ではありません。0以上の整数を入力してください"
        )
    return Cell(int(cell.value), warning=cell.warning)


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
        return unreadable(ReasonCode.BAD_HOURS, raw, "時間数", "例: 12.5, 12時間30分, 12:30")
    return cell
