"""Feed endpoints. Each reads the caller's visible, published datasets and nothing else."""

import json
from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse

from catalogue.selectors import published_dataset_list

from .datajson import datajson_dataset


def datajson_feed(request: HttpRequest) -> StreamingHttpResponse:
    """/data.json — DCAT-US 1.1, streamed so a large catalogue never sits whole in memory."""
    datasets = published_dataset_list(user=request.user).order_by("metadata_created", "pk")

    def chunks() -> Iterator[str]:
        head = {
            "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
            "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
            "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        }
        yield json.dumps(head)[:-1] + ', "dataset": ['
        for i, dataset in enumerate(datasets.iterator(chunk_size=500)):
            yield ("," if i else "") + json.dumps(datajson_dataset(dataset))
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json")
