"""Japanese help and usage errors for dxi, in one place.

Typer renders help with rich from module-level strings in `typer.rich_utils` (panel
titles, 「既定」, 「必須」), which are read at render time, so setting them once is enough.
Typer vendors click (`typer._click`) without gettext, so the usage line, the --help text
and the parse errors are translated by `JaCommand` / `JaGroup`; `localise(app)` makes
every command and group of the app use them.
"""

from __future__ import annotations

import difflib
import importlib.abc
import importlib.util
import re
import sys
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, TypeVar

import typer
from typer._click import exceptions as click_errors  # typer vendors click: its classes live here
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from flows.cli.params import OptionValueError

F = TypeVar("F", bound=Callable[..., Any])

HELP_TEXT = "このヘルプを表示して終了します。"
USAGE_PREFIX = "使い方: "

RICH_STRINGS = {
    "ARGUMENTS_PANEL_TITLE": "引数",
    "OPTIONS_PANEL_TITLE": "オプション",
    "COMMANDS_PANEL_TITLE": "コマンド",
    "ERRORS_PANEL_TITLE": "エラー",
    "DEFAULT_STRING": "［既定: {}］",
    "REQUIRED_LONG_STRING": "［必須］",
    "ENVVAR_STRING": "［環境変数: {}］",
    "DEPRECATED_STRING": "（廃止予定）",
    "ABORTED_TEXT": "中止しました。",
    "RICH_HELP": "詳しくは [blue]{command_path} {help_option}[/] を実行してください。",
}


class _JapaneseRichUtils(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Sets RICH_STRINGS in typer.rich_utils when typer first imports it, for help or an error.

    Loading it (rich's markdown and traceback modules) costs about 0.1 s, which a command
    that only runs never needs.
    """

    def __init__(self) -> None:
        self._loader: Any = None

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> ModuleSpec | None:
        if fullname != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None:
            self._loader, spec.loader = spec.loader, self
        return spec

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        japanese_rich_strings(module)


def japanese_rich_strings(rich_utils: ModuleType) -> None:
    for name, value in RICH_STRINGS.items():
        setattr(rich_utils, name, value)


if "typer.rich_utils" in sys.modules:
    japanese_rich_strings(sys.modules["typer.rich_utils"])
else:
    sys.meta_path.insert(0, _JapaneseRichUtils())

_PYDANTIC_KINDS = {"int": "整数", "float": "数値", "bool": "はい/いいえ", "path": "パス"}


class _QuietOption(TyperOption):
    """An option whose help row shows no type tag such as <int> or <list[Path]>."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class _QuietArgument(TyperArgument):
    """An argument whose help row shows no type tag."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _quiet(params: list[Any]) -> None:
    # Only the help row differs, so switching the class of a built parameter is safe.
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = _QuietOption
        elif type(param) is TyperArgument:
            param.__class__ = _QuietArgument


def _name(param: Any) -> str:
    if isinstance(param, TyperOption):
        return max(param.opts, key=len)
    return str(param.metavar or param.name)


def _value_message(error: click_errors.BadParameter) -> str:
    from pydantic import ValidationError  # only for a bad value: `dxi --help` needs no pydantic

    param = error.param
    where = f"オプション {_name(param)}" if isinstance(param, TyperOption) else f"引数 {_name(param)}"
    cause = error.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        detail = cause.errors()[0]
        value = detail.get("input")
        own = (detail.get("ctx") or {}).get("error")
        if isinstance(own, OptionValueError):
            return f"{where} の値「{value}」を{own.what}として読めません（{own.accepted}）"
        kind = next((label for key, label in _PYDANTIC_KINDS.items() if key in detail["type"]), "値")
        return f"{where} の値「{value}」を{kind}として読めません"
    return f"{where} の値が正しくありません"


def japanese(error: click_errors.UsageError, ctx: Any = None) -> click_errors.UsageError:
    """The same usage error, with a Japanese message that says where and what."""
    if isinstance(error, click_errors.MissingParameter):
        param = error.param
        kind = "オプション" if isinstance(param, TyperOption) else "引数"
        message = f"{kind} {_name(param)} を指定してください"
    elif isinstance(error, click_errors.BadParameter):
        message = _value_message(error)
    elif isinstance(error, click_errors.NoSuchOption):
        message = f"オプション {error.option_name} はありません"
        if error.possibilities:
            message += f"（もしかして: {', '.join(sorted(error.possibilities))}）"
    elif isinstance(error, click_errors.BadOptionUsage) and "does not take" in error.message:
        message = f"オプション {error.option_name} は値を取りません"
    elif isinstance(error, click_errors.BadOptionUsage):
        message = f"オプション {error.option_name} の値を指定してください"
    elif m := re.match(r"Got unexpected extra argument\(s\) \((.*)\)$", error.message, re.S):
        message = f'余分な引数があります: {m[1]}（値に空白があるときは "" で囲んでください）'
    else:
        message = "コマンドの指定が正しくありません"
    return click_errors.UsageError(message, ctx=error.ctx or ctx)


class _JaMixin:
    """Usage line, --help text and parse errors in Japanese."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
            _quiet([option])
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except click_errors.NoArgsIsHelpError:
            raise
        except click_errors.UsageError as error:
            raise japanese(error, ctx) from None


class JaCommand(_JaMixin, TyperCommand):
    """A dxi command."""

    def __init__(self, name: str | None, **attrs: Any) -> None:
        super().__init__(name, **{**attrs, "options_metavar": "[オプション]"})
        _quiet(self.params)


# dxi --help lists the commands in the order of the year's work, in these panels.
PANELS: dict[str, str] = {
    "init": "準備", "doctor": "準備", "template": "準備", "layout": "準備", "campaign": "準備",
    "ingest": "回収と確認", "tasks": "回収と確認", "submissions": "回収と確認",
    "score": "候補選定（検討会議）", "rank": "候補選定（検討会議）", "screening": "候補選定（検討会議）",
    "review": "候補選定（検討会議）",
    "pilot": "実証と効果検証", "overtime": "実証と効果検証", "effects": "実証と効果検証",
    "calibrate": "実証と効果検証",
    "web": "審査画面と自動実行", "user": "審査画面と自動実行", "serve": "審査画面と自動実行",
    "runs": "運用", "backup": "運用", "restore": "運用", "demo": "運用",
}  # fmt: skip


class JaGroup(_JaMixin, TyperGroup):
    """A dxi command group (dxi itself, dxi pilot …)."""

    def list_commands(self, ctx: Any) -> list[str]:
        order = list(PANELS)
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: order.index(name) if name in order else len(order))

    def __init__(self, **attrs: Any) -> None:
        super().__init__(
            **{**attrs, "options_metavar": "[オプション]", "subcommand_metavar": "コマンド [引数]..."}
        )
        _quiet(self.params)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except click_errors.NoArgsIsHelpError:
            raise
        except click_errors.UsageError as error:
            known = self.list_commands(ctx)
            if not args or args[0] in known:
                raise japanese(error) from None
            message = f"コマンド {args[0]} はありません"
            close = difflib.get_close_matches(args[0], known)
            if close:
                message += f"（もしかして: {', '.join(close)}）"
            raise click_errors.UsageError(message, ctx=error.ctx) from None


class JaTyper(typer.Typer):
    """A Typer whose commands and sub-groups are Japanese, and in their panel, as they are registered.

    Registering is what makes it safe: a `cli_*` module imported before `flows.cli.main` has
    finished (the tests import them directly) still gets Japanese commands.
    """

    def __init__(self, *, top: bool = False, **kwargs: Any) -> None:
        super().__init__(**{"cls": JaGroup, **kwargs})
        self._top = top  # dxi itself: its commands go into the PANELS of the year's work

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[F], F]:
        decorator = super().command(name, **{"cls": JaCommand, **kwargs})

        def register(function: F) -> F:
            registered = decorator(function)
            if self._top:
                _place(self.registered_commands[-1], name or function.__name__.replace("_", "-"))
            return registered

        return register

    def add_typer(self, typer_instance: typer.Typer, **kwargs: Any) -> None:
        super().add_typer(typer_instance, **kwargs)
        if self._top:
            _place(self.registered_groups[-1], kwargs.get("name"))


def _place(info: Any, name: str | None) -> None:
    if name in PANELS and not info.rich_help_panel:
        info.rich_help_panel = PANELS[name]


def localise(app: typer.Typer) -> None:
    """Make every command and sub-group registered on `app` Japanese (call after registering)."""
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):  # typer fills in TyperCommand when none is given
            command.cls = JaCommand
        name = command.name or (command.callback.__name__ if command.callback else "")
        if not command.rich_help_panel and name in PANELS:
            command.rich_help_panel = PANELS[name]
    for group in app.registered_groups:
        sub = group.typer_instance
        if group.name in PANELS and not group.rich_help_panel:
            group.rich_help_panel = PANELS[group.name]
        if sub is not None:
            if not isinstance(sub.info.cls, type) or sub.info.cls is TyperGroup:
                sub.info.cls = JaGroup
            localise(sub)


_YES = {"y", "yes", "はい", "は"}
_NO = {"n", "no", "いいえ", "い", ""}


def confirm(question: str) -> bool:
    """Ask a yes/no question in Japanese (はい / いいえ, or y / n); an empty answer is いいえ."""
    while True:
        answer = typer.prompt(f"{question}（はい / いいえ）", default="", show_default=False)
        key = answer.strip().casefold().translate(str.maketrans("ＹＮｙｎ", "ynyn"))
        if key in _YES or key in _NO:
            return key in _YES
        typer.echo("「はい」か「いいえ」で答えてください。")
