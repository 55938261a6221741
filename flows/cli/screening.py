"""The two-stage survey's command: `dxi screening` writes the 二次調査票 per 課.

The returned workbooks come back through `dxi ingest` or the inbox, which recognise
them by their `二次調査票` sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.app import app, console, err_console, fail, print_table, settings_or_exit
from flows.cli.params import fy_option
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import require_current
from inventory.era import era_label
from inventory.errors import SurveyRejectedError
from inventory.screening.fields import SCREENING_SHEET

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from inventory.intake.screening_out import Choice

DEFAULT_TOP = 100


@app.command()
def screening(
    fy: Annotated[int, fy_option("--fy", help="対象の年度")],
    top: Annotated[
        int | None, typer.Option("--top", help=f"最新の採点結果の上位 N 件から選ぶ（既定 {DEFAULT_TOP}）")
    ] = None,
    tasks: Annotated[
        Path | None,
        typer.Option("--tasks", help="対象の業務の一覧（CSV/xlsx、見出し「業務ID」または「課」「業務名」）"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="出力先フォルダ（既定: 調査票の配布フォルダの下の 年度/二次調査票）"
        ),
    ] = None,
    by: Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)] = "cli",
) -> None:
    """二次調査票（RPA・AI-OCR 適性の確認）を課ごとに作成します。

    候補の業務のうち、定型性・判断の有無・入力媒体などの回答がない業務（属性未確認）だけを、
    業務ID・業務名・業務量を記入済みにして課ごとの Excel にします。返送されたファイルは
    dxi ingest または受付フォルダでそのまま取り込めます。
    例: dxi screening --fy 2025 --top 100
    例: dxi screening --fy 2025 --tasks 候補一覧.xlsx -o 二次調査/
    """
    from inventory.intake.outbox import staging_folder
    from inventory.intake.screening_out import choose_top, send_screening

    if top is not None and tasks is not None:
        raise fail("--top と --tasks はどちらか一方だけを指定してください")
    if top is not None and top < 1:
        raise fail(f"--top の値「{top}」は1以上の整数にしてください")
    if tasks is not None and not tasks.is_file():
        raise fail(f"業務の一覧ファイルが見つかりません: {tasks}")
    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    target = output.expanduser().resolve() if output else settings.outbox_dir / str(fy) / SCREENING_SHEET
    with session_scope(engine) as session:
        if tasks is None:
            choice = choose_top(session=session, fiscal_year=fy, top=top or DEFAULT_TOP)
        else:
            choice = _listed(session, fy, tasks)
    if not choice.asked:
        console.print(
            f"二次調査が必要な業務はありません（選んだ {len(choice.complete)} 件はすべて属性が確認済みです）。"
        )
        return
    with staging_folder(target) as staging, session_scope(engine) as session:
        sheets = send_screening(
            session=session, fiscal_year=fy, tasks=choice.asked, folder=staging, target=target, actor=by
        )
    print_table(
        [{"部": s.division or "", "課": s.department, "業務数": len(s.task_keys), "ファイル": s.file_name}
         for s in sheets],
        title=f"{era_label(fy)} 二次調査票（{len(sheets)} 課・{len(choice.asked)} 業務）",
    )  # fmt: skip
    if choice.complete:
        console.print(f"属性が確認済みのため対象外: {len(choice.complete)} 件")
    console.print(f"出力先: {target}", markup=False)


def _listed(session: Session, fy: int, path: Path) -> Choice:
    """The tasks the list names; its problems are printed with their rows and nothing is written."""
    from inventory.intake.screening_out import choose_listed

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"{path.name}: ファイルを開けません（{exc.strerror}）") from None
    try:
        return choose_listed(session=session, fiscal_year=fy, data=data, file_name=path.name)
    except SurveyRejectedError as exc:
        err_console.print(f"[bold red]エラー:[/] {exc.message}（二次調査票は作成していません）")
        for error in exc.errors[:20]:
            row = f"{error.row}行目 " if error.row else ""
            column = f"「{error.column}」 " if error.column else ""
            err_console.print(f"  {row}{column}{error.message}", markup=False, highlight=False)
        if len(exc.errors) > 20:
            err_console.print(f"  … ほか {len(exc.errors) - 20} 件")
        raise typer.Exit(2) from None
