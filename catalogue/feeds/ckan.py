"""Datasets and organisations shaped as CKAN Action API dicts, for tools that speak CKAN."""

from django.conf import settings

from catalogue.models import Dataset, Organisation


def ckan_organization(organisation: Organisation) -> dict:
    return {
        "id": str(organisation.pk),
        "name": organisation.slug,
        "title": organisation.title,
        "description": organisation.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "image_url": "",
        "created": organisation.created_at.isoformat(),
    }


def ckan_package(dataset: Dataset) -> dict:
    """One dataset (filtered and annotated by visible_to) as a CKAN package dict."""
    contact = next(iter(dataset.contact_points.all()), None)
    downloads = bool(getattr(dataset, "downloads_visible", False))
    page = f"{settings.SITE_URL}/datasets/{dataset.slug}/"
    extras = {
        "identifier": dataset.identifier,
        "access_rights": dataset.access_rights,
        "security_classification": dataset.security_classification,
        "update_frequency": dataset.update_frequency,
        "spatial": dataset.spatial,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "issued": dataset.issued.isoformat() if dataset.issued else "",
        "modified": dataset.modified.isoformat() if dataset.modified else "",
    }
    return {
        "id": str(dataset.pk),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "url": dataset.landing_page or page,
        "version": dataset.version,
        "state": "active" if dataset.status == Dataset.Status.PUBLISHED else "deleted",
        "private": False,
        "type": "dataset",
        "license_id": dataset.licence,
        "license_url": dataset.licence if "://" in dataset.licence else "",
        "maintainer": contact.name if contact else "",
        "maintainer_email": contact.email if contact else "",
        "metadata_created": dataset.metadata_created.isoformat(),
        "metadata_modified": dataset.metadata_modified.isoformat(),
        "organization": ckan_organization(dataset.publisher),
        "owner_org": str(dataset.publisher.pk),
        "tags": [{"name": k, "display_name": k} for k in dataset.keyword],
        "groups": [
            {"name": t.slug, "title": t.title, "display_name": t.title} for t in dataset.theme.all()
        ],
        "extras": [{"key": k, "value": v} for k, v in extras.items() if v],
        "num_resources": len(dataset.distributions.all()),
        "num_tags": len(dataset.keyword),
        "resources": [
            {
                "id": f"{dataset.pk}-{i}",
                "package_id": str(dataset.pk),
                "name": d.title,
                "description": d.description,
                "url": (d.download_url or d.access_url) if downloads else page,
                "format": d.format,
                "mimetype": d.media_type,
                "size": d.byte_size,
                "hash": d.checksum,
                "position": i,
            }
            for i, d in enumerate(dataset.distributions.all())
        ],
    }
