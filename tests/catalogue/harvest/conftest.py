"""Fixtures for the harvest layer: a real local HTTP server (no other network) and clients."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from catalogue.harvest.http import OutboundClient

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# A handler gets (request, query) and returns (status, headers, body), or writes the response
# itself and returns None (for hanging or trickling servers).
Handler = Callable[[BaseHTTPRequestHandler, dict[str, list[str]]], Any]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()  # set on teardown so hanging handlers finish
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append((self.path, dict(self.headers.items())))
                handler = server.routes.get(parts.path)
                if handler is None:
                    result: Any = (404, {"Content-Type": "text/plain"}, b"not found")
                else:
                    result = handler(self, parse_qs(parts.query))
                if result is None:
                    return
                status, headers, body = result
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def static(
        self, path: str, body: bytes, content_type: str = "application/json", status: int = 200
    ) -> None:
        self.routes[path] = lambda _req, _q: (status, {"Content-Type": content_type}, body)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda _req, _q: (status, {"Location": location}, b"")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.httpd.shutdown()
        srv.httpd.server_close()


@pytest.fixture
def client() -> Iterator[OutboundClient]:
    """A client that may reach the local test server (loopback allow-listed, as in tests)."""
    with OutboundClient(
        allow_networks="127.0.0.0/8", timeout=2.0, total_timeout=10.0, max_bytes=20 * 1024 * 1024
    ) as c:
        yield c


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
