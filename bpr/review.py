"""Review decisions: the accepted values and when a decision needs a second look."""

from __future__ import annotations

import math

DECISIONS: tuple[str, ...] = ("採用", "保留", "不採用")
REREVIEW_POINTS = 15.0  # a score that moved this much since the decision is worth a second look


def needs_rereview(
    *,
    rpa_now: float | None,
    ocr_now: float | None,
    rpa_then: float | None,
    ocr_then: float | None,
    threshold: float = REREVIEW_POINTS,
) -> bool:
    """True when either score moved by `threshold` points or more since the decision.

    A decision taken before any scoring run (no scores recorded) is not flagged: there
    is nothing to compare it with.
    """
    moved = [
        abs(now - then)
        for now, then in ((rpa_now, rpa_then), (ocr_now, ocr_then))
        if now is not None and then is not None and not (math.isnan(now) or math.isnan(then))
    ]
    return any(delta >= threshold for delta in moved)
