from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalogue.models import Dataset
from catalogue.services.validation import SAMPLE_BYTES, dataset_validate, outbound_client


class Command(BaseCommand):
    help = "Check datasets' links and recompute their metadata quality scores."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--dataset", help="a dataset's slug or id")
        which.add_argument("--organisation", help="every dataset of an organisation (slug)")
        which.add_argument("--all", action="store_true", help="every published dataset")
        parser.add_argument("--no-links", action="store_true", help="only recompute quality")

    def handle(self, *args, dataset, organisation, all, no_links, **options):
        datasets = Dataset.objects.all()
        if dataset:
            datasets = datasets.filter(slug=dataset) | datasets.filter(identifier=dataset)
        elif organisation:
            datasets = datasets.filter(publisher__slug=organisation)
        else:
            datasets = datasets.filter(status=Dataset.Status.PUBLISHED)
        if not datasets.exists():
            raise CommandError("No dataset matches.")
        ratings: dict[str, int] = {}
        with outbound_client(max_bytes=SAMPLE_BYTES) as client:
            for item in tqdm(
                datasets.order_by("pk"), total=datasets.count(), unit=" datasets", disable=None
            ):
                dataset_validate(dataset=item, check_links=not no_links, client=client)
                ratings[item.quality_rating] = ratings.get(item.quality_rating, 0) + 1
        summary = ", ".join(f"{count} {rating}" for rating, count in sorted(ratings.items()))
        self.stdout.write(
            self.style.SUCCESS(f"Validated {sum(ratings.values())} datasets: {summary}.")
        )
