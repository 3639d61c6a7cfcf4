"""The contract every search backend keeps, and the errors a backend may raise.

A backend is a class named by dotted path in settings.SEARCH_BACKEND (see `backends`); one
instance serves the process. Nothing outside the backend's own package knows which one runs:
writes call `index`/`remove`, the API and pages call `search`, `highlights` and `text_search`,
and the `searchindex` command and the drain task call `status`, `rebuild` and `drain`.

The parameters a search arrives with are read and checked once, for every backend, by
`query.search_request`; the search syntax is `syntax.parse`; who may see which dataset is
`catalogue.visibility.visibility_for`, which a backend translates into its own query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

    from .query import SearchRequest, SearchResults


class SearchIndexError(Exception):
    """The index cannot answer or be written now (e.g. written by an earlier release)."""


class SearchIndexBusy(SearchIndexError):
    """Another process holds the index's writer for longer than the caller would wait."""


@runtime_checkable
class SearchBackend(Protocol):
    """What a search backend provides. Ids are dataset primary keys as strings."""

    # Whether misspelled words still match (shown to users as a hint on the search page).
    typo_tolerant: bool

    def index(self, ids: list[str]) -> None:
        """Bring these datasets' entries up to date from the database, within the caller's
        transaction or queued behind it; ids of datasets that no longer exist are removed."""

    def remove(self, ids: list[str]) -> None:
        """Drop these datasets' entries: the datasets are deleted, or about to be in the
        caller's transaction (a backend that writes after the commit reads them then)."""

    def search(
        self,
        *,
        user: AbstractBaseUser | AnonymousUser,
        request: SearchRequest,
        with_facets: bool,
        only_facets: list[str] | None,
    ) -> SearchResults:
        """The datasets `user` may see that match `request`, in its order: a lazy sequence
        whose `count()` is the number of matches and whose slices read one window of ids,
        plus facet counts (all facets, or `only_facets`) unless `with_facets` is false."""

    def highlights(self, ids: list[str], text: str) -> dict[str, dict[str, str]]:
        """HTML-safe `title` and `description` snippets of `text` for one page of results."""

    def text_search(self, qs: QuerySet, text: str, *, narrowed: bool) -> QuerySet:
        """`qs` narrowed to matches of `text` and annotated with `search_rank` (higher is
        better), `exact_match` (title or identifier equal to the text) and `title_match` (the
        title alone matches), for callers that filter and order in the database themselves,
        such as the CKAN-compatible API. `narrowed`: other filters will cut the matches down."""

    def status(self) -> dict[str, Any]:
        """What the index holds and what waits to be written, for operators."""

    def rebuild(self) -> int:
        """Rewrite the whole index from the database; returns the number of datasets."""

    def drain(self) -> int:
        """Write the changes queued by `index`/`remove` (the work after a commit); returns how
        many were written. 0 for a backend that writes inside the caller's transaction."""
