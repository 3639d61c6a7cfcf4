"""Writing one batch of harvested records: the part of a harvest run that touches datasets.

A batch (~500 records) costs a fixed number of queries however many records it holds: one
lookup of the rows already harvested for those source identifiers, then bulk inserts and
updates. A record whose content hash matches the stored one is skipped without a write, which
is what makes an unchanged re-harvest cheap. The record → field mapping is
`records.dataset_fields_from_record`, shared with every other importer; quality is scored in
Python from the same plain data, so it is written with the row instead of re-read afterwards.

The caller runs each batch in a transaction together with the job's counters, so a worker
killed mid-run leaves whole batches, each counted once; the (harvest_source,
source_identifier) unique constraint is what stops a redone run from creating duplicates.
"""

import hashlib
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.text import slugify

from catalogue import quality
from catalogue.harvest.records import DatasetRecord
from catalogue.models import (
    ContactPoint,
    Dataset,
    Distribution,
    HarvestJob,
    HarvestSource,
    Licence,
    Theme,
)
from catalogue.services.datasets import unique_slug
from catalogue.services.records import _distributions, _fit, dataset_fields_from_record
from catalogue.signals import dataset_transitioned
from catalogue.vocabularies import DatasetStatus

# Bump when the record → dataset mapping changes, so the next run rewrites every dataset
# instead of skipping records whose source content did not change.
MAPPING_VERSION = "1"
FIELDS = [
    *dataset_fields_from_record(DatasetRecord(source_identifier="", title="")).keys(),
    "source_identifier", "source_url", "source_publisher_name", "source_extras",
    "content_hash", "harvested_at", "last_harvest_job", "quality_score", "quality_rating",
    "metadata_modified",
]  # fmt: skip


@dataclass
class BatchOutcome:
    created: list[uuid.UUID] = field(default_factory=list)
    updated: list[uuid.UUID] = field(default_factory=list)
    unchanged: int = 0
    duplicates: list[str] = field(default_factory=list)  # source ids listed twice in a batch
    changed_sids: set[str] = field(default_factory=set)

    @property
    def changed(self) -> list[uuid.UUID]:
        return self.created + self.updated


class BatchContext:
    """What every batch of one run needs, looked up once per run rather than per batch."""

    def __init__(
        self, *, source: HarvestSource, job: HarvestJob, actor: AbstractBaseUser | None
    ) -> None:
        self.source = source
        self.job = job
        self.actor = actor
        self.known_licences = set(Licence.objects.values_list("uri", flat=True))
        self.theme_ids = dict(Theme.objects.values_list("slug", "pk"))


def stored_hash(record: DatasetRecord) -> str:
    return hashlib.sha256(f"{MAPPING_VERSION}:{record.content_hash}".encode()).hexdigest()


def _prepare(record: DatasetRecord, ctx: BatchContext, now) -> tuple[dict, list[int]]:
    fields = dataset_fields_from_record(record)
    theme_ids = [ctx.theme_ids[t] for t in dict.fromkeys(record.theme) if t in ctx.theme_ids]
    contacts = [c for c in record.contact_point if c.name or c.email]
    score, rating, _ = quality.assess(
        {
            **fields,
            "publisher": ctx.source.organisation_id,
            "theme": theme_ids,
            "contact_point": [{"email": c.email} for c in contacts],
            "distribution": [
                {
                    "format": d.format,
                    "media_type": d.media_type,
                    "access_url": d.access_url,
                    "download_url": d.download_url,
                    "byte_size": d.byte_size,
                }
                for d in record.distribution
            ],
        },
        ctx.known_licences,
    )
    fields.update(
        source_identifier=record.source_identifier,
        # Shown as a link on the dataset page, so only web addresses (never javascript: etc.).
        source_url=_fit(record.source_url, 2000)
        if record.source_url.lower().startswith(("http://", "https://"))
        else "",
        source_publisher_name=_fit(record.publisher_name, 500),
        source_extras=record.extras,
        content_hash=stored_hash(record),
        harvested_at=now,
        last_harvest_job=ctx.job,
        quality_score=score,
        quality_rating=rating,
        metadata_modified=now,
    )
    return fields, theme_ids


def _slugs(titles: dict[str, str], source: HarvestSource) -> dict[str, str]:
    """A unique slug per new record, in two queries for the whole batch.

    A title already taken gets a suffix derived from the source and record identifier, so a
    redone run picks the same slug as the attempt it replaces.
    """
    base = {sid: slugify(title)[:100].strip("-") or "dataset" for sid, title in titles.items()}
    taken = set(Dataset.objects.filter(slug__in=set(base.values())).values_list("slug", flat=True))
    slugs: dict[str, str] = {}
    for sid, slug in base.items():
        if slug in taken:
            digest = hashlib.sha1(f"{source.pk}:{sid}".encode()).hexdigest()[:8]  # noqa: S324
            slug = f"{slug[:100]}-{digest}"
        slugs[sid] = slug
        taken.add(slug)
    suffixed = [s for sid, s in slugs.items() if s != base[sid]]
    clash = set(Dataset.objects.filter(slug__in=suffixed).values_list("slug", flat=True))
    for sid, slug in slugs.items():
        if slug in clash:
            slugs[sid] = unique_slug(slug)
    return slugs


def dataset_upsert_records(*, records: list[DatasetRecord], ctx: BatchContext) -> BatchOutcome:
    """Create, update or skip the datasets for a batch of records. Run inside a transaction."""
    outcome = BatchOutcome()
    by_id: dict[str, DatasetRecord] = {}
    for record in records:
        if record.source_identifier in by_id:
            outcome.duplicates.append(record.source_identifier)
        by_id[record.source_identifier] = record
    existing = {
        sid: (pk, content_hash, status, job_id)
        for sid, pk, content_hash, status, job_id in Dataset.objects.filter(
            harvest_source=ctx.source, source_identifier__in=list(by_id)
        ).values_list("source_identifier", "pk", "content_hash", "status", "last_harvest_job_id")
    }
    now = timezone.now()
    new: list[DatasetRecord] = []
    changed: list[tuple[uuid.UUID, DatasetRecord, str]] = []
    for sid, record in by_id.items():
        row = existing.get(sid)
        if row is None:
            new.append(record)
            continue
        pk, old_hash, status, job_id = row
        if old_hash == stored_hash(record) and status == DatasetStatus.PUBLISHED:
            if job_id != ctx.job.pk:  # else written by an earlier attempt of this job: counted
                outcome.unchanged += 1
        else:
            changed.append((pk, record, status))

    datasets: list[Dataset] = []
    themes: list[tuple[Dataset, list[int]]] = []
    slugs = _slugs({r.source_identifier: r.title for r in new}, ctx.source)
    for record in new:
        fields, theme_ids = _prepare(record, ctx, now)
        dataset = Dataset(
            pk=uuid.uuid4(),
            slug=slugs[record.source_identifier],
            publisher_id=ctx.source.organisation_id,
            harvest_source=ctx.source,
            status=DatasetStatus.PUBLISHED,
            published_at=now,
            **fields,
        )
        datasets.append(dataset)
        themes.append((dataset, theme_ids))
        outcome.created.append(dataset.pk)
        outcome.changed_sids.add(record.source_identifier)
    Dataset.objects.bulk_create(datasets)

    updates: list[Dataset] = []
    republished: list[Dataset] = []
    for pk, record, status in changed:
        fields, theme_ids = _prepare(record, ctx, now)
        dataset = Dataset(pk=pk, **fields)
        if status != DatasetStatus.PUBLISHED:
            # The source lists it again: a harvested dataset follows its source.
            dataset.status, dataset.published_at, dataset.withdrawn_at = (
                DatasetStatus.PUBLISHED,
                now,
                None,
            )
            republished.append(dataset)
        updates.append(dataset)
        themes.append((dataset, theme_ids))
        outcome.updated.append(pk)
        outcome.changed_sids.add(record.source_identifier)
    if updates:
        ids = [d.pk for d in updates]
        Dataset.objects.bulk_update(updates, FIELDS)
        if republished:
            Dataset.objects.bulk_update(republished, ["status", "published_at", "withdrawn_at"])
        # Distributions and contacts are replaced as a whole, as for any other dataset update.
        Distribution.objects.filter(dataset_id__in=ids).delete()
        ContactPoint.objects.filter(dataset_id__in=ids).delete()
        Dataset.theme.through.objects.filter(dataset_id__in=ids).delete()

    record_of = {d.pk: by_id[d.source_identifier] for d in [*datasets, *updates]}
    Distribution.objects.bulk_create(
        d for pk, record in record_of.items() for d in _distributions(Dataset(pk=pk), record)
    )
    ContactPoint.objects.bulk_create(
        ContactPoint(dataset_id=pk, name=_fit(c.name, 200), email=_fit(c.email, 254), role=c.role)
        for pk, record in record_of.items()
        for c in record.contact_point
        if c.name or c.email
    )
    Dataset.theme.through.objects.bulk_create(
        Dataset.theme.through(dataset_id=dataset.pk, theme_id=theme_id)
        for dataset, theme_ids in themes
        for theme_id in theme_ids
    )
    for dataset in republished:
        dataset_transitioned.send(
            sender=Dataset,
            dataset=dataset,
            actor=ctx.actor,
            from_status=DatasetStatus.WITHDRAWN,
            to_status=DatasetStatus.PUBLISHED,
            comment=f"Listed again by harvest source “{ctx.source.title}” (job {ctx.job.pk}).",
        )
    return outcome
