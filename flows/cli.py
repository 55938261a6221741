"""`dxi`: the command line. Thin: parses options, calls the domain, prints, sets exit codes.

Read-only commands never import Prefect, so they answer in well under a second.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from bpr.errors import BprError
from flows.cli_ja import JaGroup, localise
from flows.cli_params import FyOption as FyOption
from inventory.display import missing, task_hours
from inventory.errors import InventoryError
from inventory.settings import get_settings


class _Group(JaGroup):
    """Turns our own errors into a Japanese message and exit code 2, wherever the app is invoked."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (InventoryError, BprError) as exc:
            err_console.print(f"[bold red]エラー:[/] {exc.message}", markup=True, highlight=False)
            raise typer.Exit(2) from None


err_console = Console(stderr=True)
app = typer.Typer(
    name="dxi",
    cls=_Group,
    help="dx-task-inventory: 業務量調査 → RPA・AI-OCR 候補選定 → 実証 → 効果検証。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

DeptOption = Annotated[str | None, typer.Option("--dept", help="課の名前（例: 税務課）")]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a Japanese error and return the Exit to raise."""
    err_console.print(f"[bold red]エラー:[/] {message}")
    return typer.Exit(code)


_NUMBER = re.compile(r"[-+]?[\d,]+(?:\.\d+)?%?|—")


def _cell(value: Any) -> str:
    """One cell as a person reads it: no nan or None, floats as task hours (2,331.5)."""
    if missing(value):
        return ""
    if isinstance(value, float):
        return task_hours(value)
    return str(value)


def print_table(rows: list[dict[str, Any]], title: str | None = None) -> None:
    """Print dict rows as a rich table; figures are right-aligned and never broken across lines."""
    table = Table(title=title, show_lines=False)
    if not rows:
        console.print("（該当するデータはありません）")
        return
    cells = [[_cell(v) for v in row.values()] for row in rows]
    for col, header in enumerate(rows[0]):
        shown = [line[col] for line in cells if line[col]]
        figures = bool(shown) and all(_NUMBER.fullmatch(c) for c in shown)
        widest = max(cell_len(c) for c in shown) if figures else None
        table.add_column(
            str(header), overflow="fold", justify="right" if figures else "left", min_width=widest
        )
    for line in cells:
        table.add_row(*line)
    console.print(table)


def write_or_print(text: str, output: Path | None) -> None:
    """Write text to a file when -o is given, else to stdout."""
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8-sig")
        except OSError as exc:
            raise fail(f"{output} に書き出せません（{exc.strerror or exc}）") from None
        console.print(f"書き出しました: {output}")


def main() -> None:
    """Console-script entry point: run the app, turning our errors into messages and exit codes."""
    from inventory.logs import configure_from_settings

    configure_from_settings()
    app()


def settings_or_exit() -> Any:
    """Settings, or a clean exit when DXI_* variables are wrong."""
    try:
        return get_settings()
    except InventoryError as exc:
        raise fail(exc.message) from None


# Every command that writes CSV: Japanese headers and labels for Excel, or stable English keys.
KeysOption = Annotated[
    Literal["ja", "en"],
    typer.Option("--keys", help="CSV の列名: ja（Excel 向けの日本語、既定）/ en（プログラム向けの英語キー）"),
]


# Each module registers its commands on `app` when imported.
from flows import (  # noqa: E402, F401
    cli_bpr,  # score, rank, review
    cli_campaign,  # campaign open / status / close / remind
    cli_demo,  # demo
    cli_effects,  # effects
    cli_inventory,  # init, template, ingest, tasks, submissions
    cli_ops,  # doctor, backup, restore
    cli_overtime,  # overtime import / list
    cli_pilot,  # pilot create / advance / measure / list
    cli_serve,  # serve
    cli_web,  # user, web
)

localise(app)
