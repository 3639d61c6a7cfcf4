"""The dataset search every interface uses: visibility, filters, text, ordering and facets.

The API and the search page both call `dataset_search`; neither filters, counts or orders
datasets itself. Counts follow the usual faceted-search rules: values of one facet OR together,
different facets AND together, and a facet's own selection never shrinks its own counts.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Length
from django.http import QueryDict

from catalogue import selectors
from catalogue.api.filters import DatasetFilter
from catalogue.errors import SearchParameterError
from catalogue.models import Dataset
from catalogue.vocabularies import DatasetStatus

from . import facets as facet_counts
from . import highlights
from .results import ResultRows, ResultTable, TableRows, narrow_sql

ORDERINGS = {
    "relevance": "Most relevant",
    "-modified": "Recently updated",
    "modified": "Least recently updated",
    "title": "Title A to Z",
    "-title": "Title Z to A",
}
BROWSE_ORDERING = "-modified"


@dataclass
class SearchResults:
    queryset: ResultRows  # the ordered matches; count() and slices, like a queryset
    text: str
    ordering: str
    selected: dict[str, list[str]] = field(default_factory=dict)
    facets: dict[str, list[dict]] = field(default_factory=dict)

    def highlights_for(self, datasets) -> dict[str, dict[str, str]]:
        """Snippets for one page of results (already visible rows, so nothing leaks)."""
        return highlights([d.pk for d in datasets], self.text) if self.text else {}


def _order(ordering: str, searching: bool) -> list:
    newest = F("modified").desc(nulls_last=True)
    if ordering == "relevance" and searching:
        # Exact title or identifier first of all. Then records whose title alone matches, the
        # closest-fitting (shortest) title first, so "Hospital admissions" leads the records that
        # merely mention it. Then text relevance; quality and recency break the remaining ties.
        fit = Case(When(title_match=True, then=Length("title")), default=Value(0))
        return [
            F("exact_match").desc(),
            F("title_match").desc(nulls_last=True),
            fit.asc(),
            F("search_rank").desc(nulls_last=True),
            F("quality_score").desc(),
            newest,
            F("title").asc(),
            F("id").asc(),
        ]
    if ordering in ("modified", "-modified"):
        asc = F("modified").asc(nulls_last=True)
        return [newest if ordering == "-modified" else asc, F("title").asc(), F("id").asc()]
    if ordering in ("title", "-title"):
        title = F("title").desc() if ordering == "-title" else F("title").asc()
        return [title, F("id").asc()]
    return [newest, F("title").asc(), F("id").asc()]


@dataclass
class SearchRequest:
    """A search's parameters, read and checked once for every backend."""

    text: str
    ordering: str
    filterset: DatasetFilter  # validated: `filters` holds the cleaned values
    selected: dict[str, list[str]]  # each facet's chosen values, as given
    default_status: bool  # no `status` asked for: published records only

    @property
    def filters(self) -> dict:
        return self.filterset.form.cleaned_data

    @property
    def narrowed(self) -> bool:
        """Whether any filter besides the text will cut the matches down."""
        return any(value for name, value in self.filters.items() if name != "q")


def search_request(params: QueryDict) -> SearchRequest:
    """The parameters checked (SearchParameterError lists every bad one)."""
    text = (params.get("q") or "").strip()
    ordering = params.get("ordering") or ("relevance" if text else BROWSE_ORDERING)
    filterset = DatasetFilter(data=params, queryset=Dataset.objects.none())
    errors = {}
    if not filterset.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
    if ordering not in ORDERINGS:
        errors["ordering"] = [f"Unknown ordering {ordering!r}; use one of: {', '.join(ORDERINGS)}."]
    if errors:
        raise SearchParameterError(errors)
    selected = {
        name: [v for v in params.getlist(name) if v.strip()]
        for name in facet_counts.NAMES
        if params.getlist(name)
    }
    return SearchRequest(text, ordering, filterset, selected, "status" not in params)


def _filtered(request: SearchRequest, qs: QuerySet, *, leave_out: str | None = None):
    """The request's filters applied to `qs`, optionally all but one."""
    for name, value in request.filters.items():
        # The text search is applied once, to the base, by dataset_search.
        if name not in (leave_out, "q"):
            qs = request.filterset.filters[name].filter(qs, value)
    return qs


def dataset_search(
    *,
    user: AbstractBaseUser | AnonymousUser,
    params: QueryDict,
    with_facets: bool = True,
    only_facets: list[str] | None = None,
) -> SearchResults:
    """Datasets the user may see that match `params` (the API's query parameters), ordered,
    with facet counts. Lists show published records unless `status` is asked for; withdrawn
    pages stay reachable by their address. `only_facets` limits the counting to the facets a
    page shows. Raises SearchParameterError on a bad value."""
    request = search_request(params)
    if settings.SEARCH_BACKEND == "tantivy":
        from .tantivy import dataset_search as tantivy_search

        return tantivy_search(
            user=user, request=request, with_facets=with_facets, only_facets=only_facets
        )
    text, ordering, selected = request.text, request.ordering, request.selected
    base = selectors.dataset_list(user=user)
    if request.default_status:
        base = base.filter(status=DatasetStatus.PUBLISHED)
    narrowed = request.narrowed
    if text:
        base = base.search(text, narrowed=narrowed)
    plain = base.order_by().prefetch_related(None)
    matches = narrow_sql(_filtered(request, plain), _order(ordering, bool(text)))
    # A rebuilt result table needs the text's table of matches again.
    prepare = (lambda: Dataset.objects.none().search(text, narrowed=narrowed)) if text else None
    table = ResultTable(*matches, prepare=prepare) if matches else None
    rows = selectors.dataset_list(user=user)
    found = SearchResults(
        queryset=TableRows(table, rows), text=text, ordering=ordering, selected=selected
    )
    if with_facets:
        sources = {}
        for name in only_facets or facet_counts.NAMES:
            if name not in selected:
                sql = (f"SELECT * FROM {table.name}", []) if table else None
            else:  # counted without its own selection
                sql = narrow_sql(_filtered(request, plain, leave_out=name))
                sql = sql and sql[:2]
            if sql is None:
                found.facets[name] = []
            else:
                sources[name] = sql
        found.facets.update(facet_counts.count(sources, selected))
    return found
