"""The one path after every write to datasets: `datasets_changed(ids=..., reason=...)`.

Every writer ends in it (the dataset services and the lifecycle, the admin, harvest batches and
withdrawals, organisation and theme renames, access grants), once per write with every id the
write touched, so readers derived from datasets are brought up to date in one place instead of
in each writer. The readers are a registry: a new one (embeddings, a cache) is one `register`
call, usually from an app's `ready()`, not another call in every writer.

A reader either runs at once, inside the writer's transaction, so a write and what is derived
from it commit (or roll back) together — the quality score, the database search index, the
tantivy outbox rows — or, with `on_commit=True`, after the transaction commits, for work
outside the database. Readers are set-based: they get every id of a batch in one call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from catalogue import quality
from catalogue.models import Dataset, Licence
from catalogue.search import index_datasets
from catalogue.selectors import quality_inputs

# Chunks keep `pk IN (...)` well under every database's parameter limit.
CHUNK = 2000


@dataclass(frozen=True)
class Change:
    """What a reader is told: the ids written (some may since have been deleted), why, and the
    ids whose quality score the writer already stored from the same plain data."""

    ids: tuple[uuid.UUID, ...]
    reason: str
    scored: frozenset[uuid.UUID] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Reader:
    name: str
    refresh: Callable[[Change], None]
    on_commit: bool


_readers: dict[str, Reader] = {}


def register(name: str, refresh: Callable[[Change], None], *, on_commit: bool = False) -> None:
    """Add a reader (or replace the one of that name). Readers run in the order registered."""
    _readers.pop(name, None)
    _readers[name] = Reader(name=name, refresh=refresh, on_commit=on_commit)


def unregister(name: str) -> None:
    _readers.pop(name, None)


def readers() -> list[Reader]:
    return list(_readers.values())


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def datasets_changed(*, ids: Iterable[Any], reason: str, scored: Iterable[Any] = ()) -> None:
    """Bring every derived reader up to date for these datasets. Call it inside the writer's
    transaction, after everything the write touches (themes, distributions, contacts) is saved.

    `scored`: ids whose quality score the writer computed from the very data it stored (the
    harvest batch does, from each record's plain data), so it is not read back and recomputed.
    """
    change = Change(
        ids=tuple(dict.fromkeys(_uuid(i) for i in ids)),
        reason=reason,
        scored=frozenset(_uuid(i) for i in scored),
    )
    if not change.ids:
        return
    for reader in readers():
        if reader.on_commit:
            transaction.on_commit(lambda reader=reader: reader.refresh(change))
        else:
            reader.refresh(change)


# -- the built-in readers ------------------------------------------------------------------


def datasets_score(*, ids: list[uuid.UUID]) -> int:
    """Recompute and store the quality score of these datasets; returns how many changed.

    Set-based: per chunk, the datasets, their themes, contacts and distributions are read in
    one query each, and rows are updated one statement per distinct (score, rating).
    """
    known = set(Licence.objects.values_list("uri", flat=True))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        groups: dict[tuple[int, str], list[uuid.UUID]] = {}
        for pk, (data, stored) in quality_inputs(ids=chunk).items():
            score, rating, _ = quality.assess(data, known)
            if (score, rating) != stored:
                groups.setdefault((score, rating), []).append(pk)
        for (score, rating), pks in groups.items():
            Dataset.objects.filter(pk__in=pks).update(quality_score=score, quality_rating=rating)
            changed += len(pks)
    return changed


def _quality(change: Change) -> None:
    todo = [pk for pk in change.ids if pk not in change.scored]
    if todo:
        datasets_score(ids=todo)


def _search(change: Change) -> None:
    # Database terms, or tantivy outbox rows whose drain index_datasets queues on commit.
    index_datasets(change.ids)


# Quality first: the search index reads the rating (a facet) from the row.
register("quality", _quality)
register("search", _search)
