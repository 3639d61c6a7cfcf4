"""DCAT-US 1.1 (Project Open Data `data.json`) parsing, streamed so memory stays flat.

Agency data.json files run to hundreds of megabytes, so the catalogue is never loaded whole:
ijson yields one dataset object at a time. The price of streaming is that a file broken near
its end (truncated download, invalid JSON) is only discovered after earlier records have been
yielded. `parse_datajson` then raises `SourceMalformed`, and the harvest service MUST treat the
whole run as failed (do not withdraw records that were "missing", do not commit a partial run
as complete). Callers that prefer to fail before touching anything can call
`check_datajson(path)` first: a cheap structural pass with no record mapping.

Leniency follows the product rule: only a record with no title (or nothing to derive an
identifier from) is a `RecordError`; every other fault is a warning on the record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import ijson

from .common import (
    MAX_SHORT,
    cap_strings,
    clean_emails,
    clean_keywords,
    clean_text,
    clean_url,
    content_hash,
    dedupe_warnings,
    keep_pod_values,
    map_access,
    map_frequency,
    map_licence,
    map_theme,
    parse_datetime,
    parse_temporal,
)
from .errors import SourceMalformed
from .http import OutboundClient
from .links import is_web_url
from .records import ContactRecord, DatasetRecord, DistributionRecord, RecordError, UnchangedRecord

Source = str | Path | IO[bytes]
Known = Callable[[str, str], bool]  # (source_identifier, content_hash) -> already held as is
# ijson re-copies a string token for every buffer it spans, so a 50 MB string read 64 KB at a
# time costs ~12 s of CPU; 4 MB reads make it ~0.3 s. Memory is still one dataset at a time
# (plus this buffer); the HTTP client's max_bytes bounds the longest possible string.
BUF_SIZE = 4 * 1024 * 1024


def open_source(source: Source, stack: ExitStack) -> IO[bytes]:
    """A path opened for binary reading (closed with `stack`), or a stream as it is."""
    if isinstance(source, str | Path):
        return stack.enter_context(Path(source).open("rb"))
    return source


def _prefix(fh: IO[bytes]) -> str:
    """'dataset.item' for a catalog object, 'item' for the old bare-array v1.0 form."""
    start = fh.tell() if fh.seekable() else None
    head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if start is None:
        raise SourceMalformed("data.json must be read from a file or seekable stream")
    fh.seek(start)
    if not head:
        raise SourceMalformed("data.json is empty")
    if head[:1] == b"[":
        return "item"
    if head[:1] != b"{":
        raise SourceMalformed(
            f"data.json is not a JSON object or array (starts with {head[:20]!r})"
        )
    return "dataset.item"


def check_datajson(source: Source) -> int:
    """Validate the whole document's JSON structure cheaply; return its dataset count."""
    with ExitStack() as stack:
        fh = open_source(source, stack)
        prefix = _prefix(fh)
        count = 0
        try:
            # items() builds each entry in C; a Python loop over every parse event cost about
            # as much as the rest of an unchanged re-harvest.
            for _item in ijson.items(fh, prefix, use_float=True, buf_size=BUF_SIZE):
                count += 1
        except ijson.JSONError as exc:
            raise SourceMalformed(f"data.json is not valid JSON: {exc}") from None
        return count


def parse_datajson(
    source: Source, *, base_url: str = "", known: Known | None = None
) -> Iterator[DatasetRecord | RecordError | UnchangedRecord]:
    """Yield one DatasetRecord (or RecordError) per entry of the catalogue's `dataset` array.

    With `known`, an entry the caller already holds with the same content hash is yielded as
    an UnchangedRecord without being mapped. Raises SourceMalformed for invalid/truncated JSON,
    possibly after some records were yielded.
    """
    with ExitStack() as stack:
        fh = open_source(source, stack)
        prefix = _prefix(fh)
        seen = 0
        try:
            for raw in ijson.items(fh, prefix, use_float=True, buf_size=BUF_SIZE):
                seen += 1
                if known is not None and isinstance(raw, dict):
                    # The same identifier and hash map_dataset would give, unless a value needs
                    # cutting (then they differ, and the record is simply mapped in full).
                    quick_id = (
                        str(raw.get("identifier") or "").strip()
                        or str(raw.get("landingPage") or "").strip()
                    )
                    if quick_id and known(quick_id, content_hash(raw)):
                        yield UnchangedRecord(quick_id)
                        continue
                yield map_dataset(raw, index=seen, base_url=base_url)
        except ijson.JSONError as exc:
            raise SourceMalformed(
                f"data.json is not valid JSON (after {seen} datasets): {exc}"
            ) from None
        if seen == 0 and prefix == "dataset.item":
            fh.seek(0)
            try:
                has_key = any(
                    p == "" and e == "map_key" and v == "dataset"
                    for p, e, v in ijson.parse(fh, buf_size=BUF_SIZE)
                )
            except ijson.JSONError as exc:
                raise SourceMalformed(f"data.json is not valid JSON: {exc}") from None
            if not has_key:
                raise SourceMalformed("data.json has no 'dataset' array")


class DatajsonHarvest:
    """Fetch a data.json to a temporary file, check it whole, then stream its records.

    The structural check runs before the first record is yielded, so a truncated or invalid
    download fails the run up front instead of after a partial import. `complete` is True once
    every record was yielded (the service may then withdraw what the source no longer lists).
    """

    def __init__(
        self,
        client: OutboundClient,
        url: str,
        *,
        validate_first: bool = True,
        known: Known | None = None,
    ) -> None:
        self.client = client
        self.url = url
        self.known = known
        self.validate_first = validate_first
        self.expected_count: int | None = None
        self.complete = False
        self.warnings: list[str] = []

    def __iter__(self) -> Iterator[DatasetRecord | RecordError | UnchangedRecord]:
        with self.client.stream_to_tempfile(self.url, suffix=".json") as download:
            if self.validate_first:
                self.expected_count = check_datajson(download.path)
            yield from parse_datajson(download.path, base_url=self.url, known=self.known)
        self.complete = True


def map_dataset(raw: Any, *, index: int = 0, base_url: str = "") -> DatasetRecord | RecordError:
    """Map one DCAT-US dataset object onto a DatasetRecord."""
    if not isinstance(raw, dict):
        return RecordError(f"#{index}", f"dataset #{index} is not a JSON object")
    warnings: list[str] = []
    raw = cap_strings(raw, warnings)  # a 50 MB description must not travel any further
    extras: dict[str, Any] = {}
    title = clean_text(raw.get("title"), warnings, "title", MAX_SHORT)
    identifier = clean_text(raw.get("identifier"), warnings, "identifier", MAX_SHORT)
    landing = clean_text(raw.get("landingPage"), warnings, "landingPage", MAX_SHORT)
    source_id = identifier or landing
    if not source_id and title:
        source_id = "title:" + hashlib.sha256(title.encode()).hexdigest()[:32]
        warnings.append("no identifier; derived one from the title")
    if not title:
        return RecordError(source_id or f"#{index}", "dataset has no title")

    record = DatasetRecord(
        source_identifier=source_id, title=title, warnings=warnings, extras=extras
    )
    # The original identifier, whatever its form (a URL, a UUID, "OPM-0003"), kept across hops.
    record.identifier = identifier
    node_iri = str(raw.get("@id") or "").strip()
    if node_iri and is_web_url(node_iri):
        record.iri = node_iri  # the dataset's IRI, as another node of this product gives it
    record.description = clean_text(raw.get("description"), warnings, "description")
    kw = raw.get("keyword")
    # Kept whole; only a value the source joined with commas ("a, b, c") becomes several.
    record.keyword = clean_keywords(
        (str(k).split(",") for k in (kw if isinstance(kw, list) else [kw]) if k is not None),
        warnings,
    )
    if raw.get("accessLevel"):
        record.access_rights = map_access(raw.get("accessLevel"), warnings, extras)
    else:  # unknown is never more open than the source said
        record.access_rights = "RESTRICTED"
        warnings.append("accessLevel missing; treated as restricted public")

    publisher = raw.get("publisher")
    if isinstance(publisher, dict):
        record.publisher_name = clean_text(publisher.get("name"), warnings, "publisher", MAX_SHORT)
        chain = []
        parent = publisher.get("subOrganizationOf")
        while isinstance(parent, dict) and len(chain) < 20:
            chain.append(clean_text(parent.get("name"), warnings, "publisher", MAX_SHORT))
            parent = parent.get("subOrganizationOf")
        if chain:
            extras["publisher_hierarchy"] = chain  # nearest parent first
    elif isinstance(publisher, str):
        record.publisher_name = clean_text(publisher, warnings, "publisher", MAX_SHORT)

    contact = raw.get("contactPoint")
    for c in contact if isinstance(contact, list) else [contact]:
        if isinstance(c, dict):
            name = clean_text(c.get("fn"), warnings, "contactPoint.fn", MAX_SHORT)
            emails = clean_emails(
                c.get("hasEmail"), warnings, "contactPoint.hasEmail", extras=extras
            )
            for email in emails or ([""] if name else []):
                record.contact_point.append(ContactRecord(name=name, email=email))

    distributions = raw.get("distribution")
    for d in distributions if isinstance(distributions, list) else []:
        if isinstance(d, dict):
            record.distribution.append(_distribution(d, warnings, extras))

    if raw.get("accrualPeriodicity"):
        record.update_frequency = map_frequency(raw["accrualPeriodicity"], warnings, extras)
    record.temporal_start, record.temporal_end = parse_temporal(
        raw.get("temporal"), warnings, extras
    )
    spatial = raw.get("spatial")
    record.spatial = clean_text(spatial, warnings, "spatial") if isinstance(spatial, str) else ""

    themes = raw.get("theme") or []
    for t in themes if isinstance(themes, list) else [themes]:
        code = map_theme(str(t))
        if code and code not in record.theme:
            record.theme.append(code)
        elif not code:
            extras.setdefault("theme", []).append(t)

    if raw.get("license"):
        record.licence = map_licence(raw["license"], warnings)
    record.issued = parse_datetime(raw.get("issued"), warnings, "issued")
    record.modified = parse_datetime(raw.get("modified"), warnings, "modified")
    record.landing_page = clean_url(landing, warnings, "landingPage", extras=extras)
    record.source_url = record.landing_page or base_url
    # What our columns cannot hold (or would reshape) is kept as the source gave it, so
    # /data.json can give it back: bureauCode, programCode, spatial, temporal, rights…
    keep_pod_values(raw, extras, warnings)
    record.content_hash = content_hash(raw)
    dedupe_warnings(record.warnings)
    return record


def _distribution(
    d: dict[str, Any], warnings: list[str], extras: dict[str, Any]
) -> DistributionRecord:
    def url(key: str) -> str:
        return clean_url(d.get(key), warnings, f"distribution.{key}", extras=extras)

    return DistributionRecord(
        title=clean_text(d.get("title"), warnings, "distribution.title", MAX_SHORT),
        description=clean_text(d.get("description"), warnings, "distribution.description"),
        access_url=url("accessURL"),
        download_url=url("downloadURL"),
        media_type=clean_text(d.get("mediaType"), warnings, "distribution.mediaType", 200),
        format=clean_text(d.get("format"), warnings, "distribution.format", 200),
        conforms_to=url("conformsTo"),
        licence=map_licence(d["license"], warnings) if d.get("license") else "",
    )
