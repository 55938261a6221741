"""Print a long table as rich prints it, in one pass: `dxi tasks` lists 1,500 tasks at once.

rich measures and renders every cell of a `Table` through its console (about 0.2 ms a
cell, so seconds for a town's inventory). Here rich still decides everything that needs
deciding: the column widths (its own algorithm, run on one proxy row that holds each
column's widest cell and longest word, which is all its measurement looks at) and the
wrapping of a cell too long for its column (`Text.wrap`, fold). What is left is padding
and rich's HEAVY_HEAD box characters, so the table reads as rich's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rich import box
from rich.cells import cell_len, chop_cells, set_cell_size
from rich.console import Console, ConsoleOptions
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

Justify = Literal["left", "right"]
BOX = box.HEAVY_HEAD


@dataclass(frozen=True)
class Column:
    """One column: its header, its cells as shown, how they align, the least width it keeps."""

    header: str
    cells: list[str]
    justify: Justify
    min_width: int


def _proxy(cells: list[str]) -> Text:
    """A cell rich measures as the whole column: widest line as its maximum, longest word as its minimum."""
    widest = max(cells, key=cell_len, default="")
    word = max((w for cell in cells for w in cell.split()), key=cell_len, default="")
    return Text(f"{widest}\n{word}")


def column_widths(console: Console, columns: Sequence[Column], title: str | None) -> list[int]:
    """The widths rich would give these columns (padding included, borders not)."""
    proxy = Table(title=title)
    for column in columns:
        proxy.add_column(column.header, overflow="fold", justify=column.justify, min_width=column.min_width)
    proxy.add_row(*(_proxy(column.cells) for column in columns))
    options = console.options
    return proxy._calculate_column_widths(
        console, options.update_width(options.max_width - proxy._extra_width)
    )


def _pad(text: str, width: int, justify: Justify, length: int | None = None) -> str:
    gap = " " * (width - (cell_len(text) if length is None else length))
    return gap + text if justify == "right" else text + gap


@lru_cache(maxsize=8192)  # a column repeats its cells (課, 推奨, 判断 …): each is laid out once
def _lines(console: Console, text: str, width: int, justify: Justify) -> tuple[str, ...]:
    """A cell's lines at `width`: as it is, folded (one long word: most Japanese), or wrapped by rich."""
    if width < 1:  # a column squeezed to its padding shows nothing, as in rich
        return ("",)
    length = cell_len(text)
    if "\n" not in text and length <= width:
        return (_pad(text, width, justify, length),)
    if width > 1 and not any(c.isspace() for c in text):
        return tuple(_pad(piece, width, justify) for piece in chop_cells(text, width))
    lines = Text(text).wrap(console, width, justify=justify, overflow="fold")
    return tuple(set_cell_size(line.plain, width) for line in lines)


def _row(console: Console, cells: Sequence[str], widths: list[int], columns: Sequence[Column],
         bar: str, limit: int, *, header: bool = False) -> list[str]:  # fmt: skip
    """The lines of one row; a cell shorter than its row sits at the top (a header's at the bottom, as in rich)."""
    parts = [
        _lines(console, cell, w - 2, c.justify) for cell, w, c in zip(cells, widths, columns, strict=True)
    ]
    height = max(len(p) for p in parts)
    for n, part in enumerate(parts):
        blank = (" " * (widths[n] - 2),) * (height - len(part))
        parts[n] = blank + part if header else part + blank
    return [_join([f" {part[i]} " for part in parts], widths, bar, bar, bar, limit) for i in range(height)]


def _join(pieces: list[str], widths: list[int], left: str, divider: str, right: str, limit: int) -> str:
    """left piece divider piece … right (each piece exactly its column's width), cut at `limit`
    cells as rich cuts a table wider than the terminal."""
    # The usual case: it fits, and each piece is exactly its column's width (a column of at least
    # 2 cells inside its padding always gets one: a wide character fits), so no measuring.
    if min(widths, default=0) >= 4 and sum(widths) + len(widths) + 1 <= limit:
        return left + divider.join(pieces) + right
    line, used = left, 1
    for n, piece in enumerate(pieces):
        end = right if n == len(pieces) - 1 else divider
        width = cell_len(piece) + 1
        if used + width > limit:
            return line + set_cell_size(piece + end, limit - used)
        line, used = line + piece + end, used + width
    return line


def render(console: Console, columns: Sequence[Column], title: str | None) -> Lines:
    """The table as rich's would print it: title, header, rows; print it with soft_wrap."""
    widths = column_widths(console, columns, title)
    table_width = sum(widths) + len(widths) + 1
    titled = (
        [line.plain for line in Text(title).wrap(console, table_width, justify="center")] if title else []
    )
    frame = BOX.substitute(
        console.options, safe=console.safe_box
    )  # ASCII where the terminal needs it, as rich
    limit = console.width  # asked once: rich looks the terminal up each time
    head = _row(
        console, [c.header for c in columns], widths, columns, frame.head_vertical, limit, header=True
    )
    body = [
        line for i in range(len(columns[0].cells))
        for line in _row(console, [c.cells[i] for c in columns], widths, columns, frame.mid_vertical, limit)
    ]  # fmt: skip
    top = _join(
        [frame.top * w for w in widths], widths, frame.top_left, frame.top_divider, frame.top_right, limit
    )
    rule = [frame.head_row_horizontal * w for w in widths]
    middle = _join(rule, widths, frame.head_row_left, frame.head_row_cross, frame.head_row_right, limit)
    bottom = _join(
        [frame.bottom * w for w in widths],
        widths,
        frame.bottom_left,
        frame.bottom_divider,
        frame.bottom_right,
        limit,
    )
    return Lines(
        title=[set_cell_size(line, min(limit, cell_len(line))) for line in titled],
        head=head,
        rest=[top, middle, *body, bottom],
    )


@dataclass(frozen=True)
class Lines:
    """A rendered table: printed line by line as segments (a Text per line cost 0.2 s for 1,500 rows).

    The title is styled as rich's table.title, the header rows as table.header; control
    characters are removed from every line, as rich removes them from text.
    """

    title: list[str]
    head: list[str]
    rest: list[str]  # top border, header rule, rows, bottom border

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        title, header = console.get_style("table.title"), console.get_style("table.header")
        newline = Segment.line()
        for lines, style in (
            (self.title, title),
            (self.rest[:1], None),
            (self.head, header),
            (self.rest[1:], None),
        ):
            for line in lines:
                yield Segment(strip_control_codes(line), style)
                yield newline
