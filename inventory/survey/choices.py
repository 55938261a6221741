"""Read the yes/no and choice columns as their canonical spelling. Pure, no I/O."""

from __future__ import annotations

from inventory.survey.cells import BLANK, Cell, ReasonCode, as_text, is_blank, problem_cell, show, unreadable
from inventory.survey.schema import BOOL_FALSE, BOOL_TRUE, COLUMNS, COLUMNS_BY_FIELD, ENUM_SYNONYMS, nfkc_key


def _key(text: str) -> str:
    return nfkc_key(text).casefold()


_BOOL_SPELLINGS = "あり/なし, 有/無, ○/×, はい/いいえ, yes/no, true/false, 1/0"
_BOOLS = {**{_key(s): True for s in BOOL_TRUE}, **{_key(s): False for s in BOOL_FALSE}}


def parse_bool(raw: object) -> Cell:
    """Read yes/no (あり/なし, ○/×, はい/いいえ, yes/no, true/false, 1/0); blank stays unknown."""
    if is_blank(raw):
        return BLANK
    if isinstance(raw, bool):
        return Cell(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return Cell(bool(raw))
    value = _BOOLS.get(_key(as_text(raw)))
    if value is None:
        return unreadable(ReasonCode.BAD_BOOL, raw, "「あり/なし」", f"選べる値: {_BOOL_SPELLINGS}")
    return Cell(value)


# Per enum field: matching key → canonical value; a canonical spelling wins over a synonym.
_CHOICES = {
    c.field: {
        **{_key(s): v for s, v in ENUM_SYNONYMS.get(c.field, {}).items()},
        **{_key(v): v for v in c.choices},
    }
    for c in COLUMNS
    if c.kind == "enum"
}


def parse_enum(field: str, raw: object) -> Cell:
    """Read a choice column as its canonical spelling; raises KeyError for a non-enum field."""
    table = _CHOICES[field]
    if is_blank(raw):
        return BLANK
    value = table.get(_key(as_text(raw)))
    if value is None:
        accepted = ", ".join(COLUMNS_BY_FIELD[field].choices)
        return problem_cell(
            ReasonCode.UNKNOWN_CHOICE, f"{show(raw)} は選択肢にありません（選べる値: {accepted}）"
        )
    return Cell(value)
