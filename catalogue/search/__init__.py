"""Full-text search over datasets: one interface; the database's own search (PostgreSQL or
SQLite, by vendor) or, with SEARCH_BACKEND=tantivy, an embedded tantivy index.

`index_datasets(ids)` is the only way the index changes; every write path calls it once per
batch after the dataset, its themes, keywords and publisher are saved. `text_search(qs, text)`
narrows a queryset to matches and annotates `search_rank` (higher is better), `exact_match`
(title or identifier equal to the text) and `title_match` (the title alone matches);
`highlights(ids, text)` returns HTML-safe snippets for one page of results.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection

from . import postgres, sqlite
from .terms import index_terms, reindex_terms


def _backend():
    if settings.SEARCH_BACKEND == "tantivy":
        from . import tantivy  # imported on demand: it needs the models loaded

        return tantivy
    return postgres if connection.vendor == "postgresql" else sqlite


def index_datasets(ids: Iterable[Any]) -> None:
    """Bring the index rows of these datasets up to date (set-based; missing ids are dropped)."""
    ids = [str(i) for i in ids]
    if ids:
        _backend().index_datasets(ids)
        if settings.SEARCH_BACKEND != "tantivy":  # the index counts its own facets
            index_terms(ids)


def reindex_all() -> int:
    """Rebuild the whole index; returns the number of datasets indexed."""
    count = _backend().reindex_all()
    if settings.SEARCH_BACKEND != "tantivy":
        reindex_terms()
    return count


def text_search(qs, text: str, *, narrowed: bool = False):
    """`narrowed`: other filters will cut the matches down (a backend may then rank only the
    rows that remain)."""
    return _backend().text_search(qs, text, narrowed=narrowed)


def highlights(ids: Iterable[Any], text: str) -> dict[str, dict[str, str]]:
    ids = [str(i) for i in ids]
    if not ids or not text.strip():
        return {}
    return _backend().highlights(ids, text)


def typo_tolerant() -> bool:
    """Whether misspelled words still match (PostgreSQL trigrams, tantivy fuzzy terms)."""
    return _backend().TYPO_TOLERANT
