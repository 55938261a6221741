"""Turn one raw cell (as python-calamine or csv gave it) into its canonical value.

Clerks type units into number cells, 和暦 years and ranges, so every spelling that
SURVEY_FORMAT.md accepts is read: numbers in `numbers`, years and dates in `dates`,
yes/no and choices in `choices`, text in `cells`; this module picks the parser a
column's kind names. Anything else becomes a `Problem` with a stable `ReasonCode`,
never a silent zero. Pure functions, no I/O.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from inventory.survey.cells import BLANK, Cell, is_blank, parse_text
from inventory.survey.choices import parse_bool, parse_enum
from inventory.survey.dates import parse_fiscal_year, parse_months
from inventory.survey.numbers import (
    parse_annual_hours,
    parse_count,
    parse_int,
    parse_minutes,
    parse_share,
    parse_staff,
)
from inventory.survey.schema import COLUMNS_BY_FIELD

_PARSERS: dict[str, Callable[[object], Cell]] = {
    "fiscal_year": parse_fiscal_year,
    "text": parse_text,
    "bool": parse_bool,
    "int": parse_int,
    "count": parse_count,
    "minutes": parse_minutes,
    "hours": parse_annual_hours,
    "staff": parse_staff,
    "months": parse_months,
    "share": parse_share,
}


def _normalize(field: str, raw: object) -> Cell:
    if is_blank(raw):
        return BLANK
    column = COLUMNS_BY_FIELD.get(field)
    if column is None:  # 表紙 labels such as 回答者 are not table columns: read as text
        return parse_text(raw)
    if column.kind == "enum":
        return parse_enum(field, raw)
    return _PARSERS[column.kind](raw)


# typed=True: 1, 1.0 and True hash alike but must not share a cache entry.
_normalize_cached = functools.lru_cache(maxsize=65536, typed=True)(_normalize)


def normalize_cell(field: str, raw: object) -> Cell:
    """Normalise one raw cell of a survey column; never raises for any raw value.

    Cached, because the reader calls it once per distinct value per column and a survey
    repeats the same few spellings thousands of times.
    """
    try:
        hash(raw)
    except TypeError:
        return _normalize(field, raw)
    return _normalize_cached(field, raw)
