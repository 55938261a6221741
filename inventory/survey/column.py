"""One survey column's description (header, field, kind, spellings) and the key headers match on.

Split from `inventory.survey.schema`, which lists the columns, so that module stays
short; everything imports these names through the schema as before.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "fiscal_year",  # 2024, 令和6年度, R6 → 2024
    "text",
    "enum",
    "bool",  # あり/なし, ○/× → True/False; blank → None
    "int",  # whole number ≥ 0
    "count",  # number ≥ 0, units 件 and 約 allowed
    "minutes",  # number > 0, 分 / 時間 / 時間分 forms → minutes
    "hours",  # number ≥ 0, 時間 / 時間分 / 分 forms → hours (年間時間)
    "staff",  # number ≥ 0, unit 人
    "months",  # 繁忙月 → sorted tuple of 1..12
    "share",  # 60%, 6割, 0.6 → 0.6
]


@dataclass(frozen=True)
class Column:
    """One survey column: canonical header, field name, kind and spellings."""

    field: str
    header: str
    kind: Kind
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    help: str = ""
    width: int = 14


def nfkc_key(text: str) -> str:
    """Return the matching key of a header or enum spelling: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())
