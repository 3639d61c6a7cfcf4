"""The search index: its state, and the two ways to bring it up to date, on whichever backend
settings.SEARCH_BACKEND names."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalogue.search.backends import get_backend
from catalogue.search.base import SearchIndexBusy, SearchIndexError


class Command(BaseCommand):
    help = (
        "Show the search index (what it holds, what waits to be written); --drain writes the "
        "changes waiting to be indexed; --rebuild rewrites the whole index from the database."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rebuild", action="store_true", help="rebuild the whole index")
        action.add_argument("--drain", action="store_true", help="index the waiting changes")

    def handle(self, *args, rebuild=False, drain=False, **options):
        backend = get_backend()
        try:
            if rebuild:
                count = backend.rebuild()
                self.stdout.write(f"Rebuilt the search index: {count} datasets.")
            elif drain:
                count = backend.drain()
                self.stdout.write(f"Drained the waiting changes: {count} indexed.")
        except SearchIndexBusy as exc:
            raise CommandError(f"{exc} Try again when the running drain or rebuild ends.") from exc
        try:
            state = backend.status()
        except SearchIndexError as exc:
            raise CommandError(str(exc)) from exc
        shown = ", ".join(f"{key}: {value}" for key, value in state.items())
        self.stdout.write(f"Search index ({settings.SEARCH_BACKEND}): {shown}.")
