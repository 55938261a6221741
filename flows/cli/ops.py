"""Operations commands: `dxi doctor`, `dxi backup`, `dxi restore`. None of them imports Prefect."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.cli.app import app, console, fail, print_table, settings_or_exit
from flows.cli.ja import confirm
from inventory.db.engine import engine_for
from inventory.db.table_labels import table_label
from inventory.display import japan_time
from inventory.errors import InventoryError
from inventory.settings import get_settings

STATUS_LABELS = {"ok": "[green]OK[/]", "warn": "[yellow]注意[/]", "error": "[bold red]エラー[/]"}
PHASE_LABELS = {"read": "書き出し中", "verify": "検証中", "load": "復元中"}
DIALECT_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )  # fmt: skip


@app.command()
def doctor() -> None:
    """動作環境を点検し、問題があれば直し方を表示します。

    データベースへの接続、構造の更新（マイグレーション）、Prefect サーバー、フォルダ、
    報告書の日本語フォント、仮名化の鍵（本番環境）、空き容量を確認します。何も変更しません。
    終了コード: 0 = エラーなし（注意はあってもよい）、1 = エラーあり。
    例: dxi doctor
    例: PREFECT_API_URL=http://127.0.0.1:4200/api dxi doctor
    """
    from flows.doctor import run_checks, settings_problem

    try:
        results = run_checks(get_settings())
    except InventoryError as exc:  # the DXI_* settings themselves are wrong
        results = [settings_problem(exc)]
    table = Table(title="dxi doctor（動作環境の点検）")
    for header in ("項目", "結果", "内容", "対処"):
        table.add_column(header, overflow="fold")
    for result in results:
        table.add_row(result.name, STATUS_LABELS[result.status], result.message, result.hint)
    console.print(table)
    errors = sum(r.status == "error" for r in results)
    warnings = sum(r.status == "warn" for r in results)
    if errors:
        console.print(
            f"[bold red]エラー {errors} 件[/]、注意 {warnings} 件: 「対処」の列の手順で直してください。"
        )
    else:
        console.print(f"[green]エラーはありません[/]（注意 {warnings} 件）")
    raise typer.Exit(1 if errors else 0)


@app.command()
def backup(
    output: Annotated[Path, typer.Option("-o", "--output", help="書き出すバックアップファイル（.zip）")],
) -> None:
    """アプリケーションのデータベースを 1 つのファイル（.zip）にバックアップします。

    すべての表を、ある一時点の一貫した内容で書き出します（取り込み中でも可）。
    SQLite・PostgreSQL のどちらのバックアップも、どちらへでも `dxi restore` で復元できます。
    既存のファイルは、新しいバックアップが完成してから置き換えます。
    例: dxi backup -o バックアップ/dxi_2025-06-30.zip
    """
    from inventory.db.backup import row_counts, write_backup

    if output.is_dir():
        raise fail(
            f"{output} はフォルダです。ファイル名を指定してください（例: {output / 'dxi_backup.zip'}）"
        )
    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    total = sum(row_counts(engine).values())  # for the bar only; the backup reads its own snapshot
    with _progress() as progress:
        bar = progress.add_task(PHASE_LABELS["read"], total=total)

        def advance(phase: str, table: str, rows: int) -> None:
            progress.update(bar, advance=rows, description=f"{PHASE_LABELS[phase]} {table_label(table)}")

        summary = write_backup(engine=engine, path=output, on_progress=advance)
    print_table(
        [{"表": table_label(name), "行数": f"{rows:,}"} for name, rows in summary.rows.items()],
        title="バックアップした表",
    )
    size = output.stat().st_size
    shown = f"{size / 1024 / 1024:,.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:,.0f} KB"
    console.print(
        f"バックアップしました: {output}（{len(summary.rows)} 表、{sum(summary.rows.values()):,} 行、"
        f"データベース構造の版 {summary.revision}、{shown}）",
        markup=False,
    )


@app.command()
def restore(
    file: Annotated[
        Path, typer.Argument(help="dxi backup で作ったバックアップファイル（.zip）", metavar="ファイル")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="データのあるデータベースを、バックアップの内容ですべて置き換える")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="置き換えの確認をしない")] = False,
) -> None:
    """バックアップファイルからデータベースを復元します（DXI_DATABASE_URL の復元先へ）。

    復元先が空（新しいデータベース、または dxi init の直後）ならそのまま復元します。
    データがある場合は --force が必要で、確認のうえ中身をすべて置き換えます（--yes で確認を省略）。
    古いバージョンのバックアップは復元後に最新の構造へ更新します。
    ファイルが壊れている・途中で切れている・チェックサムが合わない場合は何も変更しません。
    例: dxi restore バックアップ/dxi_2025-06-30.zip
    例: DXI_DATABASE_URL=postgresql://dxi@dbserver/dxi dxi restore dxi_2025-06-30.zip --force --yes
    """
    from inventory.db.backup import row_counts
    from inventory.db.restore import restore_backup, verify_backup

    settings = settings_or_exit()
    settings.ensure_home()
    engine = engine_for(settings.db_url)
    with _progress() as progress:
        bar = progress.add_task(PHASE_LABELS["verify"], total=None)

        def advance(phase: str, table: str, rows: int) -> None:
            progress.update(bar, advance=rows, description=f"{PHASE_LABELS[phase]} {table_label(table)}")

        manifest = verify_backup(file, on_progress=advance)
    where = settings.db_shown
    existing = sum(row_counts(engine).values())
    if existing and not force:
        raise fail(
            f"復元先のデータベース（{where}）にデータがあります（{existing:,} 行）。"
            "すべて置き換えてよい場合は --force を付けて実行してください。"
        )
    if existing and not yes:
        created = japan_time(manifest.created_at)
        question = (
            f"{where} の {existing:,} 行をすべて削除し、{created} のバックアップ"
            f"（{manifest.total_rows:,} 行）で置き換えます。よろしいですか?"
        )
        if not confirm(question):
            console.print("中止しました。データベースは変更していません。")
            raise typer.Exit(1)
    with _progress() as progress:
        bar = progress.add_task(PHASE_LABELS["load"], total=manifest.total_rows)

        def advance_load(phase: str, table: str, rows: int) -> None:
            progress.update(bar, advance=rows, description=f"{PHASE_LABELS[phase]} {table_label(table)}")

        summary = restore_backup(
            engine=engine, path=file, force=force, on_progress=advance_load, checked=manifest
        )
    console.print(
        f"復元しました: {file.name} → {where}（{len(summary.rows)} 表、{sum(summary.rows.values()):,} 行、"
        f"バックアップ時の構造の版 {summary.revision}、作成元 {DIALECT_LABELS.get(summary.dialect, summary.dialect)}）",
        markup=False,
    )
