"""Turning harvest records into datasets: the one mapping from `DatasetRecord` to the model.

Used by the harvest service (catalogue/services/harvest_upsert.py), which adds batching,
content hashes and withdrawals on top. Records come from other catalogues, so values are fitted
to our limits (lengths from catalogue/fields.py, vocabularies) rather than refused: the parser
has already recorded warnings. Keywords are never cut: other catalogues match them whole.
"""

import datetime as dt

from django.utils import timezone

from catalogue.fields import FIELDS
from catalogue.harvest.parsers.records import DatasetRecord
from catalogue.vocabularies import AccessRights, DatasetType, UpdateFrequency

# Sets, not TextChoices.values (a new list on every access): this runs once per harvested record.
_TYPES = frozenset(DatasetType.values)
_ACCESS_RIGHTS = frozenset(AccessRights.values)
_FREQUENCIES = frozenset(UpdateFrequency.values)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


def _fit(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The model's lengths, read from the field table once (alternative titles: per title).
CAPS = {
    name: FIELDS[name].max_length
    for name in (
        "identifier", "title", "alternative_title", "summary", "description", "licence",
        "version", "spatial", "landing_page",
    )
}  # fmt: skip


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


def dataset_fields_from_record(record: DatasetRecord) -> dict:
    """Model field values for a record; unknown vocabulary values fall back to safe defaults."""
    return {
        "identifier": _fit(record.identifier or record.source_identifier, CAPS["identifier"]),
        "type": record.type if record.type in _TYPES else DatasetType.DATASET,
        "title": _fit(record.title, CAPS["title"]),
        "alternative_title": [_fit(t, CAPS["alternative_title"]) for t in record.alternative_title],
        "summary": _fit(record.summary, CAPS["summary"]),
        "description": _fit(record.description, CAPS["description"]),
        "keyword": keywords_from_record(record.keyword),
        "creator": list(record.creator),
        "licence": _fit(record.licence, CAPS["licence"]),
        "access_rights": record.access_rights
        if record.access_rights in _ACCESS_RIGHTS
        else AccessRights.OPEN,
        "update_frequency": record.update_frequency
        if record.update_frequency in _FREQUENCIES
        else "",
        "issued": _aware(record.issued),
        "modified": _aware(record.modified),
        "version": _fit(record.version, CAPS["version"]),
        "spatial": _fit(record.spatial, CAPS["spatial"]),
        "temporal_start": record.temporal_start,
        "temporal_end": record.temporal_end
        if not (record.temporal_start and record.temporal_end)
        or record.temporal_end >= record.temporal_start
        else None,
        "landing_page": _fit(record.landing_page, CAPS["landing_page"]),
    }


def distribution_fields_from_record(record: DatasetRecord) -> list[dict]:
    """Model field values of the record's distributions, in order (position = index)."""
    return [
        {
            "position": i,
            "title": _fit(d.title, 300),
            "description": d.description,
            "access_url": _fit(d.access_url, 2000),
            "download_url": _fit(d.download_url, 2000),
            "media_type": _fit(d.media_type, 200),
            "format": _fit(d.format, 100),
            "byte_size": d.byte_size,
            "checksum": _fit(d.checksum, 200),
            "licence": _fit(d.licence, 500),
            "conforms_to": _fit(d.conforms_to, 1000),
        }
        for i, d in enumerate(record.distribution)
    ]


def contact_fields_from_record(record: DatasetRecord) -> list[dict]:
    return [
        {"name": _fit(c.name, 200), "email": _fit(c.email, 254), "role": c.role}
        for c in record.contact_point
        if c.name or c.email
    ]
