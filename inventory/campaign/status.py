"""Survey campaigns, the pure part: where each 課 stands, the summary, the reminder rows.

States of a 課 in a campaign (`DepartmentStatus.state`), from its attempts (accepted
submissions of the 年度 and rejected files since the campaign opened), latest first:

- ``sent``: template sent, nothing back yet, the deadline has not passed;
- ``missing``: nothing back and the deadline has passed (overdue);
- ``received``: one accepted file and nothing else;
- ``resubmitted``: the latest file was accepted after an earlier version or a rejection;
- ``rejected``: the latest file was rejected (``error_count`` errors); the 課 must resend,
  even if an older version was accepted (they meant to replace it).

No I/O here; `inventory.db.campaign_repo` loads the attempts and calls these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from inventory.display import japan_time
from inventory.era import era_label
from inventory.errors import InventoryError
from inventory.survey.dates import parse_date

State = Literal["sent", "received", "rejected", "resubmitted", "missing"]
STATES: tuple[State, ...] = ("sent", "missing", "rejected", "resubmitted", "received")
STATE_LABELS: dict[str, str] = {
    "sent": "未提出（期限前）",
    "missing": "未提出（期限超過）",
    "rejected": "差し戻し",
    "resubmitted": "再提出済み",
    "received": "提出済み",
}
OUTSTANDING: frozenset[str] = frozenset({"sent", "missing", "rejected"})
REMINDER_HEADERS = ("部", "課", "状況", "エラー件数", "期限", "残り日数", "調査票ファイル", "最終受付日時")
JAPAN = ZoneInfo("Asia/Tokyo")
_FILE_UNSAFE = str.maketrans(dict.fromkeys('\\/:*?"<>|', "_"))


class CampaignError(InventoryError):
    """A campaign cannot be opened, closed or found as asked."""


@dataclass(frozen=True)
class Attempt:
    """One file a 課 sent for the campaign's 年度: accepted (stored) or rejected."""

    at: datetime
    accepted: bool
    error_count: int = 0


class DepartmentStatus(BaseModel):
    """Where one 課 stands in a campaign (the dashboard row and the `dxi campaign status` line)."""

    fiscal_year: int
    department: str
    division: str | None
    state: State
    error_count: int
    last_received_at: datetime | None
    accepted_versions: int
    rejections: int
    deadline: date
    days_left: int
    template_file: str | None
    sent_at: datetime | None

    @property
    def label(self) -> str:
        """The state in Japanese."""
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class CampaignSummary:
    """Counts per state, for the summary line."""

    total: int
    counts: dict[str, int]
    deadline: date
    days_left: int
    closed: bool = False  # the campaign is closed: its deadline is history, not days overdue

    @property
    def outstanding(self) -> int:
        """課 that still owe a valid file."""
        return sum(self.counts.get(s, 0) for s in OUTSTANDING)

    def line(self) -> str:
        """One Japanese line: 送付 30 課 / 提出済み 20 … / 期限まで 5 日."""
        c = self.counts
        received = c.get("received", 0) + c.get("resubmitted", 0)
        return (
            f"対象 {self.total} 課 / 提出済み {received}（うち再提出 {c.get('resubmitted', 0)}）"
            f" / 差し戻し {c.get('rejected', 0)} / 未提出 {c.get('sent', 0) + c.get('missing', 0)}"
            f" / 期限 {self.deadline.isoformat()}（{'締め切り済み' if self.closed else days_text(self.days_left)}）"
        )


def today_in_japan() -> date:
    """Today's date where the DX team works (the server may run in UTC)."""
    return datetime.now(JAPAN).date()


def days_text(days_left: int) -> str:
    """残り 5 日 / 本日期限 / 3 日超過."""
    if days_left > 0:
        return f"残り {days_left} 日"
    return "本日期限" if days_left == 0 else f"{-days_left} 日超過"


def department_state(
    attempts: Iterable[Attempt], *, deadline: date, today: date
) -> tuple[State, int, datetime | None]:
    """Return (state, error count of the latest rejection, time of the latest file)."""
    ordered = sorted(attempts, key=lambda a: a.at)
    if not ordered:
        return ("sent" if today <= deadline else "missing"), 0, None
    latest = ordered[-1]
    if not latest.accepted:
        return "rejected", latest.error_count, latest.at
    return ("resubmitted" if len(ordered) > 1 else "received"), 0, latest.at


def department_status(
    *,
    fiscal_year: int,
    department: str,
    division: str | None,
    attempts: Sequence[Attempt],
    deadline: date,
    today: date,
    template_file: str | None,
    sent_at: datetime | None,
) -> DepartmentStatus:
    """Build the status row of one 課."""
    state, errors, last = department_state(attempts, deadline=deadline, today=today)
    return DepartmentStatus(
        fiscal_year=fiscal_year,
        department=department,
        division=division,
        state=state,
        error_count=errors,
        last_received_at=last,
        accepted_versions=sum(a.accepted for a in attempts),
        rejections=sum(not a.accepted for a in attempts),
        deadline=deadline,
        days_left=(deadline - today).days,
        template_file=template_file,
        sent_at=sent_at,
    )


def summarise(
    statuses: Sequence[DepartmentStatus], *, deadline: date, today: date, closed: bool = False
) -> CampaignSummary:
    """Count the 課 per state."""
    counts = Counter(s.state for s in statuses)
    return CampaignSummary(
        len(statuses), {s: counts.get(s, 0) for s in STATES}, deadline, (deadline - today).days, closed
    )


def status_row(status: DepartmentStatus) -> dict[str, object]:
    """One row with Japanese headers (status CSV, reminder CSV, tables)."""
    return {
        "部": status.division or "",
        "課": status.department,
        "状況": status.label,
        "エラー件数": status.error_count if status.state == "rejected" else "",
        "期限": status.deadline.isoformat(),
        "残り日数": status.days_left,
        "調査票ファイル": status.template_file or "",
        "最終受付日時": japan_time(status.last_received_at),
    }


def outstanding(statuses: Iterable[DepartmentStatus]) -> list[DepartmentStatus]:
    """The 課 a reminder goes to: nothing valid yet (not sent back, overdue, or rejected)."""
    return [s for s in statuses if s.state in OUTSTANDING]


def reminder_markdown(
    fiscal_year: int, statuses: Sequence[DepartmentStatus], summary: CampaignSummary
) -> str:
    """The reminder artifact: who still owes what, in Japanese."""
    late = outstanding(statuses)
    lines = [f"# {era_label(fiscal_year)} 業務量調査 督促リスト", "", summary.line(), ""]
    if not late:
        return "\n".join([*lines, "すべての課から有効な調査票が提出されています。"])
    lines += ["| 部 | 課 | 状況 | エラー件数 | 残り日数 |", "|---|---|---|---|---|"]
    for s in late:
        errors = str(s.error_count) if s.state == "rejected" else ""
        cells = [_md(s.division or ""), _md(s.department), s.label, errors, days_text(s.days_left)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reminder_message(fiscal_year: int, statuses: Sequence[DepartmentStatus], summary: CampaignSummary) -> str:
    """The short notification text: counts and the first few 課."""
    late = outstanding(statuses)
    names = first_names([s.department for s in late])
    return (
        f"{era_label(fiscal_year)} 業務量調査: 未提出・差し戻し {len(late)} 課（{names}）。"
        f"期限 {summary.deadline.isoformat()}（{days_text(summary.days_left)}）。"
    )


def first_names(departments: Sequence[str], shown: int = 5) -> str:
    """税務課、市民課 … ほか 3 課: the first few 課 of a notification, and how many more."""
    more = f" ほか {len(departments) - shown} 課" if len(departments) > shown else ""
    return "、".join(departments[:shown]) + more


def _md(text: str) -> str:
    """Keep a 課 name from breaking the markdown table."""
    return text.replace("|", "｜").replace("\n", " ")


def template_file_name(fiscal_year: int, department: str) -> str:
    """The file a 課 gets: 令和7年度_業務量調査票_税務課.xlsx (characters Windows refuses → _)."""
    return f"{era_label(fiscal_year)}_業務量調査票_{department.translate(_FILE_UNSAFE)}.xlsx"


def parse_deadline(value: str | date, *, fiscal_year: int) -> date:
    """Read --deadline (2025-06-30, 2025/6/30, 令和7年6月30日 …); it must fall near the 年度 surveyed."""
    deadline = parse_date(value).value
    if not isinstance(deadline, date):
        raise CampaignError(
            f"--deadline の値「{value}」を日付として読めません。2025-06-30 や 令和7年6月30日 のように指定してください"
        )
    if not fiscal_year - 1 <= deadline.year <= fiscal_year + 2:
        raise CampaignError(
            f"--deadline {deadline.isoformat()} は調査する年度（{era_label(fiscal_year)}、{fiscal_year}年度）と"
            "離れすぎています。年度と期限を確認してください"
        )
    return deadline
