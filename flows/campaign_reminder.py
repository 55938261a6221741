"""The `campaign-reminder` flow: chase the 課 that have not sent a valid survey yet.

Scheduled on weekday mornings; with no open campaign it does nothing and says so. It
publishes a Japanese markdown artifact, writes a mail-merge CSV into the campaign's
outbox folder and, when `DXI_NOTIFICATION_BLOCK` names a Prefect notification block,
sends a short message through it. A failed notification is logged as a warning and
reported in the summary; it does not undo the list and the CSV the team relies on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from inventory.campaign.status import (
    REMINDER_HEADERS,
    DepartmentStatus,
    outstanding,
    reminder_markdown,
    reminder_message,
    status_row,
    summarise,
    today_in_japan,
)
from inventory.db.campaign_repo import campaign_progress, find_open_campaign, record_reminder
from inventory.db.campaign_tables import Campaign
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import ensure_schema
from inventory.era import era_label
from inventory.export import to_csv
from inventory.settings import get_settings

NotificationStatus = Literal["sent", "not_configured", "failed", "not_needed"]


@dataclass(frozen=True)
class OpenCampaign:
    """The open campaign, detached from the session."""

    id: int
    fiscal_year: int
    deadline: date
    outbox: str


@dataclass(frozen=True)
class ReminderSummary:
    """What a reminder run did: whom it lists, the CSV it wrote, whether it notified."""

    fiscal_year: int | None
    message: str
    departments: list[str] = field(default_factory=list)
    csv_path: str | None = None
    notification: NotificationStatus = "not_needed"
    notification_error: str | None = None


@task(name="load-campaign-progress", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load_progress(
    database_url: str, fiscal_year: int | None, today: date
) -> tuple[OpenCampaign | None, list[DepartmentStatus]]:
    """Read the open campaign and where each of its 課 stands."""
    with session_scope(engine_for(database_url)) as session:
        campaign = find_open_campaign(session=session, fiscal_year=fiscal_year)
        if campaign is None:
            return None, []
        found = OpenCampaign(campaign.id, campaign.fiscal_year, campaign.deadline, campaign.outbox)
        return found, campaign_progress(session=session, fiscal_year=campaign.fiscal_year, today=today)


@task(name="write-reminder-csv", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_reminder_csv(statuses: list[DepartmentStatus], folder: str, today: date) -> str:
    """Write the mail-merge list (UTF-8 with BOM so Excel reads it; cells formula-safe)."""
    target = Path(folder) / f"督促リスト_{today.isoformat()}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".csv.tmp")
    tmp.write_text(
        to_csv([status_row(s) for s in statuses], REMINDER_HEADERS), encoding="utf-8-sig", newline=""
    )
    tmp.replace(target)  # a mail merge never reads half a file
    return str(target)


def load_notification_block(name: str) -> Any:
    """Load a notification block by `type-slug/name`, or by a bare name when only one block has it."""
    from prefect.blocks.abstract import NotificationBlock
    from prefect.blocks.core import Block

    if "/" not in name:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            slugs = sorted(
                {
                    d.block_type.slug
                    for d in client.read_block_documents(include_secrets=False)
                    if d.name == name and d.block_type
                }
            )
        if len(slugs) != 1:
            found = "見つかりません" if not slugs else f"複数の種類にあります（{', '.join(slugs)}）"
            raise LookupError(
                f"通知ブロック「{name}」が{found}。「種類/名前」（例: custom-webhook/{name}）で指定してください"
            )
        name = f"{slugs[0]}/{name}"
    block = Block.load(name)
    if not isinstance(block, NotificationBlock):
        raise TypeError(f"ブロック「{name}」は通知ブロックではありません")
    return block


@task(name="notify-reminder", retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
def notify(block_name: str, subject: str, body: str) -> None:
    """Send the reminder through the configured Prefect notification block."""
    load_notification_block(block_name).notify(body=body, subject=subject)


@task(name="record-reminder", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def record(
    database_url: str, campaign_id: int, departments: list[str], csv_path: str, notification: str
) -> None:
    """Note in the audit log who was chased."""
    with session_scope(engine_for(database_url)) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is not None:
            record_reminder(
                session=session, campaign=campaign, departments=departments, actor="campaign-reminder",
                csv=csv_path, notification=notification,
            )  # fmt: skip


@flow(name="campaign-reminder")
def campaign_reminder(
    fiscal_year: int | None = None, database_url: str | None = None, today: str | None = None
) -> ReminderSummary:
    """List the 課 still owing a valid survey; artifact, mail-merge CSV and an optional notification."""
    logger = get_run_logger()
    settings = get_settings()
    url = database_url or settings.db_url
    ensure_schema(engine_for(url))
    day = date.fromisoformat(today) if today else today_in_japan()
    campaign, statuses = load_progress(url, fiscal_year, day)
    if campaign is None:
        which = f"{era_label(fiscal_year)}の" if fiscal_year is not None else ""
        message = f"{which}実施中の調査がないため、督促は行いません"
        logger.info(message)
        return ReminderSummary(fiscal_year=fiscal_year, message=message)
    summary = summarise(statuses, deadline=campaign.deadline, today=day)
    late = outstanding(statuses)
    create_markdown_artifact(
        key="campaign-reminder",
        markdown=reminder_markdown(campaign.fiscal_year, statuses, summary),
        description=f"{era_label(campaign.fiscal_year)} 業務量調査の督促: {len(late)} 課",
    )
    if not late:
        message = f"{era_label(campaign.fiscal_year)}: すべての課から提出済みです。督促は不要です"
        logger.info(message)
        return ReminderSummary(fiscal_year=campaign.fiscal_year, message=message)
    csv_path = write_reminder_csv(late, campaign.outbox, day)
    status: NotificationStatus = "not_configured"
    error: str | None = None
    text = reminder_message(campaign.fiscal_year, statuses, summary)
    if not settings.notification_block:
        logger.info("通知ブロック（DXI_NOTIFICATION_BLOCK）が未設定のため、通知は送りません")
    else:
        state = notify(settings.notification_block, "業務量調査の督促", text, return_state=True)
        if state.is_completed():
            status = "sent"
        else:
            status = "failed"
            exc = state.result(raise_on_failure=False)
            error = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(state.message)
            logger.warning("通知「%s」を送れませんでした: %s", settings.notification_block, error)
    names = [s.department for s in late]
    record(url, campaign.id, names, csv_path, status)
    return ReminderSummary(
        fiscal_year=campaign.fiscal_year, message=text, departments=names, csv_path=csv_path,
        notification=status, notification_error=error,
    )  # fmt: skip
