"""Process set-up shared by every entry point that runs flows."""

from __future__ import annotations

from inventory.settings import Settings, get_settings


def prepare_prefect(settings: Settings | None = None) -> Settings:
    """Set Prefect's home and offline switches; must run before `import prefect`."""
    settings = settings or get_settings()
    settings.ensure_home()
    settings.apply_prefect_env()
    return settings
