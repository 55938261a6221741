"""The effect report's work as plain functions: read, build, write each format.

The `effect-report` flow (scheduled, and on workers) wraps these as its tasks; the demo
calls them directly, so a person running `dxi demo` never waits for Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bpr.reports.data import EffectReport, build_report
from bpr.reports.effect_files import ReportFormat, load_inputs, render_report, report_file_name
from inventory.db.engine import engine_for, session_scope

JOB = "effect-report"
FORMATS: tuple[ReportFormat, ...] = ("html", "pdf", "xlsx")


@dataclass(frozen=True)
class EffectReportSummary:
    """What a run produced: the headline figures and the files written."""

    headline: dict[str, object]
    files: list[str]

    def line(self) -> str:
        """The outcome in one Japanese line, for the run history."""
        return files_line(self.files)


def files_line(files: list[str]) -> str:
    """出力: 効果報告_2025.html / .pdf / .xlsx: each name once, the other formats by their suffix."""
    formats: dict[str, list[str]] = {}
    for file in files:
        formats.setdefault(Path(file).stem, []).append(Path(file).suffix)
    return "出力: " + "、".join(stem + " / ".join(kinds) for stem, kinds in formats.items())


def load(
    database_url: str,
) -> tuple[list[dict[str, Any]], dict[str, tuple[int, int]], list[dict[str, object]]]:
    """Read the overtime panel, production go-lives and pilots."""
    with session_scope(engine_for(database_url)) as session:
        return load_inputs(session=session)


def write(report: EffectReport, fmt: ReportFormat, folder: Path) -> str:
    """Render one format and write it, replacing the file of an earlier run for the same 年度."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / report_file_name(report, fmt)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(render_report(report, fmt))
    tmp.replace(path)  # a reader never sees half a file
    return str(path)


def make_report(
    *, database_url: str, folder: Path, fiscal_year: int | None = None, baseline_fy: int | None = None,
    target_pct: float = 20.0, formats: tuple[ReportFormat, ...] = FORMATS,
) -> tuple[EffectReport, EffectReportSummary]:  # fmt: skip
    """Build the report for a 年度 (default: the latest) and write each format, in this process."""
    panel, treated, pilots = load(database_url)
    report = build_report(
        panel, treated, pilots, kpi_fy=fiscal_year, baseline_fy=baseline_fy, target_pct=target_pct
    )
    files = [write(report, fmt, folder) for fmt in dict.fromkeys(formats)]
    return report, EffectReportSummary(headline=report.to_json_dict(), files=files)
