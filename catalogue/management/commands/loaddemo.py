"""Load the demo catalogue: real catalogue files harvested into several organisations, through
the harvest service, so the demo shows sources and job reports at /harvest/."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from catalogue.harvest.services.run import harvest_source_run
from catalogue.harvest.services.sources import harvest_source_create
from catalogue.models import Dataset, HarvestSource, Organisation
from catalogue.services import membership_create
from catalogue.vocabularies import OrganisationType, Role

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105 — printed on start; refused outside development

# Each demo file is a harvest source of its organisation, with the address it was published
# at; `make run` has no network, so the demo runs harvest the saved copy through the same service.
SOURCES = [
    # (file, source type, source title, upstream URL, (organisation slug, title, abbreviation))
    (
        "opm.gov.data.json",
        "datajson",
        "OPM data.json",
        "https://www.opm.gov/data.json",
        ("office-of-personnel-management", "Office of Personnel Management", "OPM"),
    ),
    (
        "opendata.fcc.gov.data.json",
        "datajson",
        "FCC open data catalogue",
        "https://opendata.fcc.gov/data.json",
        ("federal-communications-commission", "Federal Communications Commission", "FCC"),
    ),
    (
        "data.gov.uk_package_search.json",
        "ckan",
        "data.gov.uk (CKAN)",
        "https://ckan.publishing.service.gov.uk/",
        ("government-digital-service", "Government Digital Service", "GDS"),
    ),
    (
        "catalog.data.gov_package_search_rows10.json",
        "ckan",
        "catalog.data.gov (CKAN)",
        "https://catalog.data.gov/",
        ("general-services-administration", "General Services Administration", "GSA"),
    ),
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
        for filename, source_type, title, url, owner in SOURCES:
            total += self._load(filename, source_type, title, url, owner)
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

    def _load(self, filename: str, source_type: str, title: str, url: str, owner) -> int:
        organisation = self._organisation(*owner)
        source = HarvestSource.objects.filter(organisation=organisation, title=title).first()
        if source is None:
            source = harvest_source_create(
                actor=None, organisation=organisation, title=title, url=url, source_type=source_type
            )
        with tqdm(desc=filename, unit=" records", disable=None) as bar:
            job = harvest_source_run(
                source=source, actor=None, path=DEMO_DIR / filename, progress=bar.update
            )
        self.stdout.write(f"{title}: {job.message}")
        if job.status == "failed":
            raise CommandError(f"The demo harvest of {filename} failed: {job.message}")
        return Dataset.objects.harvested_from(source.pk).published().count()

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
