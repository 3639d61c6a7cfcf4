"""DCAT-US 1.1 (Project Open Data) records for /data.json."""

from django.conf import settings

from catalogue.models import Dataset
from catalogue.vocabularies import AccessRights

ACCESS_LEVELS = {
    AccessRights.OPEN: "public",
    AccessRights.INTERNAL: "non-public",
    AccessRights.COMMERCIAL: "restricted public",
    AccessRights.RESTRICTED: "restricted public",
}
FREQUENCIES = {
    "triennial": "R/P3Y", "biennial": "R/P2Y", "annual": "R/P1Y", "semiannual": "R/P6M",
    "threeTimesAYear": "R/P4M", "quarterly": "R/P3M", "bimonthly": "R/P2M", "monthly": "R/P1M",
    "semimonthly": "R/P0.5M", "biweekly": "R/P2W", "threeTimesAMonth": "R/P0.33M",
    "weekly": "R/P1W", "semiweekly": "R/P3.5D", "threeTimesAWeek": "R/P0.33W", "daily": "R/P1D",
    "continuous": "R/PT1S", "irregular": "irregular",
}  # fmt: skip


def datajson_dataset(dataset: Dataset) -> dict:
    """One dataset (filtered and annotated by visible_to) as a data.json entry."""
    contact = next(iter(dataset.contact_points.all()), None)
    downloads = bool(getattr(dataset, "downloads_visible", False))
    entry = {
        "@type": "dcat:Dataset",
        "identifier": dataset.identifier or str(dataset.pk),
        "title": dataset.title,
        "description": dataset.description or dataset.summary or dataset.title,
        "keyword": dataset.keyword or [t.title for t in dataset.theme.all()] or [dataset.title],
        "modified": (dataset.modified or dataset.metadata_modified).isoformat(),
        "publisher": {"@type": "org:Organization", "name": dataset.publisher.title},
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": (contact.name if contact else "") or dataset.publisher.title,
            "hasEmail": f"mailto:{contact.email}" if contact and contact.email else "",
        },
        "accessLevel": ACCESS_LEVELS[dataset.access_rights],
        "landingPage": f"{settings.SITE_URL}/datasets/{dataset.slug}/",
    }
    if not entry["contactPoint"]["hasEmail"]:
        entry["contactPoint"].pop("hasEmail")
    optional = {
        "license": dataset.licence if "://" in dataset.licence else "",
        "issued": dataset.issued.isoformat() if dataset.issued else "",
        "accrualPeriodicity": FREQUENCIES.get(dataset.update_frequency, ""),
        "spatial": dataset.spatial,
        "theme": [t.title for t in dataset.theme.all()],
        "temporal": "/".join(d.isoformat() for d in (dataset.temporal_start, dataset.temporal_end))
        if dataset.temporal_start and dataset.temporal_end
        else "",
    }
    entry.update({k: v for k, v in optional.items() if v})
    distributions = []
    for distribution in dataset.distributions.all():
        item = {"@type": "dcat:Distribution"}
        if distribution.title:
            item["title"] = distribution.title
        if distribution.description:
            item["description"] = distribution.description
        if downloads and distribution.download_url:
            item["downloadURL"] = distribution.download_url
        if downloads and distribution.access_url:
            item["accessURL"] = distribution.access_url
        if not downloads:
            item["accessURL"] = entry["landingPage"]
        if distribution.media_type:
            item["mediaType"] = distribution.media_type
        if distribution.format:
            item["format"] = distribution.format
        if distribution.conforms_to:
            item["conformsTo"] = distribution.conforms_to
        distributions.append(item)
    if distributions:
        entry["distribution"] = distributions
    return entry
