"""The `campaign-reminder` flow: chase the 課 that have not sent a valid survey (or 二次調査票) yet.

Scheduled on weekday mornings; with no open campaign it does nothing and says so. It
publishes a Japanese markdown artifact, writes a mail-merge CSV into the campaign's
outbox folder and, when `DXI_NOTIFICATION_BLOCK` names a Prefect notification block,
sends a short message through it. A failed notification is logged as a warning and
reported in the summary; it does not undo the list and the CSV the team relies on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.jobs import reminder as steps
from flows.jobs.journal import recorded
from flows.jobs.reminder import JOB, all_sent, nothing_open
from flows.jobs.reminder import ChasedCampaign as ChasedCampaign
from flows.jobs.reminder import NotificationStatus as NotificationStatus
from flows.jobs.reminder import ReminderSummary as ReminderSummary
from inventory.campaign.screening import reminder_line
from inventory.campaign.status import (
    outstanding,
    reminder_markdown,
    summarise,
    today_in_japan,
)
from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.era import era_label
from inventory.settings import get_settings

load_progress = task(name="load-campaign-progress", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)(
    steps.load_progress
)
write_reminder_csv = task(name="write-reminder-csv", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)(
    steps.write_reminder_csv
)
record = task(name="record-reminder", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)(steps.record)
load_screening = task(
    name="load-screening-progress", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE
)(steps.load_screening)


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


@flow(name="campaign-reminder")
def campaign_reminder(
    fiscal_year: int | None = None, database_url: str | None = None, today: str | None = None,
    actor: str = JOB,
) -> ReminderSummary:  # fmt: skip
    """List the 課 still owing a valid survey; artifact, mail-merge CSV and an optional notification."""
    url = database_url or get_settings().db_url
    ensure_schema(engine_for(url))
    day = date.fromisoformat(today) if today else today_in_japan()
    asked = {"fiscal_year": fiscal_year, "today": day.isoformat()}
    with recorded(
        database_url=url, job=JOB, actor=actor, parameters=asked, flow_run_id=flow_run.get_id()
    ) as note:
        result = _remind(url, fiscal_year, day, actor)
        note.summary = result.line()
    return result


def _remind(url: str, fiscal_year: int | None, day: date, actor: str) -> ReminderSummary:
    logger = get_run_logger()
    settings = get_settings()
    campaign, statuses = load_progress(url, fiscal_year, day)
    screening = load_screening(url, campaign.fiscal_year) if campaign is not None else []
    if campaign is None or (not campaign.is_open and not screening):  # closed: only 二次調査票 are chased
        logger.info(nothing_open(fiscal_year))
        return ReminderSummary(fiscal_year=fiscal_year, message=nothing_open(fiscal_year))
    summary = summarise(statuses, deadline=campaign.deadline, today=day)
    late = outstanding(statuses)
    if campaign.is_open:
        markdown = reminder_markdown(campaign.fiscal_year, statuses, summary)
        if screening:
            markdown += f"\n\n{reminder_line(screening)}"
    else:
        markdown = f"# {era_label(campaign.fiscal_year)} 二次調査票 督促リスト\n\n{reminder_line(screening)}"
    create_markdown_artifact(
        key="campaign-reminder",
        markdown=markdown,
        description=f"{era_label(campaign.fiscal_year)} 業務量調査の督促: {len(steps.chased(late, screening))} 課",
    )
    if not late and not screening:
        logger.info(all_sent(campaign.fiscal_year))
        return ReminderSummary(fiscal_year=campaign.fiscal_year, message=all_sent(campaign.fiscal_year))
    csv_path = write_reminder_csv(late, campaign.outbox, day, screening)
    status: NotificationStatus = "not_configured"
    error: str | None = None
    text = steps.message(campaign.fiscal_year, statuses, summary, screening)
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
    names = steps.chased(late, screening)
    record(url, campaign.id, names, csv_path, status, actor)
    return ReminderSummary(
        fiscal_year=campaign.fiscal_year, message=text, departments=names, csv_path=csv_path,
        notification=status, notification_error=error,
    )  # fmt: skip
