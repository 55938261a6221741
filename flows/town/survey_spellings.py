"""How the synthetic town's clerks spell each value: as the template shows it, or messy.

"messy" uses only spellings SURVEY_FORMAT.md and ``schema`` accept (全角 digits, units,
約, synonyms, 和暦), so a correct intake reads each back as the value it was written from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from flows.town import answers
from flows.town.survey import DATA_COLUMNS, SyntheticSurvey, SyntheticTask
from inventory.survey import schema


@dataclass(frozen=True)
class Formula:
    """A formula cell (a 合計 row) with the value Excel would show."""

    text: str
    value: float


Cell = str | int | float | date | Formula | None

_FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
_SPELLINGS = {
    field: {v: [v, *(s for s, c in schema.ENUM_SYNONYMS.get(field, {}).items() if c == v)] for v in choices}
    for field, choices in ((c.field, c.choices) for c in DATA_COLUMNS if c.kind == "enum")
}


def fw(text: str) -> str:
    """The text with full-width digits, commas and points."""
    return text.translate(_FULL_WIDTH)


def clean_cell(task: SyntheticTask, column: schema.Column) -> Cell:
    """The value as the official template shows it."""
    value: object = getattr(task, column.field)
    if value is None:
        return None
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, tuple):
        return "通年" if len(value) == 12 else ",".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    assert isinstance(value, str | int | float)
    return value


def messy_cell(
    task: SyntheticTask, column: schema.Column, rng: random.Random, bools: tuple[str, str]
) -> Cell:
    """The value in one of the spellings SURVEY_FORMAT.md accepts, picked by ``rng``."""
    value: object = getattr(task, column.field)
    if value is None or column.kind == "text":
        return clean_cell(task, column)
    if isinstance(value, bool):
        yes, no = bools if rng.random() < 0.85 else rng.choice(answers.BOOL_STYLES)
        return yes if value else no
    if isinstance(value, str):  # an enum
        return rng.choice(_SPELLINGS[column.field][value]) if rng.random() < 0.4 else value
    if isinstance(value, tuple):
        return _months_messy(value, rng)
    assert isinstance(value, int | float)
    text = f"{value:g}"
    forms: list[Cell] = [value, value, value, text, fw(text)]
    if column.kind == "count":
        forms += [
            float(value),
            f"{value:,g}",
            fw(f"{value:,g}"),
            f"{value:,g}件",
            f"約{text}件",
            fw(text) + "件",
        ]
    elif column.kind == "minutes":
        forms += [f"{text}分", fw(text + "分"), f"約{text}分", f"{text}分/件"]
        if value % 60 == 0:
            forms += [f"{value // 60:g}時間"] * 2
        elif value > 60 and value % 30 == 0:
            forms += [f"{value // 60:g}時間30分", f"{value / 60:g}時間"]
    elif column.kind == "staff":
        forms += [f"{text}人", fw(text + "人")]
    return rng.choice(forms)


def _months_messy(months: tuple[int, ...], rng: random.Random) -> str:
    if len(months) == 12:
        return "通年"
    forms = [",".join(map(str, months))]
    if len(months) > 1 and months == tuple(range(months[0], months[-1] + 1)):
        forms += [f"{months[0]}月～{months[-1]}月", fw(f"{months[0]}〜{months[-1]}") + "月"]
    if len(months) <= 3:
        forms.append("・".join(f"{m}月" for m in months))
    return rng.choice(forms)


def wareki(fiscal_year: int, rng: random.Random) -> str:
    """The fiscal year in one of the 和暦 spellings a 課 uses."""
    if fiscal_year < 2019:
        return f"{fiscal_year}年度"
    n = fiscal_year - 2018
    era = "元" if n == 1 else str(n)
    return rng.choice((f"令和{era}年度", f"R{n}", f"㋿{n}年度", f"Ｒ{fw(str(n))}年度", f"令和{fw(era)}年度"))


def answered(survey: SyntheticSurvey, rng: random.Random) -> tuple[str, date]:
    """A respondent and an answer date in July–August of the survey year."""
    return rng.choice(answers.RESPONDENTS), date(survey.fiscal_year, 7, 1) + timedelta(days=rng.randrange(45))


def messy_header(column: schema.Column, rng: random.Random) -> str:
    """A header as a 課 retyped it: a synonym, full-width, or broken by Alt+Enter."""
    header = rng.choice(column.synonyms) if column.synonyms and rng.random() < 0.6 else column.header
    if rng.random() < 0.2:
        header = fw(header)
    if len(header) > 5 and rng.random() < 0.2:  # Alt+Enter inside a long header
        cut = rng.randrange(2, len(header) - 2)
        header = header[:cut] + "\n" + header[cut:]
    return header
