"""Whole nodes of the product for federation tests: each a separate process serving its own
database on loopback, driven through `manage.py` and HTTP as an operator and other nodes would.

A node uses SQLite in its own folder, or, when the suite runs on PostgreSQL, a database of its
own created beside the test database and dropped afterwards. Tasks run in-process. The schema is
migrated once (`Template`) and copied for each node, and nodes are set up through their API, so
a node costs one process start rather than a migration and a command per step.
"""

from __future__ import annotations

import os
import shutil
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


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _node_env(folder: Path, database_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "SEARCH_", "PYTEST_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "SITE_URL")
    }
    env.update(
        MARKETPLACE_VAR_DIR=str(folder),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        OUTBOUND_ALLOW_NETWORKS="127.0.0.0/8",
        HARVEST_PER_HOST_DELAY="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


class Template:
    """A migrated database every node starts from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.database_url = None
        if _on_postgres():
            import psycopg

            name = f"mp_node_template_{uuid.uuid4().hex[:8]}"
            url = os.environ["DATABASE_URL"]
            with psycopg.connect(_admin_url(url), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            self.database_url = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=_node_env(folder, self.database_url),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def copy_to(self, name: str, folder: Path) -> str | None:
        """A database for a node: a copy of this one. Returns its URL (None: SQLite)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.database_url is None:
            shutil.copy(self.folder / "marketplace.sqlite3", folder / "marketplace.sqlite3")
            return None
        import psycopg

        database = f"mp_node_{name}_{uuid.uuid4().hex[:8]}"
        template = urlsplit(self.database_url).path.lstrip("/")
        with psycopg.connect(_admin_url(self.database_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        return urlunsplit(urlsplit(self.database_url)._replace(path=f"/{database}"))

    def drop(self) -> None:
        if self.database_url:
            _drop_postgres(self.database_url)


def _drop_postgres(url: str) -> None:
    import psycopg

    database = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


class Node:
    """One node: `manage(...)` runs a command against its database, `api(...)` calls it as its
    system administrator, `get(...)` as an anonymous visitor."""

    def __init__(self, name: str, folder: Path, template: Template) -> None:
        self.name = name
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = template.copy_to(name, folder)
        self.env = _node_env(folder, self.database_url)
        self.env.update(SITE_URL=self.url, SERVICE_NAME=f"Node {name}")
        self.process: subprocess.Popen | None = None
        self.token = ""

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
        password = uuid.uuid4().hex
        self.manage("adduser", "root", "--password", password, "--superuser")
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
                answer = httpx.post(
                    f"{self.url}/api/v1/auth/token/",
                    json={"username": "root", "password": password},
                    timeout=5,
                )
                if answer.status_code == 200:
                    self.token = answer.json()["token"]
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(
            f"node {self.name} did not start:\n{(self.folder / 'server.log').read_text()}"
        )

    def api(self, method: str, path: str, *, token: str | None = None, **json) -> httpx.Response:
        """An API call as the node's system administrator (or the holder of `token`)."""
        return httpx.request(
            method,
            f"{self.url}{path}",
            json=json or None,
            headers={"Authorization": f"Token {token or self.token}"},
            timeout=300,
        )

    def harvest(self, *, url: str, source_type: str, organisation: str, title: str) -> dict:
        """Create a harvest source and run it now; returns the finished job."""
        source = self.api(
            "POST",
            "/api/v1/harvest-sources/",
            organisation=organisation,
            title=title,
            url=url,
            source_type=source_type,
        )
        assert source.status_code == 201, source.text
        return self.rerun(source.json()["id"])

    def rerun(self, source_id: int) -> dict:
        # Without a broker the run happens inside the request, so the job has finished here.
        job = self.api("POST", f"/api/v1/harvest-sources/{source_id}/run/")
        assert job.status_code == 202, job.text
        return self.api("GET", f"/api/v1/harvest-jobs/{job.json()['id']}/").json()

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
