"""Writes to datasets: create, update, publish, withdraw. Status only changes here."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalogue import fields
from catalogue.errors import TransitionError
from catalogue.models import ContactPoint, Dataset, Distribution, Organisation
from catalogue.permissions import require_role
from catalogue.search import index_datasets
from catalogue.selectors import dataset_assessment
from catalogue.signals import dataset_transitioned
from catalogue.vocabularies import DatasetStatus, Role

EDITOR_ROLES = [Role.PUBLISHER]
SCALAR_FIELDS = fields.input_scalars()  # the catalogue/fields.py rows written as given
DISTRIBUTION_FIELDS = [
    f.name
    for f in Distribution._meta.concrete_fields
    if f.name not in {"id", "dataset", "position"}
]


def unique_slug(title: str, *, exclude_pk: Any = None) -> str:
    base = slugify(title)[:100].strip("-") or "dataset"
    slug, n = base, 1
    taken = Dataset.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set_relations(dataset: Dataset, data: dict) -> None:
    if "theme" in data:
        dataset.theme.set(data["theme"])
    if "serves_dataset" in data:
        dataset.serves_dataset.set(data["serves_dataset"])
    if "distribution" in data:
        # Distributions are replaced as a whole, as PRODUCT.md's API promises.
        dataset.distributions.all().delete()
        Distribution.objects.bulk_create(
            Distribution(
                dataset=dataset, position=i, **{k: d[k] for k in DISTRIBUTION_FIELDS if k in d}
            )
            for i, d in enumerate(data["distribution"])
        )
    if "contact_point" in data:
        dataset.contact_points.all().delete()
        ContactPoint.objects.bulk_create(
            ContactPoint(
                dataset=dataset, **{k: c.get(k, "") for k in ("name", "email", "role") if c.get(k)}
            )
            for c in data["contact_point"]
        )


def dataset_refresh_quality(*, dataset: Dataset) -> Dataset:
    score, rating, _ = dataset_assessment(dataset=dataset)
    if (score, rating) != (dataset.quality_score, dataset.quality_rating):
        Dataset.objects.filter(pk=dataset.pk).update(quality_score=score, quality_rating=rating)
        dataset.quality_score, dataset.quality_rating = score, rating
    return dataset


@transaction.atomic
def dataset_create(*, actor: AbstractBaseUser, publisher: Organisation, data: dict) -> Dataset:
    """Create a draft dataset owned by `publisher`. The actor must be one of its publishers."""
    require_role(actor, publisher, EDITOR_ROLES, "create its datasets")
    dataset = Dataset(
        publisher=publisher,
        status=DatasetStatus.DRAFT,
        created_by=actor,
        **{f: data[f] for f in SCALAR_FIELDS if f in data},
    )
    dataset.slug = unique_slug(data.get("slug") or dataset.title)
    dataset.save()
    if not dataset.identifier:
        from django.conf import settings

        dataset.identifier = f"{settings.SITE_URL}/datasets/{dataset.pk}"
        Dataset.objects.filter(pk=dataset.pk).update(identifier=dataset.identifier)
    _set_relations(dataset, data)
    index_datasets([dataset.pk])
    return dataset_refresh_quality(dataset=dataset)


@transaction.atomic
def dataset_update(*, actor: AbstractBaseUser, dataset: Dataset, data: dict) -> Dataset:
    """Change a dataset's metadata; moving it to another organisation needs rights in both."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    require_role(actor, dataset.publisher, EDITOR_ROLES, "edit its datasets")
    new_publisher = data.get("publisher")
    if new_publisher is not None and new_publisher != dataset.publisher:
        require_role(actor, new_publisher, EDITOR_ROLES, "move datasets into it")
        dataset.publisher = new_publisher
    for field in SCALAR_FIELDS:
        if field in data:
            setattr(dataset, field, data[field])
    dataset.save()
    _set_relations(dataset, data)
    index_datasets([dataset.pk])
    return dataset_refresh_quality(dataset=dataset)


def _transition(
    *, actor: AbstractBaseUser, dataset: Dataset, allowed_from: set[str], to: str, comment: str
) -> Dataset:
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    verb = {DatasetStatus.PUBLISHED: "publish", DatasetStatus.WITHDRAWN: "withdraw"}[to]
    require_role(actor, dataset.publisher, EDITOR_ROLES, f"{verb} its datasets")
    if dataset.status not in allowed_from:
        raise TransitionError(
            f"A {dataset.get_status_display().lower()} dataset cannot be {verb}ed "
            f"(allowed from: {', '.join(sorted(allowed_from))})."
        )
    from_status = dataset.status
    dataset.status = to
    now = timezone.now()
    if to == DatasetStatus.PUBLISHED:
        dataset.published_at = now
        dataset.issued = dataset.issued or now
    else:
        dataset.withdrawn_at = now
    dataset.save(
        update_fields=["status", "published_at", "withdrawn_at", "issued", "metadata_modified"]
    )
    dataset_transitioned.send(
        sender=Dataset,
        dataset=dataset,
        actor=actor,
        from_status=from_status,
        to_status=to,
        comment=comment,
    )
    return dataset


@transaction.atomic
def dataset_publish(*, actor: AbstractBaseUser, dataset: Dataset, comment: str = "") -> Dataset:
    """Draft → published. A withdrawn dataset stays withdrawn: republishing is a new record."""
    return _transition(
        actor=actor,
        dataset=dataset,
        allowed_from={DatasetStatus.DRAFT},
        to=DatasetStatus.PUBLISHED,
        comment=comment,
    )


@transaction.atomic
def dataset_withdraw(*, actor: AbstractBaseUser, dataset: Dataset, comment: str = "") -> Dataset:
    """Draft or published → withdrawn. Withdrawn records are kept, never deleted."""
    return _transition(
        actor=actor,
        dataset=dataset,
        allowed_from={DatasetStatus.DRAFT, DatasetStatus.PUBLISHED},
        to=DatasetStatus.WITHDRAWN,
        comment=comment,
    )
