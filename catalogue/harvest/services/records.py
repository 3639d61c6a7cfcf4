"""Turning harvest records into datasets: the one mapping from `DatasetRecord` to the model.

Used by the harvest service (catalogue/services/harvest_upsert.py), which adds batching,
content hashes and withdrawals on top. Records come from other catalogues, so values are fitted
to our limits (lengths, vocabularies) rather than refused: the parser has already recorded
warnings.
"""

import datetime as dt

from django.utils import timezone

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


def dataset_fields_from_record(record: DatasetRecord) -> dict:
    """Model field values for a record; unknown vocabulary values fall back to safe defaults."""
    return {
        "identifier": _fit(record.identifier or record.source_identifier, 500),
        "type": record.type if record.type in _TYPES else DatasetType.DATASET,
        "title": _fit(record.title, 200),
        "alternative_title": [_fit(t, 200) for t in record.alternative_title],
        "summary": _fit(record.summary, 250),
        "description": _fit(record.description, 4096),
        # Kept whole: a keyword cut with an ellipsis is a different keyword (the parser has
        # already capped absurd lengths with a warning).
        "keyword": list(record.keyword),
        "creator": list(record.creator),
        "licence": _fit(record.licence, 500),
        "access_rights": record.access_rights
        if record.access_rights in _ACCESS_RIGHTS
        else AccessRights.OPEN,
        "update_frequency": record.update_frequency
        if record.update_frequency in _FREQUENCIES
        else "",
        "issued": _aware(record.issued),
        "modified": _aware(record.modified),
        "version": _fit(record.version, 50),
        "spatial": _fit(record.spatial, 500),
        "temporal_start": record.temporal_start,
        "temporal_end": record.temporal_end
        if not (record.temporal_start and record.temporal_end)
        or record.temporal_end >= record.temporal_start
        else None,
        "landing_page": _fit(record.landing_page, 1000),
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
