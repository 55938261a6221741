"""Flow set-up: the Prefect server on this PC is reached directly, whatever proxy is configured."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from flows.runtime import keep_loopback_off_proxies

CLOSED = "http://127.0.0.1:9"  # nothing listens there: a proxy that cannot be reached


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/health"
    server.shutdown()
    server.server_close()


@pytest.fixture
def lgwan_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(key, CLOSED)
    monkeypatch.setenv("NO_PROXY", "lgwan.example.lg.jp")
    monkeypatch.delenv("no_proxy", raising=False)


@pytest.mark.usefixtures("lgwan_proxy")
def test_the_local_server_is_reached_past_a_configured_proxy(local_server: str) -> None:
    with pytest.raises(httpx.ConnectError):  # the server is up: it is the proxy that cannot be reached
        httpx.get(local_server, timeout=5)  # what Prefect's client did on such a PC
    keep_loopback_off_proxies()
    assert httpx.get(local_server, timeout=5).text == "ok"


@pytest.mark.usefixtures("lgwan_proxy")
def test_hosts_the_user_listed_stay_and_nothing_is_added_twice() -> None:
    keep_loopback_off_proxies()
    keep_loopback_off_proxies()
    assert os.environ["NO_PROXY"] == "lgwan.example.lg.jp,127.0.0.1,localhost,::1"
