"""Which search backend runs: settings.SEARCH_BACKEND, a dotted path to a class keeping the
`base.SearchBackend` contract. "database" and "tantivy", the values deployments set before
backends were named by path, stay accepted as aliases."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import SearchBackend

ALIASES = {
    "database": "catalogue.search.database.DatabaseBackend",
    "tantivy": "catalogue.search.tantivy.TantivyBackend",
}
DEFAULT = "database"


def backend_path(value: str | None = None) -> str:
    """The dotted path a SEARCH_BACKEND value names."""
    value = (settings.SEARCH_BACKEND if value is None else value) or DEFAULT
    value = value.strip()
    return ALIASES.get(value.lower(), value)


@cache
def _load(path: str) -> SearchBackend:
    try:
        backend_class = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND {path!r} is not an importable class: {error}"
        ) from error
    backend = backend_class()
    if not isinstance(backend, SearchBackend):
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND {path!r} does not implement catalogue.search.base.SearchBackend."
        )
    return backend


def load_backend(value: str | None = None) -> SearchBackend:
    """The backend instance for a SEARCH_BACKEND value (the setting by default), one per
    process. Raises ImproperlyConfigured when the value names no backend class."""
    return _load(backend_path(value))


def get_backend() -> SearchBackend:
    return load_backend()
