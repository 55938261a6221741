"""Review decisions: the one rule for what may be recorded, and when a decision needs a second look.

The web form, `dxi review`, the xlsx import and `bpr.review.service` all call
`review_problems` / `checked_review`, so a decision is judged the same way whichever
way it comes in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from bpr.errors import ReviewError

DECISIONS: tuple[str, ...] = ("採用", "保留", "不採用")
MAX_REASON = 2000  # characters; a reason is a sentence or two, never a pasted document
REREVIEW_POINTS = 15.0  # a score that moved this much since the decision is worth a second look


@dataclass(frozen=True)
class ReviewProblem:
    """Why a decision cannot be recorded: the field at fault, a stable code, a Japanese message."""

    field: Literal["decision", "reason"]
    code: Literal["unknown_choice", "required", "too_long"]
    message: str


def review_problems(decision: str | None, reason: str | None) -> list[ReviewProblem]:
    """Every problem with a decision and its reason (judged without surrounding spaces); empty when fine."""
    problems: list[ReviewProblem] = []
    choices = "・".join(DECISIONS)
    if not decision:
        problems.append(ReviewProblem("decision", "unknown_choice", f"判断を {choices} から選んでください"))
    elif decision not in DECISIONS:
        problems.append(
            ReviewProblem(
                "decision",
                "unknown_choice",
                f"判断「{decision}」は選べません（{choices} から選んでください）",
            )
        )
    text = (reason or "").strip()
    if not text:
        problems.append(ReviewProblem("reason", "required", "判断の理由を入力してください"))
    elif len(text) > MAX_REASON:
        problems.append(
            ReviewProblem(
                "reason",
                "too_long",
                f"理由は{MAX_REASON:,}文字以内で入力してください（{len(text):,}文字あります）",
            )
        )
    return problems


def checked_review(decision: str | None, reason: str | None) -> tuple[str, str]:
    """The decision and its trimmed reason, or ReviewError carrying every problem."""
    problems = review_problems(decision, reason)
    if problems:
        raise ReviewError("、".join(p.message for p in problems), problems=[p.message for p in problems])
    return str(decision), str(reason).strip()


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
