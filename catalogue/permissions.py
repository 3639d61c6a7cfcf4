"""Who may do what to which organisation's data. Every check names the organisation."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from catalogue.models import Membership, Organisation
from catalogue.vocabularies import Role

User = AbstractBaseUser | AnonymousUser


def has_role(user: User, organisation: Organisation, roles: Iterable[str]) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, role__in=list(roles)
    ).exists()


def is_member(user: User, organisation: Organisation) -> bool:
    return has_role(user, organisation, Role.values)


def require_role(user: User, organisation: Organisation, roles: Iterable[str], action: str) -> None:
    roles = list(roles)
    if not has_role(user, organisation, roles):
        names = " or ".join(Role(r).label.lower() for r in roles)
        raise PermissionDenied(f"Only a {names} of {organisation.title} can {action}.")


def organisations_where(user: User, roles: Iterable[str]) -> list[int]:
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Organisation.objects.values_list("pk", flat=True))
    return list(
        Membership.objects.filter(user=user, role__in=list(roles)).values_list(
            "organisation_id", flat=True
        )
    )
