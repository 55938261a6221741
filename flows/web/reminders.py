"""The 提出状況 page's 督促 button: the campaign-reminder flow's list, made in the request's transaction.

Surveys are chased while the campaign is open, the 二次調査票 also after its close (as
`flows.jobs.reminder` does).

The same steps as the `campaign-reminder` flow (whom: `inventory.campaign.status.outstanding`;
the mail-merge CSV in the campaign's outbox, written by the same `write_reminder_csv`;
`campaign_repo.record_reminder` in the audit log), run in the request's one transaction: a web request
never starts Prefect, and on SQLite a second connection would wait on the request's
own write lock. The notification block, which needs a Prefect server, is left to the
scheduled flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from flows.jobs.reminder import chased, write_reminder_csv
from inventory.campaign.screening import ScreeningStatus, to_chase
from inventory.campaign.status import DepartmentStatus, outstanding
from inventory.db.campaign_repo import campaign_progress, record_reminder
from inventory.db.campaign_tables import Campaign
from inventory.db.screening_repo import screening_progress


@dataclass(frozen=True)
class Reminded:
    """Whom the list names and where it was written (None when nobody was outstanding)."""

    departments: list[str]
    csv_path: str | None


@dataclass(frozen=True)
class Owed:
    """Whom a 督促 would list now: 課 owing a survey (open campaign only), 課 owing a 二次調査票."""

    late: list[DepartmentStatus]
    screening: list[ScreeningStatus]

    @property
    def departments(self) -> list[str]:
        return chased(self.late, self.screening)


def whom(
    *, session: Session, campaign: Campaign, today: date, progress: Sequence[DepartmentStatus] | None = None
) -> Owed:
    """The 課 the reminder would chase: surveys while the campaign is open, 二次調査票 open or closed.

    `progress`: the campaign's statuses when the caller has them already (the page has).
    """
    if progress is None:
        progress = campaign_progress(session=session, fiscal_year=campaign.fiscal_year, today=today)
    late = outstanding(progress) if campaign.status == "open" else []
    return Owed(late, to_chase(screening_progress(session=session, fiscal_year=campaign.fiscal_year)))


def remind(*, session: Session, campaign: Campaign, today: date, actor: str) -> Reminded:
    """Write the 督促リスト of the 課 still owing a valid survey or 二次調査票 and note it in the audit log."""
    owed = whom(session=session, campaign=campaign, today=today)
    if not owed.departments:
        return Reminded([], None)
    target = write_reminder_csv(owed.late, campaign.outbox, today, owed.screening)
    record_reminder(session=session, campaign=campaign, departments=owed.departments, actor=actor, csv=target,
                    notification="not_configured", via="web")  # fmt: skip
    return Reminded(owed.departments, target)
