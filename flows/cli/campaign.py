"""Survey campaign commands: `dxi campaign open | status | close | remind`.

open, status and close are plain transactions (no Prefect import); only `remind`
runs the `campaign-reminder` flow.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer
from sqlalchemy import Engine

from flows.cli.app import (
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
from flows.cli.ja import JaTyper
from flows.cli.params import choice_option, date_option, formats, fy_option
from inventory.campaign.depts import DepartmentEntry, read_department_list
from inventory.campaign.screening import ScreeningStatus, screening_summary
from inventory.campaign.status import (
    REMINDER_HEADERS,
    DepartmentStatus,
    days_text,
    parse_deadline,
    status_row,
    summarise,
    today_in_japan,
)
from inventory.db.engine import engine_for, read_scope, session_scope
from inventory.db.migrate import require_current
from inventory.display import japan_time
from inventory.era import era_label
from inventory.export import to_csv

campaign_app = JaTyper(
    help="業務量調査の実施（調査票の一括作成・提出状況・督促・締め切り）。", no_args_is_help=True
)
app.add_typer(campaign_app, name="campaign")

ByOption = Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)]


def _engine() -> Engine:
    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    return engine


def _department_entries(depts: Path | None, all_known: bool, fy: int) -> list[DepartmentEntry] | None:
    """The list from --depts (None means: read the known 課 from the database)."""
    if (depts is None) == (not all_known):
        raise fail(
            "送り先の課を --depts FILE（課の一覧）か --all-known（これまでの調査の課すべて）のどちらか一方で指定してください"
        )
    if depts is None:
        return None
    if not depts.is_file():
        raise fail(f"課の一覧ファイルが見つかりません: {depts}")
    try:
        data = depts.read_bytes()
    except OSError as exc:
        raise fail(f"{depts.name}: ファイルを開けません（{exc.strerror}）") from None
    return read_department_list(data, depts.name)


def _saved_layout(name: str | None, home: Path) -> str | None:
    """The saved layout a campaign names, checked now; 標準 (our template) is no layout."""
    from inventory.layouts.store import BUILTIN, check_name, resolve_layout

    if name is None or name.strip() == BUILTIN:
        return None
    if name.strip().lower().endswith(".toml"):  # the campaign keeps a name; a file may move
        raise fail(
            f"調査で使う様式は保存済みの名前で指定してください（先に dxi layout save {name} --name 名前）"
        )
    name = check_name(name)
    resolve_layout(name, home=home)
    return name


@campaign_app.command("open")
def open_(
    fy: Annotated[int, fy_option("--fy", help="調査する年度")],
    deadline: Annotated[date, date_option("--deadline", help="提出期限")],
    depts: Annotated[
        Path | None,
        typer.Option("--depts", help="送り先の課の一覧（CSV/xlsx、列「部」「課」、または1行に1課）"),
    ] = None,
    all_known: Annotated[
        bool, typer.Option("--all-known", help="これまでの調査で提出のあった課すべてに送る")
    ] = False,
    outbox: Annotated[
        Path | None,
        typer.Option(
            "--outbox", help="調査票の出力先（既定: DXI_OUTBOX または $DXI_HOME/outbox の下の年度フォルダ）"
        ),
    ] = None,
    by: ByOption = "cli",
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout",
            help="独自様式で回収するときの保存済みの様式の名前（受付フォルダのファイルをこの様式で読みます）",
        ),
    ] = None,
) -> None:
    """業務量調査を開始します: 課ごとに前年度の回答を記入済みの調査票を作り、調査を登録します。

    --layout を付けると、受付フォルダに届いた独自様式のファイルをその様式で読みます
    （本製品の調査票は様式なしでそのまま読めます）。
    例: dxi campaign open --fy 2025 --deadline 2025-06-30 --depts 課一覧.csv
    例: dxi campaign open --fy 2025 --deadline 2025-06-30 --all-known --outbox 送付用/
    例: dxi campaign open --fy 2025 --deadline 2025-06-30 --all-known --layout 〇〇市様式
    """
    from inventory.db.campaign_repo import known_departments, open_campaign, refuse_if_open
    from inventory.intake.outbox import staging_folder, write_templates

    due = parse_deadline(deadline, fiscal_year=fy)
    entries = _department_entries(depts, all_known, fy)
    settings = settings_or_exit()
    layout = _saved_layout(layout, settings.home)
    engine = engine_for(settings.db_url)
    require_current(engine)
    target = (outbox.expanduser().resolve() if outbox else settings.outbox_dir) / str(fy)
    with session_scope(engine) as session:  # checks first, so a refused open writes no file
        refuse_if_open(session=session, fiscal_year=fy)
        if entries is None:
            entries = [
                DepartmentEntry(n, d) for n, d in known_departments(session=session, before_fiscal_year=fy)
            ]
            if not entries:
                raise fail(
                    f"{fy}年度より前の調査で提出のあった課がありません。--depts で課の一覧を指定してください"
                )
    with staging_folder(target) as staging, session_scope(engine) as session:
        sent = write_templates(session=session, fiscal_year=fy, entries=entries, folder=staging)
        campaign = open_campaign(
            session=session, fiscal_year=fy, deadline=due, outbox=target, actor=by,
            departments=[(s.department, s.division, s.file_name) for s in sent], layout=layout,
        )  # fmt: skip
    print_table(
        [
            {"部": s.division or "", "課": s.department, "調査票": s.file_name, "記入済み業務": s.prefilled}
            for s in sent
        ],
        title=f"{era_label(fy)} 業務量調査票（{len(sent)} 課）",
    )
    console.print(f"調査を開始しました（ID {campaign.id}、期限 {due.isoformat()}）。調査票の出力先: {target}")
    if layout:
        console.print(f"受付フォルダに届いた独自様式のファイルは様式「{layout}」で読みます", markup=False)
    if due < today_in_japan():
        console.print(f"[yellow]注意:[/] 期限 {due.isoformat()} はすでに過ぎています")


StatusFormat = Literal["table", "json", "csv"]


@campaign_app.command()
def status(
    fy: FyOption = None,
    fmt: Annotated[
        StatusFormat, choice_option("--format", choice=formats("table", "json", "csv"), default="table")
    ] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="書き出し先（json/csv）")] = None,
    keys: KeysOption = "ja",
) -> None:
    """調査の提出状況を課ごとに表示します（提出済み・再提出・差し戻し・未提出・期限までの日数）。

    二次調査票（dxi screening）を送った年度は、その返送状況も続けて表示します。

    --fy を省くと実施中の調査（なければ最新の調査）を表示します。
    CSV は Excel でそのまま開ける日本語の列名です（プログラムで読むなら --keys en）。
    例: dxi campaign status --fy 2025 --format csv -o 提出状況.csv
    """
    from inventory.db.campaign_repo import campaign_progress, get_campaign
    from inventory.db.screening_repo import screening_progress

    engine = _engine()
    today = today_in_japan()
    with read_scope(engine) as session:
        campaign = get_campaign(session=session, fiscal_year=fy)
        year = campaign.fiscal_year if campaign is not None else fy
        screening = screening_progress(session=session, fiscal_year=year) if year is not None else []
        if campaign is None:
            if screening and year is not None and fmt == "table":
                _print_screening(screening, year)
                return
            which = f"{era_label(fy)}（{fy}年度）の" if fy is not None else ""
            raise fail(f"{which}調査は登録されていません。`dxi campaign open` で開始してください")
        statuses = campaign_progress(session=session, fiscal_year=campaign.fiscal_year, today=today)
    summary = summarise(statuses, deadline=campaign.deadline, today=today, closed=campaign.status != "open")
    state = "実施中" if campaign.status == "open" else "締め切り済み"
    if fmt == "json":
        doc = {
            "fiscal_year": campaign.fiscal_year, "status": campaign.status, "deadline": campaign.deadline.isoformat(),
            "days_left": summary.days_left, "summary": summary.counts, "outbox": campaign.outbox,
            "layout": campaign.layout, "departments": [s.model_dump(mode="json") for s in statuses],
            "screening": [s.model_dump(mode="json") for s in screening],
        }  # fmt: skip
        write_or_print(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "csv" and keys == "en":
        write_or_print(
            to_csv([s.model_dump(mode="json") for s in statuses], list(DepartmentStatus.model_fields)), output
        )
    elif fmt == "csv":
        write_or_print(to_csv([status_row(s) for s in statuses], REMINDER_HEADERS), output)
    else:
        rows = [
            {"部": s.division or "", "課": s.department, "状況": s.label,
             "エラー": s.error_count if s.state == "rejected" else "", "提出回数": s.accepted_versions + s.rejections,
             "最終受付": japan_time(s.last_received_at),
             "期限まで": days_text(s.days_left) if s.state in ("sent", "missing", "rejected") else ""}
            for s in statuses
        ]  # fmt: skip
        print_table(rows, title=f"{era_label(campaign.fiscal_year)} 業務量調査（{state}）")
        console.print(summary.line())
        if campaign.layout:
            console.print(
                f"独自様式: {campaign.layout}（受付フォルダのファイルをこの様式で読みます）", markup=False
            )
        if screening:
            console.print()
            _print_screening(screening, campaign.fiscal_year)


def _print_screening(statuses: list[ScreeningStatus], fiscal_year: int) -> None:
    """The screening workbooks (二次調査票) of the 年度: sent, returned, rejected."""
    rows = [
        {"部": s.division or "", "課": s.department, "状況": s.label, "業務数": s.task_count,
         "エラー": s.error_count if s.state == "rejected" else "", "返送回数": s.returns,
         "送付": japan_time(s.sent_at), "最終受付": japan_time(s.last_received_at)}
        for s in statuses
    ]  # fmt: skip
    print_table(rows, title=f"{era_label(fiscal_year)} 二次調査票")
    console.print(screening_summary(statuses))


@campaign_app.command()
def close(fy: Annotated[int, fy_option("--fy", help="締め切る調査の年度")], by: ByOption = "cli") -> None:
    """実施中の調査を締め切ります。提出状況はその後も `dxi campaign status` で見られます。

    例: dxi campaign close --fy 2025
    """
    from inventory.db.campaign_repo import close_campaign

    engine = _engine()
    with session_scope(engine) as session:
        campaign = close_campaign(session=session, fiscal_year=fy, actor=by)
    console.print(f"{era_label(campaign.fiscal_year)}の調査を締め切りました（ID {campaign.id}）")


@campaign_app.command()
def remind(
    fy: FyOption = None,
    today: Annotated[str | None, date_option("--today", help="基準日、既定は今日", iso=True)] = None,
    by: ByOption = "cli",
) -> None:
    """督促を実行します: 未提出・差し戻しの課の一覧（差し込み印刷用CSV）を作り、通知ブロックがあれば通知します。

    同じ年度の二次調査票を返送していない課（差し戻しを含む）も、同じ一覧に載ります。

    通常は平日朝のスケジュールで動きます。手動でも実行できます。
    例: dxi campaign remind --fy 2025
    """
    if today is not None:
        try:
            date.fromisoformat(today)
        except ValueError:
            raise fail(
                f"--today の値「{today}」を日付として読めません。2025-06-20 のように指定してください"
            ) from None
    _engine()
    from flows.desk import send_reminders  # here, or as a flow run when a Prefect server runs

    day = date.fromisoformat(today) if today else today_in_japan()
    result = send_reminders(fiscal_year=fy, today=day, actor=by, notice=notice)
    console.print(result.message, markup=False)
    if result.csv_path:
        console.print(f"督促リスト: {result.csv_path}", markup=False)
    notes = {"sent": "通知を送りました", "not_configured": "通知ブロック未設定のため通知なし"}
    if result.notification == "failed":
        console.print(f"[yellow]注意:[/] 通知を送れませんでした（{result.notification_error}）")
    elif result.notification in notes:
        console.print(notes[result.notification])
