from django.conf import settings
from django.http import HttpRequest


def branding(request: HttpRequest) -> dict:
    return {"GOVUK_BRANDING": settings.GOVUK_BRANDING, "SERVICE_NAME": settings.SERVICE_NAME}
