"""A read-only CKAN Action API (`/api/action/<name>`, `/api/3/action/<name>`), GET and POST,
shaped as CKAN 2.9-2.11 answer, so `ckanapi`, ckanext-harvest and other CKAN clients work
unchanged.

Every dataset is read through `selectors.dataset_list(user=…)`, published only: the API shows
exactly what the catalogue's pages show the same caller, and download URLs of non-open data only
where `downloads_visible` allows them. Parameters come from the query string (GET), a JSON body
or a form body (POST), as CKAN reads them. Errors are CKAN's: 400 "Validation Error" with a
message per field, 400 "Search Query Error", 404 "Not Found Error", 403 "Authorization Error",
and a bare 400 "Bad request - …" string for an unknown action or an unreadable body.
"""

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.models import Dataset, Licence, Organisation, Theme
from catalogue.selectors import dataset_lookup, published_dataset_list
from catalogue.vocabularies import DatasetStatus

from . import ckan_search as search
from .ckan import (
    Licences,
    ckan_group,
    ckan_licence,
    ckan_organization,
    ckan_package,
    ckan_tag,
    group_uuid,
    organisation_uuid,
    tag_names,
)

ROWS_MAX = 1000  # CKAN's ckan.search.rows_max: larger `rows` are cut to it, not refused
LIST_MAX = 1000  # CKAN's ckan.group_and_organization_list_max
CKAN_VERSION = "2.10.4"  # the CKAN API level these answers follow


class BadRequest(Exception):
    """A body CKAN could not read: answered as a bare "Bad request - …" string."""


class NotFound(Exception):
    pass


class ValidationFailed(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class Params:
    """An action's parameters, read leniently (strings or JSON values) with errors collected,
    so one answer names every bad parameter."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def text(self, name: str, default: str = "") -> str:
        value = self.data.get(name, default)
        if value is None:
            return default
        if isinstance(value, list | dict):
            self.errors[name] = ["Must be a string"]
            return default
        return str(value).strip()

    def integer(self, name: str, default: int | None, *, low: int = 0) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            number = int(value)
        except (TypeError, ValueError):
            self.errors[name] = ["Invalid integer"]
            return default
        if number < low:
            self.errors[name] = ["Must be a natural number" if low == 0 else "Invalid integer"]
            return default
        return number

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off", "", "none"):
            return False
        self.errors[name] = ["Not a boolean value"]
        return default

    def names(self, name: str) -> list[str] | None:
        """A list given as a JSON list, a JSON-encoded list or repeated parameters."""
        value = self.data.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.lstrip().startswith("[") else [value]
            except ValueError:
                self.errors[name] = ["Must be a JSON list of strings"]
                return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.errors[name] = ["Must be a JSON list of strings"]
            return None
        return value

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


ACTIONS: dict[str, Callable[[Request, Params], Any]] = {}


def action(function: Callable[[Request, Params], Any]) -> Callable[[Request, Params], Any]:
    ACTIONS[function.__name__] = function
    return function


def _published(request: Request):
    return published_dataset_list(user=request.user)


def _page(params: Params, items, *, limit_default: int | None, cap: int):
    limit = params.integer("limit", limit_default)
    offset = params.integer("offset", 0)
    params.check()
    limit = cap if limit is None else min(limit, cap)
    return items[offset : offset + limit]


# --- datasets ---------------------------------------------------------------------------------


@action
def package_search(request: Request, params: Params) -> dict:
    """Search datasets: q, fq (or fq_list), sort, rows (at most 1000), start, facet.field,
    facet.limit."""
    rows = min(params.integer("rows", 10), ROWS_MAX)
    start = params.integer("start", 0)
    q, sort = params.text("q"), params.text("sort") or search.DEFAULT_SORT
    fq = params.data.get("fq") or ""
    fq_list = params.names("fq_list") or []
    if isinstance(fq, list) and all(isinstance(clauses, str) for clauses in fq):
        fq, fq_list = "", [*fq, *fq_list]  # a repeated fq, as Solr takes it: all must hold
    facet_fields = params.names("facet.field") or []
    facet_limit = params.integer("facet.limit", 50, low=-1)
    unknown = [f for f in facet_fields if f not in search.FACET_FIELDS]
    if unknown:
        params.errors["facet.field"] = [
            f"Unknown facet field {', '.join(map(repr, unknown))}; "
            f"use any of: {', '.join(search.FACET_FIELDS)}."
        ]
    if not isinstance(fq, str):
        params.errors["fq"] = ["Must be a string"]
    params.check()
    licences = Licences.load()
    condition, words = search.parse_query(q, licences=licences, free_text=True)
    for clauses in [fq, *fq_list]:
        condition &= search.parse_query(clauses, licences=licences, free_text=False)[0]
    ordering = search.order_by(sort, searching=bool(words))
    datasets = _published(request)
    if words:
        datasets = datasets.search(words, narrowed=condition != Q())
    datasets = datasets.filter(condition)
    facets, search_facets = search.facets(
        datasets, fields=facet_fields, limit=facet_limit, licences=licences
    )
    page = datasets.order_by(*ordering)[start : start + rows]
    return {
        "count": datasets.count(),
        "sort": sort,
        "results": [ckan_package(d, licences=licences) for d in page],
        "facets": facets,
        "search_facets": search_facets,
    }


@action
def package_show(request: Request, params: Params) -> dict:
    """One dataset by id or name."""
    key = params.text("id") or params.text("name_or_id")
    if not key:
        params.errors["id"] = ["Missing value"]
    params.check()
    dataset = dataset_lookup(user=request.user, key=key)
    if dataset is None or dataset.status != DatasetStatus.PUBLISHED:
        raise NotFound("Dataset not found")
    return ckan_package(dataset, licences=Licences.load())


@action
def package_list(request: Request, params: Params) -> list[str]:
    """Names of the datasets, by name; limit and offset page through them."""
    names = _published(request).order_by("slug").values_list("slug", flat=True)
    return list(_page(params, names, limit_default=None, cap=10**9))


@action
def current_package_list_with_resources(request: Request, params: Params) -> list[dict]:
    """Datasets with their resources, most recently changed first; limit (default 10, at most
    1000), offset or page."""
    limit = params.integer("limit", 10)
    page = params.integer("page", None, low=1)
    offset = params.integer("offset", ((page or 1) - 1) * (limit or 10))
    params.check()
    datasets = _published(request).order_by("-metadata_modified", "id")
    licences = Licences.load()
    rows = datasets[offset : offset + min(limit, ROWS_MAX)]
    return [ckan_package(d, licences=licences) for d in rows]


# --- organisations and groups (our themes) ------------------------------------------------------


def _counts(request: Request, column: str) -> Counter:
    ids = _published(request).order_by().values("pk")
    if column == "theme":
        links = Dataset.theme.through.objects.filter(dataset_id__in=ids)
        return Counter(dict(links.values_list("theme_id").annotate(n=Count("dataset_id"))))
    rows = Dataset.objects.filter(pk__in=ids).values_list("publisher_id").annotate(n=Count("pk"))
    return Counter(dict(rows))


def _listing(request: Request, params: Params, *, organisations: bool) -> list:
    model, shape = (Organisation, ckan_organization) if organisations else (Theme, ckan_group)
    all_fields = params.boolean("all_fields")
    with_counts = params.boolean("include_dataset_count", True)
    wanted = params.names("organizations" if organisations else "groups")
    sort = (params.text("sort") or "title asc").split()
    if sort[0] not in ("name", "title", "package_count") or len(sort) > 2:
        params.errors["sort"] = ["Sort by name, title or package_count, then asc or desc"]
    items = list(model.objects.all())
    if wanted is not None:
        items = [i for i in items if i.slug in wanted]
    counts = _counts(request, "publisher" if organisations else "theme")
    params.check()
    key = {
        "name": lambda i: i.slug,
        "title": lambda i: (i.title.lower(), i.slug),
        "package_count": lambda i: (counts[i.pk], i.slug),
    }[sort[0]]
    items.sort(key=key, reverse=len(sort) == 2 and sort[1].lower() == "desc")
    items = _page(params, items, limit_default=None, cap=LIST_MAX)
    if not all_fields:
        return [i.slug for i in items]
    return [shape(i, package_count=counts[i.pk] if with_counts else None) for i in items]


def _show(request: Request, params: Params, *, organisations: bool) -> dict:
    model, shape, make_id = (
        (Organisation, ckan_organization, organisation_uuid)
        if organisations
        else (Theme, ckan_group, group_uuid)
    )
    key = params.text("id")
    if not key:
        params.errors["id"] = ["Missing value"]
    include_datasets = params.boolean("include_datasets")
    params.check()
    found = model.objects.filter(slug=key).first() or next(
        (i for i in model.objects.all() if make_id(i.slug) == key), None
    )
    if found is None:
        raise NotFound("Organization not found" if organisations else "Group not found")
    datasets = _published(request)
    datasets = datasets.filter(publisher=found) if organisations else datasets.filter(theme=found)
    result = shape(found, package_count=datasets.count())
    result |= {"users": [], "groups": [], "tags": []}
    if include_datasets:
        licences = Licences.load()
        rows = datasets.order_by("-metadata_modified", "id")[:ROWS_MAX]
        result["packages"] = [ckan_package(d, licences=licences) for d in rows]
    return result


@action
def organization_list(request: Request, params: Params) -> list:
    """Organisation names, or dicts with all_fields; sort, limit, offset, organizations."""
    return _listing(request, params, organisations=True)


@action
def organization_show(request: Request, params: Params) -> dict:
    """One organisation by id or name; include_datasets adds its datasets (up to 1000)."""
    return _show(request, params, organisations=True)


@action
def group_list(request: Request, params: Params) -> list:
    """Group (theme) names, or dicts with all_fields; sort, limit, offset, groups."""
    return _listing(request, params, organisations=False)


@action
def group_show(request: Request, params: Params) -> dict:
    """One group (theme) by id or name; include_datasets adds its datasets (up to 1000)."""
    return _show(request, params, organisations=False)


# --- vocabularies and the site ------------------------------------------------------------------


@action
def tag_list(request: Request, params: Params) -> list:
    """Tags of the datasets the caller may see, by name; query narrows them, all_fields gives
    dicts."""
    query = (params.text("query") or params.text("q")).lower()
    all_fields = params.boolean("all_fields")
    vocabulary = params.text("vocabulary_id")
    params.check()
    if vocabulary:
        raise NotFound(f"Could not find vocabulary {vocabulary!r}")
    names: set[str] = set()
    keywords = _published(request).order_by().values_list("keyword", flat=True)
    for listed in keywords.iterator(chunk_size=2000):
        names.update(n for n in tag_names(listed) if query in n.lower())
    ordered = sorted(names, key=lambda n: (n.lower(), n))
    return [ckan_tag(n) for n in ordered] if all_fields else ordered


@action
def license_list(request: Request, params: Params) -> list[dict]:
    """The licence vocabulary, with CKAN's licence fields."""
    return [ckan_licence(licence) for licence in Licence.objects.order_by("slug")]


@action
def status_show(request: Request, params: Params) -> dict:
    """What this site is, in CKAN's terms."""
    return {
        "site_title": "Data Marketplace",
        "site_description": "A federated catalogue of government data.",
        "site_url": settings.SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "en_GB",
        "extensions": [],
    }


@action
def site_read(request: Request, params: Params) -> bool:
    """Whether the caller may read the site: always, read-only."""
    return True


@action
def help_show(request: Request, params: Params) -> str:
    """The documentation of one action."""
    name = params.text("name")
    if name not in ACTIONS:
        raise NotFound(f"Action function not found: {name!r}")
    return " ".join((ACTIONS[name].__doc__ or "").split())


# --- the endpoint -----------------------------------------------------------------------------


def _mixed(query) -> dict[str, Any]:
    """A query dict as CKAN reads it: one value as a string, repeated values as a list."""
    return {k: v[0] if len(v) == 1 else v for k, v in query.lists()}


def _request_data(request: Request) -> dict[str, Any]:
    raw = request._request
    if request.method == "GET":
        return _mixed(raw.GET)
    if raw.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = raw.POST
        keys = list(form.keys())
        if len(keys) == 1 and keys[0].lstrip().startswith("{") and form[keys[0]] in ("", "1"):
            body: Any = keys[0]  # a JSON body sent as a form's only key, as CKAN accepts
        else:
            return _mixed(form)
    else:
        body = raw.body.decode("utf-8", errors="replace")
        if not body.strip():
            return _mixed(raw.GET)
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"JSON Error: Error decoding JSON data. Error: {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest(
            f"Bad request data: Request data JSON decoded to {data!r} but it needs to be a "
            "dictionary."
        )
    return data


@extend_schema(exclude=True)  # CKAN's own shapes, documented in docs/api.md
class CkanActionView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes: list = []  # the body is read the way CKAN reads it, in _request_data
    throttle_classes: list = []

    def _help(self) -> str:
        return f"{settings.SITE_URL}/api/3/action/help_show?name={self.kwargs.get('name', '')}"

    def _error(self, status: int, error: dict) -> Response:
        return Response({"help": self._help(), "success": False, "error": error}, status=status)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            message = f"Access denied: {exc.detail}"
            return self._error(403, {"__type": "Authorization Error", "message": message})
        if isinstance(exc, exceptions.PermissionDenied):
            message = f"Access denied: {exc.detail}"
            return self._error(403, {"__type": "Authorization Error", "message": message})
        return super().handle_exception(exc)

    def get(self, request: Request, name: str) -> Response:
        function = ACTIONS.get(name)
        if function is None:
            return Response(f"Bad request - Action name not known: {name}", status=400)
        try:
            data = _request_data(request)
        except BadRequest as exc:
            return Response(f"Bad request - {exc}", status=400)
        data.pop("callback", None)
        try:
            result = function(request, Params(data))
        except ValidationFailed as exc:
            return self._error(400, {**exc.errors, "__type": "Validation Error"})
        except search.SearchQueryError as exc:
            message = f"Search Query is invalid: {exc}"
            return self._error(400, {"__type": "Search Query Error", "message": message})
        except NotFound as exc:
            return self._error(404, {"__type": "Not Found Error", "message": f"Not found: {exc}"})
        return Response({"help": self._help(), "success": True, "result": result})

    post = get
