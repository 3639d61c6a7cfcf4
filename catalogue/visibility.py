"""Who may see which dataset, stated once as plain data and translated by each reader:
`DatasetQuerySet.visible_to` into a database filter, a search index into its own query.

Drafts: members of the owning organisation. Published and withdrawn records: PUBLIC to anyone,
GOVERNMENT to signed-in users, ORGANISATION to members and to holders of an active grant.

Grants belong to another app (governance); catalogue only defines the hook it fills:
`register_granted_datasets(source)`, where `source(user)` returns the ids of the datasets the
user holds an active grant for (a lazy queryset of ids, so the database can use it as a
subquery).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from catalogue import vocabularies as v

LISTED_STATUSES = (v.DatasetStatus.PUBLISHED, v.DatasetStatus.WITHDRAWN)
GrantSource = Callable[[AbstractBaseUser], Iterable[Any]]
_grant_sources: list[GrantSource] = []


@dataclass(frozen=True)
class Visibility:
    """What one user may see: everything, or datasets that are (listed, with one of
    `metadata_visibilities`), or (listed and in `granted_datasets`), or published by one of
    `member_organisations` whatever their status. The id collections may be lazy querysets;
    None means the user can hold none (signed out)."""

    everything: bool = False
    listed_statuses: tuple[str, ...] = LISTED_STATUSES
    metadata_visibilities: tuple[str, ...] = ()
    member_organisations: Iterable[Any] | None = None
    granted_datasets: Iterable[Any] | None = None


def register_granted_datasets(source: GrantSource) -> None:
    """Add a provider of "datasets this user holds an active grant for"."""
    if source not in _grant_sources:
        _grant_sources.append(source)


def granted_datasets(user: AbstractBaseUser) -> Iterable[Any]:
    """Ids of the datasets the user holds an active grant for, from every registered source."""
    if not _grant_sources:
        return []
    if len(_grant_sources) == 1:
        return _grant_sources[0](user)
    return list(dict.fromkeys(pk for source in _grant_sources for pk in source(user)))


def visibility_for(user: AbstractBaseUser | AnonymousUser) -> Visibility:
    if not user.is_authenticated:
        return Visibility(metadata_visibilities=(v.MetadataVisibility.PUBLIC,))
    if user.is_superuser:
        return Visibility(everything=True)
    from catalogue.models import Membership

    return Visibility(
        metadata_visibilities=(v.MetadataVisibility.PUBLIC, v.MetadataVisibility.GOVERNMENT),
        member_organisations=Membership.objects.filter(user=user).values_list(
            "organisation_id", flat=True
        ),
        granted_datasets=granted_datasets(user),
    )
