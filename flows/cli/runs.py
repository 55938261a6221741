"""`dxi runs`: the run history, whichever way the work ran (at the desk, or as a Prefect flow run)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from flows.cli.app import app, print_table, settings_or_exit
from flows.cli.params import Choice, choice_option, formats
from inventory.db.engine import engine_for, read_scope
from inventory.db.migrate import require_current
from inventory.display import JAPAN, japan_time

if TYPE_CHECKING:
    from inventory.db.run_repo import RunOut

JOB_LABELS = {
    "survey-intake": "調査票の取り込み",
    "task-scoring": "採点",
    "campaign-reminder": "督促",
    "overtime-scan": "時間外勤務実績の取り込み",
    "effect-report": "効果報告の作成",
}
JOBS = Choice(
    {job: (label, label.removesuffix("の取り込み")) for job, label in JOB_LABELS.items()}, what="処理"
)
# Who, when no person's name was given (--by): the command line itself, or a schedule.
ACTOR_LABELS = {
    "cli": "（--by なし）", "system": "システム", "schedule": "定期実行", "inbox-scan": "受付フォルダの巡回",
    "overtime-scan": "時間外勤務実績の巡回", "campaign-reminder": "督促の定期実行",
}  # fmt: skip
STATUS_LABELS = {"running": "実行中", "succeeded": "完了", "failed": "失敗"}
VIA_LABELS = {"desk": "直接", "prefect": "Prefect"}  # in the command's process / as a flow run


def _json(run: RunOut) -> dict[str, object]:
    """One run for a program: times in ISO 8601 with the offset (Japan), the duration in seconds."""
    started, finished = (
        None if t is None else (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(JAPAN)
        for t in (run.started_at, run.finished_at)
    )
    seconds = round((finished - started).total_seconds(), 3) if started and finished else None
    return {**vars(run), "started_at": started.isoformat() if started else None,
            "finished_at": finished.isoformat() if finished else None, "seconds": seconds}  # fmt: skip


@app.command()
def runs(
    job: Annotated[str | None, choice_option("--job", choice=JOBS, help="この処理だけ")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="表示する件数（新しい順）")] = 20,
    fmt: Annotated[
        Literal["table", "json"], choice_option("--format", choice=formats("table", "json"), default="table")
    ] = "table",
) -> None:
    """取り込み・採点・督促などの実行履歴（誰が・いつ・どこで・結果）を表示します。

    dxi ingest・dxi score・dxi campaign remind を直接実行したときも、Prefect で実行したとき（dxi serve のスケジュールを含む）も、同じ履歴に残ります。
    例: dxi runs --job 採点 --limit 50
    """
    from inventory.db.run_repo import list_runs

    engine = engine_for(settings_or_exit().db_url)
    require_current(engine)
    with read_scope(engine) as session:
        found = list_runs(session=session, job=job, limit=limit)
    if fmt == "json":
        typer.echo(json.dumps([_json(r) for r in found], ensure_ascii=False, indent=2))
        return
    rows = [
        {"ID": r.id, "開始": japan_time(r.started_at), "処理": JOB_LABELS.get(r.job, r.job), "実行者": ACTOR_LABELS.get(r.actor, r.actor),
         "方法": VIA_LABELS.get(r.via, r.via), "結果": STATUS_LABELS.get(r.status, r.status),
         "内容": r.error if r.status == "failed" else (r.summary or "")}
        for r in found
    ]  # fmt: skip
    print_table(rows, title=f"実行履歴（新しい順に {len(found)} 件、PC と所要時間は --format json）")
