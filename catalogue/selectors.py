"""Reads of the catalogue, always through DatasetQuerySet.visible_to()."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from catalogue import quality
from catalogue.models import (
    ContactPoint,
    Dataset,
    DatasetQuerySet,
    Distribution,
    HarvestJob,
    HarvestSource,
    Licence,
    Membership,
    Organisation,
)
from catalogue.permissions import organisations_where
from catalogue.vocabularies import DatasetStatus, Role

User = AbstractBaseUser | AnonymousUser


def dataset_list(*, user: User) -> DatasetQuerySet:
    return (
        Dataset.objects.visible_to(user)
        .select_related("publisher")
        .prefetch_related(
            "theme",
            Prefetch("distributions", queryset=Distribution.objects.order_by("position", "id")),
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("id")),
            "serves_dataset",
            "also_from",
        )
        .select_related("harvest_source")
    )


def published_dataset_list(*, user: User) -> DatasetQuerySet:
    """What the federation feeds list: the user's visible datasets that are published."""
    return dataset_list(user=user).filter(status=DatasetStatus.PUBLISHED)


def dataset_lookup(*, user: User, key: str) -> Dataset | None:
    """One visible dataset by id or slug; None when it does not exist or may not be seen."""
    qs = dataset_list(user=user)
    try:
        return qs.filter(pk=uuid.UUID(str(key))).first()
    except ValueError:
        return qs.filter(slug=key).first()


def organisation_members(*, organisation: Organisation):
    return Membership.objects.filter(organisation=organisation).select_related(
        "user", "organisation"
    )


QUALITY_FIELDS = [
    "title", "description", "keyword", "spatial", "temporal_start", "temporal_end", "licence",
    "access_rights", "issued", "modified",
]  # fmt: skip


def quality_inputs(*, ids: list) -> dict[uuid.UUID, tuple[dict, tuple[int, str]]]:
    """For each dataset, the plain data its quality score is computed from, and the stored
    (score, rating): four queries however many ids (the same data `dataset_assessment` reads)."""
    data: dict[uuid.UUID, dict] = {}
    stored: dict[uuid.UUID, tuple[int, str]] = {}
    for row in Dataset.objects.filter(pk__in=ids).values(
        "pk", "publisher_id", "quality_score", "quality_rating", *QUALITY_FIELDS
    ):
        pk = row.pop("pk")
        stored[pk] = (row.pop("quality_score"), row.pop("quality_rating"))
        row["publisher"] = row.pop("publisher_id")
        data[pk] = {**row, "theme": [], "contact_point": [], "distribution": []}
    through = Dataset.theme.through.objects.filter(dataset_id__in=ids)
    for pk, theme_id in through.values_list("dataset_id", "theme_id"):
        data[pk]["theme"].append(theme_id)
    for pk, email in ContactPoint.objects.filter(dataset_id__in=ids).values_list(
        "dataset_id", "email"
    ):
        data[pk]["contact_point"].append({"email": email})
    for distribution in Distribution.objects.filter(dataset_id__in=ids).values():
        data[distribution["dataset_id"]]["distribution"].append(distribution)
    return {pk: (data[pk], stored[pk]) for pk in data}


def dataset_assessment(*, dataset: Dataset) -> tuple[int, str, list[quality.Check]]:
    """The dataset's metadata quality score, rating and every check, as stored now."""
    data = {field: getattr(dataset, field) for field in QUALITY_FIELDS}
    data["publisher"] = dataset.publisher_id
    data["theme"] = list(dataset.theme.values_list("pk", flat=True))
    data["contact_point"] = list(dataset.contact_points.values("email"))
    data["distribution"] = list(dataset.distributions.values())
    return quality.assess(data, set(Licence.objects.values_list("uri", flat=True)))


def harvest_source_list(*, user: User) -> QuerySet[HarvestSource]:
    """Sources of the organisations the user is a member of (every source for a superuser)."""
    sources = HarvestSource.objects.select_related("organisation")
    if user.is_authenticated and user.is_superuser:
        return sources
    return sources.filter(organisation_id__in=organisations_where(user, Role.values))


def harvest_job_list(*, user: User) -> QuerySet[HarvestJob]:
    return HarvestJob.objects.select_related("source__organisation").filter(
        source__in=harvest_source_list(user=user)
    )
