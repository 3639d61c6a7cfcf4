"""Metadata quality, scored with the data.europa.eu Metadata Quality Assessment (405 points).

Weights follow the MQA methodology (findability, accessibility, interoperability, reusability,
contextuality). Distribution-level indicators are scored on the best distribution. Indicators
that need a network check (URL status codes) only score once a link check has recorded a
success for that distribution (`link_ok`); until then they earn nothing, so no score is claimed
unverified.
"""

from dataclasses import dataclass

MAX_SCORE = 405

RATINGS = [(351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad")]
RATING_LABELS = {"excellent": "Excellent", "good": "Good", "sufficient": "Sufficient", "bad": "Bad"}

NON_PROPRIETARY = {
    "csv",
    "json",
    "geojson",
    "xml",
    "rdf",
    "ttl",
    "jsonld",
    "json-ld",
    "txt",
    "ods",
    "odt",
    "html",
    "pdf/a",
    "gml",
    "kml",
    "netcdf",
    "parquet",
    "zip",
    "tsv",
    "nt",
    "n3",
    "sparql",
}
MACHINE_READABLE = {
    "csv",
    "json",
    "geojson",
    "xml",
    "rdf",
    "ttl",
    "jsonld",
    "json-ld",
    "xls",
    "xlsx",
    "ods",
    "tsv",
    "gml",
    "kml",
    "netcdf",
    "parquet",
    "nt",
    "n3",
    "api",
    "wms",
    "wfs",
    "shp",
}
KNOWN_MEDIA_PREFIXES = ("application/", "text/", "image/", "audio/", "video/")


@dataclass(frozen=True)
class Check:
    dimension: str
    indicator: str
    points: int
    passed: bool
    fix: str


def rating_for(score: int) -> str:
    return next(name for floor, name in RATINGS if score >= floor)


def _format_of(dist: dict) -> str:
    fmt = (dist.get("format") or "").strip().lower()
    if not fmt and dist.get("media_type"):
        fmt = dist["media_type"].split("/")[-1].split(";")[0].strip().lower()
    return fmt


def _distribution_checks(dist: dict) -> list[Check]:
    fmt = _format_of(dist)
    media = (dist.get("media_type") or "").lower()
    linked = bool(dist.get("access_url") or dist.get("download_url"))
    return [
        Check(
            "accessibility",
            "accessUrlStatusCode",
            50,
            linked and dist.get("link_ok") is True,
            "Give each distribution a working access URL.",
        ),
        Check(
            "accessibility",
            "downloadUrlAvailability",
            20,
            bool(dist.get("download_url")),
            "Add a direct download URL.",
        ),
        Check(
            "accessibility",
            "downloadUrlStatusCode",
            30,
            bool(dist.get("download_url")) and dist.get("link_ok") is True,
            "Make sure the download URL answers.",
        ),
        Check(
            "interoperability",
            "formatAvailability",
            20,
            bool(dist.get("format")),
            "State the file format.",
        ),
        Check(
            "interoperability",
            "mediaTypeAvailability",
            10,
            bool(media),
            "State the media type (e.g. text/csv).",
        ),
        Check(
            "interoperability",
            "formatMediaTypeVocabularyAlignment",
            10,
            media.startswith(KNOWN_MEDIA_PREFIXES),
            "Use an IANA media type.",
        ),
        Check(
            "interoperability",
            "formatMediaTypeNonProprietary",
            20,
            fmt in NON_PROPRIETARY,
            "Offer a non-proprietary format such as CSV.",
        ),
        Check(
            "interoperability",
            "formatMediaTypeMachineInterpretable",
            20,
            fmt in MACHINE_READABLE,
            "Offer a machine-readable format.",
        ),
        Check(
            "contextuality",
            "byteSizeAvailability",
            5,
            dist.get("byte_size") is not None,
            "State the file size.",
        ),
    ]


def assess(data: dict, known_licences: set[str]) -> tuple[int, str, list[Check]]:
    """Score a dataset given as plain data (the fields of PRODUCT.md, distributions as dicts)."""
    dataset_checks = [
        Check("findability", "keywordAvailability", 30, bool(data.get("keyword")), "Add keywords."),
        Check(
            "findability", "categoryAvailability", 30, bool(data.get("theme")), "Choose a theme."
        ),
        Check(
            "findability",
            "spatialAvailability",
            20,
            bool(data.get("spatial")),
            "Say what area the data covers.",
        ),
        Check(
            "findability",
            "temporalAvailability",
            20,
            bool(data.get("temporal_start") or data.get("temporal_end")),
            "Say what period the data covers.",
        ),
        Check(
            "interoperability",
            "dcatApCompliance",
            30,
            bool(data.get("title") and data.get("description") and data.get("publisher")),
            "Give a title, a description and a publisher.",
        ),
        Check(
            "reusability", "licenceAvailability", 20, bool(data.get("licence")), "Choose a licence."
        ),
        Check(
            "reusability",
            "knownLicence",
            10,
            data.get("licence") in known_licences,
            "Use a licence from the list.",
        ),
        Check(
            "reusability",
            "accessRightsAvailability",
            10,
            bool(data.get("access_rights")),
            "State the access rights.",
        ),
        Check(
            "reusability",
            "accessRightsVocabularyAlignment",
            5,
            data.get("access_rights") in {"OPEN", "INTERNAL", "COMMERCIAL", "RESTRICTED"},
            "Use an access-rights value from the list.",
        ),
        Check(
            "reusability",
            "contactPointAvailability",
            20,
            bool(data.get("contact_point")),
            "Add a contact point.",
        ),
        Check(
            "reusability",
            "publisherAvailability",
            10,
            bool(data.get("publisher")),
            "Name the publisher.",
        ),
        Check(
            "contextuality", "rightsAvailability", 5, bool(data.get("licence")), "State the rights."
        ),
        Check(
            "contextuality",
            "dateIssuedAvailability",
            5,
            bool(data.get("issued")),
            "Give the date first issued.",
        ),
        Check(
            "contextuality",
            "dateModifiedAvailability",
            5,
            bool(data.get("modified")),
            "Give the date last modified.",
        ),
    ]
    per_distribution = [_distribution_checks(d) for d in data.get("distribution") or []]
    best = max(
        per_distribution,
        key=lambda checks: sum(c.points for c in checks if c.passed),
        default=_distribution_checks({}),
    )
    checks = dataset_checks + best
    score = sum(c.points for c in checks if c.passed)
    return score, rating_for(score), checks


def improvements(checks: list[Check]) -> list[Check]:
    """Failed checks, the ones worth most points first."""
    return sorted((c for c in checks if not c.passed), key=lambda c: -c.points)


# Days between updates each Dublin Core frequency promises; continuous/irregular promise none.
FREQUENCY_DAYS = {
    "daily": 1, "threeTimesAWeek": 3, "semiweekly": 4, "weekly": 7, "threeTimesAMonth": 11,
    "biweekly": 14, "semimonthly": 16, "monthly": 31, "bimonthly": 62, "quarterly": 92,
    "threeTimesAYear": 122, "semiannual": 183, "annual": 366, "biennial": 731, "triennial": 1096,
}  # fmt: skip
GRACE = 1.5  # a record is stale once it is half a period late


def is_stale(update_frequency: str, last_modified, now) -> bool:
    """Whether data promised at `update_frequency` is overdue, given when it last changed."""
    days = FREQUENCY_DAYS.get(update_frequency)
    if days is None or last_modified is None:
        return False
    return (now - last_modified).days > days * GRACE
