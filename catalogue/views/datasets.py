"""Server-rendered pages. They read through the same search and selectors as the API, and work
without JavaScript: every state (query, filters, sort, page) lives in the URL."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render

from catalogue import quality
from catalogue.errors import SearchParameterError
from catalogue.jsonld import dataset_jsonld
from catalogue.models import Organisation
from catalogue.search.query import ORDERINGS, dataset_search
from catalogue.selectors import dataset_list, dataset_lookup
from catalogue.vocabularies import AccessRights, DatasetStatus

PAGE_SIZE = 20
FACETS_SHOWN = 10
FACET_LEGENDS = {
    "publisher": "Publisher",
    "theme": "Theme",
    "format": "Format",
    "access_rights": "Access",
    "licence": "Licence",
    "security_classification": "Security classification",
    "quality_rating": "Metadata quality",
    "keyword": "Keyword",
}


def _url(params: QueryDict) -> str:
    return "?" + params.urlencode() if params else "?"


def _facet_groups(found, params: QueryDict) -> list[dict]:
    groups = []
    for name, legend in FACET_LEGENDS.items():
        chosen = {v.lower() for v in found.selected.get(name, [])}
        rows = found.facets.get(name, [])
        shown = [r for r in rows[:FACETS_SHOWN]] + [
            r for r in rows[FACETS_SHOWN:] if r["value"].lower() in chosen
        ]
        if not shown:
            continue
        groups.append(
            {
                "name": name,
                "legend": legend,
                "items": [{**r, "checked": r["value"].lower() in chosen} for r in shown],
            }
        )
    return groups


def _selected_filters(found, params: QueryDict) -> list[dict]:
    labels = {
        (name, row["value"].lower()): row["label"]
        for name, rows in found.facets.items()
        for row in rows
    }
    selected = []
    for name, values in found.selected.items():
        for value in values:
            remaining = params.copy()
            remaining.setlist(name, [v for v in params.getlist(name) if v != value])
            remaining.pop("page", None)
            selected.append(
                {
                    "legend": FACET_LEGENDS[name],
                    "label": labels.get((name, value.lower()), value),
                    "remove_url": _url(remaining),
                }
            )
    return selected


def _pagination(page, params: QueryDict) -> dict | None:
    if page.paginator.num_pages <= 1:
        return None

    def link(number: int) -> str:
        moved = params.copy()
        moved["page"] = str(number)
        return _url(moved)

    items, last = [], 0
    for number in page.paginator.page_range:
        if number in (1, page.paginator.num_pages) or abs(number - page.number) <= 2:
            if last and number - last > 1:
                items.append({"ellipsis": True})
            items.append(
                {"number": str(number), "href": link(number), "current": number == page.number}
            )
            last = number
    return {
        "previous": {"href": link(page.number - 1)} if page.has_previous() else None,
        "next": {"href": link(page.number + 1)} if page.has_next() else None,
        "items": items,
    }


def home(request: HttpRequest) -> HttpResponse:
    found = dataset_search(
        user=request.user, params=QueryDict(), only_facets=["theme", "publisher"]
    )
    return render(
        request,
        "catalogue/home.html",
        {
            "total": found.queryset.count(),
            "themes": found.facets["theme"],
            "publishers": found.facets["publisher"][:FACETS_SHOWN],
            "recent": found.queryset[:5],
        },
    )


def dataset_search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    try:
        found = dataset_search(user=request.user, params=params)
    except SearchParameterError as error:
        errors = [
            {"text": f"{FACET_LEGENDS.get(name, name.replace('_', ' ').capitalize())}: {msg}"}
            for name, messages in error.errors.items()
            for msg in messages
        ]
        return render(
            request,
            "catalogue/dataset_search.html",
            {"errors": errors, "q": params.get("q", ""), "orderings": ORDERINGS},
            status=400,
        )
    page = Paginator(found.queryset, PAGE_SIZE).get_page(params.get("page"))
    marks = found.highlights_for(page.object_list)
    results = [(dataset, marks.get(str(dataset.pk))) for dataset in page.object_list]
    return render(
        request,
        "catalogue/dataset_search.html",
        {
            "q": found.text,
            "ordering": found.ordering,
            "orderings": {k: v for k, v in ORDERINGS.items() if found.text or k != "relevance"},
            "page": page,
            "results": results,
            "groups": _facet_groups(found, params),
            "selected": _selected_filters(found, params),
            "pagination": _pagination(page, params),
            "clear_url": _url(QueryDict(f"q={found.text}" if found.text else "", mutable=True)),
        },
    )


def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_lookup(user=request.user, key=slug)
    if dataset is None:
        raise Http404("No dataset here, or not one you may see.")
    url = request.build_absolute_uri()
    return render(
        request,
        "catalogue/dataset_detail.html",
        {
            "dataset": dataset,
            "is_open": dataset.access_rights == AccessRights.OPEN,
            "withdrawn": dataset.status == DatasetStatus.WITHDRAWN,
            "quality_max": quality.MAX_SCORE,
            "quality_label": quality.RATING_LABELS.get(dataset.quality_rating, "Not assessed"),
            "jsonld": dataset_jsonld(dataset, url=url),
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    visible = dataset_list(user=request.user).filter(status=DatasetStatus.PUBLISHED)
    organisations = Organisation.objects.annotate(
        dataset_count=Count("datasets", filter=Q(datasets__in=visible.values("pk")))
    ).order_by("title")
    return render(request, "catalogue/organisation_list.html", {"organisations": organisations})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    params = QueryDict(mutable=True)
    params["publisher"] = organisation.slug
    params["ordering"] = "title"
    found = dataset_search(user=request.user, params=params, with_facets=False)
    page = Paginator(found.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/organisation_detail.html",
        {
            "organisation": organisation,
            "page": page,
            "pagination": _pagination(page, request.GET.copy()),
            "search_url": f"/datasets/?publisher={organisation.slug}",
        },
    )
