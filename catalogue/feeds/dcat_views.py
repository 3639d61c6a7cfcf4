"""DCAT-AP feed endpoints: /catalog.ttl|.jsonld|.rdf (Hydra-paged) and /datasets/{slug}.ttl….

One bad record never fails a page. Each dataset is described in a graph of its own; one that
cannot be described is left out. If the page then fails to serialise, each record is tried on
its own in that format and the ones that fail are left out too. Every record left out is logged
with its slug and counted in the X-Skipped-Records response header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from rdflib import Graph, URIRef

from catalogue.models import Dataset
from catalogue.selectors import dataset_lookup, published_dataset_list

from .dcat import FORMATS, add_dataset, catalogue_node, hydra_view, new_graph

logger = logging.getLogger(__name__)

EXTENSIONS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
MAX_PAGE_SIZE = 1000
SKIPPED_HEADER = "X-Skipped-Records"


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=400)


def _int(value: str | None, default: int, *, name: str, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def _serialize(graph: Graph, rdf_format: str) -> str:
    if rdf_format == "json-ld":
        return graph.serialize(format=rdf_format, auto_compact=True)
    return graph.serialize(format=rdf_format)


def _described(
    datasets: Iterable[Dataset], catalogue: URIRef | None
) -> tuple[list[tuple[str, Graph]], list[str]]:
    """(slug, graph) of each dataset that could be described, and the slugs that could not."""
    parts, skipped = [], []
    for dataset in datasets:
        part = new_graph()
        try:
            add_dataset(part, dataset, catalogue)
        except Exception:
            logger.exception("DCAT feed: dataset %s left out, it cannot be described", dataset.slug)
            skipped.append(dataset.slug)
            continue
        parts.append((dataset.slug, part))
    return parts, skipped


def _turtle(head: Graph, parts: list[tuple[str, Graph]], skipped: list[str]) -> str:
    """The catalogue node in Turtle, then each record as N-Triples lines (a subset of Turtle).

    rdflib's pretty Turtle writer slows down with every distinct namespace in a graph: a page
    of a thousand harvested records took over a minute. Its N-Triples writer is linear and
    some fifteen times faster, and writing record by record leaves out only a record that fails.
    """
    chunks = [_serialize(head, "turtle")]
    for slug, part in parts:
        try:
            chunks.append(part.serialize(format="nt"))
        except Exception:
            logger.exception("DCAT feed: dataset %s left out, it cannot be written", slug)
            skipped.append(slug)
    return "\n".join(chunks)


def _respond(
    head: Graph, parts: list[tuple[str, Graph]], skipped: list[str], rdf_format: str
) -> HttpResponse:
    """Serialise head + parts; when that fails, leave out each part that fails on its own."""
    if rdf_format == "turtle":
        body = _turtle(head, parts, skipped)
        return _response(body, rdf_format, skipped)
    graph = _joined(head, [part for _slug, part in parts])
    try:
        body = _serialize(graph, rdf_format)
    except Exception:
        logger.exception(
            "DCAT feed: page failed to serialise as %s; trying each record", rdf_format
        )
        kept = []
        for slug, part in parts:
            try:
                _serialize(_joined(part), rdf_format)
            except Exception:
                logger.exception("DCAT feed: dataset %s left out, it cannot be written", slug)
                skipped.append(slug)
            else:
                kept.append(part)
        body = _serialize(_joined(head, kept), rdf_format)
    return _response(body, rdf_format, skipped)


def _response(body: str, rdf_format: str, skipped: list[str]) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{FORMATS[rdf_format]}; charset=utf-8")
    response[SKIPPED_HEADER] = str(len(skipped))
    return response


def _joined(*graphs: Graph | list[Graph]) -> Graph:
    """One graph with our prefixes holding the triples of all the given graphs."""
    joined = new_graph()
    for item in graphs:
        for graph in item if isinstance(item, list) else [item]:
            joined += graph
    return joined


def catalogue_feed(request: HttpRequest, extension: str) -> HttpResponse:
    """/catalog.ttl|.jsonld|.rdf — DCAT-AP 3, Hydra-paged, `modified_since` for increments."""
    try:
        page = _int(request.GET.get("page"), 1, name="page", low=1, high=10**9)
        page_size = _int(
            request.GET.get("page_size"), 100, name="page_size", low=1, high=MAX_PAGE_SIZE
        )
    except ValueError as exc:
        return _bad_request(str(exc))
    datasets = published_dataset_list(user=request.user)
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
    head = new_graph()
    catalogue = catalogue_node(head)
    hydra_view(
        head,
        catalogue,
        page_url=f"{settings.SITE_URL}/catalog.{extension}",
        query=query,
        page=page,
        page_size=page_size,
        total=total,
    )
    parts, skipped = _described(rows, catalogue)
    return _respond(head, parts, skipped, EXTENSIONS[extension])


def dataset_feed(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """/datasets/{slug}.ttl|.jsonld|.rdf — one dataset, if the caller may see it."""
    dataset = dataset_lookup(user=request.user, key=slug)
    if dataset is None:
        raise Http404("No dataset here, or not one you may see.")
    parts, skipped = _described([dataset], None)
    return _respond(new_graph(), parts, skipped, EXTENSIONS[extension])
