"""The dataset search every interface uses: visibility, filters, text, ordering and facets.

The API and the search page both call `dataset_search`; neither filters, counts or orders
datasets itself. Counts follow the usual faceted-search rules: values of one facet OR together,
different facets AND together, and a facet's own selection never shrinks its own counts.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import QueryDict

from catalogue.errors import SearchParameterError
from catalogue.models import Dataset

from . import facets as facet_counts
from . import highlights
from .backends import get_backend
from .filters import DatasetFilter
from .results import ResultRows

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
    return get_backend().search(
        user=user, request=request, with_facets=with_facets, only_facets=only_facets
    )
