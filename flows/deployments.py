"""The deployments `dxi serve` serves: which flow runs when, in Japan's time zone.

One list, `SCHEDULES`, is the truth for `dxi serve`, the tests and docs/operations.md.
Every deployment is named `dxi`, so a run can be started by hand as e.g.
`prefect deployment run inbox-scan/dxi`. Parameters are left at their defaults: the
flows read folders and the database from the `DXI_*` settings of the serving process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.campaign_reminder import campaign_reminder
from flows.effect_report import effect_report
from flows.inbox_scan import inbox_scan, overtime_scan
from flows.task_scoring import task_scoring

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.deployments.runner import RunnerDeployment

TIMEZONE = "Asia/Tokyo"
DEPLOYMENT_NAME = "dxi"
TAGS = ["dxi"]


@dataclass(frozen=True)
class Schedule:
    """One deployment: its flow, its cron lines (all in TIMEZONE) and what it does, in Japanese."""

    flow: Flow[Any, Any]
    crons: tuple[str, ...]
    when: str  # the crons in words
    what: str
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def deployment(self) -> str:
        """The `<flow>/<deployment>` name run_deployment and `prefect deployment run` take."""
        return f"{self.flow.name}/{DEPLOYMENT_NAME}"


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        inbox_scan, ("*/15 8-17 * * 1-5",), "平日 8:00〜17:45 の15分ごと",
        "受付フォルダの業務量調査票を取り込み、受理は accepted/<年度>/、差し戻しはエラー票と rejected/ へ移動",
    ),
    Schedule(
        campaign_reminder, ("30 8 * * 1-5",), "平日 8:30",
        "実施中の調査で未提出・差し戻しの課を一覧（実施中の調査がなければ何もしない）",
    ),
    Schedule(
        task_scoring, ("0 2 * * *",), "毎日 2:00",
        "最新年度の業務一覧を採点し直し、RPA・AI-OCR 候補の順位を更新（業務一覧も設定も前回から変わっていなければ何もしない）",
        {"skip_unchanged": True, "actor": "schedule"},
    ),
    Schedule(
        overtime_scan, ("0 7 10 * *",), "毎月10日 7:00",
        "時間外勤務実績の受付フォルダを取り込み（前月分が届く頃）",
    ),
    Schedule(
        effect_report, ("0 7 30 9 *", "0 7 31 3 *"), "9月30日と3月31日の 7:00",
        "DX推進本部向けの効果検証レポート（上半期末・年度末）",
    ),
)  # fmt: skip


def build_deployments() -> list[RunnerDeployment]:
    """The RunnerDeployment of every schedule, active, ready for `prefect.serve`."""
    # MODULE_PATH: a run is found by import (flows.inbox_scan.inbox_scan), wherever the package lives.
    return [
        cast(
            "RunnerDeployment",  # to_deployment is sync here; its type also admits the async form
            schedule.flow.to_deployment(
                name=DEPLOYMENT_NAME,
                schedules=[Cron(cron, timezone=TIMEZONE) for cron in schedule.crons],
                paused=False,
                parameters=schedule.parameters,
                description=f"{schedule.when}: {schedule.what}",
                tags=TAGS,
                entrypoint_type=EntrypointType.MODULE_PATH,
            ),
        )
        for schedule in SCHEDULES
    ]
