"""Writes to datasets by publishers: create, update, publish, withdraw.

Status changes go through `catalogue.services.lifecycle`; every write ends in
`catalogue.services.changes.datasets_changed`, which re-scores and re-indexes.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from catalogue import fields
from catalogue.models import ContactPoint, Dataset, Distribution, Organisation
from catalogue.permissions import require_role
from catalogue.services.changes import datasets_changed
from catalogue.services.lifecycle import CREATED_AS, Door, datasets_transition
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


def _reread_quality(dataset: Dataset) -> Dataset:
    dataset.quality_score, dataset.quality_rating = Dataset.objects.values_list(
        "quality_score", "quality_rating"
    ).get(pk=dataset.pk)
    return dataset


@transaction.atomic
def dataset_refresh_quality(*, dataset: Dataset) -> Dataset:
    """After a change outside the dataset's own fields (a link check): the changed path."""
    datasets_changed(ids=[dataset.pk], reason="quality inputs changed")
    return _reread_quality(dataset)


@transaction.atomic
def dataset_create(*, actor: AbstractBaseUser, publisher: Organisation, data: dict) -> Dataset:
    """Create a draft dataset owned by `publisher`. The actor must be one of its publishers."""
    require_role(actor, publisher, EDITOR_ROLES, "create its datasets")
    dataset = Dataset(
        publisher=publisher,
        status=CREATED_AS[Door.PUBLISHER],
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
    datasets_changed(ids=[dataset.pk], reason="created")
    return _reread_quality(dataset)


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
    datasets_changed(ids=[dataset.pk], reason="updated")
    return _reread_quality(dataset)


def _transition(*, actor: AbstractBaseUser, dataset: Dataset, to: str, comment: str) -> Dataset:
    publisher = Dataset.objects.select_related("publisher").get(pk=dataset.pk).publisher
    verb = {DatasetStatus.PUBLISHED: "publish", DatasetStatus.WITHDRAWN: "withdraw"}[to]
    require_role(actor, publisher, EDITOR_ROLES, f"{verb} its datasets")
    [moved] = datasets_transition(
        ids=[dataset.pk], to=to, door=Door.PUBLISHER, actor=actor, comment=comment
    )
    return moved


@transaction.atomic
def dataset_publish(*, actor: AbstractBaseUser, dataset: Dataset, comment: str = "") -> Dataset:
    """Draft → published. A withdrawn dataset stays withdrawn: republishing is a new record."""
    return _transition(actor=actor, dataset=dataset, to=DatasetStatus.PUBLISHED, comment=comment)


@transaction.atomic
def dataset_withdraw(*, actor: AbstractBaseUser, dataset: Dataset, comment: str = "") -> Dataset:
    """Draft or published → withdrawn. Withdrawn records are kept, never deleted."""
    return _transition(actor=actor, dataset=dataset, to=DatasetStatus.WITHDRAWN, comment=comment)


@transaction.atomic
def datasets_transition_as_publisher(
    *, actor: AbstractBaseUser, ids: list, to: str, comment: str = ""
) -> list[Dataset]:
    """A publisher's transition of several datasets at once (the admin's actions): the actor
    must be a publisher of every organisation involved, and every dataset must allow the move,
    or nothing changes."""
    verb = {DatasetStatus.PUBLISHED: "publish", DatasetStatus.WITHDRAWN: "withdraw"}[to]
    publishers = {
        d.publisher for d in Dataset.objects.filter(pk__in=ids).select_related("publisher")
    }
    for publisher in sorted(publishers, key=lambda o: o.slug):
        require_role(actor, publisher, EDITOR_ROLES, f"{verb} its datasets")
    return datasets_transition(ids=ids, to=to, door=Door.PUBLISHER, actor=actor, comment=comment)
