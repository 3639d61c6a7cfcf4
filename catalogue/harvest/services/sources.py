"""Harvest sources: creating and changing them, with the checks every source must pass.

Runs of a source live in `harvest.py`. A source's URL is checked for shape here (http/https, no
credentials in it); whether its address may be reached is the outbound client's decision at run
time, because the allow-list belongs to the workers.
"""

from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from catalogue.harvest.models import parse_schedule
from catalogue.harvest.types import SOURCE_TYPES, unknown_source_type_message
from catalogue.models import HarvestSource, Organisation
from catalogue.permissions import require_role
from catalogue.vocabularies import Role

CONFIG_KEYS = {"shrink_threshold", "incremental", "page_size"}
CREDENTIAL_KEYS = {"username", "password", "token", "headers"}


def _validate_source(
    *, url: str, source_type: str, schedule: str, config: dict, credentials: dict
) -> None:
    errors: dict[str, str] = {}
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors["url"] = "Give the address of the catalogue as an http:// or https:// URL."
    elif parts.username or parts.password:
        errors["url"] = "Do not put credentials in the URL; give them as the source's credentials."
    if source_type not in SOURCE_TYPES:
        errors["source_type"] = unknown_source_type_message(source_type)
    try:
        parse_schedule(schedule)
    except ValueError as exc:
        errors["schedule"] = str(exc)
    unknown = set(config) - CONFIG_KEYS
    threshold = config.get("shrink_threshold", 0.5)
    if unknown:
        errors["config"] = f"Unknown options: {', '.join(sorted(unknown))}."
    elif not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        errors["config"] = "shrink_threshold is a fraction between 0 and 1."
    if set(credentials) - CREDENTIAL_KEYS:
        errors["credentials"] = f"Credentials may hold: {', '.join(sorted(CREDENTIAL_KEYS))}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def harvest_source_create(
    *,
    actor: AbstractBaseUser | None,
    organisation: Organisation,
    title: str,
    url: str,
    source_type: str,
    schedule: str = "manual",
    enabled: bool = True,
    config: dict | None = None,
    credentials: dict | None = None,
) -> HarvestSource:
    """A new source for the organisation; its publishers manage it (actor None: an operator).

    A private or loopback URL may be saved: the run refuses it with a clear job error unless
    OUTBOUND_ALLOW_NETWORKS lists it, since the allow-list is the worker's, not the web's.
    """
    if actor is not None:
        require_role(actor, organisation, [Role.PUBLISHER], "manage its harvest sources")
    config, credentials = dict(config or {}), dict(credentials or {})
    _validate_source(
        url=url,
        source_type=source_type,
        schedule=schedule,
        config=config,
        credentials=credentials,
    )
    return HarvestSource.objects.create(
        organisation=organisation,
        title=title.strip()[:200] or url,
        url=url.strip(),
        source_type=source_type,
        schedule=(schedule or "manual").strip().lower(),
        enabled=enabled,
        config=config,
        credentials=credentials,
        created_by=actor,
    )


@transaction.atomic
def harvest_source_update(
    *, actor: AbstractBaseUser | None, source: HarvestSource, data: dict
) -> HarvestSource:
    """Change a source's title, URL, type, schedule, enabled flag, options or credentials."""
    if actor is not None:
        require_role(actor, source.organisation, [Role.PUBLISHER], "manage its harvest sources")
    merged = {
        "url": data.get("url", source.url),
        "source_type": data.get("source_type", source.source_type),
        "schedule": data.get("schedule", source.schedule),
        "config": data.get("config", source.config),
        "credentials": data.get("credentials", source.credentials),
    }
    _validate_source(**merged)
    for name, value in merged.items():
        setattr(source, name, value)
    source.title = data.get("title", source.title)
    source.enabled = data.get("enabled", source.enabled)
    source.save()
    return source
