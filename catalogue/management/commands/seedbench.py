"""Load N synthetic datasets for benchmarks (catalogue/management/corpus.py), in bulk, then
index them.

Not for production catalogues: records are published, belong to generated organisations and
carry a drawn quality rating instead of an assessed one.
"""

import datetime as dt
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalogue import search
from catalogue.management.corpus import Generator, load_vocabulary
from catalogue.models import Dataset, Distribution, Organisation, Theme

BATCH = 5000
RATINGS = [("excellent", 5), ("good", 30), ("sufficient", 45), ("bad", 20)]
SCORES = {"excellent": 380, "good": 260, "sufficient": 150, "bad": 60}


class Command(BaseCommand):
    help = "Load N synthetic datasets with realistic text and facets, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--datasets", type=int, required=True)
        parser.add_argument("--seed", type=int, default=20261127)

    def handle(self, *args, datasets: int, seed: int, **options):
        if datasets <= 0:
            raise CommandError("--datasets must be a positive number.")
        if Dataset.objects.filter(slug__startswith="bench-").exists():
            raise CommandError("This database already holds benchmark datasets; use a fresh one.")
        started = time.perf_counter()
        generator = Generator(load_vocabulary(), seed=seed)
        organisations = self._organisations(generator.publishers)
        themes = dict(Theme.objects.values_list("slug", "pk"))
        now = timezone.now()
        through = Dataset.theme.through
        for start in range(0, datasets, BATCH):
            rows, dists, links = [], [], []
            for i in range(start, min(start + BATCH, datasets)):
                record = generator.record()
                rating = generator._pick(RATINGS)
                pk = uuid.uuid4()
                rows.append(
                    Dataset(
                        id=pk,
                        slug=f"bench-{i}",
                        identifier=f"bench:{i}",
                        title=record["title"],
                        summary=record["summary"],
                        description=record["description"],
                        keyword=record["keyword"],
                        publisher_id=organisations[record["publisher"]],
                        licence=record["licence"][:500],
                        access_rights=record["access_rights"],
                        metadata_visibility=record["metadata_visibility"],
                        status="published",
                        modified=now - dt.timedelta(days=record["modified_days_ago"]),
                        published_at=now,
                        quality_rating=rating,
                        quality_score=SCORES[rating],
                    )
                )
                dists.append(
                    Distribution(
                        dataset_id=pk,
                        title=record["format"],
                        format=record["format"][:100],
                        download_url=f"https://data.example.org/{i}",
                    )
                )
                links.append(through(dataset_id=pk, theme_id=themes[record["theme"]]))
            with transaction.atomic():
                Dataset.objects.bulk_create(rows)
                Distribution.objects.bulk_create(dists)
                through.objects.bulk_create(links)
            self.stdout.write(f"  {start + len(rows)} datasets")
        loaded = time.perf_counter()
        with transaction.atomic():
            search.reindex_all()
        with connection.cursor() as cursor:
            # Planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite)
            # keep them in a running catalogue.
            cursor.execute("ANALYZE")
        indexed = time.perf_counter()
        self.stdout.write(
            f"Loaded {datasets} datasets in {loaded - started:.1f} s, "
            f"indexed in {indexed - loaded:.1f} s."
        )

    @staticmethod
    def _organisations(names: list[str]) -> dict[str, int]:
        ids = {}
        for name in names:
            slug = slugify(name)[:90] or "publisher"
            organisation, _ = Organisation.objects.get_or_create(
                slug=f"bench-{slug}", defaults={"title": name[:200]}
            )
            ids[name] = organisation.pk
        return ids
