"""Screening workbooks (二次調査票) in a campaign, the pure part: where each 課 stands.

States of a 課 (`ScreeningStatus.state`), from the files it sent back since its latest
screening workbook was written, latest first:

- ``sent``: written, nothing back yet (二次調査待ち for its tasks);
- ``received``: the latest file was applied (the attributes are completed);
- ``rejected``: the latest file was rejected (``error_count`` errors); the 課 must resend.

No I/O here; `inventory.db.screening_repo` loads the sheets and attempts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from inventory.campaign.status import first_names
from inventory.display import japan_time
from inventory.survey.schema import nfkc_key

ScreeningState = Literal["sent", "received", "rejected"]
SCREENING_LABELS: dict[str, str] = {"sent": "未返送", "received": "返送済み", "rejected": "差し戻し"}
AWAITING: frozenset[str] = frozenset({"sent", "rejected"})
AWAITING_LABEL = "二次調査待ち"


@dataclass(frozen=True)
class SheetSent:
    """The latest screening workbook written for a 課."""

    department: str
    division: str | None
    file_name: str
    task_keys: tuple[str, ...]
    sent_at: datetime


@dataclass(frozen=True)
class ScreeningAttempt:
    """A screening file a 課 sent back: applied, or rejected with `error_count` errors."""

    department: str | None
    file_name: str
    at: datetime
    accepted: bool
    error_count: int = 0


class ScreeningStatus(BaseModel):
    """Where one 課 stands with its screening workbook (a `dxi campaign status` line)."""

    department: str
    division: str | None
    file_name: str
    task_count: int
    sent_at: datetime
    state: ScreeningState
    error_count: int
    last_received_at: datetime | None
    returns: int
    task_keys: tuple[str, ...] = Field(exclude=True)

    @property
    def label(self) -> str:
        """The state in Japanese."""
        return SCREENING_LABELS[self.state]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _belongs(attempt: ScreeningAttempt, sheet: SheetSent) -> bool:
    if attempt.department:
        return nfkc_key(attempt.department) == nfkc_key(sheet.department)
    return attempt.file_name == sheet.file_name  # a rejected file that named no 課


def screening_statuses(
    sheets: Sequence[SheetSent], attempts: Sequence[ScreeningAttempt]
) -> list[ScreeningStatus]:
    """One status per 課 a screening workbook went to, from the files returned since."""
    statuses = []
    for sheet in sheets:
        since = sorted(
            (a for a in attempts if _belongs(a, sheet) and _utc(a.at) >= _utc(sheet.sent_at)),
            key=lambda a: _utc(a.at),
        )
        latest = since[-1] if since else None
        state: ScreeningState = "sent" if latest is None else "received" if latest.accepted else "rejected"
        statuses.append(
            ScreeningStatus(
                department=sheet.department, division=sheet.division, file_name=sheet.file_name,
                task_count=len(sheet.task_keys), sent_at=_utc(sheet.sent_at), state=state,
                error_count=latest.error_count if latest and not latest.accepted else 0,
                last_received_at=_utc(latest.at) if latest else None, returns=len(since),
                task_keys=sheet.task_keys,
            )
        )  # fmt: skip
    return statuses


def awaiting_keys(statuses: Iterable[ScreeningStatus]) -> set[str]:
    """The task keys whose screening workbook has not come back applied (二次調査待ち)."""
    return {key for s in statuses if s.state in AWAITING for key in s.task_keys}


def screening_row(status: ScreeningStatus) -> dict[str, object]:
    """One row with Japanese headers (the status table and CSV)."""
    return {
        "部": status.division or "",
        "課": status.department,
        "状況": status.label,
        "業務数": status.task_count,
        "エラー件数": status.error_count if status.state == "rejected" else "",
        "送付日時": japan_time(status.sent_at),
        "最終受付日時": japan_time(status.last_received_at),
        "二次調査票ファイル": status.file_name,
    }


def to_chase(statuses: Iterable[ScreeningStatus]) -> list[ScreeningStatus]:
    """The 課 a reminder goes to for their 二次調査票: not sent back, or sent back with errors."""
    return [s for s in statuses if s.state in AWAITING]


def reminder_row(status: ScreeningStatus) -> dict[str, object]:
    """A 督促リスト row (inventory.campaign.status.REMINDER_HEADERS) for a 二次調査票 still owed.

    The 二次調査票 has no deadline of its own: 期限 and 残り日数 stay blank.
    """
    return {
        "部": status.division or "",
        "課": status.department,
        "状況": f"二次調査票 {status.label}",
        "エラー件数": status.error_count if status.state == "rejected" else "",
        "期限": "",
        "残り日数": "",
        "調査票ファイル": status.file_name,
        "最終受付日時": japan_time(status.last_received_at),
    }


def reminder_line(statuses: Sequence[ScreeningStatus]) -> str:
    """The 二次調査票 part of a reminder message: 二次調査票 未返送・差し戻し 2 課（税務課、市民課）."""
    return (
        f"二次調査票 未返送・差し戻し {len(statuses)} 課（{first_names([s.department for s in statuses])}）。"
    )


def screening_summary(statuses: Sequence[ScreeningStatus]) -> str:
    """One Japanese line: 二次調査票 5 課 / 返送済み 3 / 差し戻し 1 / 未返送 1."""
    counts = {state: sum(s.state == state for s in statuses) for state in SCREENING_LABELS}
    waiting = sum(s.task_count for s in statuses if s.state in AWAITING)
    return (
        f"二次調査票 {len(statuses)} 課 / 返送済み {counts['received']} / 差し戻し {counts['rejected']}"
        f" / 未返送 {counts['sent']}（{AWAITING_LABEL}の業務 {waiting} 件）"
    )
