"""The 提出状況 page's 督促 button: the campaign-reminder flow's list, made in the request's transaction.

The same steps as the `campaign-reminder` flow (whom: `inventory.campaign.status.outstanding`;
the mail-merge CSV in the campaign's outbox, written by the same `write_reminder_csv`;
`campaign_repo.record_reminder` in the audit log), run in the request's one transaction: a web request
never starts Prefect, and on SQLite a second connection would wait on the request's
own write lock. The notification block, which needs a Prefect server, is left to the
scheduled flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from flows.jobs.reminder import chased, write_reminder_csv
from inventory.campaign.screening import to_chase
from inventory.campaign.status import outstanding
from inventory.db.campaign_repo import campaign_progress, record_reminder
from inventory.db.campaign_tables import Campaign
from inventory.db.screening_repo import screening_progress


@dataclass(frozen=True)
class Reminded:
    """Whom the list names and where it was written (None when nobody was outstanding)."""

    departments: list[str]
    csv_path: str | None


def remind(*, session: Session, campaign: Campaign, today: date, actor: str) -> Reminded:
    """Write the 督促リスト of the 課 still owing a valid survey or 二次調査票 and note it in the audit log."""
    late = outstanding(campaign_progress(session=session, fiscal_year=campaign.fiscal_year, today=today))
    screening = to_chase(screening_progress(session=session, fiscal_year=campaign.fiscal_year))
    if not late and not screening:
        return Reminded([], None)
    target = write_reminder_csv(late, campaign.outbox, today, screening)
    names = chased(late, screening)
    record_reminder(session=session, campaign=campaign, departments=names, actor=actor, csv=target,
                    notification="not_configured", via="web")  # fmt: skip
    return Reminded(names, target)
