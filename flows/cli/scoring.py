"""Scoring and review commands: score, rank, review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from bpr.review.rule import DECISIONS, needs_rereview, review_problems
from bpr.scoring.labels import QUADRANT_LABELS, REVIEW_SOURCES, TOOL_LABELS, missing_short
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
from flows.cli.params import Choice, choice_option, formats
from inventory.campaign.screening import AWAITING_LABEL
from inventory.db.engine import engine_for, read_scope, session_scope
from inventory.db.migrate import require_current
from inventory.display import japan_time, task_hours
from inventory.errors import NotFoundError, RowError
from inventory.export import to_csv

if TYPE_CHECKING:
    import pandas as pd

# bpr.scoring.ranking.RANK_COLUMNS plus the review columns; pandas-heavy modules load lazily (start-up time).
RANK_JSON_FIELDS = (
    "task_id", "department", "name", "annual_hours", "rpa_score", "ocr_score", "recommended_tool",
    "knocked_out", "knockout_reason", "expected_hours_saved", "ease", "quadrant", "rank", "group_id",
    "explanation", "missing_attributes", "screening", "decision", "rereview",
)  # fmt: skip
Tool = Literal["rpa", "ai-ocr", "any"]
RANK_TOOLS = Choice(
    {"any": ("すべて", "全部", "どちらでも"), "rpa": ("RPA",), "ai-ocr": ("AI-OCR", "AIOCR", "OCR")},
    what="ツール",
)
TOOL_CHOICE_LABELS = {"rpa": "RPA 向き", "ai-ocr": "AI-OCR 向き"}
DECISION_CHOICES = Choice(dict.fromkeys(DECISIONS, ()), what="判断")
OPTION_OF = {"decision": "--decision", "reason": "--reason"}  # the option a review problem is about


@app.command()
def score(
    fy: FyOption = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="重み設定の TOML（既定は同梱の default_scoring.toml）")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="実行した人（記録に残ります）", show_default=False)] = "cli",
) -> None:
    """業務を RPA・AI-OCR 適性で採点し、採点結果（設定を含む）を保存します。

    例: dxi score --fy 2024 --config weights.toml
    """
    settings_or_exit()
    from flows.desk import score_inventory  # here, or as a flow run when a Prefect server runs

    with console.status("採点中…"):
        summary = score_inventory(
            fiscal_year=fy, config_path=str(config) if config else None, actor=by, notice=notice
        )
    console.print(
        f"{summary.fiscal_year}年度: {summary.task_count:,} 業務を採点しました（採点ID {summary.run_id}、"
        f"対象外 {summary.knocked_out:,} 件、横展開グループ {summary.group_count} 件、"
        f"削減見込み合計 {summary.expected_hours_saved:,.0f} 時間/年）",
    )
    print_table(summary.top[:10], title="上位10件（すべては dxi rank）", optional=("RPA", "AI-OCR", "区分"))
    _unconfirmed_note(summary.unconfirmed)


def _ranking(
    *, fy: int | None, tool: Tool, dept: str | None, top: int | None
) -> tuple[list[dict[str, Any]], int, int, list[dict[str, Any]]]:
    """The candidate list as stored by the newest run, filtered, with the latest decisions (no pandas)."""
    from bpr.scoring.selection import select_candidates
    from inventory.db.scoring_repo import latest_decisions, latest_run, stored_groups, stored_ranking
    from inventory.db.screening_repo import awaiting_screening

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with read_scope(engine) as session:
        run = latest_run(session=session, fiscal_year=fy)
        if run is None:
            raise NotFoundError("採点結果がありません。先に `dxi score` を実行してください。")
        ranked = select_candidates(
            stored_ranking(session=session, run_id=run.id), tool=tool, department=dept, top=top
        )
        groups = stored_groups(session=session, run_id=run.id)
        decisions = latest_decisions(session=session, task_keys=[r["task_key"] for r in ranked])
        awaiting = awaiting_screening(session=session, fiscal_year=run.fiscal_year)
    for row in ranked:
        decision = decisions.get(row["task_key"])
        row["decision"] = decision.decision if decision else None
        row["screening"] = AWAITING_LABEL if row["task_key"] in awaiting else None
        row["rereview"] = decision is not None and needs_rereview(
            rpa_now=row["rpa_score"], ocr_now=row["ocr_score"],
            rpa_then=decision.rpa_score, ocr_then=decision.ocr_score,
        )  # fmt: skip
    return ranked, run.fiscal_year, run.id, groups


@app.command("rank")
def rank_command(
    fy: FyOption = None,
    tool: Annotated[
        Literal["rpa", "ai-ocr", "any"], choice_option("--tool", choice=RANK_TOOLS, default="any")
    ] = "any",
    dept: DeptOption = None,
    top: Annotated[int | None, typer.Option("--top", help="上位 N 件だけ")] = None,
    fmt: Annotated[
        Literal["table", "json", "csv", "xlsx"],
        choice_option("--format", choice=formats("table", "json", "csv", "xlsx"), default="table"),
    ] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="書き出し先")] = None,
    keys: KeysOption = "ja",
) -> None:
    """保存済みの最新の採点結果から候補順位を表示・出力します（Prefect は起動しません）。

    CSV は Excel でそのまま開ける日本語の列名・表記です（プログラムで読むなら --keys en）。
    例: dxi rank --fy 2024 --tool rpa --top 20 --format xlsx -o 候補一覧.xlsx
    """
    records, year, run_id, groups = _ranking(fy=fy, tool=tool, dept=dept, top=top)
    if fmt == "json":
        fields = [{k: r[k] for k in RANK_JSON_FIELDS} for r in records]
        write_or_print(json.dumps(fields, ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "csv" and keys == "en":
        write_or_print(to_csv(records, list(RANK_JSON_FIELDS)), output)
    elif fmt == "csv":
        from bpr.reports.rank_workbook import CSV_HEADERS, display_records

        write_or_print(to_csv(display_records(_frame(records)), CSV_HEADERS), output)
    elif fmt == "xlsx":
        from bpr.reports.rank_workbook import write_rank_workbook

        settings = settings_or_exit()
        target = output or settings.home / "exports" / f"候補一覧_{year}.xlsx"
        title = f"{year}年度 RPA・AI-OCR 候補一覧（採点ID {run_id}）"
        write_rank_workbook(
            target, _frame(records), title=title, groups=groups if tool == "any" and dept is None else ()
        )
        console.print(f"書き出しました: {target}（{len(records)} 件）")
    elif not records and (dept is not None or tool != "any"):
        wanted = "、".join(
            [*([f"課「{dept}」"] if dept else []), *([TOOL_CHOICE_LABELS[tool]] if tool != "any" else [])]
        )
        console.print(
            f"{year}年度の候補に、{wanted}に当たるものはありません（採点ID {run_id}）。"
            "課の名前は dxi tasks で確認できます。",
            markup=False,
        )  # fmt: skip
    else:
        print_table(
            [_table_row(r) for r in records],
            title=f"{year}年度 候補順位（採点ID {run_id}）",
            optional=("OCR", "RPA", "区分", "難易度", "属性未確認", "二次調査"),
        )
        _unconfirmed_note(sum(1 for r in records if r["missing_attributes"]))


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The list as the workbook writer takes it (pandas loads only for the files)."""
    import pandas as pd

    frame = pd.DataFrame(records, columns=list(records[0]) if records else [*RANK_JSON_FIELDS, "task_key"])
    return frame.astype({"group_id": "Int64"})


def _unconfirmed_note(count: int) -> None:
    """Say, below a table, that some scores assume neutral values for blank attributes."""
    if count:
        console.print(
            f"属性未確認の業務が{count:,}件あります（空欄の定型性・入力媒体などは中立の値として採点した"
            "見込みです。属性を確認すると順位が変わることがあります。項目は --format csv / xlsx で確認できます）",
        )


def _table_row(r: dict[str, Any]) -> dict[str, object]:
    return {
        "順位": r["rank"], "ID": r["task_id"], "課": r["department"], "業務名": r["name"],
        "推奨": TOOL_LABELS.get(str(r["recommended_tool"]), "—"), "RPA": f"{r['rpa_score']:.0f}",
        "OCR": f"{r['ocr_score']:.0f}", "削減時間/年": task_hours(r["expected_hours_saved"]),
        "難易度": r["ease"] or "", "区分": QUADRANT_LABELS.get(str(r["quadrant"]), ""),
        "判断": (r["decision"] or "") + (" ⚠再確認" if r["rereview"] else ""),
        "対象外": r["knockout_reason"] or "", "属性未確認": missing_short(r["missing_attributes"]),
        "二次調査": r["screening"] or "",
    }  # fmt: skip


@app.command()
def review(
    task_id: Annotated[
        int | None, typer.Argument(help="業務ID（dxi rank の ID 列）", metavar="業務ID")
    ] = None,
    decision: Annotated[str | None, choice_option("--decision", choice=DECISION_CHOICES)] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="判断の理由")] = None,
    by: Annotated[str, typer.Option("--by", help="判断した人", show_default=False)] = "cli",
    import_file: Annotated[Path | None, typer.Option("--import", help="判断を記入した順位表（xlsx）")] = None,
    history: Annotated[bool, typer.Option("--history", help="この業務の判断履歴を表示")] = False,
) -> None:
    """候補への判断（採用・保留・不採用）を記録します。履歴は消えず、再採点後も残ります。

    例: dxi review 123 --decision 採用 --reason "年間600時間、手順書あり" --by 山田
        dxi review --import 候補一覧_記入済み.xlsx --by DX推進課
    """

    from bpr.review.service import record_decision
    from inventory.db.scoring_repo import review_history

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    if import_file is not None:
        _import_reviews(engine, import_file, by)
        return
    if task_id is None:
        raise fail("業務IDか --import を指定してください")
    if history:
        with session_scope(engine) as session:
            from inventory.db.tables import Task

            task = session.get(Task, task_id)
            if task is None:
                raise NotFoundError(f"業務ID {task_id} は登録されていません")
            rows = [
                {"日時": japan_time(r.decided_at), "判断": r.decision, "理由": r.reason,
                 "判断者": r.reviewer, "年度": r.fiscal_year, "経路": REVIEW_SOURCES.get(r.source, r.source)}
                for r in review_history(session=session, task_key=task.task_key)
            ]  # fmt: skip
        print_table(rows, title=f"業務ID {task_id} の判断履歴")
        return
    if problems := review_problems(decision, reason):
        raise fail("、".join(f"{OPTION_OF[p.field]}: {p.message}" for p in problems))
    with session_scope(engine) as session:
        record_decision(
            session=session, task_id=task_id, decision=str(decision), reason=str(reason), reviewer=by
        )
    console.print(f"業務ID {task_id} に「{decision}」を記録しました（{by}）")


def _import_reviews(engine: Any, path: Path, by: str) -> None:
    from bpr.reports.rank_import import read_marked_decisions
    from bpr.review.service import record_decision
    from inventory.db.scoring_repo import current_task_ids

    if not path.exists():
        raise fail(f"ファイルが見つかりません: {path}")
    marked, errors = read_marked_decisions(path.read_bytes(), path.name)
    with session_scope(engine) as session:
        known = current_task_ids(session=session, task_ids=[m.task_id for m in marked])
        for m in marked:
            if m.task_id not in known:
                errors.append(
                    RowError(
                        file=path.name,
                        sheet="候補一覧",
                        row=m.row,
                        column="業務ID",
                        value=str(m.task_id),
                        code="unknown_task",
                        message=f"業務ID {m.task_id} は現在の業務一覧にありません",
                    )
                )
        if errors:
            for e in sorted(errors, key=lambda e: e.row or 0):
                console.print(f"  {e.row}行目「{e.column}」: {e.message}", markup=False)
            raise fail(
                f"{path.name}: エラーが {len(errors)} 件あるため、判断を1件も記録しませんでした", code=1
            )
        for m in marked:
            record_decision(
                session=session,
                task_id=m.task_id,
                decision=m.decision,
                reason=m.reason,
                reviewer=m.reviewer or by,
                source="xlsx",
            )
    console.print(f"{path.name} から判断を {len(marked)} 件記録しました")
