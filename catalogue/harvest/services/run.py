"""Harvest sources and their runs: fetch → parse → map → validate → upsert, as one service.

Rules that live here and nowhere else:

* One run per source at a time. A job row is the lock: the database allows at most one queued
  or running job per source (a partial unique index), and a worker takes a job over only with
  a conditional UPDATE (queued, or running with a stale heartbeat). This works across
  processes and machines with no lock server.
* A killed worker loses nothing and duplicates nothing: records are written in batches, each
  committed with the job's counters and heartbeat; the redelivered task takes the job over once
  its heartbeat is stale and redoes the run, and (harvest_source, source_identifier) is unique.
* Records missing from a run are withdrawn (never deleted), but only when the parser says the
  listing was whole (`Harvest.complete`), and never when the source suddenly lists nothing or
  would lose more than the source's shrink threshold: then the job fails and says why.
* A bad record is reported with its identifier and the rest go on; a source-level failure
  (`HarvestError`) ends the run with a clear message; network failures are retried by the task.
"""

import contextlib
import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalogue.harvest.parsers.errors import HarvestError
from catalogue.harvest.parsers.http import OutboundClient, redact_url
from catalogue.harvest.parsers.records import DatasetRecord, RecordError, UnchangedRecord
from catalogue.harvest.services.sameas import unlink_also_from
from catalogue.harvest.services.upsert import BatchContext, dataset_upsert_records, stored_hash_of
from catalogue.harvest.types import get_source_type
from catalogue.models import Dataset, HarvestJob, HarvestRecordIssue, HarvestSource
from catalogue.permissions import require_role
from catalogue.services.changes import datasets_changed
from catalogue.services.lifecycle import Door, datasets_transition
from catalogue.vocabularies import DatasetStatus, Role

Status = HarvestJob.Status
MAX_ISSUES_PER_JOB = 5000  # counts stay exact; only the stored per-record detail is capped


class HarvestBusy(Exception):
    """The job is being run by a live worker; try again once its heartbeat would be stale."""


class HarvestRetry(Exception):
    """The source could not be reached; the job is queued again for a later attempt."""


class _JobLost(Exception):
    """Another worker took this job over (our heartbeat went stale); stop writing."""


# -- requesting runs -----------------------------------------------------------------------


def harvest_job_request(
    *, source: HarvestSource, actor: AbstractBaseUser | None, enqueue: bool = True
) -> tuple[HarvestJob, bool]:
    """Queue a run of the source: (job, True), or (the queued/running job, False) if one exists.

    With `enqueue`, the task is sent when the transaction commits; without it the caller runs
    the job in-process (command line, demo loader).
    """
    if actor is not None:
        require_role(actor, source.organisation, [Role.PUBLISHER], "run its harvest sources")
    try:
        with transaction.atomic():
            job = HarvestJob.objects.create(
                source=source, requested_by=actor, origin=redact_url(source.url)
            )
    except IntegrityError:  # the one-active-job-per-source index: a run is already on its way
        active = HarvestJob.objects.filter(source=source, status__in=HarvestJob.ACTIVE).first()
        if active is None:  # it finished between our insert and this read; ask again
            return harvest_job_request(source=source, actor=None, enqueue=enqueue)
        return active, False
    if enqueue:
        from catalogue.tasks import harvest_job_run_task  # tasks import services

        harvest_job_run_task.delay_on_commit(job.pk)
    return job, True


def harvest_source_run(
    *,
    source: HarvestSource,
    actor: AbstractBaseUser | None,
    path: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> HarvestJob:
    """Run the source now, in this process (from its URL, or from a saved file at `path`)."""
    job, created = harvest_job_request(source=source, actor=actor, enqueue=False)
    if not created:
        raise HarvestBusy(f"{source} already has a run {job.get_status_display().lower()}.")
    if path is not None:
        HarvestJob.objects.filter(pk=job.pk).update(origin=f"file {Path(path).name}")
    return harvest_job_run(job_id=job.pk, path=path, progress=progress)


def harvest_due_sources(*, now: dt.datetime | None = None) -> list[HarvestJob]:
    """Queue a run of every enabled source whose schedule says it is due; fail lost jobs."""
    now = now or timezone.now()
    abandoned = now - dt.timedelta(seconds=settings.HARVEST_ABANDONED_SECONDS)
    HarvestJob.objects.filter(status__in=HarvestJob.ACTIVE).filter(
        Q(heartbeat_at__lt=abandoned) | Q(heartbeat_at__isnull=True, queued_at__lt=abandoned)
    ).update(
        status=Status.FAILED,
        finished_at=now,
        message="The run was abandoned: no worker reported progress for "
        f"{settings.HARVEST_ABANDONED_SECONDS // 60} minutes.",
    )
    jobs = []
    for source in HarvestSource.objects.filter(enabled=True).exclude(url=""):
        interval = source.interval
        if interval is None:
            continue
        last = source.jobs.order_by("-queued_at").values_list("queued_at", flat=True).first()
        if last is None or last + interval <= now:
            job, created = harvest_job_request(source=source, actor=None)
            if created:
                jobs.append(job)
    return jobs


# -- running ---------------------------------------------------------------------------------


def _claim(job_id: int) -> HarvestJob | None:
    """Take the job if it is queued, or running with a stale heartbeat (its worker died)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.HARVEST_STALE_SECONDS)
    taken = (
        HarvestJob.objects.filter(pk=job_id)
        .filter(
            Q(status=Status.QUEUED)
            | Q(status=Status.RUNNING, heartbeat_at__lt=stale)
            | Q(status=Status.RUNNING, heartbeat_at__isnull=True)
        )
        .update(
            status=Status.RUNNING,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            started_at=Coalesce(F("started_at"), Value(now, output_field=DateTimeField())),
        )
    )
    return (
        HarvestJob.objects.select_related("source__organisation").get(pk=job_id) if taken else None
    )


def _client(source: HarvestSource) -> OutboundClient:
    return OutboundClient(
        allow_networks=settings.OUTBOUND_ALLOW_NETWORKS,
        max_bytes=settings.HARVEST_MAX_BYTES,
        timeout=settings.HARVEST_TIMEOUT,
        total_timeout=settings.HARVEST_TOTAL_TIMEOUT,
        max_redirects=settings.HARVEST_MAX_REDIRECTS,
        credentials=source.credentials or None,
        per_host_delay=settings.HARVEST_PER_HOST_DELAY,
        credentials_origin=source.url or None,
    )


def _since(source: HarvestSource) -> dt.datetime | None:
    """Incremental runs of types that have them (opt-in), with a full run at least once a day."""
    if not source.config.get("incremental") or not get_source_type(source.source_type).incremental:
        return None
    if source.last_full_run_at is None or source.last_full_run_at < timezone.now() - dt.timedelta(
        days=1
    ):
        return None
    last = (
        source.jobs.filter(status__in=[Status.SUCCEEDED, Status.PARTIAL])
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return last - dt.timedelta(hours=1) if last else None


class _Run:
    """The state of one attempt at a job: batches, counters, the identifiers seen."""

    def __init__(self, job: HarvestJob, progress: Callable[[int], None] | None) -> None:
        self.job = job
        self.source = job.source
        self.ctx = BatchContext(source=job.source, job=job, actor=job.requested_by)
        self.progress = progress
        self.batch: list[DatasetRecord] = []
        self.errors: list[RecordError] = []
        self.unchanged = 0  # UnchangedRecords since the last flush
        # Records other sources already hold (listed in their provenance, not copied).
        self.held_elsewhere: dict[str, int] = dict(job.held_elsewhere or {})
        self.held_ids: set = set()
        self.seen: set[str] = set()
        self.listed = 0
        self.issues_left = MAX_ISSUES_PER_JOB
        self.heartbeat_every = max(0.5, settings.HARVEST_STALE_SECONDS / 3)
        self.last_flush = time.monotonic()

    def add(self, item: DatasetRecord | RecordError | UnchangedRecord) -> None:
        self.listed += 1
        if isinstance(item, RecordError):
            self.errors.append(item)
        elif isinstance(item, UnchangedRecord):
            self.seen.add(item.source_identifier)
            self.unchanged += 1
        else:
            self.seen.add(item.source_identifier)
            self.batch.append(item)
        if (
            len(self.batch) + len(self.errors) + self.unchanged >= settings.HARVEST_BATCH_SIZE
            or time.monotonic() - self.last_flush > self.heartbeat_every
        ):
            self.flush()
        if self.progress:
            self.progress(1)

    def _issues(self, changed: set[str], duplicates: list[str]) -> list[HarvestRecordIssue]:
        issues = [
            HarvestRecordIssue(
                job=self.job,
                level="error",
                identifier=e.source_identifier[:2000],
                message=e.message,
            )
            for e in self.errors
        ]
        issues += [
            HarvestRecordIssue(
                job=self.job,
                level="warning",
                identifier=sid[:2000],
                message="listed more than once; the last entry was used",
            )
            for sid in duplicates
        ]
        for record in self.batch:
            if record.source_identifier in changed:
                issues += [
                    HarvestRecordIssue(
                        job=self.job,
                        level="warning",
                        identifier=record.source_identifier[:2000],
                        message=w,
                    )
                    for w in record.warnings
                ]
        issues = issues[: max(self.issues_left, 0)]
        self.issues_left -= len(issues)
        return issues

    def _count_held(self, counts: dict[str, int]) -> dict[str, int]:
        for title, count in counts.items():
            self.held_elsewhere[title] = self.held_elsewhere.get(title, 0) + count
        return self.held_elsewhere

    def flush(self) -> None:
        with transaction.atomic():
            outcome = dataset_upsert_records(records=self.batch, ctx=self.ctx)
            HarvestRecordIssue.objects.bulk_create(
                self._issues(outcome.changed_sids, outcome.duplicates)
            )
            kept = HarvestJob.objects.filter(
                pk=self.job.pk, status=Status.RUNNING, attempts=self.job.attempts
            ).update(
                created=F("created") + len(outcome.created),
                updated=F("updated") + len(outcome.updated),
                unchanged=F("unchanged") + outcome.unchanged + self.unchanged,
                held_elsewhere=self._count_held(outcome.held_elsewhere),
                failed=F("failed") + len(self.errors),
                heartbeat_at=timezone.now(),
            )
            if not kept:
                raise _JobLost(f"job {self.job.pk} was taken over by another worker")
            # In the batch's transaction: its scores, index rows and outbox commit with it.
            datasets_changed(ids=outcome.changed, reason="harvest batch", scored=outcome.scored)
        self.held_ids |= outcome.held_ids
        self.batch, self.errors, self.unchanged = [], [], 0
        self.last_flush = time.monotonic()


def _known(job: HarvestJob) -> Callable[[str, str], bool]:
    """Whether a (source identifier, content hash) is already held, published, as it is.

    Lets the parsers of types that hash before mapping skip mapping unchanged records. Datasets
    this job wrote in an earlier attempt are left out, so a redo recognises (and does not
    recount) them.
    Kept as 16-byte digests: about 8 MB for 100,000 datasets.
    """

    def digest(sid: str, stored: str) -> bytes:
        return hashlib.blake2b(f"{sid}\0{stored}".encode(), digest_size=16).digest()

    held = {
        digest(sid, stored)
        for sid, stored in Dataset.objects.filter(
            harvest_source=job.source, status=DatasetStatus.PUBLISHED
        )
        .exclude(last_harvest_job=job)
        .values_list("source_identifier", "content_hash")
        .iterator(chunk_size=5000)
    }
    return lambda sid, content_hash: digest(sid, stored_hash_of(content_hash)) in held


def _records(
    job: HarvestJob, path: Path | None, client: OutboundClient
) -> tuple[Iterable, Callable[[], tuple[bool, list[str]]]]:
    """The record stream, and a function telling afterwards whether the listing was whole."""
    source = job.source
    kind = get_source_type(source.source_type)  # an unknown type fails the run clearly here
    known = _known(job) if kind.skips_unchanged else None
    if path is not None:
        # The type checks the whole file first: a truncated one fails before anything is written.
        return kind.parse_file(path, known=known), lambda: (True, [])
    if not source.url:
        raise HarvestError(
            "This source has no URL: it is harvested from files by an operator "
            "(manage.py harvest SOURCE_ID --file PATH)."
        )
    harvest = kind.open(
        client,
        source.url,
        since=_since(source),
        page_size=int(source.config.get("page_size", 100)),
        known=known,
    )
    return harvest, lambda: (harvest.complete, list(harvest.warnings))


def _withdraw_missing(run: _Run, complete: bool, before: int) -> tuple[str, str, int]:
    """(status, message, withdrawn): the end of a run that read its whole source."""
    job, source = run.job, run.source
    if not complete:
        return Status.PARTIAL, "The source's listing was not complete, so nothing was withdrawn.", 0
    published = Dataset.objects.filter(harvest_source=source, status=DatasetStatus.PUBLISHED)
    missing = [pk for pk, sid in published.values_list("pk", "source_identifier").iterator()
               if sid not in run.seen]  # fmt: skip
    threshold = float(source.config.get("shrink_threshold", settings.HARVEST_SHRINK_THRESHOLD))
    if run.listed == 0 and before > 0:
        return (
            Status.FAILED,
            f"The source listed no datasets, but {before} were harvested from it before. "
            "That looks like a broken source, so nothing was withdrawn.",
            0,
        )
    if missing and before and len(missing) / before > threshold:
        return (
            Status.FAILED,
            f"The source no longer lists {len(missing)} of the {before} datasets harvested from "
            f"it before ({len(missing) / before:.0%}), more than the {threshold:.0%} this source "
            "may lose in one run. That looks like a broken source, so nothing was withdrawn. "
            "If the source really shrank, raise its shrink_threshold and run it again.",
            0,
        )
    datasets_transition(
        ids=missing,
        to=DatasetStatus.WITHDRAWN,
        door=Door.HARVEST,
        actor=job.requested_by,
        comment=f"No longer listed by harvest source “{source.title}” (job {job.pk}).",
    )
    status = Status.PARTIAL if job.failed else Status.SUCCEEDED
    return status, "", len(missing)


def _finish(job: HarvestJob, status: str, message: str, **extra) -> HarvestJob:
    HarvestJob.objects.filter(pk=job.pk).update(
        status=status, message=message, finished_at=timezone.now(), **extra
    )
    return HarvestJob.objects.get(pk=job.pk)


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _summary(job: HarvestJob) -> str:
    held = "".join(
        f" {count} already held from {title}."
        for title, count in sorted(job.held_elsewhere.items())
    )
    return (
        f"{job.created} created, {job.updated} updated, {job.unchanged} unchanged, "
        f"{job.withdrawn} withdrawn, {job.failed} failed.{held}"
    )


def harvest_job_run(
    *,
    job_id: int,
    final_attempt: bool = True,
    path: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> HarvestJob:
    """Run a queued job (or take over one whose worker died) to its end.

    Raises HarvestBusy when a live worker has the job, and HarvestRetry when the source was
    unreachable and this is not the final attempt (the job is queued again).
    """
    job = _claim(job_id)
    if job is None:
        job = HarvestJob.objects.get(pk=job_id)
        if job.is_active:
            raise HarvestBusy(f"job {job_id} is being run by another worker")
        return job  # already finished: a duplicate delivery has nothing to do
    source = job.source
    if job.attempts > 1:
        # A redo after a lost worker: batches it committed stay counted (and are recognised as
        # this job's own), the rest is recounted from scratch.
        job.issues.filter(level="error").delete()
        HarvestJob.objects.filter(pk=job.pk).update(unchanged=0, failed=0)
        job.warnings = [*job.warnings, f"Attempt {job.attempts}: the previous worker stopped."]
        HarvestJob.objects.filter(pk=job.pk).update(warnings=job.warnings)
    before = Dataset.objects.filter(harvest_source=source, status=DatasetStatus.PUBLISHED).count()
    run = _Run(job, progress)
    client = _client(source)
    try:
        records, completeness = _records(job, path, client)
        for item in records:
            run.add(item)
        run.flush()
        complete, warnings = completeness()
        job.refresh_from_db()
        with transaction.atomic():
            status, message, withdrawn = _withdraw_missing(run, complete, before)
            job.withdrawn = withdrawn
            job = _finish(
                job,
                status,
                " ".join(m for m in (_summary(job), message) if m),
                withdrawn=withdrawn,
                warnings=[*job.warnings, *warnings],
            )
            if complete and status != Status.FAILED:
                HarvestSource.objects.filter(pk=source.pk).update(last_full_run_at=job.started_at)
                if job.attempts == 1:  # a redo did not see the first attempt's batches
                    unlink_also_from(source, keep=run.held_ids)
        return job
    except _JobLost:
        return HarvestJob.objects.get(pk=job_id)
    except HarvestError as exc:
        job.refresh_from_db()
        if exc.retryable and not final_attempt:
            HarvestJob.objects.filter(pk=job.pk).update(
                status=Status.QUEUED,
                heartbeat_at=None,
                message=f"{_sentence(exc)} Trying again later.",
            )
            raise HarvestRetry(str(exc)) from None
        return _finish(
            job, Status.FAILED, f"{_sentence(exc)} Nothing was withdrawn. {_summary(job)}"
        )
    except SoftTimeLimitExceeded:
        job.refresh_from_db()
        return _finish(
            job,
            Status.FAILED,
            f"The run went over its time limit ({settings.HARVEST_SOFT_TIME_LIMIT}s). "
            f"Nothing was withdrawn. {_summary(job)}",
        )
    except Exception:
        with contextlib.suppress(Exception):
            job.refresh_from_db()
            _finish(job, Status.FAILED, f"The run stopped on an internal error. {_summary(job)}")
        raise
    finally:
        client.close()
