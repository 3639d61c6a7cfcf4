"""schema.org Dataset markup for a dataset page, so search engines and crawlers understand it.

Only what the viewer may already see on the page goes in: download URLs of data that is not
open appear only when `downloads_visible` is true for this viewer.
"""

import json

from django.utils.safestring import SafeString, mark_safe

from catalogue.models import Dataset

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def dataset_jsonld(dataset: Dataset, *, url: str) -> SafeString:
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "name": dataset.title,
        "description": dataset.description or dataset.summary or dataset.title,
        "identifier": dataset.identifier or str(dataset.pk),
        "keywords": list(dataset.keyword),
        "license": dataset.licence or None,
        "isAccessibleForFree": dataset.access_rights
        == Dataset._meta.get_field("access_rights").default,
        "publisher": {"@type": "Organization", "name": dataset.publisher.title},
        "dateModified": dataset.modified.isoformat() if dataset.modified else None,
        "datePublished": dataset.issued.isoformat() if dataset.issued else None,
        "spatialCoverage": dataset.spatial or None,
    }
    if dataset.temporal_start or dataset.temporal_end:
        start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if getattr(dataset, "downloads_visible", False):
        data["distribution"] = [
            {
                "@type": "DataDownload",
                "name": d.title or d.format,
                "encodingFormat": d.media_type or d.format or None,
                "contentUrl": d.download_url or d.access_url or None,
            }
            for d in dataset.distributions.all()
        ]
    data = {k: v for k, v in data.items() if v not in (None, [], "")}
    # Escaped like Django's json_script so no value can close the <script> element.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308
