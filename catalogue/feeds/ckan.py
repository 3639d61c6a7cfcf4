"""Datasets, organisations, themes, tags and licences shaped as CKAN Action API dicts.

Every id a CKAN client sees is a UUID that stays the same across runs and restarts:

- a dataset's id is its primary key;
- an organisation, a group (one of our themes) and a tag get a uuid5 of their slug or name
  under a fixed namespace of this product (`CKAN_NAMESPACE`), so two nodes agree on them;
- a resource (one of our distributions) gets a uuid5 of its position under its dataset's id.
  Distributions are replaced as a whole on every update, so their own rows cannot give a
  stable id; the position can: the first resource of a dataset keeps its id however often the
  dataset is re-saved or re-harvested.
"""

import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings

from catalogue.models import Dataset, Licence, Organisation, Theme

CKAN_NAMESPACE = uuid.UUID("6af06d94-3f04-43ba-b158-698667d09844")


def organisation_uuid(slug: str) -> str:
    return str(uuid.uuid5(CKAN_NAMESPACE, f"organization/{slug}"))


def group_uuid(slug: str) -> str:
    return str(uuid.uuid5(CKAN_NAMESPACE, f"group/{slug}"))


def tag_uuid(name: str) -> str:
    return str(uuid.uuid5(CKAN_NAMESPACE, f"tag/{name}"))


def resource_uuid(dataset_id: uuid.UUID | str, position: int) -> str:
    return str(uuid.uuid5(uuid.UUID(str(dataset_id)), f"resource/{position}"))


@dataclass
class Licences:
    """The licence vocabulary, read once per request, looked up by URI or by CKAN id (slug)."""

    by_uri: dict[str, Licence] = field(default_factory=dict)
    by_slug: dict[str, Licence] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Licences":
        rows = list(Licence.objects.all())
        return cls({r.uri: r for r in rows}, {r.slug: r for r in rows})

    def uris_for(self, license_id: str) -> list[str]:
        """The stored `licence` values a CKAN `license_id` stands for."""
        known = self.by_slug.get(license_id)
        return [known.uri, license_id] if known else [license_id]

    def fields(self, value: str) -> dict:
        """license_id, license_title, license_url and isopen of a dataset's licence."""
        known = self.by_uri.get(value)
        if known is None:
            return {
                "license_id": value,
                "license_title": value,
                "license_url": value if "://" in value else "",
                "isopen": False,
            }
        return {
            "license_id": known.slug,
            "license_title": known.title,
            "license_url": known.uri if "://" in known.uri else "",
            "isopen": known.is_open,
        }


def ckan_licence(licence: Licence) -> dict:
    """A licence as CKAN 2.9 and later list it (license_list)."""
    url = licence.uri if "://" in licence.uri else ""
    conformance = "approved" if licence.is_open else "not reviewed"
    return {
        "id": licence.slug,
        "title": licence.title,
        "url": url,
        "status": "active",
        "maintainer": "",
        "family": "",
        "domain_content": licence.is_open,
        "domain_data": licence.is_open,
        "domain_software": False,
        "is_generic": False,
        "od_conformance": conformance,
        "osd_conformance": "not reviewed",
        "is_okd_compliant": licence.is_open,
        "is_osi_compliant": False,
    }


def ckan_organization(organisation: Organisation, *, package_count: int | None = None) -> dict:
    extras = {"abbreviation": organisation.abbreviation, "homepage": organisation.homepage}
    result = {
        "id": organisation_uuid(organisation.slug),
        "name": organisation.slug,
        "title": organisation.title,
        "display_name": organisation.title,
        "description": organisation.description,
        "type": "organization",
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "image_url": "",
        "image_display_url": "",
        "created": organisation.created_at.isoformat(),
        "num_followers": 0,
        "extras": [{"key": k, "value": v} for k, v in extras.items() if v],
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def ckan_group(theme: Theme, *, package_count: int | None = None) -> dict:
    result = {
        "id": group_uuid(theme.slug),
        "name": theme.slug,
        "title": theme.title,
        "display_name": theme.title,
        "description": theme.description,
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "image_url": "",
        "image_display_url": "",
        "num_followers": 0,
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


_NOT_IN_TAG = re.compile(r"[^\w .-]")


def tag_name(keyword: str) -> str | None:
    """A keyword as a tag name a CKAN site accepts: 2 to 100 letters, digits, spaces, '-', '_'
    or '.' (other characters become spaces; ckanext-harvest drops a whole dataset over one bad
    tag). None when nothing is left."""
    name = " ".join(_NOT_IN_TAG.sub(" ", keyword).split())[:100].strip()
    if not name:
        return None
    return name.ljust(2, "_")


def tag_names(keywords: list) -> list[str]:
    """The distinct CKAN tag names of a keyword list, in order."""
    names = (tag_name(k) for k in keywords or [] if isinstance(k, str))
    return list(dict.fromkeys(n for n in names if n))


def ckan_tag(name: str) -> dict:
    return {"id": tag_uuid(name), "name": name, "display_name": name, "vocabulary_id": None}


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _extras(dataset: Dataset) -> dict[str, str]:
    temporal = ""
    if dataset.temporal_start or dataset.temporal_end:
        temporal = f"{_iso(dataset.temporal_start) or '..'}/{_iso(dataset.temporal_end) or '..'}"
    harvested = dataset.harvest_source_id is not None
    extras = {
        # ckanext-dcat's names: the dataset's IRI (its original one, else its address here),
        # its original identifier and its original publisher, so a record keeps them at every
        # hop (our own CKAN harvester reads them back).
        "uri": dataset.iri or f"{settings.SITE_URL}/datasets/{dataset.slug}",
        "identifier": dataset.identifier,
        "publisher_name": (dataset.source_publisher_name if harvested else "")
        or dataset.publisher.title,
        "publisher_uri": dataset.source_publisher_uri if harvested else "",
        "access_rights": dataset.access_rights,
        "metadata_visibility": dataset.metadata_visibility,
        "security_classification": dataset.security_classification,
        "handling_caveat": dataset.handling_caveat,
        "personal_data": dataset.personal_data,
        "update_frequency": dataset.update_frequency,
        "spatial": dataset.spatial,
        "temporal": temporal,
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "issued": _iso(dataset.issued),
        "modified": _iso(dataset.modified),
    }
    if dataset.harvest_source_id:
        # Where this node got the record, as the dataset API's `source` says it; never the
        # harvest source's own URL, which may carry its credentials.
        source = dataset.harvest_source
        extras |= {
            "source_publisher_name": dataset.source_publisher_name,
            "source_identifier": dataset.source_identifier,
            "source_url": dataset.source_url,
            "harvested_from": source.title if source else "",
            "harvested_from_type": source.source_type if source else "",
            "harvested_at": _iso(dataset.harvested_at),
        }
    return extras


def ckan_package(dataset: Dataset, *, licences: Licences) -> dict:
    """One dataset (read through visible_to, so annotated with downloads_visible) as a CKAN
    package dict. Download URLs of data the caller may not download point at our page."""
    contact = next(iter(dataset.contact_points.all()), None)
    downloads = bool(getattr(dataset, "downloads_visible", False))
    page = f"{settings.SITE_URL}/datasets/{dataset.slug}/"
    distributions = list(dataset.distributions.all())
    themes = list(dataset.theme.all())
    tags = tag_names(dataset.keyword)
    organization = ckan_organization(dataset.publisher)
    return {
        "id": str(dataset.pk),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        # The original landing page; our page only for datasets published here.
        "url": dataset.landing_page or ("" if dataset.harvest_source_id is not None else page),
        "version": dataset.version,
        "state": "active" if dataset.status == Dataset.Status.PUBLISHED else "deleted",
        "private": False,
        "type": "dataset",
        **licences.fields(dataset.licence),
        "author": "",
        "author_email": "",
        "maintainer": contact.name if contact else "",
        "maintainer_email": contact.email if contact else "",
        "metadata_created": dataset.metadata_created.isoformat(),
        "metadata_modified": dataset.metadata_modified.isoformat(),
        "creator_user_id": None,
        "organization": organization,
        "owner_org": organization["id"],
        "tags": [ckan_tag(name) | {"state": "active"} for name in tags],
        "groups": [ckan_group(t) for t in themes],
        "extras": [{"key": k, "value": v} for k, v in _extras(dataset).items() if v],
        "num_resources": len(distributions),
        "num_tags": len(tags),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "resources": [
            {
                "id": resource_uuid(dataset.pk, i),
                "package_id": str(dataset.pk),
                "name": d.title,
                "description": d.description,
                "url": (d.download_url or d.access_url) if downloads else page,
                "format": d.format,
                "mimetype": d.media_type,
                "size": d.byte_size,
                "hash": d.checksum,
                "position": i,
                "state": "active",
                "url_type": None,
                "created": dataset.metadata_created.isoformat(),
                "last_modified": dataset.metadata_modified.isoformat(),
            }
            for i, d in enumerate(distributions)
        ],
    }
