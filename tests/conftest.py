import os
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.localserver import LocalServer

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """Skip on a laptop when a service is missing; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available.")
    pytest.skip(f"{what} is not available on this machine.")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # throttle counters and locks must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    _, key = api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def org_a(db):
    return OrganisationFactory(slug="department-a", title="Department A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(slug="department-b", title="Department B")


@pytest.fixture
def roles(org_a):
    """One user per role in organisation A, an outsider analyst and a system admin."""
    users = {}
    for role in ["member", "publisher", "governance_officer", "admin"]:
        users[role] = MembershipFactory(
            user=UserFactory(username=f"a-{role}"), organisation=org_a, role=role
        ).user
    users["analyst"] = UserFactory(username="analyst")
    users["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return users


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
def celery_workers(transactional_db, tmp_path):
    """Start real `celery worker` processes on the test database: `start(name, **env)`.

    Runs when CELERY_BROKER_URL is set (the suite's PostgreSQL + Redis run); without it, tasks
    run in-process and these tests are skipped, as on the SQLite run. With a broker configured,
    PostgreSQL (the worker is another process on the same database) and a reachable broker are
    required: a failure under CI=true, a skip on a laptop. Each test gets its own queue, which
    this process also sends to.
    """
    from marketplace.celery import app
    from tests.celery_worker import Worker, worker_env

    if not django_settings.CELERY_BROKER_URL:
        pytest.skip("no CELERY_BROKER_URL: tasks run in-process on this run")
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
        reachable = True
    except Exception:
        reachable = False
    require_service(reachable, f"The Celery broker at {django_settings.CELERY_BROKER_URL}")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    workers: list[Worker] = []

    def start(name: str, **env: str) -> Worker:
        worker = Worker(name, queue, tmp_path, worker_env(queue, **env))
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        app.conf.task_default_queue = previous
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)


@pytest.fixture(params=["database", "tantivy"])
def search_backend(request, settings, tmp_path):
    """Each search backend in turn, with an index directory of its own under tmp_path for those
    that keep one. Tasks run in the calling process, as without a broker: a test's transaction
    never commits, so work queued for the commit would never run."""
    settings.SEARCH_BACKEND = request.param
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return request.param
