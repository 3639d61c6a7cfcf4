"""DCAT-US 1.1 (Project Open Data) entries for /data.json.

A harvested record is given back as its source gave it: the source's identifier, landing page,
publisher, licence and the DCAT-US fields our columns do not hold (kept in `source_extras` by the
parsers: bureauCode, programCode, describedBy, conformsTo, rights, spatial, temporal,
accrualPeriodicity…). Nothing is invented: no keyword from the title, no description or contact
name made up. Every optional value is emitted only when POD v1.1 accepts it (patterns in
`pod.py`); the few fields POD requires that a source may lack get the fixed wording below, which
docs/federation.md ("data.json") explains, as it does which POD field carries what.
"""

import json
from typing import Any

from django.conf import settings

from catalogue.harvest.parsers.common import is_web_url
from catalogue.models import Dataset
from catalogue.vocabularies import (
    AccessRights,
    HandlingCaveat,
    MetadataVisibility,
    PersonalData,
    SecurityClassification,
)

from . import pod

# POD requires a description and a contact name. When the source gave none we say so plainly
# rather than borrow the title or the publisher's name, which readers would take as real values.
NO_DESCRIPTION = "No description provided."
NO_CONTACT = "No contact provided."
RIGHTS_LIMIT = 255  # POD: rights is at most 255 characters

ACCESS_LEVELS = {
    AccessRights.OPEN: "public",
    AccessRights.INTERNAL: "non-public",
    AccessRights.COMMERCIAL: "restricted public",
    AccessRights.RESTRICTED: "restricted public",
}
ACCESS_RIGHTS_TEXT = {
    AccessRights.INTERNAL: "Not available outside the publishing organisation.",
    AccessRights.COMMERCIAL: "Available under commercial terms; request access from the dataset "
    "page.",
    AccessRights.RESTRICTED: "Downloads are available on request from the dataset page.",
}
VISIBILITY_TEXT = {
    MetadataVisibility.GOVERNMENT: "Listed for signed-in government users only.",
    MetadataVisibility.ORGANISATION: "Listed for the publishing organisation and people granted "
    "access only.",
}
PERSONAL_TEXT = {
    PersonalData.PERSONAL: "Contains personal data.",
    PersonalData.SPECIAL_CATEGORY: "Contains special category personal data.",
}
FREQUENCIES = {
    "triennial": "R/P3Y", "biennial": "R/P2Y", "annual": "R/P1Y", "semiannual": "R/P6M",
    "threeTimesAYear": "R/P4M", "quarterly": "R/P3M", "bimonthly": "R/P2M", "monthly": "R/P1M",
    "semimonthly": "R/P0.5M", "biweekly": "R/P2W", "threeTimesAMonth": "R/P0.33M",
    "weekly": "R/P1W", "semiweekly": "R/P3.5D", "threeTimesAWeek": "R/P0.33W", "daily": "R/P1D",
    "continuous": "R/PT1S", "irregular": "irregular",
}  # fmt: skip


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _identifier(dataset: Dataset) -> str:
    identifier = dataset.identifier or dataset.source_identifier or str(dataset.pk)
    # The identifier column holds 500 characters; a longer source identifier is given whole.
    if dataset.source_identifier and identifier.endswith("…"):
        return dataset.source_identifier
    return identifier


def _publisher(dataset: Dataset, extras: dict) -> dict:
    """The source's publisher (and its parents) for a harvested record, else the owner."""
    name = dataset.source_publisher_name if dataset.harvest_source_id else ""
    publisher: dict[str, Any] = {
        "@type": "org:Organization",
        "name": name or dataset.publisher.title,
    }
    hierarchy = extras.get("publisher_hierarchy") if name else None
    node = publisher
    for parent in hierarchy if isinstance(hierarchy, list) else []:
        if _text(parent):
            node["subOrganizationOf"] = {"@type": "org:Organization", "name": _text(parent)}
            node = node["subOrganizationOf"]
    return publisher


def _contact(dataset: Dataset) -> dict:
    contact = next(iter(dataset.contact_points.all()), None)
    name = contact.name.strip() if contact else ""
    email = contact.email.strip() if contact else ""
    entry = {"@type": "vcard:Contact", "fn": name or email or NO_CONTACT}
    if email and pod.matches(pod.EMAIL, f"mailto:{email}"):
        entry["hasEmail"] = f"mailto:{email}"
    return entry


def _access_level(dataset: Dataset) -> str:
    if dataset.metadata_visibility != MetadataVisibility.PUBLIC:
        return "non-public"  # even its description is not for the public
    return ACCESS_LEVELS.get(dataset.access_rights, "restricted public")


def _rights(dataset: Dataset, extras: dict) -> str:
    """The source's rights statement, then what POD has no other field for, within 255."""
    parts = [_text(extras.get("rights"))]
    if dataset.licence and not is_web_url(dataset.licence):
        parts.append(f"Licence: {dataset.licence}")
    if not parts[0] and dataset.access_rights in ACCESS_RIGHTS_TEXT:
        parts.append(ACCESS_RIGHTS_TEXT[dataset.access_rights])
    parts.append(VISIBILITY_TEXT.get(dataset.metadata_visibility, ""))
    classification = dataset.security_classification
    caveat = dataset.handling_caveat
    if caveat or classification not in (
        SecurityClassification.OFFICIAL,
        SecurityClassification.NOT_APPLICABLE,
        "",
    ):
        label = HandlingCaveat(caveat).label if caveat else classification.replace("_", " ")
        parts.append(f"Security classification: {label}.")
    parts.append(PERSONAL_TEXT.get(dataset.personal_data, ""))
    rights = " ".join(p for p in parts if p)
    if len(rights) > RIGHTS_LIMIT:  # only a source's over-long statement gets here
        rights = rights[: RIGHTS_LIMIT - 1].rstrip() + "…"
    return rights


def _temporal(dataset: Dataset, extras: dict) -> str:
    source = _text(extras.get("temporal"))
    if pod.matches(pod.TEMPORAL, source):
        return source
    if dataset.temporal_start and dataset.temporal_end:
        return f"{dataset.temporal_start.isoformat()}/{dataset.temporal_end.isoformat()}"
    return ""


def _frequency(dataset: Dataset, extras: dict) -> str:
    source = _text(extras.get("accrualPeriodicity"))
    if source == "irregular" or pod.matches(pod.FREQUENCY, source):
        return source
    return FREQUENCIES.get(dataset.update_frequency, "")


def _spatial(dataset: Dataset, extras: dict) -> str:
    source = extras.get("spatial")
    if isinstance(source, dict | list) and source:  # GeoJSON and the like, as JSON text
        return json.dumps(source, separators=(",", ":"))
    return _text(source) or dataset.spatial


def _source_fields(extras: dict) -> dict:
    """The DCAT-US fields kept in source_extras, each only if POD accepts it."""
    out: dict[str, Any] = {}

    def listed(key: str, ok) -> None:
        values = extras.get(key)
        if isinstance(values, list) and (good := _unique([v for v in values if ok(v)])):
            out[key] = good

    listed("bureauCode", lambda code: pod.matches(pod.BUREAU, code))
    listed("programCode", lambda code: pod.matches(pod.PROGRAM, code))
    for key in ("describedBy", "conformsTo"):
        if is_web_url(_text(extras.get(key))):
            out[key] = extras[key].strip()
    listed("references", lambda ref: isinstance(ref, str) and is_web_url(ref))
    listed("language", lambda lang: pod.matches(pod.LANGUAGE, lang))
    if isinstance(extras.get("dataQuality"), bool):
        out["dataQuality"] = extras["dataQuality"]
    for key in ("isPartOf", "systemOfRecords"):
        if text := _text(extras.get(key)):
            out[key] = text
    if pod.matches(pod.INVESTMENT, extras.get("primaryITInvestmentUII")):
        out["primaryITInvestmentUII"] = extras["primaryITInvestmentUII"]
    if pod.matches(pod.MEDIA_TYPE, extras.get("describedByType")):
        out["describedByType"] = extras["describedByType"]
    return out


def _distributions(dataset: Dataset, page: str) -> list[dict]:
    downloads = bool(getattr(dataset, "downloads_visible", False))
    distributions = []
    for distribution in dataset.distributions.all():
        item: dict[str, Any] = {"@type": "dcat:Distribution"}
        if distribution.title:
            item["title"] = distribution.title
        if distribution.description:
            item["description"] = distribution.description
        media_type = distribution.media_type.strip()
        if pod.matches(pod.MEDIA_TYPE, media_type):
            item["mediaType"] = media_type
        access = distribution.access_url if is_web_url(distribution.access_url) else ""
        download = distribution.download_url if is_web_url(distribution.download_url) else ""
        if not downloads:  # the links are not for this reader: the page says how to ask
            access, download = page, ""
        if download and "mediaType" not in item:
            # POD requires a mediaType with a downloadURL; we do not guess one from the
            # format, so the link is given as an access URL instead.
            access, download = access or download, ""
        if download:
            item["downloadURL"] = download
        if access:
            item["accessURL"] = access
        if distribution.format:
            item["format"] = distribution.format
        if is_web_url(distribution.conforms_to):
            item["conformsTo"] = distribution.conforms_to
        distributions.append(item)
    return distributions


def datajson_dataset(dataset: Dataset) -> dict:
    """One dataset (filtered and annotated by visible_to) as a data.json entry."""
    extras = dataset.source_extras if isinstance(dataset.source_extras, dict) else {}
    page = f"{settings.SITE_URL}/datasets/{dataset.slug}/"
    harvested = dataset.harvest_source_id is not None
    entry: dict[str, Any] = {
        "@type": "dcat:Dataset",
        # The dataset's IRI, as in the DCAT feeds: its original one, else its address here.
        "@id": dataset.iri
        if is_web_url(dataset.iri)
        else f"{settings.SITE_URL}/datasets/{dataset.slug}",
        "identifier": _identifier(dataset),
        "title": dataset.title,
        "description": dataset.description.strip() or dataset.summary.strip() or NO_DESCRIPTION,
        "modified": (dataset.modified or dataset.metadata_modified).isoformat(),
        "publisher": _publisher(dataset, extras),
        "contactPoint": _contact(dataset),
        "accessLevel": _access_level(dataset),
    }
    landing = dataset.landing_page if is_web_url(dataset.landing_page) else ""
    themes = [t.title for t in dataset.theme.all()]
    source_themes = extras.get("theme")
    if isinstance(source_themes, list):
        themes += [t.strip() for t in source_themes if isinstance(t, str)]
    optional = {
        "keyword": _unique([k.strip() for k in dataset.keyword if isinstance(k, str)]),
        # Our page only for what was published here; a harvested record keeps its own.
        "landingPage": landing if harvested else landing or page,
        "license": dataset.licence if is_web_url(dataset.licence) else "",
        "rights": _rights(dataset, extras),
        "issued": dataset.issued.isoformat() if dataset.issued else "",
        "accrualPeriodicity": _frequency(dataset, extras),
        "spatial": _spatial(dataset, extras),
        "temporal": _temporal(dataset, extras),
        "theme": _unique(themes),
        **_source_fields(extras),
        "distribution": _distributions(dataset, page),
    }
    entry.update({k: v for k, v in optional.items() if v not in ("", [], None)})
    return entry
