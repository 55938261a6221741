"""Process set-up shared by every entry point that runs flows."""

from __future__ import annotations

from inventory.logs import configure_logging
from inventory.settings import Settings, get_settings


def prepare_prefect(settings: Settings | None = None) -> Settings:
    """Set Prefect's home and offline switches; must run before `import prefect`."""
    settings = settings or get_settings()
    settings.ensure_home()
    settings.apply_prefect_env()
    configure_logging(settings.log_format)  # DXI_LOG_FORMAT=json also reformats Prefect's logs
    return settings
