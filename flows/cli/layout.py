"""Layout commands: `dxi layout save | list | show` (and `suggest`).

A layout (様式ファイル) says how a municipality's own survey workbook maps onto the
inventory; saved under a name in DXI_HOME/layouts, it is used by `dxi ingest --layout`,
the inbox and campaigns. Plain file operations: no Prefect, no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.app import app, console, fail, print_table, settings_or_exit
from flows.cli.ja import JaTyper
from inventory.layouts.store import (
    BUILTIN,
    BUILTIN_DESCRIPTION,
    list_layouts,
    read_layout_file,
    save_layout,
    saved_text,
)

layout_app = JaTyper(
    help="調査票の様式（各自治体の独自の調査票の読み方）を保存・一覧・表示します。", no_args_is_help=True
)
app.add_typer(layout_app, name="layout")

FORMS = {"table": "表（1行に1業務）", "vertical": "縦型（1シートに1業務）"}
SHORT_FORMS = {"table": "表", "vertical": "縦型"}


@layout_app.command("save")
def save(
    file: Annotated[Path, typer.Argument(help="様式ファイル（.toml）", metavar="ファイル")],
    name: Annotated[str, typer.Option("--name", help="保存する名前（例: 〇〇市様式）")],
    replace: Annotated[bool, typer.Option("--replace", help="同じ名前の様式を置き換える")] = False,
) -> None:
    """様式ファイルを確かめて、名前を付けて保存します（取り込み・受付フォルダ・調査で名前で使えます）。

    例: dxi layout save 様式.toml --name 〇〇市様式
    """
    if not file.is_file():
        raise fail(f"様式ファイルが見つかりません: {file}")
    settings = settings_or_exit()
    target = save_layout(home=settings.home, source=file, name=name, replace=replace)
    layout = read_layout_file(target)
    console.print(
        f"様式「{target.stem}」を保存しました: {target}（{FORMS[layout.form]}、項目 {len(layout.fields)} 件）",
        markup=False,
        soft_wrap=True,
    )
    console.print(f"使い方: dxi ingest 回収/ --layout {target.stem}", markup=False, soft_wrap=True)


@layout_app.command("list")
def list_() -> None:
    """保存済みの様式を一覧にします（「標準」は本製品の調査票で、設定は不要です）。

    例: dxi layout list
    """
    settings = settings_or_exit()
    rows: list[dict[str, object]] = []
    for saved in list_layouts(settings.home):
        if saved.name == BUILTIN:
            rows.append(
                {
                    "名前": BUILTIN,
                    "様式": "本製品の業務量調査票",
                    "形式": SHORT_FORMS["table"],
                    "項目": "",
                    "状態": "組み込み",
                }
            )
        elif saved.layout is None:
            rows.append(
                {
                    "名前": saved.name,
                    "様式": "",
                    "形式": "",
                    "項目": "",
                    "状態": "エラー（dxi layout show で確認）",
                }
            )
        else:
            layout = saved.layout
            rows.append(
                {
                    "名前": saved.name,
                    "様式": layout.name,
                    "形式": SHORT_FORMS[layout.form],
                    "項目": len(layout.fields),
                    "状態": "使えます",
                }
            )
    print_table(rows, title=f"様式（{len(rows)} 件）")


@layout_app.command("show")
def show(name: Annotated[str, typer.Argument(help="様式の名前", metavar="名前")]) -> None:
    """保存済みの様式の内容を表示します。

    例: dxi layout show 〇〇市様式
    """
    settings = settings_or_exit()
    if name == BUILTIN:
        console.print(f"{BUILTIN}: {BUILTIN_DESCRIPTION}", markup=False, soft_wrap=True)
        return
    text = saved_text(settings.home, name)
    console.print(text.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)
    problem = next((s.problem for s in list_layouts(settings.home) if s.name == name), None)
    if problem:
        raise fail(problem)
