"""Whole nodes of the product for federation tests: each a separate process serving its own
database on loopback, driven through `manage.py` and HTTP as an operator and other nodes would.

A node uses SQLite in its own folder, or, when the suite runs on PostgreSQL, a database of its
own created beside the test database and dropped afterwards. Tasks run in-process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_url(name: str) -> str | None:
    """A fresh PostgreSQL database for a node when the suite itself runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    database = f"mp_node_{name}_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    return urlunsplit(parts._replace(path=f"/{database}"))


def _drop_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


class Node:
    """One node: `manage(...)` runs a command against its database, `start()` serves it."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = _postgres_url(name)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "CELERY_", "SEARCH_", "PYTEST_"))
            and key not in ("DATABASE_URL", "REDIS_URL", "SITE_URL")
        }
        self.env.update(
            MARKETPLACE_VAR_DIR=str(folder),
            SITE_URL=self.url,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            OUTBOUND_ALLOW_NETWORKS="127.0.0.0/8",
            HARVEST_PER_HOST_DELAY="0",
            SERVICE_NAME=f"Node {name}",
        )
        if self.database_url:
            self.env["DATABASE_URL"] = self.database_url
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 — our own interpreter and arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"node {self.name}: manage.py {' '.join(args)} failed:\n{result.stdout}\n"
                f"{result.stderr}"
            )
        return result

    def start(self) -> Node:
        self.manage("migrate", "--noinput")
        log = (self.folder / "server.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/themes/", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(
            f"node {self.name} did not start:\n{(self.folder / 'server.log').read_text()}"
        )

    def get(self, path: str, **params) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params, timeout=60)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.database_url:
            _drop_postgres(self.database_url)
