"""System checks of the catalogue's own settings, run at startup by every manage.py command."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from catalogue.search.backends import ALIASES, load_backend


@register()
def search_backend_check(app_configs, **kwargs):
    backend = getattr(settings, "SEARCH_BACKEND", "database")
    try:
        load_backend(backend)
    except ImproperlyConfigured as error:
        return [
            Error(
                f"Unknown SEARCH_BACKEND {backend!r}: {error}",
                hint=(
                    "Set SEARCH_BACKEND to the dotted path of a class implementing "
                    f"catalogue.search.base.SearchBackend, or to one of: {', '.join(ALIASES)}."
                ),
                id="catalogue.E001",
            )
        ]
    return []
