"""`dataset_search` on the tantivy index: the same parameters, checks, order and facets as the
database backends, with the index answering which datasets match and in what order.

Visibility is applied twice. The index query holds the visibility rule, so counts and facets
only count what the user may see; the rows of a page are then read from the database through
`selectors.dataset_list(user=…)`, the one visibility rule, so an index that lags a change can
never show a row the user may not see. Counts may lag a write by the drain delay.
"""

from __future__ import annotations

import uuid
from functools import cached_property

import tantivy
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from tantivy import Occur, Order, Query

from catalogue import selectors
from catalogue.search.results import ResultRows
from catalogue.visibility import visibility_for
from catalogue.vocabularies import DatasetStatus

from . import facets
from .index import SCHEMA, ids_of, searcher
from .text import TextQuery, conjunction


def _terms(field: str, values: list) -> Query:
    if len(values) == 1:
        return Query.term_query(SCHEMA, field, values[0])
    return Query.term_set_query(SCHEMA, field, values)


def _visible(user: AbstractBaseUser | AnonymousUser) -> Query | None:
    """`catalogue.visibility.visibility_for(user)` over the index's fields (None: everything)."""
    rule = visibility_for(user)
    if rule.everything:
        return None
    listed = _terms("status", [str(s) for s in rule.listed_statuses])
    shown = [_terms("metadata_visibility", [str(m) for m in rule.metadata_visibilities])]
    granted = [str(pk) for pk in rule.granted_datasets or ()]
    if granted:
        shown.append(_terms("id", granted))
    either = [conjunction([listed, Query.boolean_query([(Occur.Should, q) for q in shown])])]
    organisations = list(rule.member_organisations or ())
    if organisations:
        either.append(_terms("publisher_org", organisations))
    return Query.boolean_query([(Occur.Should, q) for q in either])


# Filter name -> (index field, how a value becomes a term).
_FIELDS = {
    "publisher": ("publisher", str),
    "organisation": ("publisher", str),
    "theme": ("theme", str),
    "keyword": ("keyword", str.lower),
    "format": ("format", str.lower),
    "licence": ("licence", str),
    "access_rights": ("access_rights", str),
    "security_classification": ("security_classification", str),
    "quality_rating": ("quality_rating", str),
    "status": ("status", str),
    "type": ("type", str),
}


def _filter(name: str, value) -> Query | None:
    if name in _FIELDS:
        if not value:
            return None
        field, term = _FIELDS[name]
        return _terms(field, list(dict.fromkeys(term(v) for v in value)))
    if name == "harvest_source" and value is not None:
        return Query.term_query(SCHEMA, "harvest_source", int(value))
    if name == "modified_since" and value is not None:
        since = int(value.timestamp() * 1_000_000)
        return Query.range_query(
            SCHEMA, "metadata_modified", tantivy.FieldType.Integer, lower_bound=since
        )
    return None


def _quiet(query: Query) -> Query:
    """A filter that narrows the matches without adding to their relevance."""
    return Query.const_score_query(query, 0.0)


class EngineQuery:
    """One validated search: what matches, in which order, over one searcher."""

    def __init__(self, *, user, filters: dict, text: str, ordering: str, default_status: bool):
        self.user = user
        self.searcher = searcher()
        self.text = TextQuery(text, self.searcher) if text else None
        self.ordering = ordering
        self.cleaned = {k: v for k, v in filters.items() if k != "q"}
        self.visibility = _visible(user)
        self.default_status = default_status

    def narrowing(self, leave_out: str | None = None) -> list[Query]:
        """Visibility, the default status and every filter, optionally all but one."""
        parts = [] if self.visibility is None else [self.visibility]
        if self.default_status:
            parts.append(Query.term_query(SCHEMA, "status", DatasetStatus.PUBLISHED.value))
        for name, value in self.cleaned.items():
            if name == leave_out:
                continue
            if (query := _filter(name, value)) is not None:
                parts.append(query)
        return parts

    def matching(self, leave_out: str | None = None) -> Query:
        parts = [_quiet(q) for q in self.narrowing(leave_out)]
        if self.text is not None:
            parts.append(self.text.found())
        return conjunction(parts)

    @cached_property
    def query(self) -> Query:
        return self.matching()

    @cached_property
    def total(self) -> int:
        return self.searcher.search(self.query, limit=1, count=True).count

    def _tiers(self) -> list[tuple[Query, dict]]:
        """(query, search options) in the order their hits are listed."""
        if self.ordering == "title" or self.ordering == "-title":
            order = Order.Asc if self.ordering == "title" else Order.Desc
            return [(self.query, {"order_by_field": "title_sort", "order": order})]
        if self.ordering == "modified":
            return [(self.query, {"order_by_field": "modified_oldest", "order": Order.Asc})]
        if self.text is None or self.ordering != "relevance":
            return [(self.query, {"order_by_field": "modified_newest", "order": Order.Desc})]
        # Relevance: an exact title or identifier first, then records whose title alone
        # matches (shorter titles first among equals), then the rest by BM25; quality and
        # recency only break ties.
        exact = self.text.exact()
        in_title = self.text.title_matches()
        not_exact = (Occur.MustNot, exact)
        tiers = [(Query.boolean_query([(Occur.Must, self.query), (Occur.Must, exact)]), {})]
        if in_title is not None:
            title_tier = [(Occur.Must, self.query), (Occur.Must, _quiet(in_title)), not_exact]
            rest = [(Occur.Must, self.query), (Occur.MustNot, in_title), not_exact]
            tiers.append((Query.boolean_query(title_tier), {"weight_by_field": "title_fit"}))
            tiers.append((Query.boolean_query(rest), {"weight_by_field": "tie_break"}))
        return tiers

    def ids(self, offset: int, limit: int) -> list[uuid.UUID]:
        """The ids of matches offset … offset+limit-1, in order."""
        found: list[uuid.UUID] = []
        for query, options in self._tiers():
            if limit <= 0:
                break
            result = self.searcher.search(query, limit=limit, offset=offset, count=True, **options)
            addresses = [address for _, address in result.hits]
            found += ids_of(self.searcher, addresses)
            limit -= len(addresses)
            offset = max(offset - result.count, 0)
        return found


class SearchHits(ResultRows):
    """The matches of a search on the index: each window runs the index search for it."""

    def __init__(self, engine: EngineQuery, user) -> None:
        super().__init__(selectors.dataset_list(user=user))
        self.engine = engine

    def count(self) -> int:
        return self.engine.total

    def ids(self, start: int, stop: int) -> list[uuid.UUID]:
        return self.engine.ids(start, stop - start)


def dataset_search(
    *, user: AbstractBaseUser | AnonymousUser, request, with_facets: bool, only_facets
):
    """`query.dataset_search` on the index, for a request it has already read and checked."""
    from catalogue.search.query import SearchResults

    engine = EngineQuery(
        user=user,
        filters=request.filters,
        text=request.text,
        ordering=request.ordering,
        default_status=request.default_status,
    )
    found = SearchResults(
        queryset=SearchHits(engine, user),
        text=request.text,
        ordering=request.ordering,
        selected=request.selected,
    )
    if with_facets:
        names = only_facets or list(facets.FACETS)
        found.facets = facets.counts(engine, names, request.selected)
    return found


def matching_ids(text: str, limit: int) -> list[uuid.UUID]:
    """Ids of the best `limit` datasets matching `text`, whoever may see them (callers narrow
    by visibility in the database)."""
    engine = EngineQuery(
        user=_Everyone(), filters={}, text=text, ordering="relevance", default_status=False
    )
    return engine.ids(0, max(limit, 1))


class _Everyone:
    is_authenticated = True
    is_superuser = True
