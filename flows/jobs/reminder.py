"""The campaign reminder as plain functions: whom to chase, the mail-merge CSV, the audit note.

The `campaign-reminder` flow wraps these in tasks and adds what needs a Prefect server
(the markdown artifact, the notification block); `remind` runs them in the calling
process, for `dxi campaign remind` with no server.

Surveys are chased while their campaign is open. The 二次調査票 go out after scoring,
often after `dxi campaign close`: they are chased for the campaign's 年度 whether it is
open or closed, until each 課 has sent its workbook back applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from inventory.campaign.screening import ScreeningStatus, reminder_line, reminder_row, to_chase
from inventory.campaign.status import (
    REMINDER_HEADERS,
    CampaignSummary,
    DepartmentStatus,
    outstanding,
    reminder_message,
    status_row,
    summarise,
)
from inventory.db.campaign_repo import campaign_progress, get_campaign, record_reminder
from inventory.db.campaign_tables import Campaign
from inventory.db.engine import engine_for, session_scope
from inventory.era import era_label
from inventory.export import to_csv

JOB = "campaign-reminder"
NotificationStatus = Literal["sent", "not_configured", "failed", "not_needed"]
# A notification block is stored on the Prefect server: without one running there is nothing to load.
NEEDS_SERVER = (
    "Prefect サーバーが動いていないため通知ブロックを使えません。"
    "dxi serve を起動するか PREFECT_API_URL を設定してください"
)


@dataclass(frozen=True)
class ChasedCampaign:
    """The campaign a reminder works for, detached from the session: open, or closed (二次調査票 only)."""

    id: int
    fiscal_year: int
    deadline: date
    outbox: str
    is_open: bool = True


@dataclass(frozen=True)
class ReminderSummary:
    """What a reminder run did: whom it lists, the CSV it wrote, whether it notified."""

    fiscal_year: int | None
    message: str
    departments: list[str] = field(default_factory=list)
    csv_path: str | None = None
    notification: NotificationStatus = "not_needed"
    notification_error: str | None = None

    def line(self) -> str:
        """The run's outcome in one Japanese line, for the run history."""
        if not self.departments or self.fiscal_year is None:
            return self.message
        return f"{era_label(self.fiscal_year)}: 督促 {len(self.departments)} 課（{self.csv_path}）"


def load_progress(
    database_url: str, fiscal_year: int | None, today: date
) -> tuple[ChasedCampaign | None, list[DepartmentStatus]]:
    """Read the campaign to chase for (the open one, else the 年度's latest) and where each of its 課 stands.

    A closed campaign's 課 are not chased for the survey any more: no statuses.
    """
    with session_scope(engine_for(database_url)) as session:
        campaign = get_campaign(session=session, fiscal_year=fiscal_year)
        if campaign is None:
            return None, []
        is_open = campaign.status == "open"
        found = ChasedCampaign(campaign.id, campaign.fiscal_year, campaign.deadline, campaign.outbox, is_open)
        if not is_open:
            return found, []
        return found, campaign_progress(session=session, fiscal_year=campaign.fiscal_year, today=today)


def load_screening(database_url: str, fiscal_year: int) -> list[ScreeningStatus]:
    """The 課 of the 年度 whose 二次調査票 has not come back applied (not sent back, or rejected)."""
    from inventory.db.screening_repo import screening_progress

    with session_scope(engine_for(database_url)) as session:
        return to_chase(screening_progress(session=session, fiscal_year=fiscal_year))


def write_reminder_csv(
    statuses: list[DepartmentStatus], folder: str, today: date, screening: Sequence[ScreeningStatus] = ()
) -> str:
    """Write the mail-merge list (UTF-8 with BOM so Excel reads it; cells formula-safe): the 課
    owing a survey, then those owing a 二次調査票."""
    target = Path(folder) / f"督促リスト_{today.isoformat()}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".csv.tmp")
    rows = [status_row(s) for s in statuses] + [reminder_row(s) for s in screening]
    tmp.write_text(to_csv(rows, REMINDER_HEADERS), encoding="utf-8-sig", newline="")
    tmp.replace(target)  # a mail merge never reads half a file
    return str(target)


def record(
    database_url: str, campaign_id: int, departments: list[str], csv_path: str, notification: str,
    actor: str = JOB,
) -> None:  # fmt: skip
    """Note in the audit log who was chased."""
    with session_scope(engine_for(database_url)) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is not None:
            record_reminder(
                session=session, campaign=campaign, departments=departments, actor=actor,
                csv=csv_path, notification=notification,
            )  # fmt: skip


def nothing_open(fiscal_year: int | None) -> str:
    """The message of a run with no open campaign (and, after the close, no 二次調査票 owed)."""
    which = f"{era_label(fiscal_year)}の" if fiscal_year is not None else ""
    return f"{which}実施中の調査がないため、督促は行いません"


def all_sent(fiscal_year: int) -> str:
    """The message of a run where every 課 has sent a valid survey (and its 二次調査票, if it got one)."""
    return f"{era_label(fiscal_year)}: すべての課から提出済みです。督促は不要です"


def chased(late: Sequence[DepartmentStatus], screening: Sequence[ScreeningStatus]) -> list[str]:
    """The 課 the list names, each once: those owing a survey, then those owing a 二次調査票."""
    return list(dict.fromkeys([*(s.department for s in late), *(s.department for s in screening)]))


def message(
    fiscal_year: int, statuses: Sequence[DepartmentStatus], summary: CampaignSummary,
    screening: Sequence[ScreeningStatus],
) -> str:  # fmt: skip
    """The notification text: the surveys still owed, then the 二次調査票 still owed."""
    parts = [reminder_message(fiscal_year, statuses, summary)] if outstanding(statuses) else []
    if screening:
        parts.append(f"{era_label(fiscal_year)} {reminder_line(screening)}")
    return "".join(parts)


def remind(
    *, database_url: str, fiscal_year: int | None, today: date, notification_block: str | None, actor: str
) -> ReminderSummary:
    """List the 課 still owing a survey or a 二次調査票 and write the CSV, in the calling process (no notification)."""
    campaign, statuses = load_progress(database_url, fiscal_year, today)
    screening = load_screening(database_url, campaign.fiscal_year) if campaign is not None else []
    if campaign is None or (not campaign.is_open and not screening):
        return ReminderSummary(fiscal_year=fiscal_year, message=nothing_open(fiscal_year))
    late = outstanding(statuses)
    if not late and not screening:
        return ReminderSummary(fiscal_year=campaign.fiscal_year, message=all_sent(campaign.fiscal_year))
    csv_path = write_reminder_csv(late, campaign.outbox, today, screening)
    status: NotificationStatus = "failed" if notification_block else "not_configured"
    names = chased(late, screening)
    record(database_url, campaign.id, names, csv_path, status, actor)
    summary = summarise(statuses, deadline=campaign.deadline, today=today)
    text = message(campaign.fiscal_year, statuses, summary, screening)
    return ReminderSummary(
        fiscal_year=campaign.fiscal_year, message=text, departments=names, csv_path=csv_path,
        notification=status, notification_error=NEEDS_SERVER if notification_block else None,
    )  # fmt: skip
