"""Web UI commands: `dxi user add | list | disable` and `dxi web`.

No Prefect here: accounts are one transaction, and the web app is the business
screen, which must start quickly and run without the orchestration server.
"""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typer

from bpr.scoring.labels import ROLE_LABELS
from flows.cli.app import app, console, fail, print_table, settings_or_exit
from flows.cli.ja import JaTyper
from flows.cli.params import Choice, choice_option
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import require_current
from inventory.display import japan_time

user_app = JaTyper(help="審査画面（dxi web）のアカウント管理。", no_args_is_help=True)
app.add_typer(user_app, name="user")

ROLES = Choice(
    {"admin": ("管理者",), "reviewer": ("審査担当", "審査者"), "dept": ("課", "課（閲覧）")}, what="権限"
)
ROLE_HELP = "権限（管理者 = すべて、審査担当 = 判断・実証の操作、課 = 自課の閲覧のみ）"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("パスワード", hide_input=True)
    second = typer.prompt("パスワード（確認）", hide_input=True)
    if first != second:
        raise fail("パスワードが一致しません")
    return str(first)


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="ログインに使うユーザー名", metavar="ユーザー名")],
    role: Annotated[
        Literal["admin", "reviewer", "dept"], choice_option("--role", choice=ROLES, help=ROLE_HELP)
    ],
    dept: Annotated[str | None, typer.Option("--dept", help="権限が「課」のときの課（例: 税務課）")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="パスワードを標準入力の1行目から読む（自動化用）")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)] = "cli",
) -> None:
    """審査画面のユーザーを追加します（パスワードは argon2id で保存）。

    例: dxi user add yamada --role 課 --dept 税務課
        echo "$PW" | dxi user add suzuki --role 審査担当 --password-stdin
    """
    from inventory.db.account_repo import add_user

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    password = _read_password(password_stdin)
    with session_scope(engine) as session:
        add_user(session=session, name=name, role=role, department=dept, password=password, actor=by)
    where = f"（{dept}）" if role == "dept" else ""
    console.print(
        f"ユーザー「{name}」を追加しました: 権限 {ROLE_LABELS.get(role, role)}{where}", markup=False
    )


@user_app.command("list")
def list_command() -> None:
    """審査画面のユーザーを一覧表示します。

    例: dxi user list
    """
    from inventory.db.account_repo import list_users

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with session_scope(engine) as session:
        rows = [
            {"ユーザー": u.name, "権限": ROLE_LABELS.get(u.role, u.role), "課": u.department or "", "状態": "無効" if u.disabled else "有効",
             "最終ログイン": japan_time(u.last_login_at)}
            for u in list_users(session=session)
        ]  # fmt: skip
    print_table(rows, title="審査画面のユーザー")


@user_app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="無効にするユーザー名", metavar="ユーザー名")],
    by: Annotated[str, typer.Option("--by", help="操作した人（監査ログに記録）", show_default=False)] = "cli",
) -> None:
    """ユーザーを無効にし、ログイン中のセッションもすぐに終了させます。

    例: dxi user disable yamada
    """
    from inventory.db.account_repo import disable_user

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    with session_scope(engine) as session:
        disable_user(session=session, name=name, actor=by)
    console.print(f"ユーザー「{name}」を無効にしました", markup=False)


@app.command()
def web(
    host: Annotated[
        str, typer.Option("--host", help="待ち受けるアドレス（庁内LANに公開するなら 0.0.0.0）")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="ポート番号")] = 8765,
) -> None:
    """審査画面（ダッシュボード・候補一覧・業務詳細・実証・提出状況）を起動します。

    設定済みのデータベース（SQLite または PostgreSQL）を使います。先に dxi user add で
    ユーザーを作成してください。リバースプロキシの認証ヘッダーを使う場合は
    DXI_WEB_TRUSTED_USER_HEADER と DXI_WEB_TRUSTED_PROXIES を設定します。
    例: dxi web --host 0.0.0.0 --port 8765
    """
    import uvicorn

    from flows.web.app import create_app

    settings = settings_or_exit()
    engine = engine_for(settings.db_url)
    require_current(engine)
    console.print(f"審査画面を起動します: http://{host}:{port}/ （終了は Ctrl+C）", markup=False)
    # proxy_headers off: the app itself reads X-Forwarded-For/-Proto, and only from
    # DXI_WEB_TRUSTED_PROXIES, so the SSO header check still sees the proxy's own address.
    uvicorn.run(create_app(settings=settings, engine=engine), host=host, port=port, log_level="warning",
                proxy_headers=False, server_header=False)  # fmt: skip
