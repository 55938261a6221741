"""One settings object for the whole application.

Each value comes from the first of: a `DXI_*` environment variable, a `dxi.toml` found
in the current folder or one above it (like git finds `.git`), the built-in default.
The data folder's default is the user's own data folder (platformdirs: `~/.local/share/dxi`
on Linux, `%LOCALAPPDATA%\\dxi` on Windows), so `dxi` finds the same database from any folder.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from inventory.errors import SettingsError

# Environment every process gets before Prefect is imported: these PCs have no internet.
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
}

# Development only: a fixed, public pseudonym key, so tests and demos need no setup.
DEV_PSEUDONYM_KEY = hashlib.sha256(b"dxi development pseudonym key - not secret").digest()
MIN_PSEUDONYM_KEY_LENGTH = 16

CONFIG_FILE_NAME = "dxi.toml"
# Settings that name a folder: a relative value in dxi.toml is relative to the file's folder.
PATH_KEYS = ("home", "inbox", "overtime_inbox", "outbox")


def default_home() -> Path:
    """The user's own data folder for dxi (the same from every working folder)."""
    return Path(user_data_dir("dxi", appauthor=False))


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest dxi.toml in `start` (default: the current folder) or a folder above it."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_FILE_NAME
        if path.is_file():
            return path
    return None


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings in a dxi.toml, with relative folders made relative to the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"設定ファイル {path} を読み取れません: {exc}") from exc
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise SettingsError(
            f"設定ファイル {path} に知らない項目があります: {'、'.join(unknown)}"
            f"（使える項目: {'、'.join(Settings.model_fields)}）"
        )
    for key in PATH_KEYS:
        if isinstance(data.get(key), str):
            data[key] = path.parent / Path(data[key]).expanduser()
    return data


class Settings(BaseSettings):
    """Application settings; every field can be set as `DXI_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="DXI_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="data folder: database, inbox, outputs")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in home")
    environment: str = Field(default="development", description="development | production")
    pseudonym_key: str | None = Field(
        default=None, description="secret of the keyed hash (HMAC-SHA256) that pseudonymises staff ids"
    )
    # Orchestration (flows/): where files arrive and how tasks run.
    inbox: Path | None = Field(
        default=None, description="folder the inbox scan ingests from; default home/inbox"
    )
    overtime_inbox: Path | None = Field(
        default=None, description="folder the overtime scan imports from; default home/overtime-inbox"
    )
    outbox: Path | None = Field(
        default=None, description="campaign templates are written here; default home/outbox"
    )
    task_runner: str = Field(
        default="thread", description="thread | process | dask (local cluster) | dask://host:port"
    )
    notification_block: str | None = Field(
        default=None, description="name of a Prefect notification block the reminder flow notifies"
    )
    log_format: str = Field(default="text", description="text | json (structured logs for operations)")
    # Web UI (flows/web/).
    web_trusted_user_header: str | None = Field(
        default=None, description="header set by an authenticating reverse proxy (SSO), e.g. X-Remote-User"
    )
    web_trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"], description="addresses allowed to send that header"
    )
    web_upload_max_mb: int = Field(
        default=10, ge=1, le=200, description="largest file the web room's 提出 page takes, in MB"
    )
    small_cell_threshold: int = Field(
        default=3, ge=1, description="overtime of a 課 with fewer staff is hidden from dept-role users"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then DXI_* variables, then the nearest dxi.toml."""
        config = find_config_file()
        if config is None:
            return (init_settings, env_settings)
        return (init_settings, env_settings, InitSettingsSource(settings_cls, read_config_file(config)))

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        url = value.strip()
        # Users copy URLs from PostgreSQL docs; route them to the psycopg 3 driver we ship.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        if not (url.startswith("sqlite") or url.startswith("postgresql+")):
            raise ValueError(
                f"対応していないデータベースURLです: {url.split(':', 1)[0]}（sqlite または postgresql）"
            )
        return url

    @property
    def db_url(self) -> str:
        """The database URL in force: the configured one or SQLite in `home`."""
        return self.database_url or f"sqlite:///{self.home / 'dxi.sqlite3'}"

    @property
    def db_shown(self) -> str:
        """The database in force as a person should see it: the file, or the URL without password."""
        from sqlalchemy.engine import make_url

        url = make_url(self.db_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return str(url.database)
        return url.render_as_string(hide_password=True)

    def home_origin(self) -> str:
        """Which rule chose the data folder, in words for the person who has to find it."""
        if os.environ.get("DXI_HOME"):
            return "環境変数 DXI_HOME"
        config = find_config_file()
        if config is not None and "home" in read_config_file(config):
            return f"設定ファイル {config}"
        if self.home == default_home().expanduser().resolve():
            return "利用者ごとの既定の場所"
        return "指定"

    @property
    def inbox_dir(self) -> Path:
        """Folder the inbox scan watches."""
        return self.inbox.expanduser().resolve() if self.inbox else self.home / "inbox"

    @property
    def overtime_inbox_dir(self) -> Path:
        """Folder the monthly overtime scan watches."""
        return (
            self.overtime_inbox.expanduser().resolve()
            if self.overtime_inbox
            else self.home / "overtime-inbox"
        )

    @property
    def outbox_dir(self) -> Path:
        """Folder campaign templates are written to."""
        return self.outbox.expanduser().resolve() if self.outbox else self.home / "outbox"

    @property
    def prefect_home(self) -> Path:
        """Prefect's own folder: inside our home unless the user set PREFECT_HOME."""
        return Path(os.environ.get("PREFECT_HOME") or self.home / "prefect")

    def pseudonym_secret(self) -> bytes:
        """Return the HMAC key that pseudonymises staff ids (職員番号) in overtime files.

        DXI_PSEUDONYM_KEY when set. In development only, a fixed key derived from a
        public constant (DEV_PSEUDONYM_KEY) is used instead, so anyone can recompute
        those pseudonyms: outside development a missing, short or development key is
        refused, because a guessable key turns the pseudonym back into the id.
        """
        key = (self.pseudonym_key or "").strip()
        if self.environment == "development":
            return key.encode() if key else DEV_PSEUDONYM_KEY
        if not key:
            raise SettingsError(
                "職員番号を仮名化する鍵が設定されていません。環境変数 DXI_PSEUDONYM_KEY に"
                f"{MIN_PSEUDONYM_KEY_LENGTH}文字以上の推測されにくい値を設定してください"
                f"（開発環境以外では必須です。現在の環境: {self.environment}）"
            )
        if len(key) < MIN_PSEUDONYM_KEY_LENGTH or key == DEV_PSEUDONYM_KEY.hex():
            raise SettingsError(
                f"DXI_PSEUDONYM_KEY が短すぎるか開発用の値です。{MIN_PSEUDONYM_KEY_LENGTH}文字以上の"
                "推測されにくい値を設定してください"
            )
        return key.encode()

    def ensure_home(self) -> Path:
        """Create the data folder if needed and return it."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SettingsError(f"データフォルダ {self.home} を作成できません: {exc.strerror}") from exc
        return self.home

    def apply_prefect_env(self) -> None:
        """Point Prefect at our home and switch telemetry off; call before importing prefect."""
        os.environ.setdefault("PREFECT_HOME", str(self.prefect_home))
        # The temporary server's start/stop lines are not for our users; flows log warnings and errors.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        for key, value in OFFLINE_ENV.items():
            os.environ[key] = value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    try:
        return Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise SettingsError(f"設定(DXI_*)が不正です: {exc}") from exc
