"""Feed endpoints. Each reads the caller's visible, published datasets and nothing else."""

import json
import re
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from catalogue.models import Organisation
from catalogue.search.filters import DatasetFilter
from catalogue.selectors import dataset_list, dataset_lookup
from catalogue.vocabularies import DatasetStatus

from .ckan import ckan_organization, ckan_package
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


# --- CKAN-compatible Action API -------------------------------------------------------------

CKAN_HELP = "Read-only CKAN-compatible Action API of the Data Marketplace."
FQ_MODIFIED = re.compile(r"metadata_modified:\[\s*(\S+)\s+TO\s+\*\s*\]")
FQ_FIELD = re.compile(r"\b(organization|tags|groups):\"?([\w.-]+)\"?")


def _ckan(result, status: int = 200) -> Response:
    return Response({"help": CKAN_HELP, "success": status == 200, "result": result}, status=status)


def _ckan_error(message: str, kind: str, status: int) -> Response:
    return Response(
        {"help": CKAN_HELP, "success": False, "error": {"message": message, "__type": kind}},
        status=status,
    )


@extend_schema(exclude=True)  # CKAN's own shapes, documented in docs/api.md
@api_view(["GET"])
@permission_classes([AllowAny])
def ckan_package_search(request: Request) -> Response:
    try:
        rows = _int(request.GET.get("rows"), 10, name="rows", low=0, high=MAX_PAGE_SIZE)
        start = _int(request.GET.get("start"), 0, name="start", low=0, high=10**9)
    except ValueError as exc:
        return _ckan_error(str(exc), "Validation Error", 400)
    datasets = _published(request)
    q = request.GET.get("q", "").strip()
    if q and q not in {"*:*", "*"}:
        datasets = DatasetFilter({"q": q}, queryset=datasets).qs
    fq = request.GET.get("fq", "")
    if match := FQ_MODIFIED.search(fq):
        moment = (
            parse_datetime(match.group(1).rstrip("Z") + "+00:00") if match.group(1) != "*" else None
        )
        if match.group(1) != "*" and moment is None:
            return _ckan_error(
                "fq metadata_modified must be an ISO 8601 date and time.", "Validation Error", 400
            )
        if moment is not None:
            datasets = datasets.filter(metadata_modified__gte=moment)
    for field, value in FQ_FIELD.findall(fq):
        lookup = {"organization": "publisher__slug", "groups": "theme__slug"}.get(field)
        datasets = (
            datasets.has_keyword([value]) if field == "tags" else datasets.filter(**{lookup: value})
        )
    datasets = datasets.order_by(
        "-metadata_modified"
        if "metadata_modified desc" in request.GET.get("sort", "")
        else "metadata_created",
        "pk",
    )
    count = datasets.count()
    return _ckan(
        {
            "count": count,
            "sort": request.GET.get("sort", ""),
            "results": [ckan_package(d) for d in datasets[start : start + rows]],
        }
    )


@extend_schema(exclude=True)  # CKAN's own shapes, documented in docs/api.md
@api_view(["GET"])
@permission_classes([AllowAny])
def ckan_package_show(request: Request) -> Response:
    key = request.GET.get("id", "").strip()
    if not key:
        return _ckan_error("Missing value: id", "Validation Error", 400)
    dataset = dataset_lookup(user=request.user, key=key)
    if dataset is None or dataset.status != DatasetStatus.PUBLISHED:
        return _ckan_error("Not found", "Not Found Error", 404)
    return _ckan(ckan_package(dataset))


@extend_schema(exclude=True)  # CKAN's own shapes, documented in docs/api.md
@api_view(["GET"])
@permission_classes([AllowAny])
def ckan_package_list(request: Request) -> Response:
    return _ckan(list(_published(request).order_by("slug").values_list("slug", flat=True)))


@extend_schema(exclude=True)  # CKAN's own shapes, documented in docs/api.md
@api_view(["GET"])
@permission_classes([AllowAny])
def ckan_organization_list(request: Request) -> Response:
    organisations = Organisation.objects.order_by("slug")
    if request.GET.get("all_fields", "").lower() in {"true", "1"}:
        return _ckan([ckan_organization(o) for o in organisations])
    return _ckan(list(organisations.values_list("slug", flat=True)))
