"""Load a command's module only when it runs: `dxi --help` and a read command start quickly.

`COMMANDS` names, for every top-level command, the module that registers it and the
line `dxi --help` shows for it; `dxi tasks` then imports `flows.cli.survey` and what it
uses, not pandas for `rank` or Prefect for a flow. tests/flows/test_cli_lazy.py checks
that the table says what the commands' own help says. A command missing from the table
still runs (every module is loaded to find it), it is only not listed in `dxi --help`.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import typer
from typer.main import get_command_from_info, get_command_name, get_group_from_info

from flows.cli.ja import PANELS, JaCommand, JaGroup, localise

SURVEY, SCORING, OPS = "flows.cli.survey", "flows.cli.scoring", "flows.cli.ops"
# name → (module that registers it, the first paragraph of its help)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (SURVEY, "データベースを作成、または最新の構造に更新します。"),
    "doctor": (OPS, "動作環境を点検し、問題があれば直し方を表示します。"),
    "template": (SURVEY, "業務量調査票（Excel）を作成します。"),
    "layout": ("flows.cli.layout", "調査票の様式（各自治体の独自の調査票の読み方）を推定・保存・一覧・表示します。"),
    "campaign": ("flows.cli.campaign", "業務量調査の実施（調査票の一括作成・提出状況・督促・締め切り）。"),
    "ingest": (SURVEY, "業務量調査票を取り込みます。エラーのあるファイルは丸ごと差し戻し、エラー票を書き出します。"),
    "tasks": (SURVEY, "現在の業務一覧（差し替え前の古い提出は除く）を表示・出力します。"),
    "submissions": (SURVEY, "提出の履歴（差し替えられた古い提出を含む）を表示します。"),
    "score": (SCORING, "業務を RPA・AI-OCR 適性で採点し、採点結果（設定を含む）を保存します。"),
    "rank": (SCORING, "保存済みの最新の採点結果から候補順位を表示・出力します（Prefect は起動しません）。"),
    "screening": ("flows.cli.screening", "二次調査票（RPA・AI-OCR 適性の確認）を課ごとに作成します。"),
    "review": (SCORING, "候補への判断（採用・保留・不採用）を記録します。履歴は消えず、再採点後も残ります。"),
    "pilot": (
        "flows.cli.pilot",
        "実証（トライアル導入）の登録・状態変更・効果測定・一覧。状態: 候補 → 選定 → 実証中 → 効果検証 → 本格導入（または見送り）",
    ),
    "calibrate": (
        "flows.cli.calibrate",
        "導入前・導入後を測定した実証について、見込みと実績の比をツール・適性の帯ごとに表示します。",
    ),
    "overtime": ("flows.cli.overtime", "時間外勤務実績（人事・給与システムの月次データ）の取り込みと一覧。"),
    "effects": (
        "flows.cli.effects",
        "残業時間の KPI（基準年度比）とロボット導入の効果（推定）を表示し、報告書を書き出します。",
    ),
    "web": ("flows.cli.web", "審査画面（ダッシュボード・候補一覧・業務詳細・実証・提出状況）を起動します。"),
    "user": ("flows.cli.web", "審査画面（dxi web）のアカウント管理。"),
    "serve": (
        "flows.cli.serve",
        "スケジュールどおりにフローを実行し続けます（受付フォルダの取り込み、督促、採点、時間外勤務、効果検証）。",
    ),
    "runs": ("flows.cli.runs", "取り込み・採点・督促などの実行履歴（誰が・いつ・どこで・結果）を表示します。"),
    "backup": (OPS, "アプリケーションのデータベースを 1 つのファイル（.zip）にバックアップします。"),
    "restore": (OPS, "バックアップファイルからデータベースを復元します（DXI_DATABASE_URL の復元先へ）。"),
    "demo": ("flows.cli.demo", "架空の町（30課・1,500業務）で、業務量調査の取り込みから効果報告までを一通り実行します。"),
}  # fmt: skip


def command_modules() -> list[str]:
    """Every module that registers commands, each once, in the table's order."""
    return list(dict.fromkeys(module for module, _ in COMMANDS.values()))


def load_all() -> None:
    """Import every command module (tests and docs that enumerate the whole app)."""
    for module in command_modules():
        importlib.import_module(module)


class LazyGroup(JaGroup):
    """The `dxi` group: lists every command from `COMMANDS`, imports a command's module when it runs."""

    typer_app: ClassVar[typer.Typer | None] = None  # the app whose registrations become commands
    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        order = list(PANELS)
        names = set(COMMANDS) | set(self.commands)
        return sorted(names, key=lambda name: (order.index(name) if name in order else len(order), name))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True  # the command list shows the table's lines; nothing is imported
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = self.commands.get(cmd_name)
        if found is not None:
            return found
        if self._listing and cmd_name in COMMANDS:
            summary = COMMANDS[cmd_name][1]
            return JaCommand(cmd_name, help=summary, rich_help_panel=PANELS.get(cmd_name))
        known = COMMANDS.get(cmd_name)
        for module in [known[0]] if known else command_modules():
            importlib.import_module(module)
        self._add_registered()
        return self.commands.get(cmd_name)

    def _add_registered(self) -> None:
        """Build the click commands of what the imported modules registered on the app."""
        app = self.typer_app
        if app is None:
            return
        localise(app)
        for info in app.registered_commands:
            name = info.name or get_command_name(info.callback.__name__ if info.callback else "")
            if name not in self.commands:
                self.add_command(get_command_from_info(
                    info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode,
                ))  # fmt: skip
        for group in app.registered_groups:
            if group.name and group.name not in self.commands:
                self.add_command(get_group_from_info(
                    group, pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode, suggest_commands=app.suggest_commands,
                ))  # fmt: skip
