"""How figures and times are shown to a person: one place, so every table agrees.

Hours carry thousands separators. A task's or a pilot's hours show one decimal
(`2,331.5`); totals for a 課 or the whole town show whole hours (`119,571`), as the
effect report does. Times are stored in UTC and shown in Asia/Tokyo, `2025-06-03 14:05`,
as the web screens show them. A missing figure is 「—」, never nan or None.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")
MISSING = "—"
TASK_HOUR_DIGITS = 1


def missing(value: object) -> bool:
    """True for None and NaN (pandas' missing float)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def hours(value: float | None, digits: int = 0) -> str:
    """Format hours with thousands separators; — when there is no figure."""
    return MISSING if value is None or missing(value) else f"{value:,.{digits}f}"


def task_hours(value: float | None) -> str:
    """Hours of one task or pilot: one decimal (`2,331.5`)."""
    return hours(value, TASK_HOUR_DIGITS)


def pct(value: float | None, digits: int = 1) -> str:
    """Format a percentage; — when there is no figure."""
    return MISSING if value is None or missing(value) else f"{value:.{digits}f}%"


def signed(value: float | None, digits: int = 1) -> str:
    """Format a per-staff monthly change in hours as 「3.2時間減」/「0.4時間増」."""
    if value is None or missing(value):
        return MISSING
    return f"{abs(value):.{digits}f}時間{'減' if value < 0 else '増'}"


def japan_time(value: datetime | None) -> str:
    """A stored time (UTC; naive means UTC, as SQLite returns it) in Japan: 2025-06-03 14:05."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M")
