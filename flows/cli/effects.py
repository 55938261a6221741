"""`dxi effects`: the KPI and the robots' effect, as a table, JSON, or an HTML/PDF/xlsx report.

Reads the database directly, no Prefect: the command answers in seconds; the
`effect-report` flow (flows/effect_report.py) is for schedules. Both load and render through
`bpr.reports.effect_files`. pandas and ReportLab load only inside the command, so `--help` stays
fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from flows.cli.app import FyOption, app, console, fail, print_table, settings_or_exit
from flows.cli.params import choice_option, formats, fy_option

if TYPE_CHECKING:
    from bpr.reports.data import EffectReport


@app.command()
def effects(
    fy: FyOption = None,
    baseline_fy: Annotated[
        int | None, fy_option("--baseline-fy", help="基準年度（既定は12か月そろった最初の年度）")
    ] = None,
    target: Annotated[float, typer.Option("--target", help="目標削減率（%）")] = 20.0,
    fmt: Annotated[
        Literal["table", "json"], choice_option("--format", choice=formats("table", "json"), default="table")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="報告書を書き出すファイル（.html / .pdf / .xlsx）")
    ] = None,
) -> None:
    """残業時間の KPI（基準年度比）とロボット導入の効果（推定）を表示し、報告書を書き出します。

    例: dxi effects --fy 2025 --baseline-fy 2022 -o 効果報告_令和7年度.pdf
    """
    suffix = output.suffix.lower().lstrip(".") if output is not None else None
    if suffix is not None and suffix not in ("html", "pdf", "xlsx"):
        raise fail(f"出力ファイルの拡張子は .html / .pdf / .xlsx のいずれかにしてください: {output}")
    if not 0 < target < 100:
        raise fail(f"目標削減率は0より大きく100未満の値にしてください: {target}")
    from bpr.reports.data import build_report
    from bpr.reports.effect_files import load_inputs, render_report
    from inventory.db.engine import engine_for, read_scope
    from inventory.db.migrate import require_current

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with read_scope(engine) as session:
        panel, treated, pilots = load_inputs(session=session)
    report = build_report(panel, treated, pilots, kpi_fy=fy, baseline_fy=baseline_fy, target_pct=target)
    if output is not None and suffix is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(render_report(report, suffix))  # type: ignore[arg-type]
        console.print(f"書き出しました: {output}", markup=False)
        return
    if fmt == "json":
        typer.echo(json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2))
        return
    _print_report(report)


def _print_report(report: EffectReport) -> None:
    from inventory.display import hours, pct, signed

    k, d = report.kpi, report.did
    console.print(f"[bold]{report.title}[/]")
    console.print(k.note, markup=False)
    for warning in k.warnings:
        console.print(f"  ⚠ {warning}", markup=False)
    rows: list[dict[str, Any]] = [
        {"年度": y.label + ("（基準）" if y.fiscal_year == k.baseline_fy else ""), "月数": y.months,
         "残業時間 合計": hours(y.overtime_total), "1人当たり月": f"{y.per_staff_monthly:.2f}",
         "基準年度比": pct(y.change_pct if y.change_pct is not None else y.same_months_change_pct),
         "1人当たり比": pct(y.per_staff_change_pct), "年間見込み": hours(y.projected_total)}
        for y in k.years
    ]  # fmt: skip
    print_table(rows, title="年度別の残業時間")
    interval = "—" if d.ci_low is None or d.ci_high is None else f"{signed(d.ci_low)}〜{signed(d.ci_high)}"
    print_table(
        [
            {
                "比較": "ロボット導入による効果（推定）",
                "1人当たり月": signed(d.estimate),
                "95%区間": interval,
            },
            {"比較": "単純比較（導入前後）", "1人当たり月": signed(d.naive_before_after), "95%区間": ""},
        ],
        title="ロボット導入の効果",
    )
    console.print(d.note, markup=False)
    print_table(
        [
            {"ID": p.id, "課": p.department, "業務・案件": p.name, "状態": p.state,
             "見込み(時間/年)": hours(p.estimated_hours), "実測(時間/年)": hours(p.realised_hours),
             "的中率": pct(p.accuracy_pct, 0)}
            for p in report.pilots
        ],
        title="実証案件",
    )  # fmt: skip
