"""Writes to organisations and their memberships."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from catalogue.models import Membership, Organisation
from catalogue.permissions import require_role
from catalogue.services.changes import datasets_changed
from catalogue.vocabularies import Role


@transaction.atomic
def organisation_create(
    *, actor: AbstractBaseUser | None, slug: str, title: str, **fields
) -> Organisation:
    """System admins create organisations (actor None: an operator at the command line)."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("Only a system administrator can create organisations.")
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"An organisation with the slug “{slug}” already exists."})
    organisation = Organisation(slug=slug, title=title, **fields)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: AbstractBaseUser, organisation: Organisation, data: dict
) -> Organisation:
    """Organisation admins change its details; when the title, which search matches on, changes,
    its datasets go through the changed path."""
    require_role(actor, organisation, [Role.ADMIN], "change its details")
    old_title = organisation.title
    for name, value in data.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if organisation.title != old_title:
        datasets_changed(
            ids=organisation.datasets.values_list("pk", flat=True), reason="organisation renamed"
        )
    return organisation


@transaction.atomic
def membership_create(
    *, actor: AbstractBaseUser | None, organisation: Organisation, user: AbstractBaseUser, role: str
) -> Membership:
    """Give a user a role in an organisation; idempotent. Organisation admins manage members."""
    if actor is not None:
        require_role(actor, organisation, [Role.ADMIN], "manage its members")
    if role not in Role.values:
        raise ValidationError(
            {"role": f"“{role}” is not a role. Choose one of: {', '.join(Role.values)}."}
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership


@transaction.atomic
def membership_delete(*, actor: AbstractBaseUser, membership: Membership) -> None:
    require_role(actor, membership.organisation, [Role.ADMIN], "manage its members")
    if (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(organisation=membership.organisation, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
        and not actor.is_superuser
    ):
        raise ValidationError("An organisation must keep at least one admin.")
    membership.delete()
