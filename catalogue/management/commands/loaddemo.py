"""Load the demo catalogue: real catalogue files harvested into several organisations."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from tqdm import tqdm

from catalogue.harvest.ckan import parse_ckan_file
from catalogue.harvest.datajson import parse_datajson
from catalogue.harvest.records import RecordError
from catalogue.models import Organisation
from catalogue.services import membership_create
from catalogue.services.records import dataset_upsert_record
from catalogue.vocabularies import OrganisationType, Role

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105 — printed on start; refused outside development

# (file, parser, owning organisation slug and title; None: the record's own CKAN organisation)
SOURCES = [
    (
        "opm.gov.data.json",
        parse_datajson,
        ("office-of-personnel-management", "Office of Personnel Management", "OPM"),
    ),
    (
        "opendata.fcc.gov.data.json",
        parse_datajson,
        ("federal-communications-commission", "Federal Communications Commission", "FCC"),
    ),
    ("data.gov.uk_package_search.json", parse_ckan_file, None),
    ("catalog.data.gov_package_search_rows10.json", parse_ckan_file, None),
]
HOME = "office-of-personnel-management"
USERS = [
    # (username, role in the home organisation or None, superuser, what they can try)
    ("admin", None, True, "system admin: everything, including /admin/"),
    ("publisher", Role.PUBLISHER, False, "publish and edit OPM's datasets"),
    ("officer", Role.GOVERNANCE_OFFICER, False, "decide access requests for OPM's datasets"),
    ("orgadmin", Role.ADMIN, False, "manage OPM's members"),
    ("analyst", None, False, "search and request access (member of the FCC)"),
]


class Command(BaseCommand):
    help = (
        "Load a demo catalogue from real catalogue files, and one demo user per role. Re-runnable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-demo-users",
            action="store_true",
            help="create the demo users (known password) even when DEBUG is off",
        )

    def handle(self, *args, allow_demo_users: bool, **options):
        if not (settings.DEBUG or allow_demo_users):
            raise CommandError(
                "loaddemo creates users with a known password; run it with DJANGO_DEBUG=true "
                "or pass --allow-demo-users."
            )
        total = 0
        for filename, parse, owner in SOURCES:
            total += self._load(DEMO_DIR / filename, parse, owner)
        self._users()
        if apps.is_installed("governance"):  # policies and requests; catalogue never imports it
            call_command("loadgovernancedemo", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo catalogue ready: {total} datasets."))
        self.stdout.write(f"Demo users (password “{DEMO_PASSWORD}”), sign in at /accounts/login/:")
        for username, _, _, what in USERS:
            self.stdout.write(f"  {username:<10} {what}")

    def _organisation(self, slug: str, title: str, abbreviation: str = "") -> Organisation:
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug[:100],
            defaults={
                "title": title[:200],
                "abbreviation": abbreviation,
                "organisation_type": OrganisationType.OTHER,
            },
        )
        return organisation

    @transaction.atomic
    def _load(self, path: Path, parse, owner) -> int:
        count = 0
        fixed = self._organisation(*owner) if owner else None
        for record in tqdm(parse(path), desc=path.name, unit=" datasets", disable=None):
            if isinstance(record, RecordError):
                self.stderr.write(
                    f"{path.name}: skipped {record.source_identifier}: {record.message}"
                )
                continue
            organisation = fixed or self._organisation(
                slugify(record.publisher_name) or "unknown-publisher",
                record.publisher_name or "Unknown publisher",
            )
            dataset_upsert_record(organisation=organisation, record=record)
            count += 1
        return count

    @transaction.atomic
    def _users(self) -> None:
        User = get_user_model()
        home = Organisation.objects.get(slug=HOME)
        fcc = Organisation.objects.get(slug="federal-communications-commission")
        for username, role, superuser, _ in USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.gov.uk"}
            )
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = user.is_staff = superuser
            user.save()
            if role:
                membership_create(actor=None, organisation=home, user=user, role=role)
            if username == "analyst":
                membership_create(actor=None, organisation=fcc, user=user, role=Role.MEMBER)
