"""Turning harvest records into datasets: the one mapping from `DatasetRecord` to the model.

Used by the harvest service (catalogue/services/harvest_upsert.py), which adds batching,
content hashes and withdrawals on top. Records come from other catalogues, so values are fitted
to our limits rather than refused (the parser has already recorded warnings): each field the
record carries is fitted by its kind and length in catalogue/fields.py, so a new field needs no
line here. Keywords are never cut: other catalogues match them whole.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from catalogue import fields, mediatypes, vocabularies
from catalogue.harvest.parsers.records import DatasetRecord
from catalogue.models import Dataset

Kind = fields.Kind


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


def _fit(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def keywords_from_record(values: list[str]) -> list[str]:
    """Keywords kept whole; a value holding several, joined with commas, becomes several.

    Cutting a keyword (and marking the cut with "…") would make a tag the source never had,
    which other catalogues refuse when they harvest us back. Duplicates are dropped whatever
    their case, keeping the first spelling.
    """
    seen: dict[str, str] = {}
    for value in values:
        for part in value.split(","):
            keyword = " ".join(part.split())
            if keyword:
                seen.setdefault(keyword.lower(), keyword)
    return list(seen.values())


def _converter(row: fields.DatasetField) -> Callable[[Any], Any]:
    """How a record's value of this field kind is fitted to the model (lengths from the table)."""
    limit = row.max_length
    if row.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.URL, Kind.IDENTIFIER):
        return lambda value: _fit(value, limit)
    if row.kind == Kind.TEXT_LIST:
        return lambda values: [_fit(value, limit) for value in values]
    if row.kind == Kind.DATETIME:
        return _aware
    if row.kind == Kind.CHOICE:
        # A set, not TextChoices.values (a new list on every access): this runs per record.
        known = frozenset(getattr(vocabularies, row.vocabulary).values)
        default = Dataset._meta.get_field(row.name).get_default()
        return lambda value: value if value in known else default
    return lambda value: value


# Every scalar row of catalogue/fields.py that a DatasetRecord carries is mapped by its kind;
# these few are mapped by hand below.
_BY_HAND = {"identifier", "keyword", "temporal_end"}
_RECORD_FIELDS = {f.name for f in dataclasses.fields(DatasetRecord)}
_CONVERTERS = [
    (row.name, _converter(row))
    for row in fields.DATASET_FIELDS
    if row.kind in fields.SCALAR_KINDS and row.name in _RECORD_FIELDS - _BY_HAND
]
_IDENTIFIER_CAP = fields.max_length("identifier")
_IRI_CAP = Dataset._meta.get_field("iri").max_length


def dataset_fields_from_record(record: DatasetRecord) -> dict:
    """Model field values for a record; unknown vocabulary values fall back to the defaults."""
    values = {name: convert(getattr(record, name)) for name, convert in _CONVERTERS}
    values["identifier"] = _fit(record.identifier or record.source_identifier, _IDENTIFIER_CAP)
    values["keyword"] = keywords_from_record(record.keyword)
    values["iri"] = _fit(record.iri, _IRI_CAP)  # provenance, not a metadata field of the table
    start, end = record.temporal_start, record.temporal_end
    values["temporal_end"] = end if not (start and end) or end >= start else None
    return values


def distribution_fields_from_record(record: DatasetRecord) -> list[dict]:
    """Model field values of the record's distributions, in order (position = index).

    A format the source left out is derived from the media type or the link's file extension,
    and a media type from a known format (catalogue/mediatypes.py), so a distribution whose
    source gave only one of them is still found by the format facet.
    """
    fields = []
    for i, d in enumerate(record.distribution):
        fmt, media_type = mediatypes.derive(
            format=d.format, media_type=d.media_type, url=d.download_url or d.access_url
        )
        fields.append(
            {
                "position": i,
                "title": _fit(d.title, 300),
                "description": d.description,
                "access_url": _fit(d.access_url, 2000),
                "download_url": _fit(d.download_url, 2000),
                "media_type": _fit(media_type, 200),
                "format": _fit(fmt, 100),
                "byte_size": d.byte_size,
                "checksum": _fit(d.checksum, 200),
                "licence": _fit(d.licence, 500),
                "conforms_to": _fit(d.conforms_to, 1000),
            }
        )
    return fields


def contact_fields_from_record(record: DatasetRecord) -> list[dict]:
    return [
        {"name": _fit(c.name, 200), "email": _fit(c.email, 254), "role": c.role}
        for c in record.contact_point
        if c.name or c.email
    ]
