"""The database's own full-text search as a search backend: PostgreSQL (`postgres`) or SQLite
(`sqlite`), chosen by the connection's vendor. The index lives in tables written inside the
writing transaction, so there is never anything to drain; matches are narrowed, ordered and
counted in SQL through a result table (`results`), and facets are grouped from it (`facets`).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Length

from catalogue import selectors
from catalogue.models import Dataset
from catalogue.vocabularies import DatasetStatus

from . import facets as facet_counts
from . import postgres, sqlite
from .query import SearchRequest, SearchResults
from .results import ResultTable, TableRows, narrow_sql
from .terms import index_terms, reindex_terms, remove_terms


def _engine():
    return postgres if connection.vendor == "postgresql" else sqlite


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


def _filtered(request: SearchRequest, qs: QuerySet, *, leave_out: str | None = None):
    """The request's filters applied to `qs`, optionally all but one."""
    for name, value in request.filters.items():
        # The text search is applied once, to the base, by dataset_search.
        if name not in (leave_out, "q"):
            qs = request.filterset.filters[name].filter(qs, value)
    return qs


class DatabaseBackend:
    """settings.SEARCH_BACKEND = "database" (the default)."""

    @property
    def typo_tolerant(self) -> bool:
        return _engine().TYPO_TOLERANT

    def index(self, ids: list[str]) -> None:
        _engine().index_datasets(ids)
        index_terms(ids)  # the facet terms counted by `facets`

    def remove(self, ids: list[str]) -> None:
        _engine().remove_datasets(ids)
        remove_terms(ids)

    def rebuild(self) -> int:
        count = _engine().reindex_all()
        reindex_terms()
        return count

    def drain(self) -> int:
        return 0

    def status(self) -> dict[str, Any]:
        return {"engine": connection.vendor, "documents": _engine().document_count()}

    def text_search(self, qs: QuerySet, text: str, *, narrowed: bool = False) -> QuerySet:
        return _engine().text_search(qs, text, narrowed=narrowed)

    def highlights(self, ids: list[str], text: str) -> dict[str, dict[str, str]]:
        return _engine().highlights(ids, text)

    def search(
        self,
        *,
        user: AbstractBaseUser | AnonymousUser,
        request: SearchRequest,
        with_facets: bool,
        only_facets: list[str] | None,
    ) -> SearchResults:
        text, ordering, selected = request.text, request.ordering, request.selected
        base = selectors.dataset_list(user=user)
        if request.default_status:
            base = base.filter(status=DatasetStatus.PUBLISHED)
        narrowed = request.narrowed
        if text:
            base = self.text_search(base, text, narrowed=narrowed)
        plain = base.order_by().prefetch_related(None)
        matches = narrow_sql(_filtered(request, plain), _order(ordering, bool(text)))
        # A rebuilt result table needs the text's table of matches again.
        prepare = (
            (lambda: self.text_search(Dataset.objects.none(), text, narrowed=narrowed))
            if text
            else None
        )
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
