"""What a normalised cell is, and the text cleaning every cell parser shares.

A cell becomes a value, a `Problem` with a stable `ReasonCode`, or a blank; never a
silent zero. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum


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

# Range dashes after NFKC (～ and － have become ~ and -; 〜 and the other dashes stay).
DASH_CHARS = "~〜-‐‑‒–—―−"
DASH = f"[{re.escape(DASH_CHARS)}]"

# C0/C1 controls, zero-width characters and bidi marks/overrides (U+061C, U+200E-F,
# U+202A-E, U+2066-9): invisible, and an override can make a name read backwards.
_CONTROL = re.compile(
    r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"\s+")
_LOOSE_SPACE = re.compile(r"(?<!\d) | (?!\d)")


def clean_text(text: str) -> str:
    """NFKC, drop control characters, collapse whitespace: what the clerk meant to type."""
    text = _CONTROL.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text).strip()


def as_text(raw: object) -> str:
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


def compact(raw: object) -> str:
    """Drop spaces ("約 1,200 件"), except between digits: "20 30" must not read as 2030."""
    return _LOOSE_SPACE.sub("", clean_text(as_text(raw)))


def show(raw: object) -> str:
    """Quote the bad value in a message, short enough to read."""
    text = _SPACES.sub(" ", as_text(raw)).strip()
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def problem_cell(code: ReasonCode, message: str) -> Cell:
    """A cell that cannot be read, with its reason."""
    return Cell(None, Problem(code, message))


def unreadable(code: ReasonCode, raw: object, what: str, accepted: str) -> Cell:
    """The problem cell of a value that is not a `what`, naming what is accepted."""
    return problem_cell(code, f"{show(raw)} は{what}として読めません（{accepted}）")


def is_blank(raw: object) -> bool:
    """True for None and for text that is empty once cleaned."""
    return raw is None or (isinstance(raw, str) and not clean_text(raw))


def parse_text(raw: object) -> Cell:
    """Read free text: NFKC, control characters dropped, whitespace runs collapsed."""
    if raw is None:
        return BLANK
    text = clean_text(as_text(raw))
    if len(text) > MAX_TEXT_LENGTH:
        return problem_cell(
            ReasonCode.TOO_LONG, f"{len(text)} 文字あります。{MAX_TEXT_LENGTH} 文字以内にしてください"
        )
    return Cell(text or None)
