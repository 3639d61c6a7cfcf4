"""The tantivy search index: its state, and the two ways to bring it up to date."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Show the search index (documents, outbox length); --drain writes the datasets waiting "
        "in the outbox; --rebuild rewrites the whole index from the database. "
        "For SEARCH_BACKEND=tantivy."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rebuild", action="store_true", help="rebuild the whole index")
        action.add_argument("--drain", action="store_true", help="index what the outbox holds")

    def handle(self, *args, rebuild=False, drain=False, **options):
        if settings.SEARCH_BACKEND != "tantivy":
            if rebuild:
                from catalogue.search import reindex_all

                count = reindex_all()
                self.stdout.write(f"Rebuilt the database search index: {count} datasets.")
                return
            raise CommandError(
                f"SEARCH_BACKEND is {settings.SEARCH_BACKEND!r}: the database's own search "
                "index needs no draining (use --rebuild to rebuild it)."
            )
        from catalogue.search import tantivy

        try:
            if rebuild:
                count = tantivy.reindex_all()
                self.stdout.write(f"Rebuilt the search index: {count} datasets.")
            elif drain:
                count = tantivy.drain()
                self.stdout.write(f"Drained the outbox: {count} changes indexed.")
        except tantivy.IndexBusy as exc:
            raise CommandError(f"{exc} Try again when the running drain or rebuild ends.") from exc
        try:
            state = tantivy.status()
        except tantivy.IndexSchemaChanged as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Search index {settings.SEARCH_INDEX_DIR}: {state['documents']} documents, "
            f"{state['outbox']} changes waiting in the outbox."
        )
