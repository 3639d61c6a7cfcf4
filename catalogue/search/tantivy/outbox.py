"""Keeping the tantivy index in step with the database through an outbox.

`enqueue(ids)` adds outbox rows in the caller's transaction. `drain()` takes the writer lock,
then repeatedly reads a batch of rows, rewrites those datasets' documents from the database,
commits the index and only then deletes the rows, until none are left: a change committed
while a drain runs is picked up by the same drain or by the one queued with it, never stranded.
A drain killed half-way leaves its rows in place, and rewriting a document twice is harmless.

When tasks run in-process (no broker) the drain runs at once, inside `enqueue`, so a change is
searchable as soon as the call returns. With a broker, a drain task is queued when the caller's
transaction commits, and `celery beat` runs one every minute as a safety net.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from . import index

logger = logging.getLogger(__name__)
LOCK_TIMEOUT = 30.0  # seconds a drain waits for another drain or a rebuild
REBUILD_LOCK_TIMEOUT = 600.0


def enqueue(ids: Iterable) -> None:
    from catalogue.models import SearchOutbox

    keys = list(dict.fromkeys(uuid.UUID(str(i)) for i in ids))
    if not keys:
        return
    SearchOutbox.objects.bulk_create([SearchOutbox(dataset_id=k) for k in keys])
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            drain()
        except index.IndexBusy:
            # A rebuild holds the writer: the rows wait for the next drain, and the write
            # itself goes ahead.
            logger.warning("Search index busy; %d changes left in the outbox.", len(keys))
    else:
        from catalogue.tasks import search_index_drain_task

        transaction.on_commit(search_index_drain_task.delay)


def drain(*, batch: int = index.BATCH, timeout: float | None = None) -> int:
    """Index every dataset waiting in the outbox; returns how many outbox rows were handled.
    Raises index.IndexBusy when another writer keeps the index longer than `timeout`."""
    from catalogue.models import SearchOutbox

    handled = 0
    with index.writer_lock(LOCK_TIMEOUT if timeout is None else timeout):
        while True:
            rows = list(SearchOutbox.objects.order_by("id").values_list("id", "dataset_id")[:batch])
            if not rows:
                return handled
            with index.index_writer() as writer:
                index.write(writer, list(dict.fromkeys(pk for _, pk in rows)))
                writer.commit()
            SearchOutbox.objects.filter(id__in=[row_id for row_id, _ in rows]).delete()
            handled += len(rows)


def rebuild(*, batch: int = 2000) -> int:
    """Rewrite the whole index from the database, streaming the datasets in batches; returns
    the number of datasets indexed. Outbox rows queued before the rebuild began are covered by
    it and deleted; later ones are left for the next drain."""
    from django.db.models import Max

    from catalogue.models import SearchOutbox

    with index.writer_lock(REBUILD_LOCK_TIMEOUT):
        covered = SearchOutbox.objects.aggregate(last=Max("id"))["last"]
        written = 0
        with index.index_writer(
            heap=index.REBUILD_HEAP, threads=2, replace_other_schema=True
        ) as writer:
            writer.delete_all_documents()
            for record in index.records(chunk=batch):
                writer.add_document(index.document(record))
                written += 1
            writer.commit()
        if covered is not None:
            SearchOutbox.objects.filter(id__lte=covered).delete()
    return written


def pending() -> int:
    from catalogue.models import SearchOutbox

    return SearchOutbox.objects.count()
