"""`dxi demo`: the main job on the embedded defaults."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from flows.cli import app, console, print_table, settings_or_exit


@app.command()
def demo(
    departments: Annotated[int, typer.Option("--departments", help="課の数")] = 30,
    tasks: Annotated[int, typer.Option("--tasks", help="1課あたりの業務数")] = 50,
) -> None:
    """架空の町（30課・1,500業務）で、取り込み → 差し戻し・再提出 → 採点 → 候補一覧 を一通り実行します。

    結果は DXI_HOME/demo/ に置かれ、実際の業務台帳には触れません。
    例: dxi demo
    """
    settings = settings_or_exit()
    from flows.runtime import prepare_prefect

    prepare_prefect(settings)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.demo import run_demo

    steps = 5
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        bar = progress.add_task("準備中", total=steps)
        done = {"n": 0}

        def step(label: str) -> None:
            progress.update(bar, completed=done["n"], description=label)
            done["n"] += 1

        result = run_demo(settings.home, departments=departments, tasks_per_department=tasks, step=step)
        progress.update(bar, completed=steps, description="完了")

    rejected = [o for o in result.first_round if o.status == "rejected"]
    accepted = len(result.first_round) - len(rejected)
    console.print()
    console.print("[bold]デモの結果[/]")
    console.print(
        f"・調査票 {len(result.first_round)} 件を取り込み、{accepted} 件を受理、{len(rejected)} 件を差し戻しました。"
    )
    for outcome in rejected:
        first = outcome.errors[0]
        console.print(
            f"    {outcome.file}: エラー {len(outcome.errors)} 件（例: {first.row}行目「{first.column}」{first.message}）",
            markup=False,
        )
    console.print(
        f"・差し戻した課の修正版 {len(result.corrections)} 件は、すべて受理されました。"
        if all(o.status != "rejected" for o in result.corrections)
        else "・修正版にもエラーがありました。"
    )
    console.print(
        f"・{result.task_count:,} 業務を採点し、{result.task_count - result.knocked_out:,} 業務が候補、"
        f"削減見込みは合計 {result.expected_hours_saved:,.0f} 時間/年（約 {result.expected_hours_saved / 1920:.1f} 人分）、"
        f"横展開できる業務のまとまりが {result.group_count} 件ありました。"
    )
    print_table(result.top[:5], title="上位5件")
    console.print(f"候補一覧（Excel）: {result.ranking_workbook}", markup=False)
    console.print(f"エラー票: {result.folder / '差し戻し'}", markup=False)
    console.print(f"デモ用データベース: {result.database_url}", markup=False)
    console.print(f"所要時間: {time.perf_counter() - started:.0f} 秒")
