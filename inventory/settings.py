"""One settings object for the whole application, read from `DXI_*` variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from inventory.errors import SettingsError

# Environment every process gets before Prefect is imported: these PCs have no internet.
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
}


class Settings(BaseSettings):
    """Application settings; every field can be set as `DXI_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="DXI_", extra="ignore")

    home: Path = Field(default=Path(".dxi"), description="data folder: database, inbox, outputs")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in home")
    task_runner: str = Field(default="thread", description="thread | process | dask://host:port")
    environment: str = Field(default="development", description="development | production")

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
    def prefect_home(self) -> Path:
        """Prefect's own folder: inside our home unless the user set PREFECT_HOME."""
        return Path(os.environ.get("PREFECT_HOME") or self.home / "prefect")

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
        for key, value in OFFLINE_ENV.items():
            os.environ[key] = value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    try:
        return Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise SettingsError(f"設定(DXI_*)が不正です: {exc}") from exc
