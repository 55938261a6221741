"""Overtime commands: `dxi overtime import` and `dxi overtime list`.

A plain transaction is enough here (one file, one write), so no Prefect. pandas is
loaded only inside the commands, to keep every other `dxi` command quick to start.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.markup import escape

from flows.cli.app import DeptOption, FyOption, app, console, fail, print_table, settings_or_exit
from flows.cli.ja import JaTyper
from flows.cli.params import choice_option, formats
from inventory.db.engine import engine_for, read_scope
from inventory.db.migrate import require_current
from inventory.display import task_hours
from inventory.errors import RowError, UnreadableFileError
from inventory.overtime.reader import OvertimeParse

if TYPE_CHECKING:
    from inventory.db.overtime_repo import ImportOutcome

overtime_app = JaTyper(
    help="時間外勤務実績（人事・給与システムの月次データ）の取り込みと一覧。", no_args_is_help=True
)
app.add_typer(overtime_app, name="overtime")

OutputFormat = Annotated[
    Literal["table", "json"], choice_option("--format", choice=formats("table", "json"), default="table")
]
MAX_SHOWN_ERRORS = 20
MAX_ERRORS_A_FILE = 5  # with several files, each rejected file's first few errors
OVERTIME_SUFFIXES = (".csv", ".xlsx", ".xlsm")


@overtime_app.command("import")
def import_file(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="時間外勤務実績ファイル（.xlsx または .csv）、またはそれを入れたフォルダ（複数可）",
            metavar="ファイル",
        ),
    ],
    by: Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)] = "cli",
    fmt: OutputFormat = "table",
) -> None:
    """時間外勤務実績を取り込みます。同じ課・月の既存データは置き換えます。

    課ごとの形式（年月, 課, 時間外勤務時間, 職員数）と職員ごとの形式（職員番号つき）を読めます。
    職員ごとのファイルは課・月ごとに合計し、職員番号は保存しません。
    ファイルは指定した順（フォルダの中は名前順）に1つずつ取り込みます。エラーが1件でもある
    ファイルは何も保存せず差し戻し、ほかのファイルは取り込みます（差し戻しがあれば終了コード 1）。
    --format json は1ファイルなら1つの結果、複数なら結果の配列です。
    例: dxi overtime import 時間外勤務実績_令和6年度.xlsx --by 人事課
        dxi overtime import 人事給与/
    """
    from inventory.intake.overtime import import_overtime

    paths = overtime_files(files)
    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    results: list[Imported] = []
    for file in paths:
        try:
            data = file.read_bytes()
        except OSError as exc:
            results.append(Imported(file, None, None, f"ファイルを開けません（{exc.strerror}）"))
            continue
        try:
            result = import_overtime(
                engine=engine,
                data=data,
                file_name=file.name,
                pseudonym_key=settings.pseudonym_secret,
                actor=by,
            )
        except UnreadableFileError as exc:
            results.append(Imported(file, None, None, exc.message))  # not a workbook or CSV: the next goes on
            continue
        results.append(Imported(file, result.parsed, result.stored))
    if fmt == "json":
        docs = [_result_json(r) for r in results]
        typer.echo(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2))
    elif len(results) == 1:
        _print_one(results[0])
    else:
        _print_many(results)
    if any(r.outcome is None for r in results):
        raise typer.Exit(1)


@dataclass(frozen=True)
class Imported:
    """One file of `dxi overtime import`: stored (outcome), rejected with row errors, or unreadable."""

    file: Path
    parsed: OvertimeParse | None
    outcome: ImportOutcome | None
    unreadable: str | None = None

    @property
    def error_count(self) -> int:
        return 1 if self.parsed is None else len(self.parsed.errors)


def overtime_files(paths: list[Path]) -> list[Path]:
    """The files to import: each named file, and a folder's .csv / .xlsx files by name (lock, hidden and
    temporary files skipped, as the inbox skips them)."""
    from inventory.intake.inbox import is_ignored

    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in OVERTIME_SUFFIXES and not is_ignored(p.name)
            )  # fmt: skip
            if not inside:
                raise fail(f"フォルダに時間外勤務実績ファイル（.csv / .xlsx）がありません: {path}")
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise fail(f"ファイルが見つかりません: {path}")
    return list({p.resolve(): p for p in found}.values())


def _result_json(r: Imported) -> dict[str, Any]:
    parsed, outcome, file = r.parsed, r.outcome, r.file
    if parsed is None:
        return {"status": "rejected", "file": file.name, "errors": [{"message": r.unreadable}]}
    if outcome is None:
        return {
            "status": "rejected",
            "file": parsed.file_name,
            "errors": [_error_json(e) for e in parsed.errors],
        }
    return {
        "status": "accepted", "file": file.name, "per_staff": parsed.per_staff,
        "staff_count": parsed.staff_count if parsed.per_staff else None, "months": outcome.months,
        "departments": outcome.departments, "total_hours": outcome.total_hours, "replaced": outcome.replaced,
        "first": _year_month(outcome.first), "last": _year_month(outcome.last),
    }  # fmt: skip


def _print_one(r: Imported) -> None:
    parsed, outcome, file = r.parsed, r.outcome, r.file
    if parsed is None or outcome is None:
        _print_rejection(r)
        return
    console.print(f"取り込みました: {file.name}", markup=False)
    console.print(
        f"  課 {outcome.departments} / 課×月 {outcome.months} 件（{_year_month(outcome.first)} ～ "
        f"{_year_month(outcome.last)}） / 時間外勤務時間 合計 {outcome.total_hours:,.1f} 時間 / "
        f"置き換えた課×月 {outcome.replaced} 件",
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


def _print_many(results: list[Imported]) -> None:
    """One row a file, then each rejected file's errors."""
    rows = []
    for r in results:
        o = r.outcome
        rows.append(
            {"ファイル": r.file.name, "結果": "差し戻し" if o is None else "取り込み",
             "形式": "" if r.parsed is None else "職員ごと" if r.parsed.per_staff else "課ごと",
             "期間": "" if o is None else _period(o),
             "課×月": "" if o is None else o.months, "時間外勤務時間": "" if o is None else f"{o.total_hours:,.1f}",
             "置き換え": "" if o is None else o.replaced, "エラー": r.error_count if o is None else ""}
        )  # fmt: skip
    print_table(rows, title=f"時間外勤務実績の取り込み（{len(results)} ファイル）")
    if any(r.parsed is not None and r.parsed.per_staff for r in results if r.outcome is not None):
        console.print("職員ごとのファイルは課・月ごとに合計しました（職員番号は保存していません）。")
    for r in results:
        if r.outcome is None:
            console.print()
            _print_rejection(r, limit=MAX_ERRORS_A_FILE)


def _period(outcome: ImportOutcome) -> str:
    """2024-04～2025-03, or 2025-04 for one month."""
    first, last = _year_month(outcome.first), _year_month(outcome.last)
    return str(first) if first == last else f"{first}～{last}"


def _year_month(period: tuple[int, int] | None) -> str | None:
    return None if period is None else f"{period[0]}-{period[1]:02d}"


def _error_json(error: RowError) -> dict[str, Any]:
    return error.model_dump(exclude={"file"})


def _print_rejection(r: Imported, limit: int = MAX_SHOWN_ERRORS) -> None:
    if r.parsed is None:
        reason = str(r.unreadable)
        named = reason if reason.startswith(r.file.name) else f"{r.file.name}: {reason}"
        console.print(f"[bold red]差し戻し:[/] {escape(named)}（何も保存していません）")
        return
    errors = r.parsed.errors
    console.print(
        f"[bold red]差し戻し:[/] {escape(r.parsed.file_name)}（エラー {len(errors)} 件、何も保存していません）"
    )
    for error in errors[:limit]:
        where = "".join(
            [f"{error.row}行目 " if error.row else "", f"「{error.column}」 " if error.column else ""]
        )
        console.print(f"  {where}{error.message}", markup=False)
    if len(errors) > limit:
        alone = "" if limit == MAX_SHOWN_ERRORS else "（このファイルだけを取り込むと、もっと多く表示します）"
        console.print(f"  … ほか {len(errors) - limit} 件{alone}", markup=False)


@overtime_app.command("list")
def list_months(fy: FyOption = None, dept: DeptOption = None, fmt: OutputFormat = "table") -> None:
    """取り込み済みの時間外勤務実績を課・月ごとに表示します（読み取りのみ）。

    例: dxi overtime list --fy 2024 --dept 税務課
    """
    from inventory.db.overtime_repo import overtime_rows

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with read_scope(engine) as session:
        rows = overtime_rows(session=session, departments=None if dept is None else [dept])
    records = [r for r in rows if fy is None or r["fiscal_year"] == fy]
    if fmt == "json":
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
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
