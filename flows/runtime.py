"""Process set-up shared by every entry point that runs flows."""

from __future__ import annotations

import os

from inventory.logs import configure_logging
from inventory.settings import Settings, get_settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def prepare_prefect(settings: Settings | None = None) -> Settings:
    """Set Prefect's home and offline switches; must run before `import prefect`."""
    settings = settings or get_settings()
    settings.ensure_home()
    settings.apply_prefect_env()
    keep_loopback_off_proxies()
    configure_logging(settings.log_format)  # DXI_LOG_FORMAT=json also reformats Prefect's logs
    return settings


def keep_loopback_off_proxies() -> None:
    """Reach the Prefect server on this PC directly, even where an HTTP proxy is configured.

    LGWAN PCs often set HTTP(S)_PROXY, or on Windows a proxy in the Internet settings that
    Python reads from the registry. Prefect's client (httpx) would send its requests for
    127.0.0.1 to that proxy, and the temporary server would seem never to start.
    """
    for key in ("NO_PROXY", "no_proxy"):  # one variable on Windows, two elsewhere
        hosts = [h.strip() for h in os.environ.get(key, "").split(",") if h.strip()]
        os.environ[key] = ",".join([*hosts, *(h for h in LOOPBACK if h not in hosts)])
