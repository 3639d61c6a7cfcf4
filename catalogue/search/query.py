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
from .results import ResultRows, ResultTable, narrow_sql

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


def _validated(base: QuerySet, params: QueryDict) -> DatasetFilter:
    filterset = DatasetFilter(data=params, queryset=base)
    if not filterset.is_valid():
        raise SearchParameterError(
            {name: [str(e) for e in errors] for name, errors in filterset.errors.items()}
        )
    return filterset


def _filtered(filterset: DatasetFilter, qs: QuerySet, *, leave_out: str | None = None):
    """The filters of one validated parameter set applied to `qs`, optionally all but one."""
    for name, value in filterset.form.cleaned_data.items():
        # The text search is applied once, to the base, by dataset_search.
        if name not in (leave_out, "q"):
            qs = filterset.filters[name].filter(qs, value)
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
    if settings.SEARCH_BACKEND == "tantivy":
        from .tantivy import dataset_search as tantivy_search

        return tantivy_search(
            user=user, params=params, with_facets=with_facets, only_facets=only_facets
        )
    text = (params.get("q") or "").strip()
    ordering = params.get("ordering") or ("relevance" if text else BROWSE_ORDERING)
    base = selectors.dataset_list(user=user)
    if "status" not in params:
        base = base.filter(status=DatasetStatus.PUBLISHED)
    try:
        filterset = _validated(base, params)
    except SearchParameterError as error:
        errors = error.errors
    else:
        errors = {}
    if ordering not in ORDERINGS:
        errors["ordering"] = [f"Unknown ordering {ordering!r}; use one of: {', '.join(ORDERINGS)}."]
    if errors:
        raise SearchParameterError(errors)
    narrowed = any(value for name, value in filterset.form.cleaned_data.items() if name != "q")
    if text:
        base = base.search(text, narrowed=narrowed)
    plain = base.order_by().prefetch_related(None)
    matches = narrow_sql(_filtered(filterset, plain), _order(ordering, bool(text)))
    # A rebuilt result table needs the text's table of matches again.
    prepare = (lambda: Dataset.objects.none().search(text, narrowed=narrowed)) if text else None
    table = ResultTable(*matches, prepare=prepare) if matches else None
    rows = selectors.dataset_list(user=user)
    selected = {
        name: [v for v in params.getlist(name) if v.strip()]
        for name in facet_counts.NAMES
        if params.getlist(name)
    }
    found = SearchResults(
        queryset=ResultRows(table, rows), text=text, ordering=ordering, selected=selected
    )
    if with_facets:
        sources = {}
        for name in only_facets or facet_counts.NAMES:
            if name not in selected:
                sql = (f"SELECT * FROM {table.name}", []) if table else None
            else:  # counted without its own selection
                sql = narrow_sql(_filtered(filterset, plain, leave_out=name))
                sql = sql and sql[:2]
            if sql is None:
                found.facets[name] = []
            else:
                sources[name] = sql
        found.facets.update(facet_counts.count(sources, selected))
    return found
