"""Read a volume cell in the unit a layout declares: 件, 分, 時間, 人工, 人日, 人月, % or 自動.

A bare number takes the column's declared unit; text that carries its own unit of the
same kind is read by it (``1時間44分`` in a 分 column is 104 minutes, ``100時間`` in a
人工 column is 100 hours); a unit of another kind (``30分`` in a 件 column) is an error.
The result is in the field's canonical unit: 件 for annual_volume, minutes for
minutes_per_case, hours for annual_hours and hours_after, persons for staff_count. Range
and sign rules stay with the survey's normalisers, which see the converted number. Pure.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import time, timedelta
from typing import Literal

from inventory.survey.cells import BLANK, Cell, Problem

Dimension = Literal["count", "time", "persons"]
DIMENSIONS: dict[str, Dimension] = {
    "annual_volume": "count",
    "minutes_per_case": "time",
    "annual_hours": "time",
    "hours_after": "time",
    "staff_count": "persons",
}
HOURS_PER_PERSON_DAY = 8.0
HOURS_PER_PERSON_MONTH = 160.0
BAD_UNIT = "bad_unit"
_WHAT = {"count": "件数", "time": "時間", "persons": "人数"}
_EXAMPLES = {
    "annual_volume": "1200, 1,200件, 約1200件",
    "minutes_per_case": "30, 30分, 1時間30分, 約30分",
    "annual_hours": "71, 71時間, 1時間44分, 約71時間, 0.5人工",
    "hours_after": "10, 10時間, 30分, 0.1人工",
    "staff_count": "2, 0.5, 2人, 0.5人工",
}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_SINGLE = re.compile(rf"(?P<n>{_NUM})(?P<man>万)?(?P<unit>\D*?)(?:/(?:1?件|年間?))?")
_HOURS_MINUTES = re.compile(rf"(?P<h>{_NUM})(?:時間|hrs?|h)(?:(?P<half>半)|(?P<m>{_NUM})(?:分間?|min))")
_CLOCK = re.compile(r"(\d{1,5}):([0-5]\d)")
_APPROX = re.compile(r"^(?:約|およそ|おおよそ|概ね|大体|ほぼ|年間|年)+|(?:程度|くらい|ぐらい|前後|ほど)$")
_RANGE = re.compile(r"(.+?)[~〜\-‐‑‒–—―−](.+)")
_COUNT_WORDS = ("件", "枚", "回", "通", "部", "冊", "世帯", "人", "名")
_PERSON_WORDS = ("人", "名")
_MINUS = ("-", "‐", "‑", "−")


def _time_words(hours_per_person_year: float) -> dict[str, float]:
    """Text units of time → hours."""
    return {
        "時間": 1.0, "h": 1.0, "hr": 1.0, "hrs": 1.0, "分": 1 / 60, "分間": 1 / 60, "min": 1 / 60,
        "人工": hours_per_person_year, "人年": hours_per_person_year, "人日": HOURS_PER_PERSON_DAY,
        "人月": HOURS_PER_PERSON_MONTH, "%": hours_per_person_year / 100,
    }  # fmt: skip


def _words(field: str, hours_per_person_year: float) -> dict[str, float]:
    """The unit words a field reads, each with its factor to the field's canonical unit."""
    dimension = DIMENSIONS.get(field, "time")
    if dimension == "count":
        return dict.fromkeys(_COUNT_WORDS, 1.0)
    if dimension == "persons":
        return {**dict.fromkeys(_PERSON_WORDS, 1.0), "人工": 1.0}
    per = 60.0 if field == "minutes_per_case" else 1.0
    return {word: hours * per for word, hours in _time_words(hours_per_person_year).items()}


_KNOWN_WORDS = frozenset(w for f in ("annual_volume", "annual_hours", "staff_count") for w in _words(f, 1.0))


def _declared_word(unit: str, field: str) -> str:
    """The unit a bare number is in: the declared one; for 自動, the field's everyday unit."""
    if unit != "自動":
        return unit
    return {"minutes_per_case": "分", "annual_volume": "件", "staff_count": "人"}.get(field, "時間")


def _show(raw: object) -> str:
    try:
        text = " ".join(str(raw).split())
    except ValueError:  # an int beyond Python's 4300-digit str() limit
        return "(桁数が多すぎる数値)"
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def _problem(raw: object, unit: str, field: str) -> Cell:
    dimension = DIMENSIONS[field]
    message = f"{_show(raw)} は{_WHAT[dimension]}として読めません（例: {_EXAMPLES[field]}）"
    return Cell(None, Problem(BAD_UNIT, message))


def _amount(text: str, words: dict[str, float], default: str) -> float | None | str:
    """A single quantity in base units; a unit word of another kind is returned as text."""
    if m := _CLOCK.fullmatch(text):
        return (int(m[1]) + int(m[2]) / 60) * words["時間"] if "時間" in words else None
    if m := _HOURS_MINUTES.fullmatch(text):
        if "時間" not in words:
            return "時間"
        minutes = 30.0 if m["half"] else float(m["m"].replace(",", ""))
        return float(m["h"].replace(",", "")) * words["時間"] + minutes * words["分"]
    m = _SINGLE.fullmatch(text)
    if m is None:
        return None
    number = float(m["n"].replace(",", "")) * (10000 if m["man"] else 1)
    word = m["unit"] or default
    if word in words:
        return number * words[word]
    return word if word in _KNOWN_WORDS else None


def read_quantity(raw: object, unit: str, field: str, *, hours_per_person_year: float) -> Cell:
    """Read one cell of a quantity field in the layout's unit, into the field's canonical unit.

    Never raises: an unreadable value is a Cell with a `bad_unit` problem whose message
    says what was expected; the caller adds the sheet, row, cell and layout key.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return BLANK
    words = _words(field, hours_per_person_year)
    default = _declared_word(unit, field)
    if isinstance(raw, bool):
        return _problem(raw, unit, field)
    if isinstance(raw, int | float):
        try:
            return _checked(raw, unit, field, float(raw) * words.get(default, 1.0))
        except OverflowError:  # an int beyond float range
            return _problem(raw, unit, field)
    if isinstance(raw, time | timedelta):
        if "時間" not in words:
            return _problem(raw, unit, field)
        span = raw if isinstance(raw, timedelta) else timedelta(hours=raw.hour, minutes=raw.minute)
        return Cell(span.total_seconds() / 3600 * words["時間"])
    return _read_text(raw, unit, field, words, default)


def _checked(raw: object, unit: str, field: str, value: float, warning: str | None = None) -> Cell:
    if not math.isfinite(value):
        return _problem(raw, unit, field)
    if value < 0:
        return Cell(None, Problem("negative", f"{_show(raw)} は負の数です。0以上の数を入力してください"))
    return Cell(value, warning=warning)


def _read_text(raw: object, unit: str, field: str, words: dict[str, float], default: str) -> Cell:
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split())
    core = _APPROX.sub("", text)
    value = _amount(core, words, default)
    if isinstance(value, float):
        return _checked(raw, unit, field, value)
    if core[:1] in _MINUS and isinstance(negative := _amount(core[1:], words, default), float):
        return _checked(raw, unit, field, -negative)
    if isinstance(value, str):
        return _incompatible(raw, field, value)
    if m := _RANGE.fullmatch(core):
        lo_text, hi_text = _APPROX.sub("", m[1]), _APPROX.sub("", m[2])
        tail = _SINGLE.fullmatch(hi_text)
        lo_default = tail["unit"] if tail and tail["unit"] in words else default
        lo, hi = _amount(lo_text, words, lo_default), _amount(hi_text, words, default)
        if isinstance(lo, float) and isinstance(hi, float):
            mid = (lo + hi) / 2
            shown = f"{mid:.4f}".rstrip("0").rstrip(".")
            return _checked(raw, unit, field, mid, f"範囲「{_show(raw)[1:-1]}」を中央値 {shown} としました")
    return _problem(raw, unit, field)


def _incompatible(raw: object, field: str, word: str) -> Cell:
    dimension = DIMENSIONS[field]
    message = f"{_show(raw)} の「{word}」は{_WHAT[dimension]}の単位ではありません（例: {_EXAMPLES[field]}）"
    return Cell(None, Problem(BAD_UNIT, message))
