"""Feed endpoints. Each reads the caller's visible, published datasets and nothing else."""

import json
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.dateparse import parse_datetime

from catalogue.selectors import dataset_list, dataset_lookup
from catalogue.vocabularies import DatasetStatus

from .datajson import datajson_dataset
from .dcat import FORMATS, add_dataset, catalogue_graph, new_graph

EXTENSIONS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
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


def _serialize(graph, rdf_format: str) -> HttpResponse:
    body = (
        graph.serialize(format=rdf_format, auto_compact=True)
        if rdf_format == "json-ld"
        else graph.serialize(format=rdf_format)
    )
    return HttpResponse(body, content_type=f"{FORMATS[rdf_format]}; charset=utf-8")


def catalogue_feed(request: HttpRequest, extension: str) -> HttpResponse:
    """/catalog.ttl|.jsonld|.rdf — DCAT-AP 3, Hydra-paged, `modified_since` for increments."""
    try:
        page = _int(request.GET.get("page"), 1, name="page", low=1, high=10**9)
        page_size = _int(
            request.GET.get("page_size"), 100, name="page_size", low=1, high=MAX_PAGE_SIZE
        )
    except ValueError as exc:
        return _bad_request(str(exc))
    datasets = _published(request)
    query = {}
    if since := request.GET.get("modified_since"):
        moment = parse_datetime(since.replace(" ", "+"))
        if moment is None:
            return _bad_request("modified_since must be an ISO 8601 date and time.")
        datasets = datasets.filter(metadata_modified__gte=moment)
        query["modified_since"] = since
    datasets = datasets.order_by("metadata_created", "pk")
    total = datasets.count()
    rows = datasets[(page - 1) * page_size : page * page_size]
    graph = catalogue_graph(
        rows,
        page_url=f"{settings.SITE_URL}/catalog.{extension}",
        query=query,
        page=page,
        page_size=page_size,
        total=total,
    )
    return _serialize(graph, EXTENSIONS[extension])


def dataset_feed(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """/datasets/{slug}.ttl|.jsonld|.rdf — one dataset, if the caller may see it."""
    dataset = dataset_lookup(user=request.user, key=slug)
    if dataset is None:
        raise Http404("No dataset here, or not one you may see.")
    graph = new_graph()
    add_dataset(graph, dataset)
    return _serialize(graph, EXTENSIONS[extension])


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
