from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.models import Organisation
from catalogue.services import membership_create
from catalogue.vocabularies import Role


class Command(BaseCommand):
    help = "Create or update a user, optionally with a role in an organisation (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="set (or reset) the password")
        parser.add_argument("--organisation", help="organisation slug")
        parser.add_argument("--role", choices=Role.values, default=Role.MEMBER)
        parser.add_argument("--superuser", action="store_true")

    @transaction.atomic
    def handle(self, *args, username, email, password, organisation, role, superuser, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with the slug “{organisation}”.")
        user, created = get_user_model().objects.get_or_create(username=username)
        if email:
            user.email = email
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        if superuser:
            user.is_superuser = user.is_staff = True
        user.save()
        if org is not None:
            membership_create(actor=None, organisation=org, user=user, role=role)
        what = "Created" if created else "Updated"
        where = f" as {Role(role).label.lower()} of {org.title}" if org else ""
        self.stdout.write(self.style.SUCCESS(f"{what} user {username}{where}."))
