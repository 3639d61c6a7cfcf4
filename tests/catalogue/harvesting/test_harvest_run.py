"""What a run does to the catalogue: idempotent re-runs, edits, removals, broken sources."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from catalogue.harvest.services.run import (
    HarvestBusy,
    HarvestRetry,
    harvest_job_request,
    harvest_job_run,
    harvest_source_run,
)
from catalogue.models import Dataset, HarvestJob
from catalogue.signals import dataset_transitioned

pytestmark = pytest.mark.django_db

OPM = Path(__file__).resolve().parents[2] / "fixtures" / "datajson" / "opm.gov.data.json"


@pytest.fixture
def catalogue():
    return json.loads(OPM.read_bytes())


@pytest.fixture
def served(server, make_source, catalogue):
    """A data.json source whose content the test can change between runs."""

    def publish(document: dict | bytes) -> None:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        server.static("/data.json", body)

    publish(catalogue)
    source = make_source(server.url("/data.json"))
    return source, publish


def _snapshot(source):
    return {
        d.source_identifier: (d.pk, d.slug, d.title, d.status, d.metadata_modified)
        for d in Dataset.objects.harvested_from(source.pk)
    }


@pytest.fixture
def transitions():
    seen = []

    def receiver(sender, dataset, from_status, to_status, **kwargs):
        seen.append((dataset.source_identifier, from_status, to_status))

    dataset_transitioned.connect(receiver)
    yield seen
    dataset_transitioned.disconnect(receiver)


def test_second_run_changes_nothing_and_reports_every_record_unchanged(served, catalogue):
    source, _ = served
    first = harvest_source_run(source=source, actor=None)
    before = _snapshot(source)

    second = harvest_source_run(source=source, actor=None)

    n = len(catalogue["dataset"])
    assert (first.created, first.status) == (n, "succeeded")
    assert (second.created, second.updated, second.unchanged, second.withdrawn, second.failed) == (
        0,
        0,
        n,
        0,
        0,
    )
    assert second.status == "succeeded"
    assert _snapshot(source) == before


def test_editing_one_record_at_the_source_updates_exactly_that_dataset(served, catalogue):
    source, publish = served
    harvest_source_run(source=source, actor=None)
    before = _snapshot(source)
    edited = catalogue["dataset"][5]
    edited["title"] = "Federal workforce data, revised"
    edited["keyword"] = ["workforce", "revised"]
    publish(catalogue)

    job = harvest_source_run(source=source, actor=None)

    after = _snapshot(source)
    assert (job.created, job.updated, job.unchanged, job.withdrawn) == (0, 1, len(before) - 1, 0)
    changed = {sid for sid in before if before[sid] != after[sid]}
    assert changed == {edited["identifier"]}
    dataset = Dataset.objects.get(source_identifier=edited["identifier"])
    assert (dataset.title, dataset.keyword) == (
        "Federal workforce data, revised",
        edited["keyword"],
    )
    assert after[edited["identifier"]][:2] == before[edited["identifier"]][:2]  # same id and slug


def test_removing_one_record_withdraws_exactly_that_one_and_announces_it(
    served, catalogue, transitions
):
    source, publish = served
    harvest_source_run(source=source, actor=None)
    gone = catalogue["dataset"].pop(7)
    publish(catalogue)

    job = harvest_source_run(source=source, actor=None)

    assert (job.withdrawn, job.unchanged, job.status) == (1, len(catalogue["dataset"]), "succeeded")
    withdrawn = Dataset.objects.filter(harvest_source=source, status="withdrawn")
    assert [d.source_identifier for d in withdrawn] == [gone["identifier"]]
    assert withdrawn[0].withdrawn_at is not None
    assert transitions == [(gone["identifier"], "published", "withdrawn")]

    catalogue["dataset"].append(gone)
    publish(catalogue)
    back = harvest_source_run(source=source, actor=None)
    assert (back.updated, back.withdrawn) == (1, 0)
    assert Dataset.objects.get(source_identifier=gone["identifier"]).status == "published"
    assert transitions[-1] == (gone["identifier"], "withdrawn", "published")


def test_an_empty_source_withdraws_nothing_and_the_job_says_why(served, catalogue):
    source, publish = served
    harvest_source_run(source=source, actor=None)
    before = _snapshot(source)
    publish({**catalogue, "dataset": []})

    job = harvest_source_run(source=source, actor=None)

    assert job.status == "failed"
    assert "listed no datasets" in job.message and "nothing was withdrawn" in job.message
    assert _snapshot(source) == before


def test_a_source_that_shrinks_past_its_threshold_withdraws_nothing(served, catalogue, settings):
    source, publish = served
    harvest_source_run(source=source, actor=None)
    before = _snapshot(source)
    publish({**catalogue, "dataset": catalogue["dataset"][:40]})

    job = harvest_source_run(source=source, actor=None)

    assert job.status == "failed"
    assert "no longer lists 94 of the 134" in job.message
    assert "nothing was withdrawn" in job.message
    assert _snapshot(source) == before


def test_a_source_may_shrink_within_its_threshold(served, catalogue):
    source, publish = served
    source.config = {"shrink_threshold": 0.9}
    source.save()
    harvest_source_run(source=source, actor=None)
    publish({**catalogue, "dataset": catalogue["dataset"][:40]})

    job = harvest_source_run(source=source, actor=None)

    assert (job.status, job.withdrawn, job.unchanged) == ("succeeded", 94, 40)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"dataset": [{"title": "a", "identifier": "x"}, {"title": ', "not valid JSON"),
        (b"<html>Service unavailable</html>", "not a JSON object or array"),
        (b"", "empty"),
    ],
    ids=["truncated", "not-json", "empty-body"],
)
def test_malformed_datajson_fails_the_job_and_changes_nothing(served, body, expected):
    source, publish = served
    harvest_source_run(source=source, actor=None)
    before = _snapshot(source)
    publish(body)

    job = harvest_source_run(source=source, actor=None)

    assert job.status == "failed"
    assert expected in job.message
    assert "Nothing was withdrawn" in job.message
    assert _snapshot(source) == before


def test_a_record_without_a_title_is_reported_and_the_rest_go_on(served, catalogue):
    source, publish = served
    catalogue["dataset"][3]["title"] = "  "
    publish(catalogue)

    job = harvest_source_run(source=source, actor=None)

    assert (job.status, job.failed, job.created) == ("partial", 1, len(catalogue["dataset"]) - 1)
    error = job.issues.get(level="error")
    assert (error.identifier, error.message) == (
        catalogue["dataset"][3]["identifier"],
        "dataset has no title",
    )


def test_harvested_dataset_keeps_its_provenance(served, catalogue):
    source, _ = served
    job = harvest_source_run(source=source, actor=None)
    item = catalogue["dataset"][0]

    dataset = Dataset.objects.get(source_identifier=item["identifier"])

    assert dataset.harvest_source == source
    assert dataset.last_harvest_job == job
    assert dataset.harvested_at is not None
    assert dataset.source_url == item.get("landingPage") or source.url
    assert dataset.source_publisher_name == item["publisher"]["name"]
    assert dataset.publisher == source.organisation
    assert len(dataset.content_hash) == 64
    assert dataset.quality_score > 0


def test_a_second_run_request_while_one_is_queued_returns_that_job(served):
    source, _ = served
    job, created = harvest_job_request(source=source, actor=None, enqueue=False)
    again, created_again = harvest_job_request(source=source, actor=None, enqueue=False)

    assert (created, created_again, again.pk) == (True, False, job.pk)
    with pytest.raises(HarvestBusy):
        harvest_source_run(source=source, actor=None)
    assert HarvestJob.objects.filter(source=source).count() == 1


def test_a_run_whose_worker_died_is_taken_over_without_duplicates(served, catalogue, settings):
    """A worker killed after committing some batches: the redo completes with exact counts."""
    source, _ = served
    settings.HARVEST_BATCH_SIZE = 20
    job, _ = harvest_job_request(source=source, actor=None, enqueue=False)

    class Killed(BaseException):  # not an Exception: nothing in the run may catch it
        pass

    def die_after_50(_n, seen=[]):  # noqa: B006 — a counter across calls
        seen.append(1)
        if len(seen) == 50:
            raise Killed

    with pytest.raises(Killed):
        harvest_job_run(job_id=job.pk, progress=die_after_50)
    job.refresh_from_db()
    assert (job.status, job.created) == ("running", 40)  # two batches committed
    assert Dataset.objects.harvested_from(source.pk).count() == 40

    with pytest.raises(HarvestBusy):  # its heartbeat is fresh: another worker must wait
        harvest_job_run(job_id=job.pk)
    HarvestJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=settings.HARVEST_STALE_SECONDS + 1)
    )
    job = harvest_job_run(job_id=job.pk)

    n = len(catalogue["dataset"])
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert (job.created, job.updated, job.unchanged, job.failed) == (n, 0, 0, 0)
    assert Dataset.objects.harvested_from(source.pk).count() == n


def test_an_unreachable_source_is_queued_again_unless_it_is_the_final_attempt(make_source, server):
    server.static("/data.json", b"busy", status=503)
    source = make_source(server.url("/data.json"))
    job, _ = harvest_job_request(source=source, actor=None, enqueue=False)

    with pytest.raises(HarvestRetry):
        harvest_job_run(job_id=job.pk, final_attempt=False)
    job.refresh_from_db()
    assert job.status == "queued" and "HTTP 503" in job.message

    job = harvest_job_run(job_id=job.pk, final_attempt=True)
    assert job.status == "failed" and "HTTP 503" in job.message
    assert job.attempts == 2


def test_a_ckan_rerun_is_all_unchanged_and_one_edit_updates_one_dataset(ckan_site, make_source):
    search = Path(__file__).resolve().parents[2] / "fixtures" / "ckan"
    packages = json.loads((search / "catalog.data.gov_package_search_rows10.json").read_bytes())[
        "result"
    ]["results"]
    site = ckan_site(packages)
    source = make_source(site.url, "ckan", config={"page_size": 4})
    harvest_source_run(source=source, actor=None)

    again = harvest_source_run(source=source, actor=None)
    packages[4]["notes"] = "Rewritten description."
    edited = harvest_source_run(source=source, actor=None)

    assert (again.created, again.updated, again.unchanged) == (0, 0, len(packages))
    assert (edited.updated, edited.unchanged) == (1, len(packages) - 1)
    assert Dataset.objects.get(source_identifier=packages[4]["id"]).description == (
        "Rewritten description."
    )
