"""Overtime commands: `dxi overtime import` and `dxi overtime list`.

A plain transaction is enough here (one file, one write), so no Prefect. pandas is
loaded only inside the commands, to keep every other `dxi` command quick to start.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from flows.cli.app import DeptOption, FyOption, app, console, fail, print_table, settings_or_exit
from flows.cli.ja import JaTyper
from flows.cli.params import choice_option, formats
from inventory.db.engine import engine_for, read_scope
from inventory.db.migrate import require_current
from inventory.display import task_hours
from inventory.errors import RowError
from inventory.overtime.reader import OvertimeParse

overtime_app = JaTyper(
    help="時間外勤務実績（人事・給与システムの月次データ）の取り込みと一覧。", no_args_is_help=True
)
app.add_typer(overtime_app, name="overtime")

OutputFormat = Annotated[
    Literal["table", "json"], choice_option("--format", choice=formats("table", "json"), default="table")
]
MAX_SHOWN_ERRORS = 20


@overtime_app.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(help="時間外勤務実績ファイル（.xlsx または .csv）", metavar="ファイル")
    ],
    by: Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)] = "cli",
    fmt: OutputFormat = "table",
) -> None:
    """時間外勤務実績を取り込みます。同じ課・月の既存データは置き換えます。

    課ごとの形式（年月, 課, 時間外勤務時間, 職員数）と職員ごとの形式（職員番号つき）を読めます。
    職員ごとのファイルは課・月ごとに合計し、職員番号は保存しません。
    エラーが1件でもあるファイルは何も保存せず差し戻します（終了コード 1）。
    例: dxi overtime import 時間外勤務実績_令和6年度.xlsx --by 人事課
    """
    from inventory.intake.overtime import import_overtime

    if not file.is_file():
        raise fail(f"ファイルが見つかりません: {file}")
    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file.name}: ファイルを開けません（{exc.strerror}）") from None
    result = import_overtime(
        engine=engine, data=data, file_name=file.name, pseudonym_key=settings.pseudonym_secret, actor=by
    )
    parsed, outcome = result.parsed, result.stored
    if outcome is None:
        _print_rejection(parsed, fmt)
        raise typer.Exit(1)
    summary: dict[str, Any] = {
        "status": "accepted", "file": file.name, "per_staff": parsed.per_staff,
        "staff_count": parsed.staff_count if parsed.per_staff else None, "months": outcome.months,
        "departments": outcome.departments, "total_hours": outcome.total_hours, "replaced": outcome.replaced,
        "first": _year_month(outcome.first), "last": _year_month(outcome.last),
    }  # fmt: skip
    if fmt == "json":
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    console.print(f"取り込みました: {file.name}", markup=False)
    console.print(
        f"  課 {outcome.departments} / 課×月 {outcome.months} 件（{summary['first']} ～ {summary['last']}）"
        f" / 時間外勤務時間 合計 {outcome.total_hours:,.1f} 時間 / 置き換えた課×月 {outcome.replaced} 件",
        markup=False,
    )
    if parsed.per_staff:
        console.print(
            f"  職員ごとのファイル: 職員 {parsed.staff_count} 人分を課・月ごとに合計しました（職員番号は保存していません）"
        )
    totals: dict[str, list[float]] = defaultdict(list)
    for month in parsed.months:
        totals[month.department].append(month.overtime_hours)
    print_table(
        [
            {"課": name, "月数": len(hours), "時間外勤務時間 合計": f"{sum(hours):,.1f}"}
            for name, hours in totals.items()
        ],
        title="課ごとの取り込み件数",
    )


def _year_month(period: tuple[int, int] | None) -> str | None:
    return None if period is None else f"{period[0]}-{period[1]:02d}"


def _error_json(error: RowError) -> dict[str, Any]:
    return error.model_dump(exclude={"file"})


def _print_rejection(parsed: OvertimeParse, fmt: str) -> None:
    errors = parsed.errors
    if fmt == "json":
        doc = {"status": "rejected", "file": parsed.file_name, "errors": [_error_json(e) for e in errors]}
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    console.print(
        f"[bold red]差し戻し:[/] {parsed.file_name}（エラー {len(errors)} 件、何も保存していません）"
    )
    for error in errors[:MAX_SHOWN_ERRORS]:
        where = "".join(
            [f"{error.row}行目 " if error.row else "", f"「{error.column}」 " if error.column else ""]
        )
        console.print(f"  {where}{error.message}", markup=False, soft_wrap=True)
    if len(errors) > MAX_SHOWN_ERRORS:
        console.print(f"  … ほか {len(errors) - MAX_SHOWN_ERRORS} 件")


@overtime_app.command("list")
def list_months(fy: FyOption = None, dept: DeptOption = None, fmt: OutputFormat = "table") -> None:
    """取り込み済みの時間外勤務実績を課・月ごとに表示します（読み取りのみ）。

    例: dxi overtime list --fy 2024 --dept 税務課
    """
    from inventory.db.overtime_repo import overtime_panel

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with read_scope(engine) as session:
        panel = overtime_panel(session=session, departments=None if dept is None else [dept])
    if fy is not None:
        panel = panel[panel["fiscal_year"] == fy]
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in record.items()} for record in panel.to_dict(orient="records")
    ]
    if fmt == "json":
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2, default=_plain))
        return
    print_table(
        [
            {"課": r["department"], "年月": f"{r['year']}-{r['month']:02d}", "年度": r["fiscal_year"],
             "時間外勤務時間": task_hours(r["overtime_hours"]), "職員数": r["headcount"],
             "1人当たり": f"{r['overtime_hours'] / r['headcount']:,.2f}"}
            for r in records
        ],
        title=f"時間外勤務実績（{len(records)} 件）",
    )  # fmt: skip


def _plain(value: Any) -> Any:
    """numpy scalars → plain Python for json.dumps."""
    return value.item() if hasattr(value, "item") else str(value)
