"""Run a harvest now, in this process, with a progress bar."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalogue.harvest.services.run import HarvestBusy, harvest_source_run
from catalogue.harvest.services.sources import harvest_source_create
from catalogue.harvest.types import SOURCE_TYPES, unknown_source_type_message
from catalogue.models import HarvestSource, Organisation


class Command(BaseCommand):
    help = (
        "Harvest a source now: `harvest SOURCE_ID [--file PATH]`, or "
        "`harvest --url URL|--file PATH --type TYPE --organisation SLUG` (the source is created "
        "on first use and reused after, so runs stay incremental and idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source_id", nargs="?", type=int, help="id of an existing source")
        parser.add_argument("--url", help="address of the catalogue to harvest")
        parser.add_argument("--file", type=Path, help="a saved catalogue document to harvest")
        parser.add_argument(
            "--type", dest="source_type", help=f"source type: {', '.join(SOURCE_TYPES)}"
        )
        parser.add_argument("--organisation", help="slug of the organisation that owns the data")
        parser.add_argument("--title", help="title for a new source (default: the URL or file)")

    def handle(self, *args, source_id, url, file, source_type, organisation, title, **options):
        if file is not None and not file.is_file():
            raise CommandError(f"No such file: {file}")
        source = self._source(source_id, url, file, source_type, organisation, title)
        with tqdm(desc=source.title[:40], unit=" records", disable=None) as bar:
            try:
                job = harvest_source_run(source=source, actor=None, path=file, progress=bar.update)
            except HarvestBusy as exc:
                raise CommandError(str(exc)) from None
        style = self.style.SUCCESS if job.status == "succeeded" else self.style.WARNING
        if job.status == "failed":
            style = self.style.ERROR
        self.stdout.write(style(f"Job {job.pk} {job.get_status_display().lower()}: {job.message}"))
        for issue in job.issues.filter(level="error")[:20]:
            self.stdout.write(f"  failed {issue.identifier}: {issue.message}")
        if job.status == "failed":
            raise CommandError(f"Harvest of {source} failed.")

    def _source(self, source_id, url, file, source_type, organisation, title) -> HarvestSource:
        if source_id is not None:
            if url or source_type or organisation:
                raise CommandError(
                    "Give either a source id or --url/--file with --type and --organisation."
                )
            source = HarvestSource.objects.filter(pk=source_id).first()
            if source is None:
                raise CommandError(f"No harvest source with id {source_id}.")
            return source
        if not (url or file) or not source_type or not organisation:
            raise CommandError(
                "Give a source id, or --url or --file together with --type and --organisation."
            )
        if source_type not in SOURCE_TYPES:
            raise CommandError(unknown_source_type_message(source_type))
        owner = Organisation.objects.filter(slug=organisation).first()
        if owner is None:
            raise CommandError(f"No organisation with the slug “{organisation}”.")
        title = title or url or file.name
        existing = HarvestSource.objects.filter(
            organisation=owner, source_type=source_type, url=url or "", title=title
        ).first()
        if existing:
            return existing
        if url is None:  # a file-only source: no URL, so never scheduled or run from the web
            return HarvestSource.objects.create(
                organisation=owner, title=title, url="", source_type=source_type
            )
        try:
            return harvest_source_create(
                actor=None, organisation=owner, title=title, url=url, source_type=source_type
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
