"""HDR UK Innovation Gateway dataset export (HDR UK dataset schema v2), streamed.

The Gateway publishes its datasets as one JSON document `{"count": n, "dataModels": [...]}`,
each data model in the HDR UK dataset schema v2 (summary, documentation, coverage, provenance,
accessibility, enrichmentAndLinkage). ijson yields one data model at a time, so memory stays
flat however large the export grows. A whole-document structural pass (`check_hdruk`) runs
before the first record, so a truncated, invalid or partial download fails before anything is
written.

Mapping follows the parsers' leniency rules: only a model with no title (or no identifier) is
a `RecordError`; anything else that cannot be mapped is a warning, and values with no field of
ours are kept in extras. Custodians fill unknown values with placeholders ("NOT APPLICABLE",
"not available", "TBC", "None", "In Progress"): those are treated as empty, not as content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import ijson

from .common import (
    MAX_SHORT,
    MAX_TEXT,
    cap_strings,
    clean_keywords,
    clean_text,
    content_hash,
    dedupe_warnings,
    map_frequency,
    parse_datetime,
    strip_mailto,
)
from .datajson import BUF_SIZE, Known, Source, open_source
from .errors import SourceMalformed
from .http import OutboundClient
from .records import ContactRecord, DatasetRecord, RecordError, UnchangedRecord

ITEMS = "dataModels.item"

# Placeholders custodians write where the schema asks for a value they do not have.
PLACEHOLDERS = frozenset(
    {
        "-",
        "n/a",
        "na",
        "nil",
        "none",
        "null",
        "not applicable",
        "not available",
        "not known",
        "unknown",
        "tbc",
        "tbd",
        "to be confirmed",
        "to be decided",
        "yet to be decided",
        "in progress",
    }
)
# Only a plain statement that the data is open makes a record OPEN. Gateway datasets are
# health data reached through data access requests: an application-process URL, "contact the
# publisher", or any other text means access is controlled, and a harvested record must never
# be more open than its source says, so everything else is RESTRICTED.
OPEN_STATEMENTS = frozenset(
    {"open", "open access", "open data", "public", "publicly available", "freely available"}
)
_OPEN_ENDED = frozenset({"ongoing", "present", "current", "continuing"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# Paths mapped onto our own fields; everything else that holds a value is kept in extras.
_MAPPED = {
    ("identifier",),
    ("issued",),
    ("modified",),
    ("version",),
    ("summary", "title"),
    ("summary", "abstract"),
    ("summary", "keywords"),
    ("summary", "contactPoint"),
    ("summary", "publisher", "name"),
    ("summary", "publisher", "contactPoint"),
    ("documentation", "description"),
    ("coverage", "spatial"),
    ("provenance", "temporal", "accrualPeriodicity"),
    ("provenance", "temporal", "startDate"),
    ("provenance", "temporal", "endDate"),
}


def is_placeholder(text: str) -> bool:
    return text.strip().rstrip(".").strip().lower() in PLACEHOLDERS


def _start(fh: IO[bytes]) -> int:
    """Where the document starts; refuses anything that is not a JSON object."""
    if not fh.seekable():
        raise SourceMalformed("the HDR UK export must be read from a file or seekable stream")
    start = fh.tell()
    head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    fh.seek(start)
    if not head:
        raise SourceMalformed("the HDR UK export is empty")
    if head[:1] != b"{":
        raise SourceMalformed(
            f"the HDR UK export is not a JSON object {{count, dataModels}} "
            f"(starts with {head[:20]!r})"
        )
    return start


def _has_data_models(fh: IO[bytes], start: int) -> bool:
    fh.seek(start)
    try:
        return any(
            p == "" and e == "map_key" and v == "dataModels"
            for p, e, v in ijson.parse(fh, buf_size=BUF_SIZE)
        )
    except ijson.JSONError as exc:
        raise SourceMalformed(f"the HDR UK export is not valid JSON: {exc}") from None


def check_hdruk(source: Source) -> tuple[int, int | None]:
    """Check the whole document cheaply: (data models found, the `count` it declares).

    Raises SourceMalformed for invalid or truncated JSON, a document with no `dataModels`
    array, or one that declares more models than it holds (one page of a larger listing:
    withdrawing what it leaves out would be wrong).
    """
    with ExitStack() as stack:
        fh = open_source(source, stack)
        start = _start(fh)
        found = 0
        try:
            for _item in ijson.items(fh, ITEMS, use_float=True, buf_size=BUF_SIZE):
                found += 1
            fh.seek(start)
            declared = next(ijson.items(fh, "count", use_float=True, buf_size=BUF_SIZE), None)
        except ijson.JSONError as exc:
            raise SourceMalformed(
                f"the HDR UK export is not valid JSON (after {found} data models): {exc}"
            ) from None
        if found == 0 and not _has_data_models(fh, start):
            raise SourceMalformed("the HDR UK export has no 'dataModels' array")
        if not isinstance(declared, int) or isinstance(declared, bool):
            declared = None
        if declared is not None and declared > found:
            raise SourceMalformed(
                f"the HDR UK export declares {declared} data models but holds {found}: it looks "
                "like part of a larger listing, so nothing was harvested from it"
            )
        return found, declared


def parse_hdruk(
    source: Source, *, base_url: str = "", known: Known | None = None
) -> Iterator[DatasetRecord | RecordError | UnchangedRecord]:
    """One DatasetRecord (or RecordError) per data model; with `known`, a model the caller
    already holds with the same content hash is yielded as an UnchangedRecord, unmapped.

    Raises SourceMalformed on invalid JSON, possibly after some records: call `check_hdruk`
    first (`parse_file` and `HdrukHarvest` do)."""
    with ExitStack() as stack:
        fh = open_source(source, stack)
        _start(fh)
        seen = 0
        try:
            for raw in ijson.items(fh, ITEMS, use_float=True, buf_size=BUF_SIZE):
                seen += 1
                if known is not None and isinstance(raw, dict):
                    quick_id = str(raw.get("identifier") or "").strip()
                    if quick_id and known(quick_id, content_hash(raw)):
                        yield UnchangedRecord(quick_id)
                        continue
                yield map_data_model(raw, index=seen, base_url=base_url)
        except ijson.JSONError as exc:
            raise SourceMalformed(
                f"the HDR UK export is not valid JSON (after {seen} data models): {exc}"
            ) from None


def parse_file(
    path: str | Path, *, known: Known | None = None
) -> Iterator[DatasetRecord | RecordError | UnchangedRecord]:
    """Records of a saved export, for `manage.py harvest --file`: checked whole first."""
    check_hdruk(path)
    return parse_hdruk(path, known=known)


class HdrukHarvest:
    """Fetch the export to a temporary file, check it whole, then stream its records.

    The Gateway export has no incremental form, so every run lists everything: `complete` is
    True once every record was yielded.
    """

    def __init__(self, client: OutboundClient, url: str, *, known: Known | None = None) -> None:
        self.client = client
        self.url = url
        self.known = known
        self.complete = False
        self.warnings: list[str] = []

    def __iter__(self) -> Iterator[DatasetRecord | RecordError | UnchangedRecord]:
        with self.client.stream_to_tempfile(self.url, suffix=".json") as download:
            found, declared = check_hdruk(download.path)
            if declared is None:
                self.warnings.append("The export declares no count of its data models.")
            elif declared != found:
                self.warnings.append(
                    f"The export declares {declared} data models but holds {found}."
                )
            yield from parse_hdruk(download.path, base_url=self.url, known=self.known)
        self.complete = True


def open_harvest(
    client: OutboundClient,
    url: str,
    *,
    since: dt.datetime | None = None,
    page_size: int = 100,
    known: Known | None = None,
) -> HdrukHarvest:
    """The registry's entry point: the export has no paging and no incremental form."""
    return HdrukHarvest(client, url, known=known)


# -- mapping ---------------------------------------------------------------------------------


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _text(value: Any, warnings: list[str], field: str, limit: int = MAX_SHORT) -> str:
    if isinstance(value, dict):
        return ""
    text = clean_text(value, warnings, field, limit)
    return "" if is_placeholder(text) else text


def _texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, str | int | float) and not isinstance(v, bool):
            text = str(v).strip()
            if text and not is_placeholder(text):
                out.append(text)
    return out


def _date(value: Any, warnings: list[str], field: str, extras: dict) -> dt.date | None:
    text = _text(value, warnings, field, 200)
    if not text or text.lower() in _OPEN_ENDED:
        return None
    parsed = parse_datetime(text, warnings, field)
    if parsed is None:
        extras[field.replace(".", "_")] = text
    return parsed.date() if parsed else None


def _access_rights(text: str) -> str:
    return "OPEN" if text.rstrip(".").strip().lower() in OPEN_STATEMENTS else "RESTRICTED"


def _contacts(raw: dict, warnings: list[str], extras: dict) -> list[ContactRecord]:
    contacts: list[ContactRecord] = []
    seen: set[str] = set()
    for path in (("summary", "contactPoint"), ("summary", "publisher", "contactPoint")):
        for text in _texts(_get(raw, *path)):
            # Several addresses are sometimes given in one value.
            for part in re.split(r"[;,\s]+", strip_mailto(text)) if "@" in text else [text]:
                value = strip_mailto(part)
                if not value or value.lower() in seen:
                    continue
                seen.add(value.lower())
                if _EMAIL.match(value):
                    contacts.append(ContactRecord(email=value))
                else:
                    extras.setdefault("contact_point", []).append(value)
                    warnings.append(f"contact point {value[:100]!r} is not an email address")
    return contacts


def _leftovers(obj: Any, path: tuple[str, ...] = ()) -> Any:
    """What a value holds beyond the mapped paths and placeholders; None when nothing."""
    if path in _MAPPED:
        return None
    if isinstance(obj, dict):
        kept = {k: _leftovers(v, (*path, k)) for k, v in obj.items()}
        kept = {k: v for k, v in kept.items() if v is not None}
        return kept or None
    if isinstance(obj, list):
        kept = [v for v in (_leftovers(v, path) for v in obj) if v is not None]
        return kept or None
    if isinstance(obj, str):
        return None if not obj.strip() or is_placeholder(obj) else obj.strip()
    return obj


def map_data_model(raw: Any, *, index: int = 0, base_url: str = "") -> DatasetRecord | RecordError:
    """Map one HDR UK dataset schema v2 data model onto a DatasetRecord."""
    if not isinstance(raw, dict):
        return RecordError(f"#{index}", f"data model #{index} is not a JSON object")
    warnings: list[str] = []
    hash_ = content_hash(raw)  # of the source's record as sent, as the quick check computes it
    raw = cap_strings(raw, warnings)
    extras: dict[str, Any] = {}
    identifier = _text(raw.get("identifier"), warnings, "identifier")
    title = _text(_get(raw, "summary", "title"), warnings, "summary.title")
    if not identifier:
        return RecordError(title or f"#{index}", "data model has no identifier")
    if not title:
        return RecordError(identifier, "data model has no summary.title")

    record = DatasetRecord(
        source_identifier=identifier, title=title, warnings=warnings, extras=extras
    )
    if identifier.startswith(("http://", "https://")):
        record.identifier = identifier
        # The identifier is the dataset's page on the Gateway.
        record.landing_page = record.source_url = identifier
    elif base_url:
        record.source_url = base_url
    record.summary = _text(_get(raw, "summary", "abstract"), warnings, "summary.abstract", MAX_TEXT)
    description = _text(
        _get(raw, "documentation", "description"), warnings, "description", MAX_TEXT
    )
    if _URL.match(description):
        # Some custodians give only a link to their documentation: a link, not a description.
        extras["documentation_url"] = description
        description = ""
    record.description = description or record.summary
    # Some custodians put several keywords in one value, separated by semicolons.
    keywords = [k for text in _texts(_get(raw, "summary", "keywords")) for k in text.split(";")]
    record.keyword = clean_keywords([k for k in keywords if not is_placeholder(k)], warnings)
    # Every Gateway dataset is a health dataset: the source type itself says so.
    record.theme = ["health"]
    record.publisher_name = _text(
        _get(raw, "summary", "publisher", "name"), warnings, "summary.publisher.name"
    )
    record.contact_point = _contacts(raw, warnings, extras)

    access = _text(
        _get(raw, "accessibility", "access", "accessRights"), warnings, "accessRights", MAX_TEXT
    )
    record.access_rights = _access_rights(access)

    doi = _text(_get(raw, "summary", "doiName"), warnings, "doiName")
    if doi and not _DOI.match(doi.removeprefix("https://doi.org/")):
        warnings.append(f"doiName {doi[:100]!r} is not a DOI; kept in extras")

    frequency = _text(
        _get(raw, "provenance", "temporal", "accrualPeriodicity"), warnings, "accrualPeriodicity"
    )
    if frequency:
        record.update_frequency = map_frequency(frequency, warnings, extras)
    record.temporal_start = _date(
        _get(raw, "provenance", "temporal", "startDate"), warnings, "temporal.startDate", extras
    )
    record.temporal_end = _date(
        _get(raw, "provenance", "temporal", "endDate"), warnings, "temporal.endDate", extras
    )
    record.spatial = _text(_get(raw, "coverage", "spatial"), warnings, "coverage.spatial")
    record.issued = parse_datetime(_text(raw.get("issued"), warnings, "issued"), warnings, "issued")
    record.modified = parse_datetime(
        _text(raw.get("modified"), warnings, "modified"), warnings, "modified"
    )
    record.version = _text(raw.get("version"), warnings, "version", 200)

    # Access conditions, DOI (often a paper's, not the dataset's), jurisdiction, data
    # controller, formats, standards, languages and the rest have no field of ours: kept.
    for key, value in (_leftovers(raw) or {}).items():
        extras[key] = value
    record.content_hash = hash_
    dedupe_warnings(record.warnings)
    return record
