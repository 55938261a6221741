"""Inventory commands: init, template, ingest, tasks, submissions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from flows.cli.app import (
    DeptOption,
    FyOption,
    KeysOption,
    app,
    console,
    fail,
    notice,
    print_table,
    settings_or_exit,
    write_or_print,
)
from flows.cli.params import choice_option, formats, fy_option
from inventory.db.engine import engine_for, read_scope, session_scope
from inventory.db.migrate import require_current, upgrade
from inventory.db.submission_repo import latest_fiscal_year, list_submissions
from inventory.db.task_repo import list_tasks, previous_tasks
from inventory.display import MISSING, japan_time, task_hours
from inventory.errors import RowError
from inventory.export import to_csv, write_xlsx
from inventory.survey.models import TaskOut
from inventory.survey.schema import COLUMNS

Format = Literal["table", "json", "csv", "xlsx"]


@app.command()
def init() -> None:
    """データベースを作成、または最新の構造に更新します。

    データの場所は、環境変数 DXI_HOME / DXI_DATABASE_URL、今のフォルダかその上にある dxi.toml、
    この利用者の既定のデータフォルダ（Windows は %LOCALAPPDATA%\\dxi）の順に決まります。
    例: dxi init
    """
    settings = settings_or_exit()
    settings.ensure_home()
    before, after = upgrade(engine_for(settings.db_url))
    where = settings.db_shown
    if before == after:
        console.print(f"データベースは最新です: {where}（構造の版 {after}）", markup=False)
    else:
        done = "作成" if before is None else "更新"
        console.print(f"データベースを{done}しました: {where}（構造の版 {after}）", markup=False)
    console.print(f"データフォルダ: {settings.home}（{settings.home_origin()}）", markup=False)
    # The folders the schedules and `dxi doctor` expect: the inboxes to share with the 課 and HR.
    folders = {
        "調査票の受付フォルダ": settings.inbox_dir,
        "時間外勤務実績の受付フォルダ": settings.overtime_inbox_dir,
        "調査票の配布フォルダ": settings.outbox_dir,
        "報告書フォルダ": settings.home / "reports",
    }
    for label, folder in folders.items():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fail(f"{label} {folder} を作成できません（{exc.strerror or exc}）") from None
        console.print(f"{label}: {folder}", markup=False)


@app.command()
def template(
    fy: Annotated[int, fy_option("--fy", help="調査する年度")],
    dept: Annotated[str, typer.Option("--dept", help="課の名前")],
    output: Annotated[Path, typer.Option("-o", "--output", help="書き出す .xlsx ファイル")],
    division: Annotated[str | None, typer.Option("--division", help="部の名前")] = None,
    from_previous: Annotated[
        bool, typer.Option("--from-previous", help="前年度の業務を記入済みにする")
    ] = False,
) -> None:
    """業務量調査票（Excel）を作成します。

    例: dxi template --fy 2025 --dept 税務課 --division 総務部 --from-previous -o 税務課_令和7年度.xlsx
    """
    from inventory.survey.template import write_template

    previous: list[dict[str, object]] = []
    if from_previous:
        settings = settings_or_exit()
        engine = engine_for(settings.db_url)
        require_current(engine)
        with session_scope(engine) as session:
            previous = [
                t.model_dump()
                for t in previous_tasks(session=session, department=dept, before_fiscal_year=fy)
            ]
        if not previous:
            console.print(f"[yellow]注意:[/] {dept} の前年度以前の調査結果がないため、空の調査票を作成します")
    path = write_template(output, fiscal_year=fy, department=dept, division=division, previous_tasks=previous)
    console.print(f"調査票を作成しました: {path}（業務 {len(previous)} 件を記入済み）")


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="調査票ファイル、またはそれを含むフォルダ", metavar="ファイル")
    ],
    fy: FyOption = None,
    dept: DeptOption = None,
    division: Annotated[str | None, typer.Option("--division", help="部の名前")] = None,
    errors_dir: Annotated[
        Path | None, typer.Option("--errors-dir", help="エラー票の出力先（既定: 元ファイルと同じ場所）")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)] = "cli",
    fmt: Annotated[
        Literal["table", "json"], choice_option("--format", choice=formats("table", "json"), default="table")
    ] = "table",
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout", help="独自様式の読み方: 様式ファイル（.toml）か保存済みの名前（dxi layout list）"
        ),
    ] = None,
) -> None:
    """業務量調査票を取り込みます。エラーのあるファイルは丸ごと差し戻し、エラー票を書き出します。

    終了コード: 0 = すべて受理、1 = 差し戻しあり。
    例: dxi ingest 回収/ --fy 2024
    例: dxi ingest 〇〇市_業務量調査.xlsx --layout 〇〇市様式
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise fail(f"ファイルまたはフォルダが見つかりません: {', '.join(missing)}")
    settings = settings_or_exit()
    settings.ensure_home()
    if layout is not None:  # a bad layout stops here, before any file is read
        from inventory.layouts.store import layout_path, resolve_layout

        resolve_layout(layout, home=settings.home)
        found = layout_path(layout, home=settings.home)  # absolute: workers may run elsewhere
        layout = str(found) if found is not None else None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.desk import ingest_surveys  # here, or as a flow run when a Prefect server runs
    from flows.jobs.intake import outcome_json, outcome_row
    from inventory.intake.survey import FileOutcome, find_survey_files

    files = find_survey_files(paths)  # the intake gets this list, so the folder is read once
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console if fmt == "table" else type(console)(stderr=True), transient=fmt == "json",
    )  # fmt: skip
    with progress:
        bar = progress.add_task("取り込み中", total=len(files))

        def advance(outcome: FileOutcome) -> None:
            progress.update(bar, advance=1, description=f"取り込み中 {outcome.file}")

        outcomes = ingest_surveys(
            paths=[str(f) for f in files], fiscal_year=fy, department=dept, division=division,
            errors_dir=str(errors_dir) if errors_dir else None, actor=by, on_progress=advance,
            layout=layout, notice=notice,
        )  # fmt: skip
    accepted = [o for o in outcomes if o.status != "rejected"]
    rejected = [o for o in outcomes if o.status == "rejected"]
    if fmt == "json":
        doc = {
            "accepted": [outcome_json(o) for o in accepted],
            "rejected": [outcome_json(o) for o in rejected],
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        print_table([outcome_row(o) for o in outcomes], title="取り込み結果")
        for outcome in outcomes:
            if outcome.warnings:
                console.print(
                    f"\n[bold yellow]警告:[/] {outcome.file}（{len(outcome.warnings)} 件、取り込み済み）"
                )
                for warning in outcome.warnings:
                    console.print(f"  {_where(warning)}{warning.message}", markup=False)
        for outcome in rejected:
            console.print(f"\n[bold red]差し戻し:[/] {outcome.file}（エラー {len(outcome.errors)} 件）")
            for error in outcome.errors[:10]:
                console.print(f"  {_where(error)}{error.message}", markup=False)
            if len(outcome.errors) > 10:
                console.print(f"  … ほか {len(outcome.errors) - 10} 件")
            if outcome.error_workbook:
                console.print(f"  エラー票: {outcome.error_workbook}", markup=False)
    raise typer.Exit(1 if rejected else 0)


COVER_LABELS_SHOWN = frozenset({"年度", "部", "課", "回答者", "回答日"})


def _where(issue: RowError) -> str:
    """Where an error or warning is, as the clerk finds it: sheet, row, column."""
    if issue.row is None and issue.message.startswith("表紙の"):
        return ""  # the message already says where: 表紙の回答日: …
    sheet = f"シート「{issue.sheet}」 " if issue.sheet and issue.row else ""
    row = f"{issue.row}行目 " if issue.row else ("表紙 " if issue.column in COVER_LABELS_SHOWN else "")
    return f"{sheet}{row}" + (f"「{issue.column}」 " if issue.column else "")


TASK_HEADERS: dict[str, str] = {
    "id": "ID",
    "fiscal_year": "年度",
    "department": "課",
    **{c.field: c.header for c in COLUMNS if c.field not in ("fiscal_year", "department")},
    "annual_hours": "年間時間",
    "warnings": "警告",
}


def _task_rows(tasks: list[TaskOut]) -> list[dict[str, object]]:
    return [{TASK_HEADERS[k]: v for k, v in t.model_dump().items() if k in TASK_HEADERS} for t in tasks]


@app.command()
def tasks(
    fy: FyOption = None,
    dept: DeptOption = None,
    fmt: Annotated[
        Format, choice_option("--format", choice=formats("table", "json", "csv", "xlsx"), default="table")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="書き出し先（xlsx では必須に近い）")
    ] = None,
    keys: KeysOption = "ja",
) -> None:
    """現在の業務一覧（差し替え前の古い提出は除く）を表示・出力します。

    CSV は Excel でそのまま開ける日本語の列名です（プログラムで読むなら --keys en）。
    例: dxi tasks --fy 2024 --dept 税務課 --format xlsx -o 業務一覧.xlsx
    """
    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with read_scope(engine) as session:
        year = fy if fy is not None else latest_fiscal_year(session=session)
        found = list_tasks(session=session, fiscal_year=year, department=dept)
    if fmt == "json":
        write_or_print(
            json.dumps([t.model_dump(mode="json") for t in found], ensure_ascii=False, indent=2) + "\n",
            output,
        )
    elif fmt == "csv" and keys == "en":
        write_or_print(to_csv([t.model_dump() for t in found], list(TASK_HEADERS)), output)
    elif fmt == "csv":
        write_or_print(to_csv(_task_rows(found), list(TASK_HEADERS.values())), output)
    elif fmt == "xlsx":
        target = output or settings.home / "exports" / f"業務一覧_{year}.xlsx"
        write_xlsx(target, _task_rows(found), list(TASK_HEADERS.values()), sheet="業務一覧")
        console.print(f"書き出しました: {target}（{len(found)} 件）")
    else:
        rows = [
            {"ID": t.id, "年度": t.fiscal_year, "課": t.department, "業務名": t.name,
             "定型性": t.routine or MISSING, "入力媒体": t.input_medium or MISSING,
             "年間件数": MISSING if t.annual_volume is None else f"{t.annual_volume:,.0f}",
             "分/件": MISSING if t.minutes_per_case is None else f"{t.minutes_per_case:g}",
             "年間時間": task_hours(t.annual_hours), "警告": len(t.warnings) or ""}
            for t in found
        ]  # fmt: skip
        print_table(
            rows, title=f"業務一覧（{len(found)} 件）", optional=("年度", "分/件", "年間件数", "入力媒体")
        )


@app.command()
def submissions(fy: FyOption = None) -> None:
    """提出の履歴（差し替えられた古い提出を含む）を表示します。

    例: dxi submissions --fy 2024
    """
    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with read_scope(engine) as session:
        found = list_submissions(session=session, fiscal_year=fy)
    labels = {"current": "現行", "superseded": "差し替え済み"}
    print_table(
        [
            {"ID": s["id"], "年度": s["fiscal_year"], "課": s["department"], "ファイル": s["file_name"],
             "様式": "二次調査票" if s["kind"] == "screening" else "業務量調査票",
             "状態": labels.get(s["status"], s["status"]), "後継ID": s["superseded_by_id"] or "",
             "業務数": s["task_count"], "受付日時": japan_time(s["received_at"])}
            for s in found
        ],
        title="提出履歴",
    )  # fmt: skip
