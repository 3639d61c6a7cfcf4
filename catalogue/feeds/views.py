"""Feed endpoints. Each reads the caller's visible, published datasets and nothing else."""

import json
from collections.abc import Iterator

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse

from catalogue.selectors import dataset_list
from catalogue.vocabularies import DatasetStatus

from .datajson import datajson_dataset

MAX_PAGE_SIZE = 1000


def _published(request: HttpRequest):
    return dataset_list(user=request.user).filter(status=DatasetStatus.PUBLISHED)


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=400)


def _int(value: str | None, default: int, *, name: str, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def datajson_feed(request: HttpRequest) -> StreamingHttpResponse:
    """/data.json — DCAT-US 1.1, streamed so a large catalogue never sits whole in memory."""
    datasets = _published(request).order_by("metadata_created", "pk")

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
