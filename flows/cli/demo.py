"""`dxi demo`: the main job on the embedded defaults, with progress and a Japanese summary."""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.app import app, console, fail, notice, print_table, settings_or_exit

if TYPE_CHECKING:
    from flows.demo import DemoResult

# Fewer 課 leave too few without a robot to compare against; fewer tasks, no candidates to pilot.
MIN_DEPARTMENTS, MIN_TASKS = 6, 5


@app.command()
def demo(
    departments: Annotated[int, typer.Option("--departments", help="課の数")] = 30,
    tasks: Annotated[int, typer.Option("--tasks", help="1課あたりの業務数")] = 50,
) -> None:
    """架空の町（30課・1,500業務）で、業務量調査の取り込みから効果報告までを一通り実行します。

    取り込み（差し戻し・再提出つき）→ 採点・候補一覧 → 上位候補の実証（選定 → 本格導入）→
    時間外勤務実績（4年度分）の取り込み → 効果報告（令和4年度比、目標20%削減）。
    結果は DXI_HOME/demo/ に置かれ、実際の業務台帳には触れません。
    例: dxi demo
    """
    from flows.town.names import DEPARTMENTS

    if not MIN_DEPARTMENTS <= departments <= len(DEPARTMENTS):
        raise fail(
            f"課の数は {MIN_DEPARTMENTS}〜{len(DEPARTMENTS)} で指定してください（指定: {departments}）"
        )
    most = min(len(d.entries) for d in DEPARTMENTS[:departments])
    if not MIN_TASKS <= tasks <= most:
        raise fail(f"1課あたりの業務数は {MIN_TASKS}〜{most} で指定してください（指定: {tasks}）")
    settings = settings_or_exit()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.demo import STEPS, run_demo

    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=False
    ) as progress:
        bar = progress.add_task("準備中", total=len(STEPS))
        done = {"n": 0}

        def step(label: str) -> None:
            progress.update(bar, completed=done["n"], description=label)
            done["n"] += 1

        said: list[str] = []  # a Prefect server's notices, printed after the bar
        result = run_demo(
            settings.home, departments=departments, tasks_per_department=tasks, step=step, notice=said.append
        )
        progress.update(bar, completed=len(STEPS), description="完了")
    print_summary(result, seconds=time.perf_counter() - started)
    for line in dict.fromkeys(said):
        notice(line)


def print_summary(result: DemoResult, *, seconds: float) -> None:
    """The figures a DX team would quote to the 本部, then where the files are."""
    from inventory.display import hours, pct, signed

    rejected = [o for o in result.first_round if o.status == "rejected"]
    out = console.print
    out()
    out("[bold]デモの結果[/]")
    out(f"・調査票 {len(result.first_round)} 件を取り込み、{len(result.first_round) - len(rejected)} 件を受理、"
        f"{len(rejected)} 件を差し戻しました。")  # fmt: skip
    for outcome in rejected:
        first = outcome.errors[0]
        out(f"    {outcome.file}: エラー {len(outcome.errors)} 件（例: {first.row}行目「{first.column}」{first.message}）", markup=False)  # fmt: skip
    fixed = all(o.status != "rejected" for o in result.corrections)
    out(f"・差し戻した課の修正版 {len(result.corrections)} 件は、すべて受理されました。" if fixed else "・修正版にもエラーがありました。")  # fmt: skip
    out(f"・{result.task_count:,} 業務を採点し、{result.task_count - result.knocked_out:,} 業務が候補、"
        f"削減見込みは合計 {hours(result.expected_hours_saved)} 時間/年（約 {result.expected_hours_saved / 1920:.1f} 人分）です。")  # fmt: skip
    keys = ("順位", "課", "業務名", "推奨", "削減時間/年")
    print_table([{k: r.get(k) for k in keys} for r in result.top[:5]], title="候補の上位5件")

    accepted = [o for o in result.overtime if o.status == "accepted"]
    months = sum(o.months for o in accepted)
    out(f"・時間外勤務実績 {len(result.overtime)} ファイルのうち {len(accepted)} 件を取り込みました"
        f"（課×月 {months:,} 件、うち職員別ファイル {sum(o.per_staff for o in accepted)} 件）。")  # fmt: skip
    for o in result.overtime:
        if o.status == "rejected":
            out(
                f"    差し戻し: {o.file}: {o.error} → 正しい課名のファイルで再取り込みしました。",
                markup=False,
            )

    states = Counter(p.state for p in result.pilots)
    order = ("本格導入", "効果検証", "実証中", "選定", "候補", "見送り")
    out(f"・実証 {len(result.pilots)} 件: " + "、".join(f"{s} {states[s]}件" for s in order if states[s]))
    # 見込み against 実測 over the same pilots: those in production that have a measurement.
    live = [p for p in result.pilots if p.state == "本格導入" and p.realised_hours is not None]
    estimated = sum(p.estimated_hours or 0.0 for p in live)
    realised = sum(p.realised_hours or 0.0 for p in live)
    out(
        f"  本格導入 {len(live)} 件（実測済み）の削減時間: "
        f"見込み {hours(estimated)} 時間/年 → 実測 {hours(realised)} 時間/年"
    )
    if result.effects is not None:
        h = result.effects.headline

        def num(key: str) -> float | None:
            value = h.get(key)
            return float(value) if isinstance(value, int | float) else None

        verdict = "達成" if h.get("target_met") else "未達"
        out(f"・残業時間（{h['kpi_fy']}年度、基準 {h['baseline_fy']}年度比）: {hours(num('overtime_total'))} 時間"
            f"（基準 {hours(num('overtime_baseline'))} 時間）、削減率 {pct(num('reduction_pct'))}"
            f"（職員1人当たり {pct(num('per_staff_reduction_pct'))}）、目標 {num('target_pct') or 0:g}% 削減は{verdict}。")  # fmt: skip
        low, high = num("did_ci_low"), num("did_ci_high")
        interval = "—" if low is None or high is None else f"{signed(low)}〜{signed(high)}"
        out(f"・ロボット導入の効果（差の差の推定、職員1人当たり月）: {signed(num('did_estimate'))}"
            f"（95%区間 {interval}）／単純な導入前後の比較: {signed(num('naive_before_after'))}"
            f"（デモで仕込んだ効果: {signed(result.planted_effect)}）")  # fmt: skip
    out()
    out(f"候補一覧（Excel）: {result.ranking_workbook}", markup=False)
    for path in result.effects.files if result.effects else []:
        out(f"効果報告: {path}", markup=False)
    out(f"デモ用データベース: {result.database_url}", markup=False)
    out(f"所要時間: {seconds:.0f} 秒")
    out()
    out("審査画面でデモの結果を見るには（パスワードを2回入力）:")
    for line in web_commands(result.database_url):
        out(f"  {line}", markup=False)


def web_commands(database_url: str, *, windows: bool = os.name == "nt") -> list[str]:
    """The exact commands that open the demo database in `dxi web`, for this shell and this dxi.

    On Windows the shell is PowerShell (what docs/インストールの手引き.md uses), where cmd's
    `set NAME=value` would set no environment variable at all.
    """
    program = sys.argv[0] if Path(sys.argv[0]).name in ("dxi", "dxi.exe") else "dxi"
    if windows:
        env = f"$env:DXI_DATABASE_URL = {_powershell_quote(database_url)}"
        program = "dxi" if program == "dxi" else f"& {_powershell_quote(program)}"
    else:
        env, program = f"export DXI_DATABASE_URL={shlex.quote(database_url)}", shlex.quote(program)
    return [env, f"{program} user add kanri --role 管理者", f"{program} web"]


def _powershell_quote(text: str) -> str:
    """A PowerShell literal string: single quotes, a quote inside doubled."""
    return "'" + text.replace("'", "''") + "'"
