"""dxi doctor's checks on real folders, a real SQLite file and real sockets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from flows.doctor import (
    check_database,
    check_disk_space,
    check_folder,
    check_font,
    check_migrations,
    check_prefect_api,
    check_pseudonym_key,
    run_checks,
)
from inventory.db.engine import make_engine
from inventory.db.migrate import upgrade
from inventory.settings import Settings


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(home=tmp_path / "home", **values)  # type: ignore[arg-type]


def migrated(s: Settings, revision: str = "head") -> None:
    s.ensure_home()
    engine = make_engine(s.db_url)
    upgrade(engine, revision)
    engine.dispose()


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def health_server() -> Iterator[str]:
    """A real HTTP server on loopback answering /api/health like Prefect's API."""

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/api/health" else 404)
            self.end_headers()
            self.wfile.write(b"true")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


def test_missing_database_says_run_init_and_creates_nothing(tmp_path: Path) -> None:
    s = settings(tmp_path)
    database, migrations = check_database(s), check_migrations(s)
    assert database.status == "error" and "dxi init" in database.hint
    assert migrations.status == "error" and "dxi init" in migrations.hint
    assert not (tmp_path / "home").exists()


def test_current_database_is_ok_and_an_old_one_needs_init(tmp_path: Path) -> None:
    s = settings(tmp_path)
    migrated(s, "0001")
    assert check_database(s).status == "ok"
    old = check_migrations(s)
    assert old.status == "error" and "0001" in old.message and "dxi init" in old.hint
    migrated(s)
    assert check_migrations(s).status == "ok"


def test_unreachable_postgresql_is_an_error(tmp_path: Path) -> None:
    s = settings(tmp_path, database_url=f"postgresql://nobody@127.0.0.1:{closed_port()}/dxi")
    result = check_database(s)
    assert (
        result.status == "error" and "接続できません" in result.message and "DXI_DATABASE_URL" in result.hint
    )


def test_prefect_api_unset_warns_unreachable_errors_running_is_ok(health_server: str) -> None:
    unset = check_prefect_api(None)
    assert unset.status == "warn" and "dxi serve" in unset.message
    down = check_prefect_api(f"http://127.0.0.1:{closed_port()}/api", timeout=1)
    assert down.status == "error" and "接続できません" in down.message
    assert check_prefect_api(health_server).status == "ok"
    wrong = check_prefect_api(health_server.removesuffix("/api"))
    assert wrong.status == "error" and "404" in wrong.message


def test_folders_missing_warn_a_file_in_the_way_errors(tmp_path: Path) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert check_folder("受付箱", tmp_path / "ok", "DXI_INBOX").status == "ok"
    missing = check_folder("受付箱", tmp_path / "none", "DXI_INBOX")
    assert missing.status == "warn" and "mkdir -p" in missing.hint and not (tmp_path / "none").exists()
    blocked = check_folder("受付箱", tmp_path / "file", "DXI_INBOX")
    assert blocked.status == "error" and "DXI_INBOX" in blocked.hint


def test_the_bundled_font_is_read_by_reportlab() -> None:
    result = check_font()
    assert result.status == "ok" and "ipaexg.ttf" in result.message


def test_a_missing_or_broken_font_file_is_an_error(tmp_path: Path) -> None:
    missing = check_font(tmp_path / "ipaexg.ttf")
    assert missing.status == "error" and "ありません" in missing.message and "入れ直して" in missing.hint
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font" * 100)
    assert check_font(broken).status == "error"
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.is_file():  # a real font without kanji
        result = check_font(latin)
        assert result.status == "error" and "文字がありません" in result.message


def test_pseudonym_key_is_required_in_production(tmp_path: Path) -> None:
    assert check_pseudonym_key(settings(tmp_path)).status == "ok"
    missing = check_pseudonym_key(settings(tmp_path, environment="production"))
    assert missing.status == "error" and "DXI_PSEUDONYM_KEY" in missing.message
    short = check_pseudonym_key(settings(tmp_path, environment="production", pseudonym_key="short"))
    assert short.status == "error"
    good = settings(tmp_path, environment="production", pseudonym_key="k" * 8 + "a-long-random-value")
    assert check_pseudonym_key(good).status == "ok"


def test_disk_space_thresholds(tmp_path: Path) -> None:
    assert check_disk_space(tmp_path / "not" / "yet", warn_below=1, error_below=0).status == "ok"
    assert check_disk_space(tmp_path, warn_below=2**62, error_below=0).status == "warn"
    low = check_disk_space(tmp_path, warn_below=2**62, error_below=2**61)
    assert low.status == "error" and "GB" in low.message


def test_a_ready_installation_has_no_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    s = settings(tmp_path)
    migrated(s)
    for folder in (s.inbox_dir, s.overtime_inbox_dir, s.outbox_dir, s.home / "reports"):
        folder.mkdir(parents=True)
    results = run_checks(s)
    assert [r.name for r in results if r.status != "ok"] == ["Prefect サーバー"]
    assert all(r.message for r in results)
