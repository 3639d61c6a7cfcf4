"""Full-text search over datasets: one contract (`base.SearchBackend`), implemented by the
database's own search (`database`: PostgreSQL or SQLite, by vendor) and by an embedded tantivy
index (`tantivy`); settings.SEARCH_BACKEND names the class (`backends`).

`index_datasets(ids)` is the only way the index changes; every write path calls it once per
batch after the dataset, its themes, keywords and publisher are saved. `text_search(qs, text)`
narrows a queryset to matches and annotates `search_rank` (higher is better), `exact_match`
(title or identifier equal to the text) and `title_match` (the title alone matches);
`highlights(ids, text)` returns HTML-safe snippets for one page of results.
"""

from collections.abc import Iterable
from typing import Any

from .backends import get_backend


def index_datasets(ids: Iterable[Any]) -> None:
    """Bring the index entries of these datasets up to date (set-based; missing ids are
    dropped)."""
    ids = [str(i) for i in ids]
    if ids:
        get_backend().index(ids)


def remove_datasets(ids: Iterable[Any]) -> None:
    """Drop the index entries of these datasets."""
    ids = [str(i) for i in ids]
    if ids:
        get_backend().remove(ids)


def reindex_all() -> int:
    """Rebuild the whole index; returns the number of datasets indexed."""
    return get_backend().rebuild()


def text_search(qs, text: str, *, narrowed: bool = False):
    """`narrowed`: other filters will cut the matches down (a backend may then rank only the
    rows that remain)."""
    return get_backend().text_search(qs, text, narrowed=narrowed)


def highlights(ids: Iterable[Any], text: str) -> dict[str, dict[str, str]]:
    ids = [str(i) for i in ids]
    if not ids or not text.strip():
        return {}
    return get_backend().highlights(ids, text)


def typo_tolerant() -> bool:
    """Whether misspelled words still match (PostgreSQL trigrams, tantivy fuzzy terms)."""
    return get_backend().typo_tolerant
