"""The embedded tantivy search backend (`TantivyBackend`, SEARCH_BACKEND=tantivy): an index on
disk beside the database, fed through an outbox, answering searches, counts and facets for large
catalogues.

The database stays the record: the index returns ids, and every row shown is read from the
database through the visibility rule. See docs/architecture.md and docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, FloatField, Q, Value

from .index import IndexBusy, IndexSchemaChanged, document_count, forget_handles
from .outbox import drain, enqueue, pending, rebuild

TYPO_TOLERANT = True
# The most matches text_search hands to the database as ids, best first.
MAX_TEXT_MATCHES = 10_000

__all__ = [
    "TYPO_TOLERANT",
    "IndexBusy",
    "IndexSchemaChanged",
    "TantivyBackend",
    "dataset_search",
    "document_count",
    "drain",
    "forget_handles",
    "highlights",
    "index_datasets",
    "pending",
    "reindex_all",
    "text_search",
]


def index_datasets(ids: list[str]) -> None:
    enqueue(ids)


def reindex_all() -> int:
    return rebuild()


def dataset_search(**kwargs):
    from .search import dataset_search as search

    return search(**kwargs)


def text_search(qs, text: str, *, narrowed: bool = False):
    """The queryset narrowed to the best MAX_TEXT_MATCHES matches of `text` (for callers that
    filter and order in the database themselves, such as the CKAN-compatible API). `narrowed`
    changes nothing here: the index ranks every match anyway."""
    from .search import matching_ids

    ids = matching_ids(text, MAX_TEXT_MATCHES)
    exact = text.strip()
    return qs.filter(pk__in=ids).annotate(
        search_rank=Value(0.0, output_field=FloatField()),
        exact_match=ExpressionWrapper(
            Q(title__iexact=exact) | Q(identifier=exact), output_field=BooleanField()
        ),
        title_match=Value(False, output_field=BooleanField()),
    )


def highlights(ids: list[str], text: str) -> dict[str, dict[str, str]]:
    from catalogue.models import Dataset

    from .highlight import highlights as mark
    from .index import searcher
    from .text import TextQuery

    query = TextQuery(text, searcher())
    typos = {
        t.tokens[0]
        for group in query.parsed.positive
        for t in group
        if t.typo_tolerant and query._is_unknown(t.tokens[0])
    }
    rows = Dataset.objects.filter(pk__in=ids).values_list("pk", "title", "summary", "description")
    return mark(rows, text, typos)


def status() -> dict[str, Any]:
    return {"documents": document_count(), "outbox": pending()}


class TantivyBackend:
    """settings.SEARCH_BACKEND = "tantivy". Writes go through the outbox in the caller's
    transaction; the drain after the commit (or the beat's, every minute) writes the index."""

    typo_tolerant = TYPO_TOLERANT

    def index(self, ids: list[str]) -> None:
        enqueue(ids)

    def remove(self, ids: list[str]) -> None:
        # A drained id whose dataset is gone has its document deleted.
        enqueue(ids)

    def rebuild(self) -> int:
        return rebuild()

    def drain(self) -> int:
        return drain()

    def status(self) -> dict[str, Any]:
        from django.conf import settings

        return {"directory": str(settings.SEARCH_INDEX_DIR), **status()}

    def text_search(self, qs, text: str, *, narrowed: bool = False):
        return text_search(qs, text, narrowed=narrowed)

    def highlights(self, ids: list[str], text: str) -> dict[str, dict[str, str]]:
        return highlights(ids, text)

    def search(self, *, user, request, with_facets: bool, only_facets: list[str] | None):
        return dataset_search(
            user=user, request=request, with_facets=with_facets, only_facets=only_facets
        )
