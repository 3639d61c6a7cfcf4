"""Writing one batch of harvested records: the part of a harvest run that touches datasets.

A batch (~500 records) costs a fixed number of queries however many records it holds: one
lookup of the rows already harvested for those source identifiers, then bulk inserts and
updates. A record whose content hash matches the stored one is skipped without a write, which
is what makes an unchanged re-harvest cheap. The record → field mapping is
`records.dataset_fields_from_record`, shared with every other importer; quality is scored in
Python from the same plain data, so it is written with the row instead of re-read afterwards
(the batch tells the changed path so, through `BatchOutcome.scored`).

Status follows `catalogue.services.lifecycle`: new records are created published, and a
withdrawn record the source lists again is republished through `datasets_transition`.

The caller runs each batch in a transaction together with the job's counters, so a worker
killed mid-run leaves whole batches, each counted once; the (harvest_source,
source_identifier) unique constraint is what stops a redone run from creating duplicates.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models
from django.utils import timezone
from django.utils.text import slugify

from catalogue import quality
from catalogue.harvest.parsers.records import DatasetRecord
from catalogue.harvest.services.records import (
    _fit,
    contact_fields_from_record,
    dataset_fields_from_record,
    distribution_fields_from_record,
)
from catalogue.harvest.services.sameas import find_held_elsewhere, link_also_from
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
from catalogue.services.lifecycle import CREATED_AS, Door, datasets_transition
from catalogue.vocabularies import DatasetStatus

# Bump when the record → dataset mapping changes, so the next run rewrites every dataset
# instead of skipping records whose source content did not change.
MAPPING_VERSION = "5"  # 2 keywords whole; 3 formats derived; 5 links, emails, POD fields checked
FIELDS = [
    *dataset_fields_from_record(DatasetRecord(source_identifier="", title="")).keys(),
    "source_identifier", "source_url", "source_publisher_name", "source_publisher_uri",
    "source_extras",
    "content_hash", "harvested_at", "last_harvest_job", "quality_score", "quality_rating",
    "metadata_modified",
]  # fmt: skip
_PASS_THROUGH = {"CharField", "TextField", "SlugField", "URLField", "EmailField", "BooleanField",
                 "IntegerField", "BigIntegerField", "PositiveIntegerField",
                 "PositiveSmallIntegerField", "BigAutoField", "AutoField"}  # fmt: skip


@cache
def _columns(model: type[models.Model]) -> tuple[str, list, list[Callable | None]]:
    """INSERT statement, defaults and value converters for every concrete column of a model."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)]
    qn = connection.ops.quote_name
    # Table and column names come from our models, never from input.
    columns = ", ".join(qn(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    convert = [
        None
        if f.get_internal_type() in _PASS_THROUGH and not f.is_relation
        else (lambda value, f=f: f.get_db_prep_save(value, connection))
        for f in fields
    ]
    names = [(f.attname, f.get_default()) for f in fields]
    return sql, names, convert


def _insert(model: type[models.Model], rows: Iterable[dict]) -> None:
    """Insert plain rows with one executemany.

    Django's bulk_create builds model instances and compiles SQL value by value, which cost more
    than the database itself did for new harvested datasets; the conversions here are Django's
    own (get_db_prep_save) for every column that needs one, so the stored values are the same.
    """
    sql, names, convert = _columns(model)
    values = [
        tuple(
            value if conv is None or value is None else conv(value)
            for value, conv in zip(
                (row.get(name, default) for name, default in names), convert, strict=True
            )
        )
        for row in rows
    ]
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)


@dataclass
class BatchOutcome:
    created: list[uuid.UUID] = field(default_factory=list)
    updated: list[uuid.UUID] = field(default_factory=list)
    unchanged: int = 0
    duplicates: list[str] = field(default_factory=list)  # source ids listed twice in a batch
    # Records another source of this catalogue already holds: not created again (sameas.py).
    held_elsewhere: dict[str, int] = field(default_factory=dict)  # holder's title -> count
    held_ids: set[uuid.UUID] = field(default_factory=set)
    changed_sids: set[str] = field(default_factory=set)

    @property
    def changed(self) -> list[uuid.UUID]:
        return self.created + self.updated

    @property
    def scored(self) -> list[uuid.UUID]:
        """Every dataset written has its quality score from `_prepare`, computed from the
        same plain data that was stored (themes, contacts, distributions, fields)."""
        return self.changed


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
    return stored_hash_of(record.content_hash)


def stored_hash_of(content_hash: str) -> str:
    return hashlib.sha256(f"{MAPPING_VERSION}:{content_hash}".encode()).hexdigest()


def _prepare(
    record: DatasetRecord, ctx: BatchContext, now, distributions: list[dict]
) -> tuple[dict, list[int]]:
    fields = dataset_fields_from_record(record)
    theme_ids = [ctx.theme_ids[t] for t in dict.fromkeys(record.theme) if t in ctx.theme_ids]
    contacts = contact_fields_from_record(record)
    score, rating, _ = quality.assess(
        {
            **fields,
            "publisher": ctx.source.organisation_id,
            "theme": theme_ids,
            "contact_point": [{"email": c["email"]} for c in contacts],
            # Scored as stored (formats and media types filled in), so the score the batch
            # writes is the score a fresh assessment of the row gives.
            "distribution": distributions,
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
        source_publisher_uri=_fit(record.publisher_uri, 2000),
        source_extras=record.extras,
        content_hash=stored_hash(record),
        harvested_at=now,
        last_harvest_job_id=ctx.job.pk,
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

    if new:
        held = find_held_elsewhere(new, ctx.source)
        link_also_from(held, ctx.source)
        outcome.held_elsewhere = held.by_source_title
        outcome.held_ids = set(held.datasets.values())
        new = [r for r in new if r.source_identifier not in held.datasets]

    rows: list[dict] = []
    # Each record's distribution rows, derived once: scored with the dataset, then inserted.
    dists: dict[str, list[dict]] = {}
    themes: list[tuple[uuid.UUID, list[int]]] = []
    slugs = _slugs({r.source_identifier: r.title for r in new}, ctx.source)
    for record in new:
        fields, theme_ids = _prepare(
            record,
            ctx,
            now,
            dists.setdefault(record.source_identifier, distribution_fields_from_record(record)),
        )
        pk = uuid.uuid4()
        rows.append(
            {
                **fields,
                "id": pk,
                "slug": slugs[record.source_identifier],
                "publisher_id": ctx.source.organisation_id,
                "harvest_source_id": ctx.source.pk,
                "status": CREATED_AS[Door.HARVEST],
                "published_at": now,
                "metadata_created": now,
            }
        )
        themes.append((pk, theme_ids))
        outcome.created.append(pk)
        outcome.changed_sids.add(record.source_identifier)
    _insert(Dataset, rows)

    updates: list[Dataset] = []
    republished: list[uuid.UUID] = []
    for pk, record, status in changed:
        fields, theme_ids = _prepare(
            record,
            ctx,
            now,
            dists.setdefault(record.source_identifier, distribution_fields_from_record(record)),
        )
        dataset = Dataset(pk=pk, **fields)
        # Harvested data belongs to the source's organisation.
        dataset.publisher_id = ctx.source.organisation_id
        if status != DatasetStatus.PUBLISHED:
            republished.append(pk)  # the source lists it again: it follows its source
        updates.append(dataset)
        themes.append((pk, theme_ids))
        outcome.updated.append(pk)
        outcome.changed_sids.add(record.source_identifier)
    if updates:
        ids = [d.pk for d in updates]
        Dataset.objects.bulk_update(updates, FIELDS)
        # Distributions and contacts are replaced as a whole, as for any other dataset update.
        Distribution.objects.filter(dataset_id__in=ids).delete()
        ContactPoint.objects.filter(dataset_id__in=ids).delete()
        Dataset.theme.through.objects.filter(dataset_id__in=ids).delete()

    record_of = {
        pk: by_id[sid]
        for pk, sid in zip(outcome.created, (r["source_identifier"] for r in rows), strict=True)
    }
    record_of.update({d.pk: by_id[d.source_identifier] for d in updates})
    _insert(
        Distribution,
        ({**values, "dataset_id": pk} for pk, record in record_of.items()
         for values in dists[record.source_identifier]),
    )  # fmt: skip
    _insert(
        ContactPoint,
        ({**values, "dataset_id": pk} for pk, record in record_of.items()
         for values in contact_fields_from_record(record)),
    )  # fmt: skip
    _insert(
        Dataset.theme.through,
        ({"dataset_id": pk, "theme_id": theme_id} for pk, ids in themes for theme_id in ids),
    )
    # After the rows are rewritten, so the signal carries the source's current title; the
    # caller reports the whole batch to the changed path once.
    datasets_transition(
        ids=republished,
        to=DatasetStatus.PUBLISHED,
        door=Door.HARVEST,
        actor=ctx.actor,
        comment=f"Listed again by harvest source “{ctx.source.title}” (job {ctx.job.pk}).",
        report_change=False,
    )
    return outcome
