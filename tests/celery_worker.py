"""Real Celery worker processes for integration tests, on the test database and the broker.

Each worker is `celery -A marketplace worker` in its own process group (so a test can SIGKILL it
as a machine failure would), listening on a queue private to the test, with the test
database's name in DATABASE_URL so it reads and writes what the test sees.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, name: str, queue: str, log_dir: Path, env: dict[str, str]) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "-P", "solo"]
        command += ["-Q", queue, "-n", f"{name}@%h", "--loglevel=INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited:\n{self.output()}")
            if b" ready." in self.log.read_bytes():
                return
            time.sleep(0.1)
        raise RuntimeError(f"worker {self.name} did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown, no acknowledgement, like a lost machine."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(queue: str, **overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "OUTBOUND_ALLOW_NETWORKS": "127.0.0.0/8",
        "HARVEST_PER_HOST_DELAY": "0",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    env.update(overrides)
    return env
