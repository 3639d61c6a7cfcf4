"""Harvest runs on real Celery workers (Redis broker, PostgreSQL): one run per source, and a
worker killed mid-run loses nothing and duplicates nothing."""

import copy
import json
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Count

from catalogue.harvest.services.run import harvest_job_request
from catalogue.models import Dataset, HarvestJob
from catalogue.tasks import harvest_job_run_task
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.celery_worker

PACKAGE = json.loads(
    (
        Path(__file__).resolve().parents[2]
        / "fixtures"
        / "ckan"
        / "data.gov.uk_package_search.json"
    ).read_bytes()
)["result"]["results"][0]
PAGE_SIZE = 5
SLOW_PAGE_SECONDS = 0.4


def _packages(n: int) -> list[dict]:
    packages = []
    for i in range(n):
        package = copy.deepcopy(PACKAGE)
        package.update(id=f"pkg-{i:04d}", name=f"package-{i:04d}", title=f"Package {i}")
        packages.append(package)
    return packages


@pytest.fixture
def slow_ckan(server):
    """A CKAN site of 60 packages that takes SLOW_PAGE_SECONDS per page of 5: ~5 s a run."""
    packages = _packages(60)

    def search(_request, query):
        start, rows = int(query["start"][0]), int(query["rows"][0])
        if server.release.wait(SLOW_PAGE_SECONDS):
            return 503, {}, b""
        body = {
            "success": True,
            "result": {"count": len(packages), "results": packages[start : start + rows]},
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    server.route("/api/3/action/package_search", search)
    return server.url("/"), len(packages)


def _source(url: str):
    from catalogue.models import HarvestSource

    organisation = OrganisationFactory()
    return HarvestSource.objects.create(
        organisation=organisation,
        title="Slow CKAN",
        url=url,
        source_type="ckan",
        config={"page_size": PAGE_SIZE},
    )


def _wait(predicate, timeout: float, what: str, workers=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    logs = "\n".join(w.output() for w in workers)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def _no_duplicates(source) -> None:
    counts = (
        Dataset.objects.filter(harvest_source=source)
        .values("source_identifier")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(counts) == []


def test_two_workers_given_the_same_source_at_once_produce_one_run(celery_workers, slow_ckan):
    url, expected = slow_ckan
    workers = [
        celery_workers(name, HARVEST_BATCH_SIZE=str(PAGE_SIZE), HARVEST_STALE_SECONDS="3")
        for name in ("w1", "w2")
    ]
    source = _source(url)
    with transaction.atomic():
        job, created = harvest_job_request(source=source, actor=None)
        again, created_again = harvest_job_request(source=source, actor=None)
    assert (created, created_again, again.pk) == (True, False, job.pk)
    harvest_job_run_task.delay(job.pk)  # a duplicate delivery: both workers now hold the job

    finished = _wait(
        lambda: HarvestJob.objects.filter(pk=job.pk, finished_at__isnull=False).first(),
        60,
        "the run to finish",
        workers,
    )

    assert (finished.status, finished.attempts) == ("succeeded", 1), finished.message
    assert (finished.created, finished.unchanged) == (expected, 0)
    assert HarvestJob.objects.filter(source=source).count() == 1
    assert Dataset.objects.filter(harvest_source=source).count() == expected
    _no_duplicates(source)
    logs = "".join(w.output() for w in workers)
    assert "succeeded" in logs


def test_a_worker_killed_mid_run_is_redone_by_another_without_duplicates(celery_workers, slow_ckan):
    url, expected = slow_ckan
    env = {
        "HARVEST_BATCH_SIZE": str(PAGE_SIZE),
        "HARVEST_STALE_SECONDS": "2",
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    first = celery_workers("doomed", **env)
    source = _source(url)
    with transaction.atomic():
        job, _ = harvest_job_request(source=source, actor=None)

    _wait(lambda: HarvestJob.objects.get(pk=job.pk).created >= 10, 30, "a few batches", [first])
    first.kill()
    job.refresh_from_db()
    assert job.status == "running"
    assert PAGE_SIZE <= job.created < expected
    written = Dataset.objects.filter(harvest_source=source).count()
    assert written == job.created  # every committed batch is counted, nothing half-written

    second = celery_workers("rescuer", **env)
    finished = _wait(
        lambda: HarvestJob.objects.filter(pk=job.pk, finished_at__isnull=False).first(),
        90,
        "the redelivered run to finish",
        [first, second],
    )

    assert (finished.status, finished.attempts) == ("succeeded", 2), finished.message
    assert (finished.created, finished.updated, finished.unchanged) == (expected, 0, 0)
    assert Dataset.objects.filter(harvest_source=source).count() == expected
    _no_duplicates(source)
    assert HarvestJob.objects.filter(source=source).count() == 1
