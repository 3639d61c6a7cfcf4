"""A real local HTTP server for harvest tests (no other network): routes map paths to handlers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
