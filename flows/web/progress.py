"""Campaign progress per 課 for the dashboard and 提出状況.

When a campaign was opened for the 年度 (`dxi campaign open`), its states are used
(sent / received / rejected / resubmitted / missing, with deadlines); without one,
the states are derived from the submissions and rejected files alone, with no
deadline (a 課 without a file is then "sent": not submitted, not overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from inventory.db.web_status_repo import submission_status

STATE_LABELS = {
    "received": "受理",
    "resubmitted": "受理（再提出）",
    "sent": "未提出",
    "rejected": "差し戻し",
    "missing": "未提出（期限超過）",
}


@dataclass(frozen=True)
class ProgressRow:
    """One 課's state in the 年度's campaign."""

    department: str
    division: str | None
    state: str
    error_count: int
    deadline: date | None
    days_left: int | None


def progress(*, session: Session, fiscal_year: int, department: str | None = None) -> list[ProgressRow]:
    """Per 課 (only `department`, when given): campaign state, errors of the last rejected file, deadline."""
    from inventory.db.campaign_repo import campaign_progress

    rows = [
        ProgressRow(r.department, r.division, r.state, r.error_count, r.deadline, r.days_left)
        for r in campaign_progress(session=session, fiscal_year=fiscal_year)
    ]
    if not rows:
        rows = [
            # No campaign, so no deadline: a 課 without a file is not yet "past the deadline".
            ProgressRow(s.department, s.division, "sent" if s.state == "missing" else s.state,
                        int(s.rejections[0]["errors"] or 0) if s.rejections else 0, None, None)
            for s in submission_status(session=session, fiscal_year=fiscal_year)
        ]  # fmt: skip
    return [r for r in rows if department is None or r.department == department]


def state_counts(rows: list[ProgressRow]) -> list[tuple[str, int]]:
    """(label, count) per state, in a fixed order, for the chart."""
    return [(label, sum(1 for r in rows if r.state == state)) for state, label in STATE_LABELS.items()]
