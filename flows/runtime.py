"""Process set-up shared by every entry point that runs flows, and where a desk command runs.

Finding the Prefect API imports no Prefect: a desk command with no server configured
must start in a fraction of a second and never start Prefect's temporary server. The
API is configured when, first match wins:

    PREFECT_API_URL        the environment (a team server, or set by hand)
    Prefect's profile      PREFECT_API_URL in the active profile of PREFECT_HOME/profiles.toml
                           (`prefect config set PREFECT_API_URL=…` with our PREFECT_HOME)
    `dxi serve`            a running `dxi serve` leaves its API in PREFECT_HOME/dxi-serve.json
"""

from __future__ import annotations

import json
import os
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from inventory.logs import configure_logging
from inventory.settings import Settings, get_settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")
SERVE_FILE = "dxi-serve.json"
HEALTH_TIMEOUT = 2.0  # seconds; a local server answers in milliseconds, a busy team server in well under 2


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


@dataclass(frozen=True)
class PrefectApi:
    """A configured Prefect API and where the setting came from (in Japanese, for notices)."""

    url: str
    source: str


def api_opener(api: str) -> urllib.request.OpenerDirector:
    """An opener for a Prefect API: one on this PC is asked past any proxy, a team server as configured."""
    if urlsplit(api).hostname in LOOPBACK:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def healthy(api: str, timeout: float = HEALTH_TIMEOUT) -> bool:
    """Whether a Prefect API answers its health check."""
    try:
        with api_opener(api).open(f"{api.rstrip('/')}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _profile_api(home: Path) -> str | None:
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    name = os.environ.get("PREFECT_PROFILE") or data.get("active")
    profile = data.get("profiles", {}).get(name, {}) if isinstance(name, str) else {}
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return url.strip() if isinstance(url, str) and url.strip() else None


def serve_file(settings: Settings) -> Path:
    """Where a running `dxi serve` leaves the API its desk commands should use."""
    return settings.prefect_home / SERVE_FILE


def announce_serve(settings: Settings, api: str) -> Path:
    """Tell this PC's desk commands that `dxi serve` runs flows on `api` (removed on stop)."""
    path = serve_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"api_url": api, "pid": os.getpid()}), encoding="utf-8")
    tmp.replace(path)
    return path


def withdraw_serve(settings: Settings) -> None:
    """Remove the note `announce_serve` left, if it is still this process's."""
    path = serve_file(settings)
    if _served(path)[1] == os.getpid():
        path.unlink(missing_ok=True)


def _served(path: Path) -> tuple[str | None, int | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    url, pid = data.get("api_url"), data.get("pid")
    return (url if isinstance(url, str) else None), (pid if isinstance(pid, int) else None)


def configured_api(settings: Settings | None = None) -> PrefectApi | None:
    """The Prefect API desk commands should run their flows on, or None (see the module docstring)."""
    settings = settings or get_settings()
    if from_env := os.environ.get("PREFECT_API_URL", "").strip():
        return PrefectApi(from_env, "環境変数 PREFECT_API_URL")
    if from_profile := _profile_api(settings.prefect_home):
        return PrefectApi(
            from_profile, f"Prefect のプロファイル（{settings.prefect_home / 'profiles.toml'}）"
        )
    path = serve_file(settings)
    url, pid = _served(path)
    if url is None:
        return None
    import psutil  # only with a serve note to check

    if pid is not None and not psutil.pid_exists(pid):  # `dxi serve` ended without tidying up
        path.unlink(missing_ok=True)
        return None
    return PrefectApi(url, "dxi serve")
