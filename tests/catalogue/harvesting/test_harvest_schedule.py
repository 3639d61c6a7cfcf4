"""The beat fan-out: one run per due source; schedules; lost jobs; the thin task."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from catalogue.harvest.models import parse_schedule
from catalogue.harvest.services.run import harvest_due_sources, harvest_job_request
from catalogue.models import HarvestJob, HarvestSource
from catalogue.tasks import harvest_job_run_task

pytestmark = pytest.mark.django_db

FCC = Path(__file__).resolve().parents[2] / "fixtures" / "datajson" / "opendata.fcc.gov.data.json"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("manual", None),
        ("", None),
        ("hourly", dt.timedelta(hours=1)),
        ("Daily", dt.timedelta(days=1)),
        ("weekly", dt.timedelta(weeks=1)),
        ("30m", dt.timedelta(minutes=30)),
        ("6h", dt.timedelta(hours=6)),
        ("2d", dt.timedelta(days=2)),
    ],
)
def test_schedules_read_as_intervals(text, expected):
    assert parse_schedule(text) == expected


@pytest.mark.parametrize("text", ["1m", "0h", "fortnightly", "*/5 * * * *", "6 h x"])
def test_bad_schedules_are_refused(text):
    with pytest.raises(ValueError, match=r"schedule|often"):
        parse_schedule(text)


def _source(org, title, schedule, **extra):
    return HarvestSource.objects.create(
        organisation=org, title=title, url=f"https://{title}.example/", source_type="ckan",
        schedule=schedule, **extra,
    )  # fmt: skip


def test_fan_out_queues_one_run_for_each_due_source_only(org_a, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = _source(org_a, "due", "daily")
    ran_long_ago = _source(org_a, "old", "6h")
    HarvestJob.objects.filter(
        pk=HarvestJob.objects.create(source=ran_long_ago, status="succeeded").pk
    ).update(queued_at=now - dt.timedelta(hours=7))
    recent = _source(org_a, "recent", "daily")
    HarvestJob.objects.create(source=recent, status="succeeded")
    _source(org_a, "manual", "manual")
    _source(org_a, "off", "hourly", enabled=False)
    busy = _source(org_a, "busy", "hourly")
    HarvestJob.objects.create(source=busy, status="running", heartbeat_at=now)

    with django_capture_on_commit_callbacks() as callbacks:
        jobs = harvest_due_sources(now=now)

    assert sorted(j.source.title for j in jobs) == ["due", "old"]
    assert len(callbacks) == 2
    assert HarvestJob.objects.filter(source=due, status="queued").count() == 1
    assert HarvestJob.objects.filter(source=busy).count() == 1


def test_fan_out_fails_jobs_whose_worker_vanished_long_ago(org_a, settings):
    source = _source(org_a, "lost", "manual")
    lost = HarvestJob.objects.create(
        source=source,
        status="running",
        heartbeat_at=timezone.now() - dt.timedelta(seconds=settings.HARVEST_ABANDONED_SECONDS + 60),
    )

    harvest_due_sources()

    lost.refresh_from_db()
    assert lost.status == "failed" and "abandoned" in lost.message
    assert harvest_job_request(source=source, actor=None, enqueue=False)[1] is True


def test_the_task_runs_a_queued_job_to_the_end(org_a, server):
    server.static("/data.json", FCC.read_bytes())
    source = HarvestSource.objects.create(
        organisation=org_a, title="FCC", url=server.url("/data.json"), source_type="datajson"
    )
    job, _ = harvest_job_request(source=source, actor=None, enqueue=False)

    assert harvest_job_run_task.apply(args=[job.pk]).get() == "succeeded"
    assert harvest_job_run_task.apply(args=[job.pk]).get() == "succeeded"  # redelivery: no-op
    job.refresh_from_db()
    assert (job.created, job.attempts) == (59, 1)
