"""Pilot commands: `dxi pilot create | advance | measure | list`.

Each command is one short transaction, so no Prefect; nothing here imports pandas
either, so the commands start quickly. The lifecycle rules are `bpr.pilots.rules`; this
module only parses options (dates in Western or 和暦 spelling) and prints.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

import typer
from sqlalchemy import select

from bpr.pilots.rules import METHODS, PHASE_LABELS, STATES
from bpr.scoring.labels import TOOL_LABELS
from flows.cli.app import app, console, print_table, settings_or_exit
from flows.cli.ja import JaTyper
from flows.cli.params import Choice, choice_option, date_option, formats
from inventory.db.engine import engine_for, read_scope, session_scope
from inventory.db.migrate import require_current
from inventory.display import task_hours

pilot_app = JaTyper(
    help="実証（トライアル導入）の登録・状態変更・効果測定・一覧。状態: "
    + " → ".join(STATES[:5])
    + "（または見送り）",
    no_args_is_help=True,
)
app.add_typer(pilot_app, name="pilot")

TOOLS = Choice(
    {"rpa": ("RPA",), "ai-ocr": ("AI-OCR", "AIOCR", "OCR"), "both": ("AI-OCR+RPA", "両方", "RPA+AI-OCR")},
    what="ツール",
)
PHASES = Choice({code: (label,) for code, label in PHASE_LABELS.items()}, what="測定の時期")
METHOD_CHOICES = Choice(dict.fromkeys(METHODS, ()), what="測定方法")

DateOption = Annotated[date | None, date_option("--date", help="日付、既定は今日")]
ByOption = Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)]
PilotId = Annotated[int, typer.Argument(help="対象の実証（dxi pilot list の ID 列）", metavar="実証ID")]


def _engine() -> Any:
    engine = engine_for(settings_or_exit().db_url)
    require_current(engine)
    return engine


@pilot_app.command("create")
def create(
    task: Annotated[int, typer.Option("--task", help="業務ID（dxi rank の ID 列）")],
    tool: Annotated[Literal["rpa", "ai-ocr", "both"], choice_option("--tool", choice=TOOLS, help="ツール")],
    vendor: Annotated[str | None, typer.Option("--vendor", help="ベンダー名")] = None,
    product: Annotated[str | None, typer.Option("--product", help="製品名")] = None,
    start_date: Annotated[date | None, date_option("--start", help="実証の開始日")] = None,
    initial_cost: Annotated[float, typer.Option("--initial-cost", help="初期費用（円）")] = 0.0,
    annual_licence: Annotated[float, typer.Option("--annual-licence", help="年間ライセンス料（円）")] = 0.0,
    dev_hours: Annotated[float, typer.Option("--dev-hours", help="職員の開発・設定時間（時間）")] = 0.0,
    group: Annotated[
        bool, typer.Option("--group", help="この業務の横展開グループ全体（最新の採点）を対象にする")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="理由・メモ（監査ログに記録）")] = None,
    by: ByOption = "cli",
    fmt: Annotated[
        Literal["table", "json"],
        choice_option(
            "--format",
            choice=formats("table", "json"),
            help="表は文章で、JSON はスクリプト用",
            default="table",
        ),
    ] = "table",
) -> None:
    """実証を「候補」として登録し、実証IDを表示します。削減見込みは最新の採点結果から写し取ります。

    例: dxi pilot create --task 12 --tool AI-OCR --vendor ○○社 --start 2025/4/1 --initial-cost 800000
    """
    from bpr.pilots.service import create_pilot
    from inventory.db.tables import Department, Task

    with session_scope(_engine()) as session:
        pilot = create_pilot(
            session=session, task_id=task, tool=tool, vendor=vendor, product=product, start_date=start_date,
            initial_cost=initial_cost, annual_licence=annual_licence, development_hours=dev_hours,
            group=group, actor=by, reason=reason,
        )  # fmt: skip
        row = session.execute(
            select(Department.name, Task.name)
            .join(Task, Task.department_id == Department.id)
            .where(Task.id == task)
        ).one()
        estimate = pilot.estimate_hours
        created: dict[str, object] = {"id": pilot.id, "task_id": task, "department": row[0], "name": row[1], "tool": tool,
                   "state": pilot.state, "group_id": pilot.group_id, "estimated_hours": pilot.estimate_hours}  # fmt: skip
    if fmt == "json":
        typer.echo(json.dumps(created, ensure_ascii=False, indent=2))
        return
    hint = "採点結果なし" if estimate is None else f"削減見込み {task_hours(estimate)} 時間/年"
    scope = "の横展開グループ" if created["group_id"] is not None else ""
    typer.echo(  # not rich: one unwrapped line, so a script can still read the ID
        f"実証ID {created['id']} を登録しました（{created['department']}「{created['name']}」{scope}、"
        f"{TOOL_LABELS[tool]}、状態: {created['state']}、{hint}）"
    )  # fmt: skip


@pilot_app.command("advance")
def advance(
    pilot_id: PilotId,
    to: Annotated[str, typer.Option("--to", help="変更先の状態: " + " / ".join(STATES))],
    day: DateOption = None,
    reason: Annotated[str | None, typer.Option("--reason", help="理由（監査ログに記録）")] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="実測の削減が 0 以下または見込みの半分未満でも本格導入する（--reason 必須、監査ログに記録）",
        ),
    ] = False,
    by: ByOption = "cli",
) -> None:
    """実証の状態を進めます。本格導入には導入前・導入後の測定がそれぞれ1件以上必要です。

    本格導入の日付（--date）の月が本格導入月になり、効果検証（残業の比較）で使われます。
    実測の削減が 0 以下、または見込みの半分未満の実証を本格導入にするには --force と --reason が必要です。
    例: dxi pilot advance 3 --to 本格導入 --date 2025/10/1 --reason 効果を確認 --by 佐藤
    """
    from bpr.pilots.service import advance_pilot

    with session_scope(_engine()) as session:
        pilot = advance_pilot(
            session=session, pilot_id=pilot_id, to=to, on=day, reason=reason, actor=by, force=force
        )
        state, go_live = pilot.state, pilot.go_live_month
    extra = f"（本格導入月 {go_live:%Y-%m}）" if go_live and state == "本格導入" else ""
    console.print(f"実証ID {pilot_id} を「{state}」にしました{extra}", highlight=False)


@pilot_app.command("measure")
def measure(
    pilot_id: PilotId,
    phase: Annotated[str, choice_option("--phase", choice=PHASES)],
    cases: Annotated[float, typer.Option("--cases", help="測定した件数")],
    minutes: Annotated[float, typer.Option("--minutes", help="1件あたりの処理時間（分）")],
    check_minutes: Annotated[
        float, typer.Option("--check-minutes", help="1件あたりの確認（目視確認など）の時間（分）")
    ] = 0.0,
    method: Annotated[str, choice_option("--method", choice=METHOD_CHOICES, default="実測")] = "実測",
    day: Annotated[date | None, date_option("--date", help="測定日、既定は今日")] = None,
    note: Annotated[str | None, typer.Option("--note", help="メモ")] = None,
    by: ByOption = "cli",
) -> None:
    """導入前・導入後の測定（実測）を記録します。

    例: dxi pilot measure 3 --phase 導入後 --cases 200 --minutes 1.5 --check-minutes 0.5 --method 実測
    """
    from bpr.pilots.service import add_measurement

    with session_scope(_engine()) as session:
        add_measurement(
            session=session, pilot_id=pilot_id, phase=phase, cases=cases, minutes=minutes,
            check_minutes=check_minutes, method=method, measured_on=day, note=note, actor=by,
        )  # fmt: skip
    label = {"before": "導入前", "after": "導入後"}.get(phase, phase)
    console.print(
        f"実証ID {pilot_id} に{label}の測定を記録しました（{cases:,.0f} 件 × {minutes:g} 分、確認 {check_minutes:g} 分）",
        highlight=False,
    )


def _json_row(summary: Any) -> dict[str, Any]:
    row = asdict(summary)
    keys = ("id", "task_id", "department", "name", "tool", "state", "estimated_hours", "realised_hours",
            "accuracy", "net_saving_yen", "payback_months", "go_live_month", "departments", "gate_concern",
            "production_reason")  # fmt: skip
    out = {key: row[key] for key in keys}
    out["go_live_month"] = f"{row['go_live_month']:%Y-%m}" if row["go_live_month"] else None
    return out


def _num(value: float | None, pattern: str = "{:,.1f}") -> str:
    return "—" if value is None else pattern.format(value)


@pilot_app.command("list")
def list_command(
    fmt: Annotated[
        Literal["table", "json"], choice_option("--format", choice=formats("table", "json"), default="table")
    ] = "table",
    annualise: Annotated[
        bool, typer.Option("--annualise", help="実績を通年の件数ではなく実証期間の件数から年換算する")
    ] = False,
) -> None:
    """実証の一覧: 削減見込みと実績（時間/年）、見込みに対する実績の比率、年間純削減額と回収月数（読み取りのみ）。

    例: dxi pilot list --format json
    """
    from bpr.pilots.service import list_pilots

    with read_scope(_engine()) as session:
        pilots = list_pilots(session=session, annualise=annualise)
    if fmt == "json":
        typer.echo(json.dumps([_json_row(p) for p in pilots], ensure_ascii=False, indent=2))
        return
    print_table([_table_row(p) for p in pilots], title=f"実証一覧（{len(pilots)} 件）")
    if any(p.gate_concern for p in pilots):
        console.print(
            "※ 実測の削減が 0 以下、または見込みの半分未満（本格導入の理由は --format json と監査ログ）",
            highlight=False,
        )


def _table_row(p: Any) -> dict[str, Any]:
    """Few, combined columns: the list must stay readable in an 80-column window."""
    ratio = "" if p.accuracy is None else f"（{p.accuracy:.0%}）"
    live = f"{p.go_live_month:%Y-%m} {'・'.join(p.departments)}" if p.go_live_month else ""
    return {
        "ID": p.id,
        "課・業務": f"{p.department} {p.name}",
        "ツール": TOOL_LABELS.get(p.tool, "AI-OCR+RPA"),
        "状態": p.state + ("※" if p.gate_concern else ""),
        "見込み→実績(時間/年)": f"{task_hours(p.estimated_hours)} → {task_hours(p.realised_hours)}{ratio}",
        "純削減(円/年)": _num(p.net_saving_yen, "{:,.0f}"),
        "回収(月)": _num(p.payback_months),
        "本格導入": live,
    }
