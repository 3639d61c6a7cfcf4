"""Links, email addresses and Project Open Data fields, checked the same way by every parser.

Every link a source gives is published again (dataset pages, /data.json, the CKAN API, RDF), so
only absolute http(s) URLs are stored as links: `javascript:`, `data:`, `file:` and the rest
would run or read something in the reader's browser. The rule for a value that fails a check: it
is kept as text in extras["invalid_values"] (never as a link) and a record warning names the
field and the reason. Nothing here imports Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import orjson

MAX_URL = 2_000
INVALID = "invalid_values"  # extras key: {field: the source's text} for values we could not use


def strip_mailto(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip()


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters RFC 3986 allows in a URI as they are; anything else (spaces, "|", non-ASCII IRI
# characters) is percent-encoded, which names the same resource and keeps the link valid.
_URI_SAFE = "!#$%&'()*+,/:;=?@~"  # "[" and "]" only belong in an IPv6 host: encoded elsewhere


def is_email(text: str) -> bool:
    return len(text) <= 254 and bool(_EMAIL.match(text))


# The common case in one regex (every link of every dataset goes through here, /data.json too).
_PLAIN_WEB_URL = re.compile(
    r"^https?://[A-Za-z0-9.-]+(?::([0-9]{1,5}))?(?:[/?#][A-Za-z0-9!#$%&'()*+,/:;=?@~._-]*)?$",
    re.IGNORECASE,
)


def is_web_url(text: str) -> bool:
    """An absolute http or https URL with a host and only characters a URI may hold."""
    if not text or len(text) > MAX_URL or text.count("#") > 1:
        return False
    plain = _PLAIN_WEB_URL.match(text)
    if plain:
        return plain[1] is None or 0 < int(plain[1]) < 65536
    if quote(text, safe=_URI_SAFE) != text:
        return False
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a bad port or IPv6 literal
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and port_ok


def _is_relative_reference(text: str) -> bool:
    """A path-like reference ("/a/b", "./x", "../x", "dir/file.csv"), never a bare word or email.

    "CSV", "Birmingham City Council" and "someone@example.org" are words, not references, even
    though a URL resolver would happily turn each into a link under the base.
    """
    if _SCHEME.match(text) or "@" in text.split("/", 1)[0] or " " in text:
        return False
    return text.startswith(("/", "./", "../")) or "/" in text.strip("/")


def _not_a_link(text: str) -> str:
    scheme = _SCHEME.match(text)
    if scheme and scheme[1].lower() not in ("http", "https"):
        return f"uses the {scheme[1].lower()}: scheme, which is not a web link"
    if is_email(strip_mailto(text)):
        return "is an email address, not a link"
    return "is not an absolute http(s) URL"


def keep_invalid(extras: dict[str, Any] | None, field: str, value: Any) -> None:
    """Keep a value we could not use as text, so nothing the source said is lost."""
    if extras is None:
        return
    kept = extras.setdefault(INVALID, {})
    if field not in kept:
        kept[field] = value
    elif isinstance(kept[field], list) and value not in kept[field]:
        kept[field].append(value)
    elif kept[field] != value:  # e.g. several distributions with a bad accessURL
        kept[field] = [kept[field], value]


def clean_url(
    value: Any,
    warnings: list[str],
    field: str,
    *,
    extras: dict[str, Any] | None = None,
    base: str = "",
) -> str:
    """An absolute http(s) URL, or "" with a warning (and the text kept in extras).

    `base` resolves a relative reference; pass it only where the source format defines one
    (POD data.json and CKAN require absolute URLs, so their parsers never do).
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        if value not in ("", [], {}):
            warnings.append(f"{field} is not a text value; not kept as a link")
            keep_invalid(extras, field, value)
        return ""
    text = value.strip()
    if not text:
        return ""
    if is_web_url(text):  # the common case, without re-encoding
        return text
    encoded = "" if _CONTROL.search(text) else quote(text, safe=_URI_SAFE)
    if encoded.count("#") > 1:  # only the first "#" starts the fragment
        head, _, fragment = encoded.partition("#")
        encoded = f"{head}#{fragment.replace('#', '%23')}"
    if is_web_url(encoded):
        return encoded
    if encoded and base and _is_relative_reference(text):
        resolved = urljoin(base, encoded)
        if is_web_url(resolved):
            return resolved
    warnings.append(f"{field} {text[:100]!r} {_not_a_link(text)}; not kept as a link")
    keep_invalid(extras, field, text[:MAX_URL])
    return ""


def clean_emails(
    value: Any, warnings: list[str], field: str, *, extras: dict[str, Any] | None = None
) -> list[str]:
    """The real email addresses in a value: "mailto:" dropped, "a@x, b@y" split into several.

    Anything else ("cdcinfo.cdc.gov", a web address, a name) is dropped with a warning and kept
    as text in extras.
    """
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    found: list[str] = []
    rejected: list[str] = []
    for item in values:
        if item is None:
            continue
        for part in re.split(r"[,;\s]+", str(item)):
            address = strip_mailto(part).split("?", 1)[0].strip().strip("<>").rstrip(".")
            if not address:
                continue
            if is_email(address):
                if address.lower() not in (f.lower() for f in found):
                    found.append(address)
            else:
                rejected.append(part.strip())
    if rejected:
        text = ", ".join(rejected)
        warnings.append(f"{field} {text[:100]!r} is not an email address; dropped")
        keep_invalid(extras, field, text[:MAX_URL])
    return found


def unresolved(iri: str, base: str) -> str:
    """The text a relative IRI had before an RDF parser resolved it against the document, or "".

    RDF resolves `<CSV>` or `<someone@example.org>` against the base into
    http://host/path/CSV; for a format, media type or email that is never what the author meant.
    """
    if not base or not iri:
        return ""
    directory = urljoin(base, ".")
    for prefix in (base, directory):
        if iri.startswith(prefix) and len(iri) > len(prefix):
            rest = iri[len(prefix) :].lstrip("#/")
            if rest and "/" not in rest:
                return rest
    return ""


# --- Project Open Data fields kept as the source gave them ------------------------------------

_BUREAU = re.compile(r"[0-9]{3}:[0-9]{2}")  # POD's own (unanchored) patterns
_PROGRAM = re.compile(r"[0-9]{3}:[0-9]{3}")
_POD_URLS = ("describedBy", "conformsTo")
_POD_VERBATIM = (
    "rights",
    "describedByType",
    "isPartOf",
    "systemOfRecords",
    "primaryITInvestmentUII",
    "accrualPeriodicity",
    "temporal",
)


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = orjson.loads(stripped)
            except orjson.JSONDecodeError:
                value = stripped.strip("[]")
        if isinstance(value, str):
            value = value.split(",")
    if not isinstance(value, list):
        value = [value]
    return [str(v).strip().strip("'\"") for v in value if v not in (None, "")]


def keep_pod_values(raw: Mapping[str, Any], extras: dict[str, Any], warnings: list[str]) -> None:
    """Copy the DCAT-US fields our model has no column for into extras, checked.

    /data.json gives them back as the source had them: bureauCode, programCode, describedBy,
    conformsTo, references, language, rights, spatial, temporal, accrualPeriodicity… Links are
    checked like every other link; codes that do not match POD's pattern are kept as text only.
    """
    for key, pattern in (("bureauCode", _BUREAU), ("programCode", _PROGRAM)):
        if raw.get(key) in (None, "", []):
            continue
        codes = list(dict.fromkeys(_codes(raw[key])))
        good = [c for c in codes if pattern.search(c)]
        bad = [c for c in codes if not pattern.search(c)]
        if good:
            extras[key] = good
        if bad:
            warnings.append(f"{key} {', '.join(bad)[:100]!r} does not match the POD pattern")
            keep_invalid(extras, key, bad)
    for key in _POD_URLS:
        if url := clean_url(raw.get(key), warnings, key, extras=extras):
            extras[key] = url
    if raw.get("references") not in (None, "", []):
        refs = [
            url
            for ref in _codes(raw["references"])
            if (url := clean_url(ref, warnings, "references", extras=extras))
        ]
        if refs:
            extras["references"] = list(dict.fromkeys(refs))
    if raw.get("language") not in (None, "", []):
        extras["language"] = _codes(raw["language"])
    quality = raw.get("dataQuality")
    if isinstance(quality, str) and quality.strip().lower() in ("true", "false"):
        quality = quality.strip().lower() == "true"
    if isinstance(quality, bool):
        extras["dataQuality"] = quality
    for key in _POD_VERBATIM:
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            extras[key] = value.strip()
    spatial = raw.get("spatial")
    if isinstance(spatial, str):
        spatial = spatial.strip()
    if spatial and isinstance(spatial, str | dict | list):
        extras["spatial"] = spatial
