"""The `dxi` app and what every command shares: the console, `fail`, tables, common options.

Every `flows/cli/*` command module imports from here and registers its commands on `app`;
this module imports no command, so there is no import cycle. The app's group loads a
command's module only when that command runs (`flows.cli.lazy`); `flows/cli/main.py` holds
the console-script entry point.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape

from bpr.errors import BprError
from flows.cli.ja import JaTyper
from flows.cli.lazy import LazyGroup
from flows.cli.params import FyOption as FyOption
from flows.cli.table import Column, render
from inventory.display import missing, task_hours


class _Group(LazyGroup):
    """Turns our own errors into a Japanese message and exit code 2, wherever the app is invoked.

    Settings (pydantic) load when a command runs, not for `dxi --help`.
    """

    def invoke(self, ctx: Any) -> Any:
        from inventory.errors import InventoryError
        from inventory.logs import configure_from_settings

        configure_from_settings()
        try:
            return super().invoke(ctx)
        except (InventoryError, BprError) as exc:
            err_console.print(f"[bold red]エラー:[/] {exc.message}", markup=True, highlight=False)
            raise typer.Exit(2) from None
        except Exception as exc:
            if (locked := locked_file(exc)) is None:
                raise
            raise fail(
                f"{locked} に書き込めません（使用中か、書き込みの権限がありません）。"
                "Excel などで開いていれば閉じてから、もう一度実行してください。"
            ) from None


def locked_file(exc: BaseException) -> str | None:
    """The file behind a PermissionError in `exc`'s chain, e.g. a workbook open in Excel.

    Windows refuses to write or replace a file another program holds open; xlsxwriter
    wraps that PermissionError in its own FileCreateError.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PermissionError):
            target = seen.filename2 if seen.filename2 is not None else seen.filename
            return "ファイル" if target is None else escape(str(target))
        # `raise … from None` (an error already reported) ends the chain
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    return None


# Lines of text print whole (soft wrap): the terminal wraps Japanese anywhere, where rich would break a
# line at its few ASCII spaces (a figure on one line, its unit on the next). Tables lay themselves out.
err_console = Console(stderr=True, soft_wrap=True)
app = JaTyper(
    top=True,
    name="dxi",
    cls=_Group,
    help="dx-task-inventory: 業務量調査 → RPA・AI-OCR 候補選定 → 実証 → 効果検証。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_Group.typer_app = app
console = Console(soft_wrap=True)


@app.callback()
def _dxi() -> None:
    """No options of its own: makes `dxi` a group before any command module is imported."""


DeptOption = Annotated[str | None, typer.Option("--dept", help="課の名前（例: 税務課）")]


def notice(message: str) -> None:
    """Say on stderr where a command's work runs (a desk command's notices), not mixed into its output.

    With DXI_LOG_FORMAT=json stderr carries one JSON object per line: the notice is logged instead.
    """
    from inventory.settings import get_settings

    if get_settings().log_format == "json":
        logging.getLogger("dxi.cli").info(message)
    else:
        err_console.print(message, markup=False, highlight=False)


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


def _width(header: str, column: list[str]) -> int:
    """The cells a column needs to show its header and longest value on one line, with padding."""
    return max([cell_len(header), *(cell_len(c) for c in column)]) + 3


def print_table(
    rows: list[dict[str, Any]], title: str | None = None, *, optional: tuple[str, ...] = ()
) -> None:
    """Print dict rows as a rich table (flows.cli.table); figures are right-aligned and never broken.

    On a narrow terminal the empty columns, then the `optional` ones in the order given, are
    left out until the table fits, and a note says which (CSV and Excel keep every column).
    """
    if not rows:  # with its title, so that a report of several tables says which one is empty
        console.print(
            f"{title}: （該当するデータはありません）" if title else "（該当するデータはありません）",
            markup=False,
        )
        return
    headers = [str(h) for h in rows[0]]
    cells = [[_cell(v) for v in row.values()] for row in rows]
    columns = {h: [line[i] for line in cells] for i, h in enumerate(headers)}
    dropped = []
    empty = tuple(h for h, column in columns.items() if not any(column))  # nothing to read there
    needed = {h: _width(h, c) for h, c in columns.items()}
    for name in (*empty, *optional):
        if sum(needed.values()) + 1 <= console.width:
            break
        if name in columns:
            del columns[name], needed[name]
            dropped.append(name)
    shown = []
    for header, column in columns.items():
        filled = [c for c in column if c]
        figures = bool(filled) and all(_NUMBER.fullmatch(c) for c in filled)
        longest = max((cell_len(c) for c in filled), default=0)
        # Figures never wrap; short labels (課, 区分 …) keep a readable width when space is tight.
        shown.append(
            Column(header, column, "right" if figures else "left", longest if figures else min(longest, 8))
        )
    console.print(render(console, shown, title), soft_wrap=True, highlight=False)  # rich's table, fast
    if left_out := [name for name in dropped if name not in empty]:
        console.print(
            f"（端末の幅が狭いため {'・'.join(left_out)} の列を省略しました。"
            "すべての列は --format csv / xlsx で書き出せます）",
        )


def write_or_print(text: str, output: Path | None) -> None:
    """Write text to a file when -o is given, else to stdout."""
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8-sig")
        except PermissionError:
            raise  # open in Excel, say: the app's handler says so
        except OSError as exc:
            raise fail(f"{output} に書き出せません（{exc.strerror or exc}）") from None
        console.print(f"書き出しました: {output}")


def settings_or_exit() -> Any:
    """Settings, or a clean exit when DXI_* variables are wrong."""
    from inventory.errors import InventoryError
    from inventory.settings import get_settings

    try:
        return get_settings()
    except InventoryError as exc:
        raise fail(exc.message) from None


# Every command that writes CSV: Japanese headers and labels for Excel, or stable English keys.
KeysOption = Annotated[
    Literal["ja", "en"],
    typer.Option("--keys", help="CSV の列名: ja（Excel 向けの日本語、既定）/ en（プログラム向けの英語キー）"),
]
