"""File formats, their media types, file extensions and EU file-type codes, in one table.

Sources give a distribution's format, its media type, or only a link. The catalogue shows and
filters by format, DCAT-AP publishes formats as EU file-type IRIs and media types as IANA IRIs,
and data.json and CKAN carry both as text; all of them read this table, so a format known here
is known everywhere. Plain Python: the Django-free harvest parsers may use it too.

EU file types: http://publications.europa.eu/resource/authority/file-type/<CODE>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class FileFormat:
    label: str  # how the catalogue names the format (the format facet's spelling)
    media_types: tuple[str, ...]  # the first is the one published
    extensions: tuple[str, ...]
    eu_code: str  # the EU file-type authority table's code


FORMATS: tuple[FileFormat, ...] = (
    FileFormat("CSV", ("text/csv", "application/csv"), ("csv",), "CSV"),
    FileFormat("TSV", ("text/tab-separated-values",), ("tsv", "tab"), "TSV"),
    FileFormat("JSON", ("application/json",), ("json",), "JSON"),
    FileFormat(
        "GeoJSON", ("application/geo+json", "application/vnd.geo+json"), ("geojson",), "GEOJSON"
    ),
    FileFormat("XML", ("application/xml", "text/xml"), ("xml",), "XML"),
    FileFormat("XLS", ("application/vnd.ms-excel",), ("xls",), "XLS"),
    FileFormat(
        "XLSX",
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
        ("xlsx",),
        "XLSX",
    ),
    FileFormat("ODS", ("application/vnd.oasis.opendocument.spreadsheet",), ("ods",), "ODS"),
    FileFormat("PDF", ("application/pdf",), ("pdf",), "PDF"),
    FileFormat("ZIP", ("application/zip", "application/x-zip-compressed"), ("zip",), "ZIP"),
    FileFormat("GZIP", ("application/gzip", "application/x-gzip"), ("gz", "gzip"), "GZIP"),
    FileFormat("HTML", ("text/html",), ("html", "htm"), "HTML"),
    FileFormat("TXT", ("text/plain",), ("txt",), "TXT"),
    FileFormat("RDF", ("application/rdf+xml",), ("rdf", "owl"), "RDF_XML"),
    FileFormat("Turtle", ("text/turtle",), ("ttl",), "RDF_TURTLE"),
    FileFormat("JSON-LD", ("application/ld+json",), ("jsonld",), "JSON_LD"),
    FileFormat("N-Triples", ("application/n-triples",), ("nt",), "RDF_N_TRIPLES"),
    FileFormat("KML", ("application/vnd.google-earth.kml+xml",), ("kml",), "KML"),
    FileFormat("KMZ", ("application/vnd.google-earth.kmz",), ("kmz",), "KMZ"),
    FileFormat("SHP", ("application/x-shapefile",), ("shp",), "SHP"),
    FileFormat("GeoPackage", ("application/geopackage+sqlite3",), ("gpkg",), "GPKG"),
    FileFormat("GML", ("application/gml+xml",), ("gml",), "GML"),
    FileFormat("Parquet", ("application/vnd.apache.parquet",), ("parquet",), "PARQUET"),
    FileFormat("DOC", ("application/msword",), ("doc",), "DOC"),
    FileFormat(
        "DOCX",
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        ("docx",),
        "DOCX",
    ),
    FileFormat("ODT", ("application/vnd.oasis.opendocument.text",), ("odt",), "ODT"),
    FileFormat("PNG", ("image/png",), ("png",), "PNG"),
    FileFormat("JPEG", ("image/jpeg",), ("jpg", "jpeg"), "JPEG"),
    FileFormat("Atom", ("application/atom+xml",), ("atom",), "ATOM"),
    FileFormat("RSS", ("application/rss+xml",), ("rss",), "RSS"),
    FileFormat("WMS", (), (), "WMS_SRVC"),
    FileFormat("WFS", (), (), "WFS_SRVC"),
)

_BY_MEDIA_TYPE = {m: f for f in FORMATS for m in f.media_types}
_BY_EXTENSION = {e: f for f in FORMATS for e in f.extensions}
_BY_NAME = {f.label.lower(): f for f in FORMATS} | {f.eu_code.lower(): f for f in FORMATS}
_BY_NAME.update({e: f for f in FORMATS for e in f.extensions})
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def bare_media_type(value: str) -> str:
    """ "text/csv; charset=utf-8" -> "text/csv"; an IANA IRI -> its type; "" if not a type."""
    text = (value or "").strip().lower()
    if IANA_MEDIA_TYPE[len("https:") :] in text:  # http or https IANA address
        text = text.split("/media-types/", 1)[1]
    text = text.split(";", 1)[0].strip()
    return text if _MEDIA_TYPE.match(text) else ""


def lookup(name: str) -> FileFormat | None:
    """A format by its label, EU code, extension or EU file-type IRI (any case)."""
    text = (name or "").strip()
    if text.lower().startswith(EU_FILE_TYPE.lower()):
        text = text[len(EU_FILE_TYPE) :]
    return _BY_NAME.get(text.lower().lstrip("."))


def from_media_type(media_type: str) -> FileFormat | None:
    return _BY_MEDIA_TYPE.get(bare_media_type(media_type))


def file_name(url: str) -> str:
    """The last part of a link's path ("counts.csv"), or ""."""
    try:
        path = urlsplit((url or "").strip()).path
    except ValueError:
        return ""
    return unquote(PurePosixPath(path).name) if path and not path.endswith("/") else ""


def from_url(url: str) -> FileFormat | None:
    suffix = PurePosixPath(file_name(url)).suffix.lower().lstrip(".")
    return _BY_EXTENSION.get(suffix) if suffix else None


def derive(*, format: str, media_type: str, url: str) -> tuple[str, str]:
    """(format, media type) with what the source left out filled from what it gave.

    A given format is kept as given; a missing one comes from the media type, else the link's
    file extension. A missing media type comes from a known format. Nothing is guessed from
    nothing: unknown stays "".
    """
    known = lookup(format) if format else None
    found = known or from_media_type(media_type) or from_url(url)
    fmt = format.strip() if format and format.strip() else (found.label if found else "")
    media = bare_media_type(media_type)
    if not media and found is not None and found.media_types:
        media = found.media_types[0]
    return fmt, media or (media_type or "").strip()
