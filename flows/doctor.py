"""`dxi doctor`: small checks that say in Japanese what is wrong and how to fix it.

Each check is one function returning a `CheckResult`, so the CLI, a status page and
the tests run the same code. A check never changes anything (no folder is created,
no migration run); an `error` means a job will fail, a `warn` that something works
only partly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from bpr.reports.font import FONT_NAME, font_path
from inventory.db.backup import database_file
from inventory.db.engine import make_engine
from inventory.db.migrate import alembic_config, current_revision, head_revision
from inventory.errors import DatabaseNotReadyError, InventoryError, SettingsError
from inventory.settings import Settings

Status = Literal["ok", "warn", "error"]
GB = 1024**3


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's report."""

    name: str
    status: Status
    message: str
    hint: str = ""


def _where(settings: Settings) -> str:
    return settings.db_shown


def _probe_engine(settings: Settings) -> Engine | None:
    """An engine that fails fast, or None when the SQLite file does not exist (connecting would create it)."""
    url = settings.db_url
    if url.startswith("sqlite"):
        engine = make_engine(url)
        sqlite_file = database_file(engine)
        return None if sqlite_file is not None and not sqlite_file.exists() else engine
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})


def check_database(settings: Settings) -> CheckResult:
    """The application database answers."""
    name = "データベース"
    engine = _probe_engine(settings)
    if engine is None:
        return CheckResult(name, "error", f"データベースファイルがありません（{_where(settings)}）",
                           "`dxi init` で作成してください（別の場所のはずなら DXI_HOME・DXI_DATABASE_URL・dxi.toml を確認）")  # fmt: skip
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return CheckResult(name, "error", f"接続できません（{_where(settings)}）: {detail}",
                           "サーバーが起動しているか、DXI_DATABASE_URL のホスト・ユーザー・パスワードを確認してください")  # fmt: skip
    finally:
        engine.dispose()
    return CheckResult(name, "ok", f"接続できます（{_where(settings)}）")


def check_migrations(settings: Settings) -> CheckResult:
    """The schema is at the revision this version of the code expects."""
    name = "データベースの構造"
    engine = _probe_engine(settings)
    if engine is None:
        return CheckResult(name, "error", "データベースがまだありません", "`dxi init` を実行してください")
    try:
        current = current_revision(engine)
    except DatabaseNotReadyError:
        return CheckResult(
            name, "error", "データベースに接続できないため確認できません", "先に接続の問題を解決してください"
        )
    finally:
        engine.dispose()
    head = head_revision()
    if current is None:
        return CheckResult(
            name, "error", "データベースが初期化されていません", "`dxi init` を実行してください"
        )
    if current == head:
        return CheckResult(name, "ok", f"最新です（構造の版 {current}）")
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except CommandError:
        return CheckResult(name, "error", f"このデータベースは新しいバージョンの dxi で更新されています（構造の版 {current}）",
                           "dxi を最新版に更新してください")  # fmt: skip
    return CheckResult(name, "error", f"古い構造です（構造の版 {current}、最新は {head}）",
                       "`dxi backup -o バックアップ.zip` で控えを取ってから `dxi init` で更新してください")  # fmt: skip


def check_prefect_api(api_url: str | None, timeout: float = 2.0) -> CheckResult:
    """Prefect's API answers /health when one is configured; without one, schedules need `dxi serve`."""
    name = "Prefect サーバー"
    if not api_url:
        return CheckResult(name, "warn", "PREFECT_API_URL が設定されていません。定期実行（受付フォルダの巡回・督促・再採点）は `dxi serve` の実行中だけ動きます",
                           "常時運用するには `dxi serve` を起動したままにするか、PREFECT_API_URL に Prefect サーバーを設定してください")  # fmt: skip
    url = api_url.rstrip("/") + "/health"
    handlers: list[urllib.request.BaseHandler] = []
    if urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1"):
        handlers.append(urllib.request.ProxyHandler({}))  # loopback never goes through a proxy
    try:
        with urllib.request.build_opener(*handlers).open(url, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return CheckResult(name, "error", f"{api_url} に接続できません（{reason}）",
                           "Prefect サーバーを起動するか（`dxi serve`）、PREFECT_API_URL を確認してください")  # fmt: skip
    if status != 200:
        return CheckResult(name, "error", f"{url} が HTTP {status} を返しました",
                           "PREFECT_API_URL が Prefect の API（…/api）を指しているか確認してください")  # fmt: skip
    return CheckResult(name, "ok", f"応答があります（{api_url}）")


def check_folder(label: str, path: Path, setting: str, missing_hint: str | None = None) -> CheckResult:
    """A folder exists and we can write into it."""
    if path.exists() and not path.is_dir():
        return CheckResult(label, "error", f"フォルダの場所にファイルがあります: {path}",
                           f"ファイルを移動するか、{setting} で別のフォルダを指定してください")  # fmt: skip
    if not path.exists():
        hint = missing_hint or f"作成してください（mkdir -p {path}）。場所は {setting} で変えられます"
        return CheckResult(label, "warn", f"フォルダがまだありません: {path}", hint)  # fmt: skip
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return CheckResult(label, "error", f"書き込めません: {path}（{exc.strerror}）",
                           "このフォルダに書き込める利用者で実行するか、権限を直してください")  # fmt: skip
    return CheckResult(label, "ok", f"書き込めます: {path}")


def check_folders(settings: Settings) -> list[CheckResult]:
    """The data folder and the folders files arrive in and go out of."""
    home = check_folder(
        "データフォルダ", settings.home, "DXI_HOME・dxi.toml",
        "`dxi init` で作成されます（場所は DXI_HOME か dxi.toml で変えられます）",
    )  # fmt: skip
    return [
        replace(home, message=f"{home.message}（{settings.home_origin()}による）"),
        check_folder("受付フォルダ（調査票）", settings.inbox_dir, "DXI_INBOX"),
        check_folder("受付フォルダ（時間外勤務）", settings.overtime_inbox_dir, "DXI_OVERTIME_INBOX"),
        check_folder("配布フォルダ", settings.outbox_dir, "DXI_OUTBOX"),
        check_folder("報告書フォルダ", settings.home / "reports", "DXI_HOME"),
    ]


def check_font(path: Path | None = None) -> CheckResult:
    """ReportLab reads the IPAex Gothic shipped with dxi (or `path`), with the kanji the reports print."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = "日本語フォント（報告書）"
    hint = "dxi を入れ直してください（フォントは dxi に同梱されています。インストールの手引き）"
    path = path or font_path()
    if not path.is_file():
        return CheckResult(name, "error", f"IPAex ゴシックのファイルがありません: {path}", hint)
    try:
        face = TTFont(FONT_NAME, str(path)).face
    except (TTFError, OSError) as exc:
        return CheckResult(name, "error", f"IPAex ゴシックを読み込めません（{exc}）", hint)
    missing = [c for c in "業務量調査課" if ord(c) not in face.charToGlyph]
    if missing:
        return CheckResult(name, "error", f"IPAex ゴシックに文字がありません: {''.join(missing)}", hint)
    return CheckResult(name, "ok", f"{FONT_NAME}: {path.name}")


def check_pseudonym_key(settings: Settings) -> CheckResult:
    """Outside development, staff ids need a real secret key (DXI_PSEUDONYM_KEY)."""
    name = "仮名化の鍵"
    if settings.environment == "development":
        return CheckResult(
            name, "ok", "開発環境: 開発用の固定鍵を使います（本番では DXI_PSEUDONYM_KEY が必須）"
        )
    try:
        settings.pseudonym_secret()
    except SettingsError as exc:
        return CheckResult(name, "error", exc.message,
                           "例: python -c \"import secrets; print(secrets.token_hex(32))\" の値を DXI_PSEUDONYM_KEY に設定。"
                           "一度決めた鍵は変えないでください（変えると過去の仮名と一致しなくなります）")  # fmt: skip
    return CheckResult(name, "ok", f"設定されています（環境: {settings.environment}）")


def check_disk_space(path: Path, *, warn_below: int = 2 * GB, error_below: int = GB // 2) -> CheckResult:
    """Free space where the data folder lives."""
    name = "空き容量"
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    message = f"{free / GB:,.1f} GB 空いています（{existing}）"
    hint = "不要なファイルを削除するか、DXI_HOME を空きのあるドライブに移してください"
    if free < error_below:
        return CheckResult(name, "error", message, hint)
    if free < warn_below:
        return CheckResult(name, "warn", message, hint)
    return CheckResult(name, "ok", message)


def run_checks(settings: Settings) -> list[CheckResult]:
    """Every check, in the order an operator would fix them."""
    results = [check_database(settings), check_migrations(settings)]
    results.append(check_prefect_api(os.environ.get("PREFECT_API_URL")))
    results.extend(check_folders(settings))
    results.extend([check_font(), check_pseudonym_key(settings), check_disk_space(settings.home)])
    return results


def settings_problem(exc: InventoryError) -> CheckResult:
    """The result shown when the DXI_* settings themselves cannot be read."""
    return CheckResult("設定（DXI_*）", "error", exc.message, "環境変数 DXI_* の値を確認してください")
