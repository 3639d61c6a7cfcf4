"""Celery tasks of the catalogue: thin wrappers that take ids, call one service and own the
retries."""

from celery import shared_task
from django.conf import settings

from catalogue.harvest.services.run import (
    HarvestBusy,
    HarvestRetry,
    harvest_due_sources,
    harvest_job_run,
)
from catalogue.services.validation import links_check_due


@shared_task(acks_late=True)
def links_check_due_task(limit: int = 500) -> int:
    return links_check_due(limit=limit)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # counted per reason below
    soft_time_limit=settings.HARVEST_SOFT_TIME_LIMIT,
    time_limit=settings.HARVEST_TIME_LIMIT,
)
def harvest_job_run_task(self, job_id: int) -> str:
    retries = self.request.retries
    final = self.request.is_eager or retries >= settings.HARVEST_MAX_RETRIES
    try:
        return harvest_job_run(job_id=job_id, final_attempt=final).status
    except HarvestRetry as exc:
        # Exponential backoff on network failures: HARVEST_RETRY_BACKOFF seconds times 1, 2, 4…
        raise self.retry(exc=exc, countdown=settings.HARVEST_RETRY_BACKOFF * 2**retries) from None
    except HarvestBusy as exc:
        if self.request.is_eager:
            return "busy"
        # Another worker has the job. Look again once its heartbeat would have gone stale, so
        # a redelivered task still takes the run over if that worker has died meanwhile.
        raise self.retry(
            exc=exc, countdown=settings.HARVEST_STALE_SECONDS, max_retries=100
        ) from None


@shared_task
def harvest_due_sources_task() -> int:
    return len(harvest_due_sources())


@shared_task(bind=True, acks_late=True, max_retries=None)
def search_index_drain_task(self) -> int:
    """Write the changes waiting for the search index (a no-op on backends whose index
    changes in the writing transaction)."""
    from catalogue.search.backends import get_backend
    from catalogue.search.base import SearchIndexBusy

    try:
        return get_backend().drain()
    except SearchIndexBusy as exc:
        # A rebuild holds the writer; the changes wait meanwhile.
        raise self.retry(exc=exc, countdown=30, max_retries=20) from None
