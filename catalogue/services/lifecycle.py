"""The dataset lifecycle: which door may move a dataset from which status to which, in one table.

| door      | from             | to        | when                                          |
|-----------|------------------|-----------|-----------------------------------------------|
| publisher | (new)            | draft     | `dataset_create`                              |
| publisher | draft            | published | `dataset_publish`, the admin's Publish        |
| publisher | draft, published | withdrawn | `dataset_withdraw`, the admin's Withdraw      |
| harvest   | (new)            | published | the source lists a record for the first time  |
| harvest   | withdrawn        | published | the source lists a withdrawn record again     |
| harvest   | published        | withdrawn | a published record is gone from the source    |

A publisher never republishes a withdrawn dataset (republishing is a new record); only its
harvest source, which the dataset follows, brings one back.

`datasets_transition` moves a whole batch with set-based statements: one locking read, one
UPDATE, one read of the rows for the signal. Each dataset moved is announced through
`catalogue.signals.dataset_transitioned` (who and why; governance audits it), and the batch ends
in the changed path (`datasets_changed`) unless the caller reports it with a larger batch.
Permissions are the caller's: the services check the actor's role before they call this.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalogue.errors import TransitionError
from catalogue.models import Dataset
from catalogue.services.changes import datasets_changed
from catalogue.signals import dataset_transitioned
from catalogue.vocabularies import DatasetStatus


class Door(models.TextChoices):
    PUBLISHER = "publisher", "Publisher"
    HARVEST = "harvest", "Harvest"


DRAFT, PUBLISHED, WITHDRAWN = DatasetStatus.DRAFT, DatasetStatus.PUBLISHED, DatasetStatus.WITHDRAWN

# The status a dataset is created in, by the door it comes through.
CREATED_AS: dict[str, str] = {Door.PUBLISHER: DRAFT, Door.HARVEST: PUBLISHED}
# (door, to) → the statuses it may be reached from.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Door.PUBLISHER, PUBLISHED): frozenset({DRAFT}),
    (Door.PUBLISHER, WITHDRAWN): frozenset({DRAFT, PUBLISHED}),
    (Door.HARVEST, PUBLISHED): frozenset({WITHDRAWN}),
    (Door.HARVEST, WITHDRAWN): frozenset({PUBLISHED}),
}
VERBS = {PUBLISHED: "published", WITHDRAWN: "withdrawn"}
BY = {Door.PUBLISHER: "by a publisher", Door.HARVEST: "by its harvest source"}


def allowed_from(*, door: str, to: str) -> frozenset[str]:
    return TRANSITIONS.get((door, to), frozenset())


def _refusal(title: str, status: str, door: str, to: str) -> str:
    label = DatasetStatus(status).label.lower()
    allowed = ", ".join(sorted(allowed_from(door=door, to=to))) or "nothing"
    return (
        f"“{title}” is {label}: a {label} dataset cannot be {VERBS.get(to, to)} "
        f"{BY.get(door, door)} (allowed from: {allowed})."
    )


@transaction.atomic
def datasets_transition(
    *,
    ids: Iterable[Any],
    to: str,
    door: str,
    actor: AbstractBaseUser | None,
    comment: str = "",
    report_change: bool = True,
) -> list[Dataset]:
    """Move every dataset in `ids` to `to`, or none: if any may not make this move through
    this door, TransitionError names it and nothing changes. Returns the datasets moved.

    `report_change=False`: the caller ends in `datasets_changed` itself, with these ids among
    the rest of its batch (the harvest does, once per batch).
    """
    keys = list(dict.fromkeys(i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in ids))
    if not keys:
        return []
    allowed = allowed_from(door=door, to=to)
    rows = list(
        Dataset.objects.select_for_update()
        .filter(pk__in=keys)
        .order_by("pk")  # the same lock order in every writer
        .values_list("pk", "status", "title")
    )
    if len(rows) != len(keys):
        missing = set(keys) - {pk for pk, _, _ in rows}
        raise TransitionError(f"No dataset with the id {sorted(map(str, missing))[0]}.")
    for _pk, status, title in rows:
        if status not in allowed:
            raise TransitionError(_refusal(title, status, door, to))
    from_status = {pk: status for pk, status, _ in rows}

    now = timezone.now()
    stamps: dict[str, Any] = {"status": to, "metadata_modified": now}
    if to == PUBLISHED:
        stamps.update(published_at=now, withdrawn_at=None)
        if door == Door.PUBLISHER:  # a publisher's first publication is the issue date
            stamps["issued"] = Coalesce("issued", models.Value(now, models.DateTimeField()))
    else:
        stamps["withdrawn_at"] = now
    Dataset.objects.filter(pk__in=keys).update(**stamps)

    moved = list(Dataset.objects.filter(pk__in=keys).select_related("publisher").order_by("pk"))
    for dataset in moved:
        dataset_transitioned.send(
            sender=Dataset,
            dataset=dataset,
            actor=actor,
            from_status=from_status[dataset.pk],
            to_status=to,
            comment=comment,
        )
    if report_change:
        datasets_changed(ids=keys, reason=f"{door}: {VERBS.get(to, to)}")
    return moved
