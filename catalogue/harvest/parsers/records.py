"""Plain records that every harvest parser produces, in the catalogue's own terms.

Parsers (one module per source type, listed in `catalogue/harvest/types.py`) turn a source's
documents into these dataclasses; only the harvest service maps them onto the ORM. Nothing here
imports Django.
Values the parser could map onto our vocabularies are given as our codes; values it could not
map are kept verbatim (never dropped) and a warning says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ContactRecord:
    name: str = ""
    email: str = ""
    role: str = "contact"  # owner | contact | approver


@dataclass(slots=True)
class DistributionRecord:
    title: str = ""
    description: str = ""
    access_url: str = ""
    download_url: str = ""
    media_type: str = ""
    format: str = ""
    byte_size: int | None = None
    checksum: str = ""
    licence: str = ""
    conforms_to: str = ""


@dataclass(slots=True)
class DatasetRecord:
    """One dataset (or data service) as a source describes it."""

    source_identifier: str  # the source's own id for the record: stable across runs
    title: str
    identifier: str = ""  # the original identifier (dct:identifier), kept across every hop
    iri: str = ""  # the dataset's IRI at its original source, when it has one
    type: str = "Dataset"  # Dataset | DataService
    alternative_title: list[str] = field(default_factory=list)
    summary: str = ""
    description: str = ""
    keyword: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)  # our theme codes where mapped
    publisher_name: str = ""  # the source's publisher, kept as the source names it
    publisher_uri: str = ""  # the original publisher's IRI or homepage, when given
    creator: list[str] = field(default_factory=list)
    contact_point: list[ContactRecord] = field(default_factory=list)
    licence: str = ""  # a licence URI (ours where mapped) or the source's value verbatim
    access_rights: str = ""  # OPEN | INTERNAL | COMMERCIAL | RESTRICTED, "" when unknown
    # Carried between nodes of this product (their own DCAT terms, data.json fields and CKAN
    # extras); "" when the source does not say.
    metadata_visibility: str = ""  # PUBLIC | GOVERNMENT | ORGANISATION
    security_classification: str = ""  # OFFICIAL | SECRET | TOP_SECRET | NOT_APPLICABLE
    personal_data: str = ""  # NONE | PERSONAL | SPECIAL_CATEGORY
    update_frequency: str = ""  # Dublin Core freq value, "" when unknown
    issued: dt.datetime | None = None
    modified: dt.datetime | None = None
    version: str = ""
    spatial: str = ""
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    landing_page: str = ""
    source_url: str = ""  # where a person can see this record at the source
    distribution: list[DistributionRecord] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # verbatim values we could not map
    warnings: list[str] = field(default_factory=list)  # quality warnings, record still imported
    content_hash: str = ""  # sha256 of the source's canonical record, for skipping unchanged


@dataclass(slots=True)
class RecordError:
    """A record the parser could not represent at all (no title, no derivable identifier)."""

    source_identifier: str
    message: str


@dataclass(slots=True)
class UnchangedRecord:
    """A record the caller said it already holds with this content hash: not mapped at all.

    Parsers that can hash a record before mapping it (data.json) yield this when the caller's
    `known(source_identifier, content_hash)` says so, which makes an unchanged re-harvest cost
    little more than reading the document.
    """

    source_identifier: str
