"""System checks of the catalogue's own settings, run at startup by every manage.py command."""

from django.conf import settings
from django.core.checks import Error, register

SEARCH_BACKENDS = ("database", "tantivy")


@register()
def search_backend_check(app_configs, **kwargs):
    backend = getattr(settings, "SEARCH_BACKEND", "database")
    if backend in SEARCH_BACKENDS:
        return []
    return [
        Error(
            f"Unknown SEARCH_BACKEND {backend!r}.",
            hint=f"Set SEARCH_BACKEND to one of: {', '.join(SEARCH_BACKENDS)}.",
            id="catalogue.E001",
        )
    ]
