"""One entry point per use, so the Django harvest service does not branch on source types.

Every harvest object is an iterable of `DatasetRecord | RecordError` with `complete` (read it
after iterating: True only when the listing was whole, so withdrawals are safe) and `warnings`
(source-level notes for the job report). Source-level failures raise `HarvestError`
subclasses from `errors.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from .parsers.ckan import CkanHarvest, parse_ckan_file
from .parsers.datajson import DatajsonHarvest, Known, parse_datajson
from .parsers.dcat import DcatHarvest, parse_dcat_file
from .parsers.errors import HarvestError
from .parsers.http import OutboundClient
from .parsers.marketplace import harvest_marketplace
from .parsers.records import DatasetRecord, RecordError, UnchangedRecord

SOURCE_TYPES = ("ckan", "datajson", "dcat", "marketplace")


class Harvest(Protocol):
    complete: bool
    warnings: list[str]

    def __iter__(self) -> Iterator[DatasetRecord | RecordError | UnchangedRecord]: ...


def open_harvest(
    source_type: str,
    client: OutboundClient,
    url: str,
    *,
    since: dt.datetime | None = None,
    page_size: int = 100,
    known: Known | None = None,
) -> Harvest:
    """The harvest for a source. `since` makes CKAN and marketplace runs incremental (such
    runs are never `complete`); data.json and plain DCAT feeds have no incremental form.
    `known(source_identifier, content_hash)` lets parsers that hash before mapping (data.json,
    CKAN) yield `UnchangedRecord` for what the caller already holds."""
    if source_type == "ckan":
        return CkanHarvest(client, url, since=since, page_size=page_size, known=known)
    if source_type == "datajson":
        return DatajsonHarvest(client, url, known=known)
    if source_type == "dcat":
        return DcatHarvest(client, url)
    if source_type == "marketplace":
        return harvest_marketplace(client, url, since=since)
    raise HarvestError(f"unknown source type {source_type!r}; expected one of {SOURCE_TYPES}")


def parse_file(
    source_type: str, path: str | Path, *, known: Known | None = None
) -> Iterable[DatasetRecord | RecordError | UnchangedRecord]:
    """Records from a saved source document (`manage.py harvest --file`)."""
    if source_type == "ckan":
        return parse_ckan_file(path, known=known)
    if source_type == "datajson":
        return parse_datajson(path, known=known)
    if source_type in ("dcat", "marketplace"):
        return parse_dcat_file(path)
    raise HarvestError(f"unknown source type {source_type!r}; expected one of {SOURCE_TYPES}")
