"""Vocabulary mapping and lenient value cleaning shared by every parser.

Sources disagree on spelling (licence ids vs URIs, "R/P1W" vs "weekly" vs an EU frequency URI,
"2023" vs an ISO timestamp). Mapping them in one place keeps the parsers consistent, and the
rule everywhere is the product's leniency rule: map what we recognise, keep the rest verbatim
and say so in a warning, never fail a record over it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Any

import orjson
from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

# Link, email and POD-field checks live in links.py; every parser reaches them through here.
from .links import (
    INVALID,
    clean_emails,
    clean_url,
    is_email,
    is_web_url,
    keep_invalid,
    keep_pod_values,
    strip_mailto,
    unresolved,
)

__all__ = [
    "INVALID",
    "clean_emails",
    "clean_url",
    "is_email",
    "is_web_url",
    "keep_invalid",
    "keep_pod_values",
    "strip_mailto",
    "unresolved",
]

MAX_TEXT = 100_000  # characters kept of any one text value; longer ones are cut with a warning
MAX_SHORT = 2_000  # titles, names, URLs
MAX_KEYWORD = 200  # a longer "keyword" is a sentence; cut with a warning, never with an ellipsis

THEMES: dict[str, str] = {
    "business-and-economy": "Business and economy",
    "crime-and-justice": "Crime and justice",
    "defence": "Defence",
    "education": "Education",
    "environment": "Environment",
    "government": "Government",
    "government-reference-data": "Government reference data",
    "government-spending": "Government spending",
    "health": "Health",
    "mapping": "Mapping",
    "society": "Society",
    "towns-and-cities": "Towns and cities",
    "transport": "Transport",
    "digital-service-performance": "Digital service performance",
}
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_THEMES = {
    "ECON": "business-and-economy",
    "EDUC": "education",
    "ENVI": "environment",
    "GOVE": "government",
    "HEAL": "health",
    "JUST": "crime-and-justice",
    "REGI": "towns-and-cities",
    "SOCI": "society",
    "TRAN": "transport",
}

OGL3 = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OGL2 = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_SA_4 = "https://creativecommons.org/licenses/by-sa/4.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
ODC_BY = "https://opendatacommons.org/licenses/by/1-0/"
PDDL = "https://opendatacommons.org/licenses/pddl/1-0/"
US_PD = "https://www.usa.gov/government-works"
PD_MARK = "https://creativecommons.org/publicdomain/mark/1.0/"

# Keys are normalised by _licence_key (lowercase, no scheme/www/trailing slash/legalcode).
_LICENCES: dict[str, str] = {
    # UK Open Government Licence
    "uk-ogl": OGL3,
    "ogl-uk-3.0": OGL3,
    "ogl": OGL3,
    "ogl-3.0": OGL3,
    "ogl_3_0": OGL3,
    "nationalarchives.gov.uk/doc/open-government-licence/version/3": OGL3,
    "nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    "open-government-licence.htm": OGL3,
    "nationalarchives.gov.uk/doc/open-government-licence": OGL3,
    "reference.data.gov.uk/id/open-government-licence": OGL3,
    "ogl-uk-2.0": OGL2,
    "nationalarchives.gov.uk/doc/open-government-licence/version/2": OGL2,
    # Creative Commons
    "cc-by-4.0": CC_BY_4,
    "cc_by_4_0": CC_BY_4,
    "creativecommons.org/licenses/by/4.0": CC_BY_4,
    "publications.europa.eu/resource/authority/licence/cc_by_4_0": CC_BY_4,
    "cc-by-sa-4.0": CC_BY_SA_4,
    "creativecommons.org/licenses/by-sa/4.0": CC_BY_SA_4,
    "publications.europa.eu/resource/authority/licence/cc_bysa_4_0": CC_BY_SA_4,
    "cc-zero": CC0,
    "cc0": CC0,
    "cc0-1.0": CC0,
    "creativecommons.org/publicdomain/zero/1.0": CC0,
    "opendefinition.org/licenses/cc-zero": CC0,
    "publications.europa.eu/resource/authority/licence/cc0": CC0,
    # Open Data Commons
    "odc-odbl": ODBL,
    "odbl": ODBL,
    "odbl-1.0": ODBL,
    "opendatacommons.org/licenses/odbl/1.0": ODBL,
    "opendatacommons.org/licenses/odbl/1-0": ODBL,
    "opendefinition.org/licenses/odc-odbl": ODBL,
    "opendatacommons.org/licenses/odbl": ODBL,
    "odc-by": ODC_BY,
    "odc-by-1.0": ODC_BY,
    "opendatacommons.org/licenses/by/1.0": ODC_BY,
    "opendatacommons.org/licenses/by/1-0": ODC_BY,
    "opendefinition.org/licenses/odc-by": ODC_BY,
    "odc-pddl": PDDL,
    "pddl": PDDL,
    "odc-pddl-1.0": PDDL,
    "opendatacommons.org/licenses/pddl/1.0": PDDL,
    "opendatacommons.org/licenses/pddl/1-0": PDDL,
    "opendefinition.org/licenses/odc-pddl": PDDL,
    "opendatacommons.org/licenses/odbl/summary": ODBL,
    "dcat-ap.de/def/licenses/cc-zero": CC0,
    "dcat-ap.de/def/licenses/cc-by-4.0": CC_BY_4,
    "dcat-ap.de/def/licenses/odbl": ODBL,
    # Public domain
    "usa.gov/government-works": US_PD,
    "usa.gov/publicdomain/label/1.0": US_PD,
    "us-pd": US_PD,
    "other-pd": PD_MARK,
    "public domain": PD_MARK,
    "publicdomain": PD_MARK,
    "creativecommons.org/publicdomain/mark/1.0": PD_MARK,
}
# Families whose version the source did not say: recognised, but the source's URI is kept.
_UNVERSIONED = {
    "cc-by": "http://www.opendefinition.org/licenses/cc-by",
    "opendefinition.org/licenses/cc-by": "http://www.opendefinition.org/licenses/cc-by",
    "cc-by-sa": "http://www.opendefinition.org/licenses/cc-by-sa",
    "opendefinition.org/licenses/cc-by-sa": "http://www.opendefinition.org/licenses/cc-by-sa",
}
_NO_LICENCE = {"", "notspecified", "not specified", "none", "other-closed"}

EU_FREQ = "http://publications.europa.eu/resource/authority/frequency/"
DC_FREQ = "http://purl.org/cld/freq/"
FREQUENCIES = [
    "triennial",
    "biennial",
    "annual",
    "semiannual",
    "threeTimesAYear",
    "quarterly",
    "bimonthly",
    "monthly",
    "semimonthly",
    "biweekly",
    "threeTimesAMonth",
    "weekly",
    "semiweekly",
    "threeTimesAWeek",
    "daily",
    "continuous",
    "irregular",
]
_FREQ_ALIASES: dict[str, str] = {f.lower(): f for f in FREQUENCIES}
_FREQ_ALIASES.update(
    {
        # ISO 8601 repeating durations used by DCAT-US accrualPeriodicity
        "r/p3y": "triennial",
        "r/p2y": "biennial",
        "r/p1y": "annual",
        "r/p6m": "semiannual",
        "r/p4m": "threeTimesAYear",
        "r/p3m": "quarterly",
        "r/p2m": "bimonthly",
        "r/p1m": "monthly",
        "r/p0.5m": "semimonthly",
        "r/p2w": "biweekly",
        "r/p0.33m": "threeTimesAMonth",
        "r/p1w": "weekly",
        "r/p0.5w": "semiweekly",
        "r/p3.5d": "semiweekly",
        "r/p0.33w": "threeTimesAWeek",
        "r/p1d": "daily",
        "r/pt1s": "continuous",
        # EU frequency authority table codes
        "annual_2": "semiannual",
        "annual_3": "threeTimesAYear",
        "monthly_2": "semimonthly",
        "monthly_3": "threeTimesAMonth",
        "weekly_2": "semiweekly",
        "weekly_3": "threeTimesAWeek",
        "cont": "continuous",
        "update_cont": "continuous",
        "irreg": "irregular",
        # words seen in the wild (CKAN extras, Socrata, GEMINI MD_MaintenanceFrequencyCode)
        "yearly": "annual",
        "annually": "annual",
        "quarter": "quarterly",
        "fortnightly": "biweekly",
        "hourly": "continuous",
        "realtime": "continuous",
        "real-time": "continuous",
        "continual": "continuous",
        "continually": "continuous",
        "asneeded": "irregular",
        "as needed": "irregular",
        "as required": "irregular",
        "ad hoc": "irregular",
        "adhoc": "irregular",
        "biannually": "semiannual",
        "biannual": "semiannual",
        "every 3 months": "quarterly",
        "twice a year": "semiannual",
    }
)

_WS = re.compile(r"\s+")


def clean_text(value: Any, warnings: list[str], field: str, limit: int = MAX_TEXT) -> str:
    """A string value stripped, never longer than `limit` (cut with a warning)."""
    if value is None:
        return ""
    if isinstance(value, list):  # some sources wrap single values in lists
        value = " ".join(str(v) for v in value if v is not None)
    text = str(value).strip()
    if len(text) > limit:
        warnings.append(f"{field} was {len(text)} characters; cut to {limit}")
        text = text[:limit]
    return text


def clean_keywords(values: Iterable[Any], warnings: list[str]) -> list[str]:
    """Tags with whitespace/newlines collapsed, empties dropped, case-insensitive dedupe."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        if value is None:
            continue
        for part in value if isinstance(value, list) else [value]:
            tag = _WS.sub(" ", str(part)).strip().strip(",;").strip()
            if not tag:
                continue
            if len(tag) > MAX_KEYWORD:
                warnings.append(f"keyword cut to {MAX_KEYWORD} characters: {tag[:40]!r}")
                tag = tag[:MAX_KEYWORD]
            if tag.lower() not in seen:
                seen.add(tag.lower())
                out.append(tag)
    return out


def _licence_key(value: str) -> str:
    key = value.strip().lower()
    key = re.sub(r"^https?://", "", key)
    key = key.removeprefix("www.")
    key = re.sub(r"/(legalcode|deed\.[a-z-]+)$", "", key.rstrip("/"))
    return key.rstrip("/")


def map_licence(value: Any, warnings: list[str]) -> str:
    """Our canonical licence URI, the source's value verbatim (with a warning), or ""."""
    text = clean_text(value, warnings, "licence", MAX_SHORT)
    key = _licence_key(text)
    if key in _NO_LICENCE:
        return ""
    if key in _LICENCES:
        return _LICENCES[key]
    if key in _UNVERSIONED:
        return _UNVERSIONED[key]
    warnings.append(f"licence {text[:200]!r} not recognised; kept verbatim")
    return text


def map_frequency(value: Any, warnings: list[str], extras: dict[str, Any]) -> str:
    """A Dublin Core freq value; unknown values go to extras['update_frequency']."""
    text = clean_text(value, warnings, "update frequency", MAX_SHORT)
    if not text:
        return ""
    key = text.lower()
    for prefix in (EU_FREQ.lower(), DC_FREQ.lower()):
        key = key.removeprefix(prefix)
    key = key.strip().rstrip("/")
    if key in _FREQ_ALIASES:
        return _FREQ_ALIASES[key]
    extras["update_frequency"] = text
    warnings.append(f"update frequency {text[:200]!r} not recognised; kept in extras")
    return ""


def map_theme(value: str) -> str | None:
    """Our theme code for a slug, a title or an EU data-theme URI, else None."""
    text = value.strip()
    if text.startswith(EU_THEME):
        return EU_THEMES.get(text[len(EU_THEME) :].strip("/"))
    low = text.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", low.replace("&", "and")).strip("-")
    if slug in THEMES:
        return slug
    for code, title in THEMES.items():
        if title.lower() == low:
            return code
    return None


ACCESS_LEVELS = {
    "public": "OPEN",
    "open": "OPEN",
    "restricted public": "RESTRICTED",
    "restricted": "RESTRICTED",
    "non-public": "INTERNAL",
    "non_public": "INTERNAL",
    "internal": "INTERNAL",
    "commercial": "COMMERCIAL",
}


def map_access(value: Any, warnings: list[str], extras: dict[str, Any]) -> str:
    text = clean_text(value, warnings, "access level", MAX_SHORT)
    if not text:
        return ""
    key = text.rsplit("/", 1)[-1].lower() if "://" in text else text.lower()
    if key in ACCESS_LEVELS:
        return ACCESS_LEVELS[key]
    # Unknown is never more open than the source: downloads stay behind a request.
    extras["access_level"] = text
    warnings.append(
        f"access level {text[:200]!r} not recognised; kept in extras and treated as restricted"
    )
    return "RESTRICTED"


def parse_datetime(value: Any, warnings: list[str], field: str) -> dt.datetime | None:
    """Lenient: ISO 8601, bare years, "March 2020", US dates… Naive values are taken as UTC."""
    text = clean_text(value, warnings, field, 200)
    if not text:
        return None
    try:
        result = dateparser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            result = dateparser.parse(text, default=dt.datetime(2000, 1, 1))  # noqa: DTZ001 — fills missing parts only
        except (ValueError, OverflowError, dateparser.ParserError):
            warnings.append(f"{field} {text[:100]!r} is not a date we can read; left empty")
            return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=dt.UTC)
    return result


_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T.*)?$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> relativedelta | None:
    match = _DURATION.match(text.strip())
    if not match or text.strip().upper() in ("P", "PT"):
        return None
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return relativedelta(
        years=int(parts.get("y", 0)),
        months=int(parts.get("m", 0)),
        weeks=int(parts.get("w", 0)),
        days=int(parts.get("d", 0)),
    )


def parse_temporal(
    value: Any, warnings: list[str], extras: dict[str, Any]
) -> tuple[dt.date | None, dt.date | None]:
    """DCAT-US `temporal`: "start/end", "R/start/duration", "start/duration", "2019-2020"…"""
    text = clean_text(value, warnings, "temporal", MAX_SHORT)
    if not text:
        return None, None
    quiet: list[str] = []
    parts = [p.strip() for p in text.split("/")]
    if parts and parts[0].upper().startswith("R"):
        parts = parts[1:]
    start = end = None
    if len(parts) == 2:
        first, second = parts
        d1, d2 = parse_duration(first), parse_duration(second)
        s = parse_datetime(first, quiet, "temporal") if d1 is None else None
        e = parse_datetime(second, quiet, "temporal") if d2 is None else None
        if s and e:
            start, end = s.date(), e.date()
        elif s and d2:
            start, end = s.date(), (s + d2).date()
        elif e and d1:
            start, end = (e - d1).date(), e.date()
    elif len(parts) == 1:
        years = re.fullmatch(r"(\d{4})\s*[-\u2013]\s*(\d{4})", parts[0])
        if years:
            start = dt.date(int(years[1]), 1, 1)
            end = dt.date(int(years[2]), 12, 31)
        elif re.fullmatch(r"\d{4}", parts[0]):
            start, end = dt.date(int(parts[0]), 1, 1), dt.date(int(parts[0]), 12, 31)
    if start is None and end is None:
        extras["temporal"] = text
        warnings.append(f"temporal coverage {text[:100]!r} not understood; kept in extras")
    return start, end


def dedupe_warnings(warnings: list[str]) -> None:
    """Drop repeated warnings in place (a licence shared by ten distributions warns once)."""
    warnings[:] = list(dict.fromkeys(warnings))


def content_hash(obj: Any) -> str:
    """sha256 of the canonical JSON of a source record (sorted keys), hex."""
    return hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


def cap_strings(obj: Any, warnings: list[str], limit: int = MAX_TEXT, path: str = "") -> Any:
    """A copy of a JSON value with every string cut to `limit` characters (warned once each)."""
    if isinstance(obj, str):
        if len(obj) > limit:
            warnings.append(f"{path or 'value'} was {len(obj)} characters; cut to {limit}")
            return obj[:limit]
        return obj
    if isinstance(obj, dict):
        return {
            k: cap_strings(v, warnings, limit, f"{path}.{k}" if path else k) for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [cap_strings(v, warnings, limit, path) for v in obj]
    return obj
