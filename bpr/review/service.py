"""Record a review decision: the rule of `bpr.review.rule` first, then the repository stores it.

The web form, `dxi review` (one task or an xlsx import) and the demo record decisions
through `record_decision`; `inventory.db.scoring_repo.record_review` only stores.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bpr.review.rule import checked_review
from inventory.db.scoring_repo import record_review
from inventory.db.scoring_tables import Review


def record_decision(
    *, session: Session, task_id: int, decision: str, reason: str, reviewer: str, source: str = "cli"
) -> Review:
    """Append a decision on a task, with its trimmed reason; ReviewError when the rule refuses it."""
    decision, reason = checked_review(decision, reason)
    return record_review(
        session=session, task_id=task_id, decision=decision, reason=reason, reviewer=reviewer, source=source
    )
