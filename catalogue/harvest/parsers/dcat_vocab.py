"""The DCAT-AP 3 vocabulary tables we write and read back, and the IRI check both sides use.

One table per field, read in both directions: the feed (catalogue/feeds/dcat.py) turns our
values into EU authority-table and IANA IRIs through them, and the DCAT parser (dcat_map.py)
turns those IRIs back into our values, so what one node publishes another node reads unchanged.
Nothing here imports Django.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"

# --- IRIs ---------------------------------------------------------------------------------

# RFC 3987 leaves out spaces, controls and <>"{}|\^` everywhere in an IRI. rdflib only warns
# about some of these and then writes Turtle it cannot read back (or refuses to write it), and
# it accepts "Birmingham City Council" or "javascript:…" as IRIs: hence this check of our own.
_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f\ufff0-\uffff]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@:\[\]]+)(?::\d{1,5})?$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$", re.IGNORECASE)
WEB = ("http", "https")


def valid_iri(value: object, schemes: tuple[str, ...] = WEB) -> str | None:
    """The value as an IRI when it is an absolute one with one of `schemes`, else None.

    Checks what RFC 3987 forbids (spaces, controls, <>"{}|\\^`, bad %-escapes), that http(s)
    IRIs name a host, that mailto: IRIs hold one address and that urn: IRIs have a namespace.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 4000 or _FORBIDDEN.search(text) or _BAD_PERCENT.search(text):
        return None
    match = _SCHEME.match(text)
    if not match or match.group(1).lower() not in schemes:
        return None
    scheme = match.group(1).lower()
    if scheme in WEB:
        try:
            parts = urlsplit(text)
        except ValueError:
            return None
        if not text[len(scheme) + 1 :].startswith("//") or not _HOST.match(parts.netloc):
            return None
        if "@" in parts.netloc:  # user:password@host: never published
            return None
        return text
    if scheme == "mailto":
        return text if _EMAIL.match(text[7:]) else None
    if scheme == "urn":
        return text if _URN.match(text) else None
    return text


def mailto_iris(value: object) -> list[str]:
    """Valid mailto: IRIs for the addresses in one contact field ("a@x, b@y" gives two)."""
    if not isinstance(value, str):
        return []
    out = []
    for part in re.split(r"[,;\s]+", value.strip()):
        address = part[7:] if part.lower().startswith("mailto:") else part
        iri = valid_iri(f"mailto:{address}", ("mailto",)) if address else None
        if iri and iri not in out:
            out.append(iri)
    return out


# --- Media types and file types -----------------------------------------------------------

_MEDIA_TYPE = re.compile(
    r"^(application|audio|font|example|image|message|model|multipart|text|video)"
    r"/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$"
)


def media_type(value: str) -> str:
    """A registered-looking media type, lower case and without parameters, or ""."""
    text = (value or "").split(";", 1)[0].strip().lower()
    return text if _MEDIA_TYPE.match(text) else ""


def media_type_iri(value: str) -> str | None:
    """The IANA IRI of a media type ("text/csv; charset=utf-8" gives …/text/csv), or None."""
    clean = media_type(value)
    return IANA_MEDIA_TYPES + clean if clean else None


def media_type_from_iri(value: str) -> str:
    """ "text/csv" from an IANA media-type IRI (or a bare media type); "" otherwise."""
    text = (value or "").strip()
    for prefix in (IANA_MEDIA_TYPES, "http://www.iana.org/assignments/media-types/"):
        if text.lower().startswith(prefix):
            return media_type(text[len(prefix) :])
    return media_type(text)


# EU file-type codes by the names formats go by in catalogues (lower case, no dots).
FILE_TYPES: dict[str, str] = {
    "csv": "CSV",
    "tsv": "TSV",
    "json": "JSON",
    "json-ld": "JSON_LD",
    "jsonld": "JSON_LD",
    "xml": "XML",
    "html": "HTML",
    "htm": "HTML",
    "pdf": "PDF",
    "xls": "XLS",
    "xlsx": "XLSX",
    "excel": "XLS",
    "ods": "ODS",
    "odt": "ODT",
    "doc": "DOC",
    "docx": "DOCX",
    "txt": "TXT",
    "text": "TXT",
    "zip": "ZIP",
    "gzip": "GZIP",
    "geojson": "GEOJSON",
    "kml": "KML",
    "kmz": "KMZ",
    "shp": "SHP",
    "shapefile": "SHP",
    "esri shapefile": "SHP",
    "gml": "GML",
    "gpkg": "GPKG",
    "geopackage": "GPKG",
    "rdf": "RDF",
    "rdf/xml": "RDF_XML",
    "rdf+xml": "RDF_XML",
    "turtle": "RDF_TURTLE",
    "ttl": "RDF_TURTLE",
    "n-triples": "RDF_N_TRIPLES",
    "wms": "WMS_SRVC",
    "wfs": "WFS_SRVC",
    "png": "PNG",
    "jpeg": "JPEG",
    "jpg": "JPEG",
    "gif": "GIF",
    "tiff": "TIFF",
    "geotiff": "GEOTIFF",
    "netcdf": "NETCDF",
    "parquet": "PARQUET",
    "sql": "SQL",
    "atom": "ATOM",
    "rss": "RSS",
    "ppt": "PPT",
    "pptx": "PPTX",
}
MEDIA_FILE_TYPES: dict[str, str] = {
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/ld+json": "JSON_LD",
    "application/xml": "XML",
    "text/xml": "XML",
    "text/html": "HTML",
    "application/pdf": "PDF",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "text/plain": "TXT",
    "application/zip": "ZIP",
    "application/gzip": "GZIP",
    "application/geo+json": "GEOJSON",
    "application/vnd.geo+json": "GEOJSON",
    "application/vnd.google-earth.kml+xml": "KML",
    "application/vnd.google-earth.kmz": "KMZ",
    "application/gml+xml": "GML",
    "application/geopackage+sqlite3": "GPKG",
    "application/rdf+xml": "RDF_XML",
    "text/turtle": "RDF_TURTLE",
    "application/n-triples": "RDF_N_TRIPLES",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "application/atom+xml": "ATOM",
    "application/rss+xml": "RSS",
}
# How a few EU codes read back: the name catalogues use rather than the table's code.
FILE_TYPE_NAMES = {
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF/XML",
    "RDF_TURTLE": "Turtle",
    "RDF_N_TRIPLES": "N-Triples",
    "GEOJSON": "GeoJSON",
    "WMS_SRVC": "WMS",
    "WFS_SRVC": "WFS",
    "GEOTIFF": "GeoTIFF",
    "NETCDF": "NetCDF",
}


def file_type_iri(fmt: str, media: str = "") -> str | None:
    """The EU file-type IRI for a format name, or failing that for the media type; else None."""
    key = (fmt or "").strip().lower().lstrip(".")
    code = FILE_TYPES.get(key) or FILE_TYPES.get(key.replace(" ", ""))
    if code is None and "/" in key:
        code = MEDIA_FILE_TYPES.get(media_type(key))
    if code is None:
        code = MEDIA_FILE_TYPES.get(media_type(media))
    return EU_FILE_TYPE + code if code else None


def format_from_iri(value: str) -> str:
    """ "CSV" from an EU file-type IRI; the value unchanged when it is not one."""
    text = (value or "").strip()
    if "/authority/file-type/" in text:
        code = text.rstrip("/").rsplit("/", 1)[-1].upper()
        return FILE_TYPE_NAMES.get(code, code)
    return text


# --- Frequencies, access rights, spatial --------------------------------------------------

# Our (Dublin Core) frequency codes and the EU frequency table's codes for the same thing.
FREQUENCIES: dict[str, str] = {
    "triennial": "TRIENNIAL",
    "biennial": "BIENNIAL",
    "annual": "ANNUAL",
    "semiannual": "ANNUAL_2",
    "threeTimesAYear": "ANNUAL_3",
    "quarterly": "QUARTERLY",
    "bimonthly": "BIMONTHLY",
    "monthly": "MONTHLY",
    "semimonthly": "MONTHLY_2",
    "biweekly": "BIWEEKLY",
    "threeTimesAMonth": "MONTHLY_3",
    "weekly": "WEEKLY",
    "semiweekly": "WEEKLY_2",
    "threeTimesAWeek": "WEEKLY_3",
    "daily": "DAILY",
    "continuous": "UPDATE_CONT",
    "irregular": "IRREG",
}
_FREQUENCY_CODES = {eu: ours for ours, eu in FREQUENCIES.items()} | {"CONT": "continuous"}


def frequency_iri(code: str) -> str | None:
    eu = FREQUENCIES.get(code)
    return EU_FREQUENCY + eu if eu else None


def frequency_from_iri(value: str) -> str:
    """Our frequency code for an EU frequency IRI, or ""."""
    text = (value or "").strip()
    if not text.startswith(EU_FREQUENCY):
        return ""
    return _FREQUENCY_CODES.get(text[len(EU_FREQUENCY) :].strip("/").upper(), "")


# Our access rights onto the EU access-right table. COMMERCIAL has no EU term of its own, so
# the feed also states our own code (see OWN_TERMS) to keep the difference for our peers.
ACCESS_RIGHTS = {
    "OPEN": "PUBLIC",
    "INTERNAL": "NON_PUBLIC",
    "COMMERCIAL": "RESTRICTED",
    "RESTRICTED": "RESTRICTED",
}
EU_ACCESS_TO_OURS = {"PUBLIC": "OPEN", "NON_PUBLIC": "INTERNAL", "RESTRICTED": "RESTRICTED"}
# The most open value a record gets when it states no access right: never OPEN, because a
# source that says nothing has not said the data is public.
UNSTATED_ACCESS = "RESTRICTED"


def access_from_iri(value: str) -> str:
    """Our access-rights code for an EU access-right IRI, or ""."""
    text = (value or "").strip()
    if not text.startswith(EU_ACCESS_RIGHT):
        return ""
    return EU_ACCESS_TO_OURS.get(text[len(EU_ACCESS_RIGHT) :].strip("/").upper(), "")


# Our own terms, for fields DCAT-AP has no property for, in a namespace under each node's
# SITE_URL; readers recognise them by this path whatever the node's address.
OWN_NAMESPACE_PATH = "/ns/marketplace#"
OWN_TERMS = ("accessRights", "metadataVisibility", "securityClassification", "personalData")

_WKT = re.compile(
    r"^\s*(?:SRID=\d+;\s*)?(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|"
    r"GEOMETRYCOLLECTION)\s*(?:Z|M|ZM)?\s*\(",
    re.IGNORECASE,
)
_GEOJSON_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}


def geometry_kind(value: str) -> str:
    """ "geoJSONLiteral" or "wktLiteral" when the text is a geometry, else ""."""
    text = (value or "").strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return ""
        if isinstance(parsed, dict) and parsed.get("type") in _GEOJSON_TYPES:
            return "geoJSONLiteral"
        return ""
    return "wktLiteral" if _WKT.match(text) else ""
