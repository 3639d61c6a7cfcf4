"""Who may act on access requests and grants. Every check names the dataset's organisation."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from catalogue.models import Organisation
from catalogue.permissions import has_role, organisations_where
from catalogue.vocabularies import Role
from governance.rules import STEP_DECIDERS

User = AbstractBaseUser | AnonymousUser

DECIDER_ROLES = [Role.PUBLISHER, Role.GOVERNANCE_OFFICER]
OVERSIGHT_ROLES = [Role.GOVERNANCE_OFFICER, Role.ADMIN]  # revoke grants, read the audit log


def can_decide_step(user: User, organisation: Organisation, step_role: str) -> bool:
    return has_role(user, organisation, STEP_DECIDERS[step_role])


def deciding_organisations(user: User) -> list[int]:
    """Organisations whose requests the user may see in the queue."""
    return organisations_where(user, DECIDER_ROLES)


def oversight_organisations(user: User) -> list[int]:
    return organisations_where(user, OVERSIGHT_ROLES)


def can_oversee(user: User, organisation: Organisation) -> bool:
    return has_role(user, organisation, OVERSIGHT_ROLES)
