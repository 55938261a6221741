"""The `effect-report` flow: build the effect report for a 年度 and file it under DXI_HOME/reports (or a given folder).

For schedules (e.g. twice a year before the 本部会議); `dxi effects` does the same
work in-process for a person at the keyboard. Tasks wrap one call each; only the
database read retries. Nothing is cached: the overtime and pilot tables change
between runs, and a cached report would show last month's figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from bpr.reports.data import EffectReport, build_report
from bpr.reports.effect_files import ReportFormat
from flows.jobs import effect_report as job
from flows.jobs.effect_report import EffectReportSummary, files_line
from inventory.db.engine import engine_for
from inventory.db.migrate import ensure_schema
from inventory.display import hours, pct, signed
from inventory.settings import get_settings


@task(name="load-effect-inputs", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load(
    database_url: str,
) -> tuple[list[dict[str, Any]], dict[str, tuple[int, int]], list[dict[str, object]]]:
    """Read the overtime panel, production go-lives and pilots."""
    return job.load(database_url)


@task(name="build-effect-report", cache_policy=NO_CACHE)
def build(
    panel: list[dict[str, Any]],
    treated: dict[str, tuple[int, int]],
    pilots: list[dict[str, object]],
    fiscal_year: int | None,
    baseline_fy: int | None,
    target_pct: float,
) -> EffectReport:
    """KPI, DiD and the pilot summary (pure)."""
    return build_report(
        panel, treated, pilots, kpi_fy=fiscal_year, baseline_fy=baseline_fy, target_pct=target_pct
    )


@task(name="write-effect-report", cache_policy=NO_CACHE)
def write(report: EffectReport, fmt: ReportFormat, folder: Path) -> str:
    """Render one format and write it (flows.jobs.effect_report.write)."""
    return job.write(report, fmt, folder)


def headline_markdown(report: EffectReport, files: list[str]) -> str:
    """The artifact: the figures the 本部 asks for first, in Japanese."""
    k, d = report.kpi, report.did
    total = f"{hours(k.overtime_total)} 時間" + (
        f"（{k.months_observed}か月分、年間見込み {hours(k.overtime_projected)} 時間）" if k.projected else ""
    )
    interval = "—" if d.ci_low is None or d.ci_high is None else f"{signed(d.ci_low)}〜{signed(d.ci_high)}"
    verdict = "達成" if k.target_met else "未達"
    lines = [
        f"# {report.title}",
        "",
        "| 項目 | 値 |",
        "|---|---|",
        f"| {k.kpi_label}の残業時間 | {total} |",
        f"| 基準年度（{k.baseline_label}） | {hours(k.overtime_baseline)} 時間 |",
        f"| 削減率 | {pct(k.reduction_pct)}（職員1人当たり {pct(k.per_staff_reduction_pct)}） |",
        f"| 目標 {k.target_pct:g}% 削減 | {verdict}{'（見込み）' if k.projected else ''} |",
        f"| ロボット導入による効果（推定・1人当たり月） | {signed(d.estimate)}（95%区間 {interval}） |",
        f"| 単純比較（導入前後・1人当たり月） | {signed(d.naive_before_after)} |",
        f"| 実証案件 | {len(report.pilots)} 件（見込みの合計 {hours(report.estimated_total)} 時間/年） |",
        f"| うち実測済み | {report.measured_count} 件（見込み {hours(report.measured_estimated_total)} / "
        f"実測 {hours(report.realised_total)} 時間/年） |",
        "",
        k.note,
        "",
        d.note,
        "",
        files_line(files),
    ]
    return "\n".join(lines)


@flow(name="effect-report")
def effect_report(
    fiscal_year: int | None = None,
    baseline_fy: int | None = None,
    target_pct: float = 20.0,
    formats: tuple[ReportFormat, ...] = ("html", "pdf", "xlsx"),
    database_url: str | None = None,
    output_dir: str | None = None,
) -> EffectReportSummary:
    """Build the effect report for a 年度 (default: the latest), write it, publish the headline.

    Files go to `output_dir` when given (the demo keeps its own), else DXI_HOME/reports.
    """
    settings = get_settings()
    url = database_url or settings.db_url
    ensure_schema(engine_for(url))
    panel, treated, pilots = load(url)
    report = build(panel, treated, pilots, fiscal_year, baseline_fy, target_pct)
    folder = Path(output_dir) if output_dir else settings.ensure_home() / "reports"
    files = [write(report, fmt, folder) for fmt in dict.fromkeys(formats)]
    create_markdown_artifact(
        key="effect-report", markdown=headline_markdown(report, files), description=report.title
    )
    return EffectReportSummary(headline=report.to_json_dict(), files=files)
