"""Option value types every dxi command shares: 年度, dates and choices as staff type them.

The spellings are the survey reader's (`inventory.survey.dates`), so `--fy 令和7` means
what 「令和7年度」 means in a survey file. A value that cannot be read raises `OptionValueError`;
`flows.cli.ja` turns it into a Japanese message naming the option, the value and the
accepted spellings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any

import typer

from inventory.survey.dates import DATE_EXAMPLES, parse_date, parse_fiscal_year

FY_EXAMPLES = "例: 2025, 令和7, 令和7年度, R7, FY2025"


class OptionValueError(ValueError):
    """An option value in a spelling dxi does not read; `what` names the kind, `accepted` the spellings."""

    def __init__(self, what: str, accepted: str) -> None:
        super().__init__(f"{what}として読めません（{accepted}）")
        self.what = what
        self.accepted = accepted


def fiscal_year(text: str | int) -> int:
    """Read --fy and friends: 2025, ２０２５, 令和7, 令和7年度, R7, FY2025 → 2025."""
    if isinstance(text, int):
        return text
    value = parse_fiscal_year(text).value
    if not isinstance(value, int):
        raise OptionValueError("年度", FY_EXAMPLES)
    return value


def calendar_date(text: str | date) -> date:
    """Read a date option: 2025-06-30, 2025/6/30, 2025年6月30日, 令和7年6月30日, R7.6.30."""
    if isinstance(text, date):
        return text
    value = parse_date(text).value
    if not isinstance(value, date):
        raise OptionValueError("日付", DATE_EXAMPLES)
    return value


def iso_date(text: str) -> str:
    """A date option the command hands on as text: any accepted spelling → 2025-06-30."""
    return calendar_date(text).isoformat()


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


class Choice:
    """A choice option that accepts its code or any of its Japanese labels, any case, full width.

    `Choice({"rpa": ("RPA",), "both": ("AI-OCR+RPA", "両方")})` reads 両方 and ｂｏｔｈ as
    "both"; `help` lists the first label of each for the option's help text (the codes
    stay accepted, for scripts and the README's examples).
    """

    def __init__(self, labels: Mapping[str, Sequence[str]], *, what: str = "選択肢") -> None:
        self.what = what
        self.codes = tuple(labels)
        self.labels = {code: tuple(names) for code, names in labels.items()}
        self._lookup = {_key(name): code for code, names in labels.items() for name in (code, *names)}

    def __call__(self, text: str) -> str:
        code = self._lookup.get(_key(str(text)))
        if code is None:
            raise OptionValueError(self.what, f"選べる値: {self.help}")
        return code

    @property
    def help(self) -> str:
        """The choices by their first Japanese label (the code when it has none): 表 / JSON / CSV."""
        return " / ".join(self.default(code) for code in self.codes)

    def default(self, code: str) -> str:
        """The label to show as the option's default."""
        names = self.labels[code]
        return names[0] if names else code


_FORMAT_LABELS: dict[str, tuple[str, ...]] = {
    "table": ("表", "ひょう"),
    "json": ("JSON",),
    "csv": ("CSV",),
    "xlsx": ("Excel", "エクセル", "xlsx"),
    "html": ("HTML",),
    "pdf": ("PDF",),
}


def formats(*codes: str) -> Choice:
    """The output formats a command offers, each readable by its Japanese name (表 = table)."""
    return Choice({code: _FORMAT_LABELS[code] for code in codes}, what="出力形式")


def fy_option(*names: str, help: str) -> Any:
    """An option that takes a 年度 in any spelling the survey reader accepts."""
    return typer.Option(*(names or ("--fy",)), parser=fiscal_year, help=f"{help}（{FY_EXAMPLES}）")


def date_option(*names: str, help: str, iso: bool = False) -> Any:
    """An option that takes a date in any spelling the survey reader accepts."""
    return typer.Option(*names, parser=iso_date if iso else calendar_date, help=f"{help}（{DATE_EXAMPLES}）")


def choice_option(*names: str, choice: Choice, help: str = "", default: str | None = None) -> Any:
    """An option that takes a choice by code or Japanese label; the help lists the labels."""
    text = f"{help}: {choice.help}" if help else choice.help
    if default is not None:
        text += f" ［既定: {choice.default(default)}］"
    return typer.Option(*names, parser=choice, help=text, show_default=False)


FyOption = Annotated[int | None, fy_option("--fy", help="年度")]
