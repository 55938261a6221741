"""Find a layout's headings and labels in a sheet, as a clerk would read them.

Headings over two or more rows are joined top to bottom with a space (a merged cell
counts in every row and column it covers): ``業務量 年間件数``. A layout heading names a
column by its whole joined text or, when that is unambiguous, by any one of its parts.
Matching ignores width (NFKC), spaces, a trailing colon and a leading number such as
``1.`` or ``(2)`` or ``①``. When nothing matches, the nearest headings (rapidfuzz) are
named in the message so the one-line fix is obvious.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from inventory.layouts.book import Sheet, cell_name, column_letter
from inventory.survey.schema import nfkc_key

_NUMBERING = re.compile(r"^(?:\(?\d{1,2}\)|\d{1,2}[.．、]|[①-⑳]|[一二三四五六七八九十]{1,3}[、.．])")
_TRAILING = re.compile(r"[:：]+$")


def label_key(text: object) -> str:
    """The matching key of a heading or label: NFKC, no spaces, no numbering, no colon."""
    if text is None:
        return ""
    key = nfkc_key(str(text)).casefold()
    return _TRAILING.sub("", _NUMBERING.sub("", key))


@dataclass(frozen=True)
class Found:
    """A column or cell a heading or label names, or why none does."""

    index: int | None = None  # column (table) or row (vertical), 0-based
    column: int | None = None  # vertical: the label's column
    problem: str | None = None


def column_headings(sheet: Sheet, header_rows: list[int]) -> list[str]:
    """Each column's heading: its parts over the header rows joined with a space."""
    headings = []
    for column in range(sheet.width):
        parts: list[str] = []
        for row in header_rows:
            value = sheet.shown(row - 1, column)
            text = " ".join(str(value).split()) if value is not None else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        headings.append(" ".join(parts))
    return headings


@dataclass(frozen=True)
class Headings:
    """A sheet's column headings and their matching keys, worked out once."""

    texts: list[str]
    keys: list[str]
    part_keys: list[frozenset[str]]

    @classmethod
    def of(cls, texts: list[str]) -> Headings:
        return cls(
            texts,
            [label_key(t) for t in texts],
            [frozenset(label_key(p) for p in t.split(" ")) for t in texts],
        )


def find_column(found: Headings, wanted: str) -> Found:
    """The column whose heading is `wanted`, whole or (unambiguously) as one of its parts."""
    key, headings = label_key(wanted), found.texts
    whole = [i for i, k in enumerate(found.keys) if k and k == key]
    if len(whole) == 1:
        return Found(whole[0])
    parts = whole or [i for i, k in enumerate(found.part_keys) if key in k]
    if len(parts) == 1:
        return Found(parts[0])
    if parts:
        shown = "、".join(f"{column_letter(i)}列「{headings[i]}」" for i in parts[:5])
        hint = (
            f'column = "{column_letter(parts[0])}" のように列の記号で指定してください'
            if len({found.keys[i] for i in parts}) == 1
            else "上の行の見出しと一緒に「処理時間 年間総計」のように書いてください"
        )
        return Found(problem=f"見出し「{wanted}」に当たる列が{len(parts)}つあります（{shown}）。{hint}")
    return Found(problem=f"見出し「{wanted}」が見つかりません{_near(wanted, headings, 'column')}")


def find_label(sheet: Sheet, wanted: str, label_column: int | None) -> Found:
    """The cell holding label `wanted`: its last word, with any earlier words standing left of it
    in its row (a merged block heading counts in each row) or above it in its column.

    `処理時間 年間総計` is the 年間総計 of the 処理時間 block; when several qualify, the one
    whose block heading is nearest wins.
    """
    words = [label_key(w) for w in wanted.split()]
    hits: list[tuple[int, int, int]] = []  # distance to the block heading, row, column
    for row, values in enumerate(sheet.rows):
        columns = [label_column] if label_column is not None else range(len(values))
        for column in columns:
            if label_key(sheet.value(row, column)) == words[-1]:
                distance = _context_distance(sheet, row, column, words[:-1])
                if distance is not None:
                    hits.append((distance, row, column))
    best = [h for h in hits if h[0] == min(hits)[0]] if hits else []
    if len(best) == 1:
        return Found(best[0][1], best[0][2])
    if best:
        shown = "、".join(cell_name(r, c) for _, r, c in best[:5])
        return Found(
            problem=f"項目名「{wanted}」が{len(best)}か所にあります（{shown}）。"
            "「処理時間 年間総計」のように、左か上の項目名と一緒に書いてください"
        )
    labels = [str(v) for r in sheet.rows for v in r[: (label_column or 0) + 8] if isinstance(v, str)]
    return Found(problem=f"項目名「{wanted}」が見つかりません{_near(wanted, labels, 'label')}")


def _context_distance(sheet: Sheet, row: int, column: int, words: list[str]) -> int | None:
    """0 when every word stands left in the row, else how far up the farthest one is; None if absent."""
    left = {label_key(sheet.shown(row, c)) for c in range(column)}
    distance = 0
    for word in words:
        if word in left:
            continue
        above = next(
            (row - r for r in range(row - 1, -1, -1) if label_key(sheet.shown(r, column)) == word), None
        )
        if above is None:
            return None
        distance = max(distance, above)
    return distance


def value_column(sheet: Sheet, row: int, label_column: int, given: int | None) -> int:
    """The value's column: the given one, else the right neighbour of the label (after its merge)."""
    if given is not None:
        return given
    span = sheet.span_at(row, label_column)
    return (span[3] if span else label_column) + 1


def _near(wanted: str, candidates: list[str], kind: str) -> str:
    """「近い見出し: …」: the closest few, or nothing when none is close."""
    choices = list(dict.fromkeys(c for c in candidates if c.strip()))
    matches = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    if not matches:
        return ""
    what = "見出し" if kind == "column" else "項目名"
    return f"（近い{what}: " + "、".join(f"「{m[0]}」" for m in matches) + "）"
