"""The same dataset from two sources: a record another source of this catalogue already holds.

A dataset often reaches a catalogue by more than one road: a department's data.json and its
CKAN, or another node of this product through its DCAT feed, its data.json and its CKAN API. A
new record is the same dataset as one already held from another source when it has the same
original IRI, or the same original identifier and the same original publisher. It is then not
created again: the source is added to that dataset's `also_from` and counted in the job report.
The source that brought the dataset first keeps it up to date (so two sources describing it in
slightly different formats never overwrite each other in turn); the others are listed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from catalogue.harvest.parsers.records import DatasetRecord
from catalogue.models import Dataset, HarvestSource


@dataclass
class HeldElsewhere:
    """Records of a batch that other sources already hold: {source id: dataset pk}."""

    datasets: dict[str, uuid.UUID] = field(default_factory=dict)
    by_source_title: dict[str, int] = field(default_factory=dict)


def _identifier(record: DatasetRecord) -> str:
    # As the mapping stores it (records.dataset_fields_from_record): the original identifier,
    # else the source's own id for the record.
    return record.identifier or record.source_identifier


def _publisher_key(name: str) -> str:
    return " ".join(name.lower().split())


def _ours(iri: str) -> bool:
    """A record of a dataset first published here, come back through another node."""
    return bool(iri) and iri.startswith(f"{settings.SITE_URL}/datasets/")


def find_held_elsewhere(records: list[DatasetRecord], source: HarvestSource) -> HeldElsewhere:
    """Which of these new records (none held by `source` yet) another source already holds.

    Set-based: the candidates by IRI or identifier, our own datasets come back, and the titles
    of the sources that hold them.
    """
    held = HeldElsewhere()
    iris = {r.iri for r in records if r.iri}
    identifiers = {_identifier(r) for r in records}
    if not (iris or identifiers):
        return held
    # Three queries for the whole batch, whatever its size.
    candidates = (
        Dataset.objects.exclude(harvest_source=source)
        .filter(Q(iri__in=iris) | Q(identifier__in=identifiers))
        .values_list("pk", "iri", "identifier", "source_publisher_name", "harvest_source_id")
    )
    by_iri: dict[str, tuple[uuid.UUID, int | None]] = {}
    by_identifier: dict[tuple[str, str], tuple[uuid.UUID, int | None]] = {}
    for pk, iri, identifier, publisher, holder in candidates:
        if iri:
            by_iri.setdefault(iri, (pk, holder))
        by_identifier.setdefault((identifier, _publisher_key(publisher)), (pk, holder))
    holders: dict[str, int | None] = {}
    prefix = f"{settings.SITE_URL}/datasets/"
    ours = dict(
        Dataset.objects.filter(
            slug__in={r.iri[len(prefix) :].strip("/") for r in records if _ours(r.iri)}
        ).values_list("slug", "pk")
    )
    for record in records:
        if _ours(record.iri):
            # Our own dataset come back through a peer: never a second copy of it.
            pk = ours.get(record.iri[len(prefix) :].strip("/"))
            if pk is not None:
                held.datasets[record.source_identifier] = pk
                holders[record.source_identifier] = None
            continue
        match = by_iri.get(record.iri) if record.iri else None
        if match is None:
            match = by_identifier.get((_identifier(record), _publisher_key(record.publisher_name)))
        if match is not None:
            held.datasets[record.source_identifier] = match[0]
            holders[record.source_identifier] = match[1]
    titles = dict(
        HarvestSource.objects.filter(pk__in={h for h in holders.values() if h}).values_list(
            "pk", "title"
        )
    )
    for holder in holders.values():
        title = titles.get(holder, "this catalogue") if holder else "this catalogue"
        held.by_source_title[title] = held.by_source_title.get(title, 0) + 1
    return held


def link_also_from(held: HeldElsewhere, source: HarvestSource) -> None:
    """List `source` in the provenance of the datasets it offers again (idempotent)."""
    if not held.datasets:
        return
    through = Dataset.also_from.through
    already = set(
        through.objects.filter(
            harvestsource_id=source.pk, dataset_id__in=list(held.datasets.values())
        ).values_list("dataset_id", flat=True)
    )
    through.objects.bulk_create(
        [
            through(dataset_id=pk, harvestsource_id=source.pk)
            for pk in set(held.datasets.values()) - already
        ]
    )


def unlink_also_from(source: HarvestSource, keep: set[uuid.UUID]) -> int:
    """After a whole listing: the source no longer offers the datasets it did not list."""
    through = Dataset.also_from.through
    gone = through.objects.filter(harvestsource_id=source.pk).exclude(dataset_id__in=keep)
    return gone.delete()[0]
