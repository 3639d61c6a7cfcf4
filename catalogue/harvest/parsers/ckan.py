"""CKAN Action API harvesting: `package_search` paging and package-dict mapping.

CKAN is the most common government catalogue, and its package dicts vary by site (data.gov.uk
puts theme and contact fields at the top level, data.gov puts DCAT-US values in `extras`), so
the mapping reads both places. Paging by `start`/`rows` is not a snapshot: the listing can
change while we read it, and some sites misreport `count` or ignore `start`. `CkanHarvest`
therefore de-duplicates by id, stops on an empty page or a page with nothing new, and exposes
`complete`: False whenever the listing cannot be trusted to be the whole catalogue, in which
case the service must not withdraw records missing from this run. Incremental runs (`since`)
are never complete listings either.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from .common import (
    MAX_SHORT,
    cap_strings,
    clean_emails,
    clean_keywords,
    clean_text,
    clean_url,
    content_hash,
    dedupe_warnings,
    is_web_url,
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
from .records import ContactRecord, DatasetRecord, DistributionRecord, RecordError, UnchangedRecord

Known = Callable[[str, str], bool]  # (source_identifier, content_hash) -> already held as is

# Values that change without the metadata changing; left out of the content hash.
_VOLATILE = {
    "tracking_summary",
    "archiver",
    "qa",
    "revision_id",
    "revision_timestamp",
    "cache_last_updated",
    "cache_url",
}
_FILE_FORMATS = {
    "csv",
    "tsv",
    "xls",
    "xlsx",
    "ods",
    "json",
    "geojson",
    "xml",
    "zip",
    "pdf",
    "txt",
    "rdf",
    "ttl",
    "shp",
    "kml",
    "kmz",
    "gpkg",
    "parquet",
    "doc",
    "docx",
    "odt",
    "gz",
    "tar",
    "excel",
}
_FREQUENCY_KEYS = (
    "update_frequency",
    "frequency",
    "frequency-of-update",
    "UpdateFrequency",
    "accrualPeriodicity",
    "accrual_periodicity",
)


class CkanHarvest:
    """Iterate over every package of a CKAN site (or those modified since `since`)."""

    def __init__(
        self,
        client: OutboundClient,
        base_url: str,
        *,
        since: dt.datetime | None = None,
        page_size: int = 100,
        max_pages: int = 100_000,
        extra_fq: str = "",
        known: Known | None = None,
    ) -> None:
        self.client = client
        self.known = known
        self.base_url = base_url.rstrip("/")
        self.since = since
        self.page_size = page_size
        self.max_pages = max_pages
        self.extra_fq = extra_fq
        self.expected_count: int | None = None
        self.seen = 0
        self.complete = False
        self.warnings: list[str] = []

    def _params(self, start: int) -> dict[str, Any]:
        fq = []
        if self.since is not None:
            since = self.since.astimezone(dt.UTC) if self.since.tzinfo else self.since
            fq.append(f"metadata_modified:[{since:%Y-%m-%dT%H:%M:%S.%f}Z TO *]")
        if self.extra_fq:
            fq.append(self.extra_fq)
        params: dict[str, Any] = {
            "rows": self.page_size,
            "start": start,
            "sort": "metadata_modified asc,id asc",
        }
        if fq:
            params["fq"] = " AND ".join(fq)
        return params

    def __iter__(self) -> Iterator[DatasetRecord | RecordError]:
        url = f"{self.base_url}/api/3/action/package_search"
        # Duplicates come from rows shifting between requests, so they sit at page edges:
        # remembering the last two pages catches them without an id set that grows with the
        # catalogue (the upsert is idempotent for anything that slips through).
        recent: deque[set[str]] = deque(maxlen=2)
        start = 0
        consistent = True
        for _page in range(self.max_pages):
            payload = self.client.get_json(url, self._params(start))
            result = _result(payload, "package_search")
            packages = result.get("results")
            count = result.get("count")
            if not isinstance(packages, list) or not isinstance(count, int):
                raise SourceMalformed("package_search result has no 'results' list or 'count'")
            if self.expected_count is None:
                self.expected_count = count
            elif count != self.expected_count:
                consistent = False
                self.warnings.append(
                    f"source count changed from {self.expected_count} to {count} while paging"
                )
                self.expected_count = count
            if not packages:
                break
            new = 0
            page_ids: set[str] = set()
            for package in packages:
                key = (
                    str(package.get("id") or package.get("name"))
                    if isinstance(package, dict)
                    else ""
                )
                if key and (key in page_ids or any(key in ids for ids in recent)):
                    continue
                page_ids.add(key)
                new += 1
                self.seen += 1
                yield _parse_unless_known(package, self.known, self.base_url)
            recent.append(page_ids)
            if new == 0:
                consistent = False
                self.warnings.append(f"page at start={start} had nothing new; stopped paging")
                break
            start += len(packages)
            if start >= count:
                break
        else:
            consistent = False
            self.warnings.append(f"stopped after {self.max_pages} pages")
        if self.seen != self.expected_count:
            consistent = False
            self.warnings.append(
                f"source reported {self.expected_count} packages but {self.seen} were listed"
            )
        self.complete = consistent and self.since is None


def harvest_ckan(
    client: OutboundClient,
    base_url: str,
    *,
    since: dt.datetime | None = None,
    page_size: int = 100,
) -> CkanHarvest:
    """Convenience constructor; iterate the result, then read `.complete` and `.warnings`."""
    return CkanHarvest(client, base_url, since=since, page_size=page_size)


def _result(payload: Any, action: str) -> Any:
    if not isinstance(payload, dict):
        raise SourceMalformed(f"{action} response is not a JSON object")
    if payload.get("success") is False:
        error = payload.get("error") or {}
        message = error.get("message") if isinstance(error, dict) else error
        raise SourceMalformed(f"CKAN {action} failed: {str(message)[:300]}")
    result = payload.get("result", payload)
    if not isinstance(result, dict):
        raise SourceMalformed(f"{action} response has no result object")
    return result


def _parse_unless_known(
    package: Any, known: Known | None, base_url: str
) -> DatasetRecord | RecordError | UnchangedRecord:
    """An UnchangedRecord, without mapping, for a package the caller holds with this hash.

    The identifier and hash are the ones parse_package gives unless a value needs cutting (then
    they differ and the package is simply mapped in full).
    """
    if known is not None and isinstance(package, dict):
        quick_id = str(package.get("id") or package.get("name") or "").strip()
        if quick_id and known(quick_id, content_hash(_stable(package))):
            return UnchangedRecord(quick_id)
    return parse_package(package, base_url=base_url)


def parse_ckan_file(
    path: str | Path, *, base_url: str = "", known: Known | None = None
) -> Iterator[DatasetRecord | RecordError | UnchangedRecord]:
    """Records from a saved package_search or package_show response (or a bare package dict,
    or a JSON list of package dicts), for `manage.py harvest --file`."""
    try:
        payload = orjson.loads(Path(path).read_bytes())
    except orjson.JSONDecodeError as exc:
        raise SourceMalformed(f"{Path(path).name} is not valid JSON: {exc}") from None
    if isinstance(payload, list):
        packages = payload
    else:
        result = _result(payload, "CKAN")
        if isinstance(result.get("results"), list):
            packages = result["results"]
        elif "name" in result or "id" in result:
            packages = [result]
        else:
            raise SourceMalformed(f"{Path(path).name} holds no CKAN package or search result")
    for package in packages:
        yield _parse_unless_known(package, known, base_url)


def _flat_extras(package: dict[str, Any]) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    raw = package.get("extras") or []
    if isinstance(raw, dict):
        return dict(raw)
    for item in raw:
        if isinstance(item, dict) and item.get("key") is not None:
            extras.setdefault(str(item["key"]), item.get("value"))
    return extras


def _first(*values: Any) -> Any:
    """The first non-empty value; unwraps data.gov.uk's one-item lists."""
    for value in values:
        if isinstance(value, list):
            value = next((v for v in value if v not in (None, "")), None)
        if isinstance(value, str) and value.strip() in ("", "[]"):
            continue
        if value not in (None, ""):
            return value
    return None


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return [value]
        return decoded if isinstance(decoded, list) else [decoded]
    return value if isinstance(value, list) else [value]


def parse_package(package: Any, *, base_url: str = "") -> DatasetRecord | RecordError:
    """Map one CKAN package dict onto a DatasetRecord."""
    if not isinstance(package, dict):
        return RecordError("?", "package is not a JSON object")
    warnings: list[str] = []
    package = cap_strings(package, warnings)
    source_id = str(package.get("id") or package.get("name") or "").strip()
    name = clean_text(package.get("name"), warnings, "name", MAX_SHORT)
    title = clean_text(package.get("title"), warnings, "title", MAX_SHORT)
    if not title and name:
        title = name
        warnings.append("no title; used the package name")
    if not source_id:
        return RecordError(title or "?", "package has neither id nor name")
    if not title:
        return RecordError(source_id, "package has no title")
    ex = _flat_extras(package)
    extras: dict[str, Any] = {}
    record = DatasetRecord(
        source_identifier=source_id, title=title, warnings=warnings, extras=extras
    )
    record.description = clean_text(package.get("notes"), warnings, "notes")
    # ckanext-dcat's names: `uri` is the dataset's IRI, `identifier` its original identifier.
    iri = _first(ex.get("uri"))
    if isinstance(iri, str) and is_web_url(iri.strip()):
        record.iri = iri.strip()
    identifier = _first(ex.get("identifier"), ex.get("dcat_identifier"), ex.get("guid"))
    record.identifier = clean_text(identifier or record.iri, warnings, "identifier", MAX_SHORT)

    tags = package.get("tags") or []
    if isinstance(tags, list):
        record.keyword = clean_keywords(
            ((t.get("display_name") or t.get("name")) if isinstance(t, dict) else t for t in tags),
            warnings,
        )

    unmapped_groups = []
    for group in package.get("groups") or []:
        if not isinstance(group, dict):
            continue
        code = map_theme(str(group.get("name") or "")) or map_theme(str(group.get("title") or ""))
        if code:
            if code not in record.theme:
                record.theme.append(code)
        else:
            unmapped_groups.append(group.get("title") or group.get("name"))
    if unmapped_groups:
        extras["groups"] = unmapped_groups
    for value in _as_list(_first(package.get("theme-primary"), ex.get("theme-primary"))) + _as_list(
        _first(package.get("theme-secondary"), ex.get("theme-secondary"))
    ):
        code = map_theme(str(value))
        if code and code not in record.theme:
            record.theme.append(code)
        elif not code:
            extras.setdefault("theme", []).append(value)

    org = package.get("organization")
    publisher = org.get("title") or org.get("name") if isinstance(org, dict) else None
    # The original publisher where the package names one (ckanext-dcat's `publisher_name`, a
    # harvested record's `source_publisher_name`), else the CKAN organisation that holds it.
    record.publisher_name = clean_text(
        _first(
            ex.get("publisher_name"),
            ex.get("source_publisher_name"),
            publisher,
            ex.get("publisher"),
            ex.get("dcat_publisher_name"),
        ),
        warnings,
        "publisher",
        MAX_SHORT,
    )
    publisher_uri = _first(ex.get("publisher_uri"))
    if isinstance(publisher_uri, str) and is_web_url(publisher_uri.strip()):
        record.publisher_uri = publisher_uri.strip()
    if ex.get("publisher_hierarchy"):
        extras["publisher_hierarchy"] = ex["publisher_hierarchy"]

    _contacts(record, package, ex, warnings)
    _licence(record, package, ex, warnings)

    access = _first(
        ex.get("access_rights"),
        ex.get("access_level"),
        ex.get("accessLevel"),
        package.get("access_level"),
    )
    if access:  # an access level we do not recognise is treated as restricted, never open
        record.access_rights = map_access(access, warnings, extras)
    elif package.get("private") is True:
        record.access_rights = "INTERNAL"
    else:  # a public CKAN package with no access level: the site publishes it to anyone
        record.access_rights = "OPEN"
    # What another node of this product says about who may see the record travels with it.
    for field in ("metadata_visibility", "security_classification", "personal_data"):
        value = _first(ex.get(field))
        if isinstance(value, str) and value.strip():
            setattr(record, field, value.strip())
    frequency = _first(
        *(package.get(k) for k in _FREQUENCY_KEYS), *(ex.get(k) for k in _FREQUENCY_KEYS)
    )
    if frequency:
        record.update_frequency = map_frequency(frequency, warnings, extras)

    start = _first(
        package.get("temporal_coverage-from"),
        ex.get("temporal_coverage-from"),
        ex.get("temporal_start"),
    )
    end = _first(
        package.get("temporal_coverage-to"), ex.get("temporal_coverage-to"), ex.get("temporal_end")
    )
    if start or end:
        s = parse_datetime(start, warnings, "temporal start")
        e = parse_datetime(end, warnings, "temporal end")
        record.temporal_start = s.date() if s else None
        record.temporal_end = e.date() if e else None
    elif ex.get("temporal"):
        record.temporal_start, record.temporal_end = parse_temporal(
            ex["temporal"], warnings, extras
        )

    spatial = _first(ex.get("spatial"), package.get("geographic_coverage"), ex.get("spatial_text"))
    if spatial:
        record.spatial = clean_text(spatial, warnings, "spatial")

    record.issued = parse_datetime(package.get("metadata_created"), warnings, "metadata_created")
    record.modified = parse_datetime(
        package.get("metadata_modified"), warnings, "metadata_modified"
    )
    record.version = clean_text(package.get("version"), warnings, "version", 200)
    record.landing_page = clean_url(package.get("url"), warnings, "url", extras=extras)
    if base_url and name:
        record.source_url = f"{base_url.rstrip('/')}/dataset/{name}"
    resources = package.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        if isinstance(resource, dict):
            record.distribution.append(_resource(resource, warnings, extras))
    # data.gov keeps DCAT-US values (bureauCode, programCode, rights…) in extras.
    keep_pod_values(ex, extras, warnings)
    if package.get("state") not in (None, "active"):
        warnings.append(f"package state is {package.get('state')!r}")
        extras["state"] = package.get("state")
    extras["ckan_name"] = name
    extras["ckan_extras"] = ex
    record.content_hash = content_hash(_stable(package))
    dedupe_warnings(record.warnings)
    return record


def _contacts(
    record: DatasetRecord, package: dict[str, Any], ex: dict[str, Any], warnings: list[str]
) -> None:
    author = clean_text(package.get("author"), warnings, "author", MAX_SHORT)
    if author:
        record.creator.append(author)
    people = [
        (package.get("maintainer"), package.get("maintainer_email")),
        (package.get("author"), package.get("author_email")),
        (
            ex.get("contact-name") or ex.get("contact_name"),
            _first(package.get("contact-email"), ex.get("contact-email"), ex.get("contact_email")),
        ),
    ]
    emails: set[str] = set()
    for raw_name, raw_email in people:
        name = clean_text(raw_name, warnings, "contact name", MAX_SHORT)
        found = clean_emails(_first(raw_email), warnings, "contact email", extras=record.extras)
        for email in found or [""]:
            if not (name or email) or (email and email.lower() in emails):
                continue
            if not email and any(c.name == name for c in record.contact_point):
                continue
            emails.add(email.lower())
            record.contact_point.append(ContactRecord(name=name, email=email))


def _licence(
    record: DatasetRecord, package: dict[str, Any], ex: dict[str, Any], warnings: list[str]
) -> None:
    candidates = [
        package.get("license_id"),
        package.get("license_url"),
        ex.get("license_url"),
        ex.get("license"),
    ]
    candidates = [c for c in candidates if isinstance(c, str) and c.strip()]
    for candidate in candidates:
        quiet: list[str] = []
        mapped = map_licence(candidate, quiet)
        if mapped and not quiet:
            record.licence = mapped
            break
    else:
        if candidates:  # none recognised: prefer a URL the user can follow, kept verbatim
            urls = [c for c in candidates if c.startswith(("http://", "https://"))]
            record.licence = map_licence((urls or candidates)[0], warnings)
    if package.get("license_title"):
        record.extras["license_title"] = package["license_title"]


def _resource(
    resource: dict[str, Any], warnings: list[str], extras: dict[str, Any]
) -> DistributionRecord:
    url = clean_url(resource.get("url"), warnings, "resource.url", extras=extras)
    fmt = clean_text(resource.get("format"), warnings, "resource.format", 200)
    is_file = (
        fmt.lower().lstrip(".") in _FILE_FORMATS
        or resource.get("url_type") == "upload"
        or resource.get("resource_type") in ("file", "file.upload")
    )
    size = resource.get("size")
    try:
        byte_size = int(size) if size not in (None, "") else None
    except (TypeError, ValueError):
        byte_size = None
        warnings.append(f"resource size {str(size)[:40]!r} is not a number")
    return DistributionRecord(
        title=clean_text(resource.get("name"), warnings, "resource.name", MAX_SHORT),
        description=clean_text(resource.get("description"), warnings, "resource.description"),
        access_url=url,
        download_url=url if is_file else "",
        media_type=clean_text(resource.get("mimetype"), warnings, "resource.mimetype", 200),
        format=fmt,
        byte_size=byte_size,
        checksum=clean_text(resource.get("hash"), warnings, "resource.hash", 200),
    )


def _stable(package: dict[str, Any]) -> dict[str, Any]:
    stable = {k: v for k, v in package.items() if k not in _VOLATILE}
    stable["resources"] = [
        {k: v for k, v in r.items() if k not in _VOLATILE} if isinstance(r, dict) else r
        for r in package.get("resources") or []
    ]
    return stable
