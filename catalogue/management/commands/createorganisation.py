from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalogue.models import Organisation
from catalogue.services import organisation_create
from catalogue.vocabularies import OrganisationType


class Command(BaseCommand):
    help = "Create an organisation (idempotent: an existing slug is left as it is)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--title", required=True)
        parser.add_argument("--abbreviation", default="")
        parser.add_argument(
            "--type",
            dest="organisation_type",
            choices=OrganisationType.values,
            default=OrganisationType.OTHER,
        )
        parser.add_argument("--parent", help="slug of the parent organisation")
        parser.add_argument("--email", default="")
        parser.add_argument("--homepage", default="")

    def handle(self, *args, slug, title, parent, **options):
        existing = Organisation.objects.filter(slug=slug).first()
        if existing:
            self.stdout.write(f"Organisation {slug} already exists ({existing.title}).")
            return
        fields = {k: options[k] for k in ("abbreviation", "organisation_type", "email", "homepage")}
        if parent:
            fields["parent"] = Organisation.objects.filter(slug=parent).first()
            if fields["parent"] is None:
                raise CommandError(f"No organisation with the slug “{parent}”.")
        try:
            organisation_create(actor=None, slug=slug, title=title, **fields)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created organisation {slug}."))
