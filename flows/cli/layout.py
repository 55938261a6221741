"""Layout commands: `dxi layout suggest | save | list | show`.

A layout (様式ファイル) says how a municipality's own survey workbook maps onto the
inventory. `suggest` guesses one from a workbook's wording and explains, in Japanese, what
each guess rests on; saved under a name in DXI_HOME/layouts, a layout is used by
`dxi ingest --layout`, the inbox and campaigns. Plain file operations: no Prefect, no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.app import app, console, fail, print_table, settings_or_exit
from flows.cli.ja import JaTyper
from inventory.layouts.scan import read_book_file
from inventory.layouts.store import (
    BUILTIN,
    BUILTIN_DESCRIPTION,
    list_layouts,
    read_layout_file,
    save_layout,
    saved_text,
)
from inventory.layouts.suggest import suggest_layout
from inventory.layouts.suggest_toml import render
from inventory.layouts.suggestion import Source, Suggestion, printable
from inventory.layouts.vocabulary import FIELD_LABELS

layout_app = JaTyper(
    help="調査票の様式（各自治体の独自の調査票の読み方）を推定・保存・一覧・表示します。",
    no_args_is_help=True,
)
app.add_typer(layout_app, name="layout")

FORMS = {"table": "表（1行に1業務）", "vertical": "縦型（1シートに1業務）"}
SHORT_FORMS = {"table": "表", "vertical": "縦型"}


_FORMS_SHOWN = {"table": "表（1行に1業務）", "vertical": "縦型の様式（項目名と記載内容、1シートに1業務）"}
_UNIT_FROM = {"見出し": "見出しから", "値": "値の書き方から", "既定": "推定（要確認）", "": ""}


def _say(text: str) -> None:
    """Print a line of the report; a control character from a cell is shown as ?."""
    shown = "\n".join(printable(line) for line in text.split("\n"))
    console.print(shown, markup=False, highlight=False)


def _where(s: Suggestion) -> str:
    sheets = "、".join(s.sheets[:3]) + (f" ほか{len(s.sheets) - 3}シート" if len(s.sheets) > 3 else "")
    if s.form == "vertical":
        return (
            f"シート {sheets}（{len(s.sheets)}業務）/ 項目名 {s.label_column}列・記載内容 {s.value_column}列"
        )
    rows = "〜".join(str(r) for r in sorted({s.header_rows[0], s.header_rows[-1]}))
    start = s.data_start_row or s.header_rows[-1] + 1
    return f"シート {sheets or '（CSV）'} / 見出し {rows}行目 / 業務は {start}行目から"


def _source_line(label: str, source: Source | None) -> None:
    if source is None:
        return
    if source.needs_edit:
        _say(f"{label}: 要確認 — {source.found}")
        return
    shown = (
        f"（例: {source.example}{'年度' if isinstance(source.example, int) else ''}）"
        if source.example
        else ""
    )
    _say(f"{label}: {source.found}{shown}")


def _report(s: Suggestion) -> None:
    _say(f"{s.file_name} の様式を推定しました: {_FORMS_SHOWN[s.form]}")
    if s.header_rows or s.label_column:
        _say(_where(s))
    rows = [
        {"項目": FIELD_LABELS.get(g.field, g.field), "見出し": printable(g.heading), "シート": printable(g.sheet), "行": g.row,
         "列": g.column, "単位": g.unit or "", "単位の根拠": _UNIT_FROM[g.unit_from],
         "確かさ": "似た見出し（要確認）" if g.score < 100 else ""}
        for g in s.fields
    ]  # fmt: skip
    print_table(rows, title="取り込む項目", optional=("確かさ", "単位の根拠", "シート"))
    _source_line("課", s.department)
    _source_line("年度", s.fiscal_year)
    if s.form == "table" and s.skip_names:
        _say(f"読まない行: 業務名が {'・'.join(s.skip_names)} の行（合計・注記）")
    for left in s.left_out:
        _say(f"読まない見出し: 「{left.heading}」（{left.where}）— {left.reason}")
    required = [m for m in s.missing if m.required]
    for m in required:
        _say(f"見つからなかった項目: {FIELD_LABELS.get(m.field, m.field)} — {m.what_to_edit}")
    optional = [FIELD_LABELS[m.field] for m in s.missing if not m.required]
    if optional:
        _say(f"任意の項目（なくても取り込めます）: {'・'.join(optional)} は見つかりませんでした")
    if s.sample_names:
        _say(f"読み取った業務の例: {'、'.join(s.sample_names[:3])}")


@layout_app.command("suggest")
def suggest(
    file: Annotated[
        Path,
        typer.Argument(
            help="様式を推定する調査票（Excel または CSV）", metavar="ファイル", show_default=False
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="書き出す様式ファイル（.toml）。省略時は画面に表示")
    ] = None,
) -> None:
    """自治体独自の業務量調査票から様式ファイルを推定します（見出しの言葉と単位から）。

    取り込む項目ごとに使った見出しとその場所、見つからなかった項目と直し方を表示します。
    例: dxi layout suggest R6_業務量調査票_税務課.xlsx -o 税務課様式.toml
    """
    if not file.is_file():
        raise fail(f"{file} が見つかりません")
    suggestion = suggest_layout(read_book_file(file))
    text = render(suggestion)
    _report(suggestion)
    if output is None:
        _say("\n--- 様式ファイル（-o で保存できます）---")
        _say(text.rstrip("\n"))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{output} に書き出せません（{exc.strerror or exc}）") from None
    _say(f"書き出しました: {output}")
    needs = "「要確認」の行を確かめてから、" if any(m.required for m in suggestion.missing) else ""
    _say(f"次に: {needs}dxi ingest {file.name} --layout {output.name}")


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
    )
    console.print(f"使い方: dxi ingest 回収/ --layout {target.stem}", markup=False)


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
        console.print(f"{BUILTIN}: {BUILTIN_DESCRIPTION}", markup=False)
        return
    text = saved_text(settings.home, name)
    console.print(text.rstrip("\n"), markup=False, highlight=False)
    problem = next((s.problem for s in list_layouts(settings.home) if s.name == name), None)
    if problem:
        raise fail(problem)
