"""`dxi calibrate`: how far the estimates were from this town's measured pilots, and a config adjusted to them.

Reads the database directly, no Prefect. The figures come from the pure
`bpr.scoring.calibrate`, the pilots from `bpr.pilots.calibration`; this module parses
options, prints and writes the file.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from flows.cli.app import FyOption, app, console, fail, print_table, settings_or_exit
from flows.cli.params import choice_option, formats

BAND_LABELS = {"high": "高", "mid": "中", "low": "低", "—": "基準未満"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _table_row(row: Any) -> dict[str, Any]:
    """Few, combined columns: the table must stay readable in an 80-column window."""
    from bpr.scoring.labels import TOOL_LABELS

    interval = "" if row.ratio_low is None else f"（{row.ratio_low:.0%}〜{row.ratio_high:.0%}）"
    return {
        "ツール": TOOL_LABELS.get(row.tool, row.tool),
        "帯": BAND_LABELS[row.band],
        "件": row.count,
        "見込み→実績(時間/年)": f"{row.estimated_total:,.0f} → {row.realised_total:,.0f}",
        "実績÷見込み(95%区間)": _pct(row.ratio) + interval,
        "係数": "—" if row.factor is None else f"{row.factor:.2f}",
    }


@app.command()
def calibrate(
    fy: FyOption = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="基にする重み設定の TOML（既定は同梱の設定）")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="校正した設定を書き出す TOML（dxi score --config で使う）"),
    ] = None,
    fmt: Annotated[
        Literal["table", "json"], choice_option("--format", choice=formats("table", "json"), default="table")
    ] = "table",
) -> None:
    """導入前・導入後を測定した実証について、見込みと実績の比をツール・適性の帯ごとに表示します。

    見込みは、指定した設定（既定は同梱の設定）で今の調査票から計算し直した値です。
    --fy を付けると、その年度に導入後の測定をした実証だけを使います。
    -o を付けると、比に合わせた校正係数を書き込んだ設定を書き出します。
    例: dxi calibrate --fy 2025 -o calibrated.toml → dxi score --config calibrated.toml
    """
    from bpr.pilots.calibration import measured_outcomes
    from bpr.scoring.calibrate import calibrate as calibrate_rows
    from bpr.scoring.calibrate import calibrated_toml
    from bpr.scoring.config import ScoringConfig, default_config, default_toml_text
    from inventory.db.engine import engine_for, read_scope
    from inventory.db.migrate import require_current

    base = ScoringConfig.from_toml(config) if config else default_config()
    engine = engine_for(settings_or_exit().db_url)
    require_current(engine)
    with read_scope(engine) as session:
        outcomes = measured_outcomes(session=session, config=base, fiscal_year=fy)
    rows = calibrate_rows(outcomes)
    if fmt == "json":
        typer.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
    elif not rows:
        scope = f"{fy}年度に" if fy is not None else ""
        raise fail(
            f"{scope}導入前・導入後の両方を測定した実証がありません。`dxi pilot measure` で記録してください。"
        )
    else:
        print_table([_table_row(r) for r in rows], title=f"見込みと実績（実証 {len(outcomes)} 件）")
        console.print(
            "実績÷見込み: 100% 未満なら見込みが楽観的（区間は実証 3 件以上の帯のみ）。"
            "係数: 削減（目視確認・固定費を引く前）に掛ける校正係数。",
            highlight=False,
        )
    if output is not None:
        base_text = config.read_text(encoding="utf-8") if config else default_toml_text()
        used = f"{fy}年度の" if fy is not None else ""
        note = f"{used}実証 {len(outcomes)} 件から {date.today():%Y-%m-%d} に dxi calibrate が作成"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(calibrated_toml(base_text, base, rows, note=note), encoding="utf-8")
        if fmt == "table":
            # not rich: one unwrapped line, so the path can be copied as it is
            typer.echo(f"書き出しました: {output}（dxi score --config {output} で採点し直せます）")
