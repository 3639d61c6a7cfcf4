"""The registry of harvest source types: each type named once, with everything the product needs.

A type is a `SourceType` in `SOURCE_TYPES`: its name (stored on the source), label and short
description (forms, admin, API, `manage.py harvest --type`), how to open a harvest from a URL,
how to parse a saved file (with the type's own structural checks, so a broken file fails before
anything is written), whether it has an incremental form, and whether it can skip records the
caller already holds by content hash. The harvest service reads these facts and never branches
on a type name; adding a type is its parser module plus one entry here.

Every harvest object is an iterable of `DatasetRecord | RecordError | UnchangedRecord` with
`complete` (read it after iterating: True only when the listing was whole, so withdrawals are
safe) and `warnings` (source-level notes for the job report). Source-level failures raise
`HarvestError` subclasses from `errors.py`. Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .parsers import hdruk
from .parsers.ckan import CkanHarvest, parse_ckan_file
from .parsers.datajson import DatajsonHarvest, Known, check_datajson, parse_datajson
from .parsers.dcat import DcatHarvest, parse_dcat_file
from .parsers.errors import HarvestError
from .parsers.http import OutboundClient
from .parsers.marketplace import harvest_marketplace
from .parsers.records import DatasetRecord, RecordError, UnchangedRecord

Item = DatasetRecord | RecordError | UnchangedRecord


class Harvest(Protocol):
    complete: bool
    warnings: list[str]

    def __iter__(self) -> Iterator[Item]: ...


class OpenHarvest(Protocol):
    """Opens a harvest of the catalogue at `url`. Types without an incremental form ignore
    `since`; types that do not hash before mapping ignore `known`."""

    def __call__(
        self,
        client: OutboundClient,
        url: str,
        *,
        since: dt.datetime | None,
        page_size: int,
        known: Known | None,
    ) -> Harvest: ...


ParseFile = Callable[..., Iterable[Item]]  # (path, *, known) -> records of a saved document


@dataclass(frozen=True, slots=True)
class SourceType:
    name: str  # stored on HarvestSource.source_type: never rename one in use
    label: str
    open: OpenHarvest
    parse_file: ParseFile
    incremental: bool = False  # `since` gives a partial (never `complete`) run
    skips_unchanged: bool = False  # uses `known(source_identifier, content_hash)`
    description: str = ""


class UnknownSourceType(HarvestError):
    """A source names a type the registry does not hold."""


# -- adapters: each parser's own entry points to the registry's two call shapes ---------------


def _open_ckan(
    client: OutboundClient,
    url: str,
    *,
    since: dt.datetime | None,
    page_size: int,
    known: Known | None,
) -> Harvest:
    return CkanHarvest(client, url, since=since, page_size=page_size, known=known)


def _open_datajson(
    client: OutboundClient,
    url: str,
    *,
    since: dt.datetime | None,
    page_size: int,
    known: Known | None,
) -> Harvest:
    return DatajsonHarvest(client, url, known=known)


def _parse_datajson_file(path: str | Path, *, known: Known | None = None) -> Iterable[Item]:
    # Streaming finds a truncated file only after earlier records were written; this cheap
    # structural pass makes it fail before the first one.
    check_datajson(path)
    return parse_datajson(path, known=known)


def _open_dcat(
    client: OutboundClient,
    url: str,
    *,
    since: dt.datetime | None,
    page_size: int,
    known: Known | None,
) -> Harvest:
    return DcatHarvest(client, url)


def _open_marketplace(
    client: OutboundClient,
    url: str,
    *,
    since: dt.datetime | None,
    page_size: int,
    known: Known | None,
) -> Harvest:
    return harvest_marketplace(client, url, since=since)


def _parse_dcat_file(path: str | Path, *, known: Known | None = None) -> Iterable[Item]:
    return parse_dcat_file(path)


SOURCE_TYPES: dict[str, SourceType] = {
    t.name: t
    for t in (
        SourceType(
            "ckan",
            "CKAN (Action API)",
            _open_ckan,
            parse_ckan_file,
            incremental=True,
            skips_unchanged=True,
            description="A CKAN site's package_search, paged; incremental runs ask for "
            "packages modified since the last run.",
        ),
        SourceType(
            "datajson",
            "data.json (DCAT-US 1.1)",
            _open_datajson,
            _parse_datajson_file,
            skips_unchanged=True,
            description="A Project Open Data catalogue file, checked whole then streamed.",
        ),
        SourceType(
            "dcat",
            "DCAT / DCAT-AP (Turtle, RDF/XML, JSON-LD)",
            _open_dcat,
            _parse_dcat_file,
            description="An RDF catalogue feed, following Hydra paging.",
        ),
        SourceType(
            "hdruk",
            "HDR UK Innovation Gateway",
            hdruk.open_harvest,
            hdruk.parse_file,
            skips_unchanged=True,
            description="Health datasets from the HDR UK Gateway's dataset export (schema v2); "
            "access is by data access request, so none is harvested as more open than stated.",
        ),
        SourceType(
            "marketplace",
            "Another Data Marketplace",
            _open_marketplace,
            _parse_dcat_file,
            incremental=True,
            description="Another node of this product, through its DCAT feed (/catalog.ttl).",
        ),
    )
}


def get_source_type(name: str) -> SourceType:
    """The registered type called `name`; UnknownSourceType (a clear message) otherwise."""
    try:
        return SOURCE_TYPES[name]
    except (KeyError, TypeError):
        raise UnknownSourceType(unknown_source_type_message(name)) from None


def unknown_source_type_message(name: object) -> str:
    return f"Unknown source type {name!r}. Choose one of: {', '.join(SOURCE_TYPES)}."


def source_type_choices() -> list[tuple[str, str]]:
    """(name, label) pairs for forms, serializers and the admin, in registry order."""
    return [(t.name, t.label) for t in SOURCE_TYPES.values()]


def open_harvest(
    source_type: str,
    client: OutboundClient,
    url: str,
    *,
    since: dt.datetime | None = None,
    page_size: int = 100,
    known: Known | None = None,
) -> Harvest:
    """The harvest for a source. `since` makes incremental types' runs partial (such runs are
    never `complete`); `known(source_identifier, content_hash)` lets types that hash before
    mapping yield `UnchangedRecord` for what the caller already holds."""
    kind = get_source_type(source_type)
    return kind.open(client, url, since=since, page_size=page_size, known=known)


def parse_file(source_type: str, path: str | Path, *, known: Known | None = None) -> Iterable[Item]:
    """Records from a saved source document (`manage.py harvest --file`), after the type's
    own checks of the whole document."""
    return get_source_type(source_type).parse_file(path, known=known)
