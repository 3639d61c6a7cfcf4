from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from catalogue.models import Membership
from catalogue.vocabularies import Role


def branding(request: HttpRequest) -> dict:
    return {"GOVUK_BRANDING": settings.GOVUK_BRANDING, "SERVICE_NAME": settings.SERVICE_NAME}


def navigation(request: HttpRequest) -> dict:
    """Which role-specific links the header shows: {role: True} over all the user's memberships."""

    def roles() -> dict[str, bool]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {}
        if user.is_superuser:
            return dict.fromkeys(Role.values, True)
        held = Membership.objects.filter(user=user).values_list("role", flat=True).distinct()
        return dict.fromkeys(held, True)

    return {"nav_roles": SimpleLazyObject(roles)}
